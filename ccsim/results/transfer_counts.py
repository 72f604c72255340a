"""Transfers after the first talk in one replication: counts per group and call type.

From the second legs the engine records (``ccsim.engine.transfers``): per transferring
group and call type, the calls transferred (blind, consult), answered by a second agent,
lost (hung up) or still waiting after the transfer, their wait after the transfer and the
first agents' hold; per receiving group and call type, the calls it took on and their
talk and wrap. Calls that arrived in the warm-up are left out, as in the cells.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled
from ccsim.engine.records import Outcome

#: Counts per transferring group and call type (arrays groups x call types).
FROM_COUNTERS = (
    "transferred",
    "blind",
    "consult",
    "answered_after",
    "abandoned_after",
    "waiting_after",
    "wait_after_s",  # total wait after the transfer of the answered ones
    "hold_s",  # total time first agents waited for the second (consult)
)
#: Counts per receiving group and call type.
TO_COUNTERS = ("taken_on", "talk_in_s", "wrap_in_s")


def transfer_counts(m: Compiled, legs: dict[str, NDArray[Any]]) -> dict[str, NDArray[np.float64]]:
    """``FROM_COUNTERS`` and ``TO_COUNTERS``, each an array groups x call types."""
    G, K = len(m.group_ids), len(m.type_ids)
    keep = legs["t_arrival"] >= m.warmup_s
    k = legs["call_type"].astype(np.int64)[keep]
    src = legs["from_group"].astype(np.int64)[keep] * K + k
    dst = legs["to_group"].astype(np.int64)[keep] * K + k
    out = legs["outcome"][keep]
    ans = out == Outcome.ANSWERED
    kind = legs["kind"][keep]

    def count(at: NDArray[np.int64], w: NDArray[Any]) -> NDArray[np.float64]:
        w = np.asarray(w, dtype=np.float64)
        return np.bincount(at, weights=w, minlength=G * K).astype(np.float64).reshape(G, K)

    return {
        "transferred": count(src, np.ones(src.size)),
        "blind": count(src, kind == 0),
        "consult": count(src, kind == 1),
        "answered_after": count(src, ans),
        "abandoned_after": count(src, out == Outcome.ABANDONED),
        "waiting_after": count(src, out == Outcome.WAITING_AT_END),
        "wait_after_s": count(src, np.where(ans, legs["wait"][keep], 0.0)),
        "hold_s": count(src, legs["hold"][keep]),
        "taken_on": count(dst, ans),
        "talk_in_s": count(dst, np.where(ans, legs["talk"][keep], 0.0)),
        "wrap_in_s": count(dst, np.where(ans, legs["wrap"][keep], 0.0)),
    }


def with_legs(c: dict[str, NDArray[Any]], legs: dict[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
    """Queue entries and waits of the calls and of the second legs together (queue length)."""
    n = legs["t_queue"].size
    return {
        "t_queue": np.concatenate([c["t_queue"], legs["t_queue"]]),
        "wait": np.concatenate([c["wait"], legs["wait"]]),
        "transfer": np.concatenate([c["transfer"], np.zeros(n)]),
    }


def leg_busy(
    legs: dict[str, NDArray[Any]],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Start, end and group of the second agents' work (answered legs)."""
    ans = legs["outcome"] == Outcome.ANSWERED
    start = (legs["t_queue"] + legs["wait"])[ans]
    end = start + (legs["talk"] + legs["wrap"])[ans]
    return start, end, legs["to_group"][ans].astype(np.int64)
