"""Per-call random draws, taken in arrival order so that scenarios share their callers.

Each call type and origin (fresh callers, repeat calls) has its own rows; each
quantity in a row comes from its own named stream, so that changing one
distribution leaves the others' draws untouched (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np

from ccsim.engine.distributions import patience_sampler, sampler
from ccsim.engine.streams import Buffered, Streams, uniform
from ccsim.scenario.schema import CallType

INF = math.inf


class CallDraws:
    """Per-call draws of one call type and origin, in arrival order (common random numbers).

    Each call takes one row: uniforms for (network, tier, IVR loss, password asked,
    password tries, containment, resolution, dialect, work order) and its patience,
    talk and wrap times,
    each quantity from its own stream so that changing one distribution leaves the
    others' draws untouched.
    """

    __slots__ = ("_patience", "_talk", "_u", "_wrap", "next")

    N_UNIFORM = 9

    def __init__(
        self, streams: Streams, prefix: str, ct: CallType, tier_factor: list[float]
    ) -> None:
        self._u = streams.rng(f"{prefix}/uniform")
        self._talk = (streams.rng(f"{prefix}/talk"), sampler(ct.handle_time))
        self._wrap = (streams.rng(f"{prefix}/wrap"), sampler(ct.wrap_time))
        ps = patience_sampler(ct.patience)
        self._patience = None if ps is None else (streams.rng(f"{prefix}/patience"), ps)
        #: the next call's row of draws: ``[u_net, u_tier, u_lost, u_pw, u_tries,
        #: u_contained, u_fcr, u_dialect, u_order, patience, talk, wrap]`` (a block of
        #: rows is drawn when its first row is asked for)
        self.next: Callable[[], list[float]] = self._blocks().__next__

    def _blocks(self) -> Iterator[list[float]]:
        n = 512
        while True:
            u = self._u.random((n, self.N_UNIFORM))
            cols = [u]
            if self._patience is None:
                cols.append(np.full((n, 1), INF))
            else:
                cols.append(self._patience[1](self._patience[0], n)[:, None])
            cols.append(self._talk[1](self._talk[0], n)[:, None])
            cols.append(self._wrap[1](self._wrap[0], n)[:, None])
            yield from np.hstack(cols).tolist()


IvrStreams = tuple[Buffered, Buffered, Buffered, Buffered]


def ivr_streams(streams: Streams, call_types: list[CallType]) -> list[IvrStreams | None]:
    """Per call type with an IVR: times to an agent, of self-service, to abandon, per password try."""
    out: list[IvrStreams | None] = []
    for ct in call_types:
        ivr = ct.ivr
        if ivr is None:
            out.append(None)
            continue
        to_agent = ivr.time_to_agent
        out.append(
            (
                streams.buffered(f"ivr/{ct.id}/to_agent", sampler(to_agent)),
                streams.buffered(
                    f"ivr/{ct.id}/self_service", sampler(ivr.time_self_service or to_agent)
                ),
                streams.buffered(
                    f"ivr/{ct.id}/to_abandon", sampler(ivr.time_to_abandon or to_agent)
                ),
                streams.buffered(
                    f"ivr/{ct.id}/password_try",
                    sampler(ivr.password.try_time if ivr.password else None),
                ),
            )
        )
    return out


def repeat_streams(
    streams: Streams, call_types: list[CallType]
) -> tuple[list[Buffered], list[Buffered], list[Buffered]]:
    """Per call type: the redial draw, the redial delay and the return delay."""
    return (
        [streams.buffered(f"redial/{ct.id}/u", uniform) for ct in call_types],
        [
            streams.buffered(
                f"redial/{ct.id}/delay", sampler(ct.redial.delay if ct.redial else None)
            )
            for ct in call_types
        ],
        [streams.buffered(f"return/{ct.id}/delay", sampler(ct.return_delay)) for ct in call_types],
    )
