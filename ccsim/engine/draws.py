"""Per-call random draws, taken in arrival order so that scenarios share their callers.

Each call type and origin (fresh callers, repeat calls) has its own rows; each
quantity in a row comes from its own named stream, so that changing one
distribution leaves the others' draws untouched (common random numbers).

Common random numbers make the rows of a replication the same in every run of it:
the staffing search simulates each of its replications once per candidate plan. A
run made ``with keeping(tapes)`` reads each stream's rows from a tape in ``tapes``
(``DrawTape``), kept from an earlier run of the same replication, and draws only the
rows no earlier run needed, adding them to the tape: the same rows, without drawing
them again (about a tenth of a province replication's time).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

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
        self.next: Callable[[], list[float]]
        tapes = getattr(_KEEPING, "tapes", None)
        if tapes is None:
            self.next = _rows(self._blocks()).__next__
            return
        key = (streams.seed, streams.replication, prefix)
        tape = tapes.get(key)
        if tape is None:
            tape = tapes[key] = DrawTape(self._blocks())
        self.next = _replay(tape).__next__

    def _blocks(self) -> Iterator[list[list[float]]]:
        """Blocks of rows, drawn one block at a time."""
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
            yield np.hstack(cols).tolist()


def _rows(blocks: Iterator[list[list[float]]]) -> Iterator[list[float]]:
    for block in blocks:
        yield from block


class DrawTape:
    """The rows of one stream of per-call draws drawn so far, and the blocks that follow.

    ``blocks`` draws from the stream of the run that made the tape: the next block of
    every run of that replication. Rows are only read, never changed.
    """

    __slots__ = ("blocks", "rows")

    def __init__(self, blocks: Iterator[list[list[float]]]) -> None:
        self.rows: list[list[float]] = []
        self.blocks = blocks


def _replay(tape: DrawTape) -> Iterator[list[float]]:
    """The tape's rows from the first, drawing (and keeping) a block when they run out.

    By position: two runs reading the same tape at once see the same rows.
    """
    rows = tape.rows
    i = 0
    while True:
        if i == len(rows):
            rows.extend(next(tape.blocks))
        n = len(rows)
        yield from rows[i:n]
        i = n


#: per thread: ``tapes``, those of the ``keeping`` block open in it
_KEEPING = threading.local()


@contextmanager
def keeping(tapes: dict[Any, DrawTape] | None) -> Iterator[None]:
    """Simulations made in this block (this thread) read their per-call draws from ``tapes``.

    ``tapes`` maps ``(seed, replication, stream)`` to its tape, for one scenario (its
    runs may differ in staffing only); None: drawn as usual. The caller owns it and
    drops it when the runs of these replications are over (a tape holds every row a
    run has needed: about 40 MB for a province replication).
    """
    outer = getattr(_KEEPING, "tapes", None)
    _KEEPING.tapes = tapes
    try:
        yield
    finally:
        _KEEPING.tapes = outer


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
