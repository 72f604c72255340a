"""A caller's total wait across redials: the service level of callers rather than attempts.

A caller who abandons (or hears busy) and redials waits again; the per-attempt service
level counts each attempt on its own. Here an attempt chain is a fresh call (or a
return, or a chaser) with the redials that follow it; its total wait is the sum of the
waits in the agent queue of its attempts (the time between attempts is not waiting in
the queue). A chain that reached the agent queue counts once, in the cell of its first
attempt: ``chains_requesting``; if it ended answered with a total wait of at most T,
also ``chains_answered_within``. Numpy only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.records import Kind


def chain_flags(
    c: dict[str, NDArray[Any]],
    requests: NDArray[np.bool_],
    answered: NDArray[np.bool_],
    threshold_s: float,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Per call, two flags set on the first attempt of each chain.

    Whether the chain asked for an agent, and whether it ended answered within
    ``threshold_s`` of total wait.
    """
    n = requests.size
    requesting = np.zeros(n, dtype=bool)
    within = np.zeros(n, dtype=bool)
    if n == 0:
        return requesting, within
    order = np.lexsort((c["t_arrival"], c["caller"]))
    caller = c["caller"][order]
    new = c["kind"][order] != Kind.REDIAL
    new[1:] |= caller[1:] != caller[:-1]
    new[0] = True
    chain = np.cumsum(new) - 1
    wait = np.where(requests, np.nan_to_num(c["wait"]), 0.0)[order]
    total = np.bincount(chain, weights=wait)
    asked = np.bincount(chain, weights=requests[order]) > 0
    got = np.bincount(chain, weights=answered[order]) > 0
    first = order[new]
    requesting[first] = asked
    within[first] = got & (total <= threshold_s)
    return requesting, within
