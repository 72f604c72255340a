"""Callers rather than calls: first-contact resolution (FCR), repeat callers, callers per call type.

A caller who redials or calls back is one caller. Numpy only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled
from ccsim.results.unique import unique_ints


def caller_flags(
    m: Compiled, c: dict[str, NDArray[Any]], answered: NDArray[np.bool_]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Per call: resolved at first contact (FCR), and answered call of a repeat caller.

    An answered call counts as resolved when its caller reaches no agent again within
    the FCR window. A return the run drew but did not simulate (it fell after the
    horizon, inside the window) counts as reaching an agent again: censoring would
    otherwise flatter the figure on short horizons.
    """
    sc = m.scenario
    window = sc.kpi.fcr_window_h * 3600.0
    n = answered.size
    fcr_ok = np.zeros(n, dtype=bool)
    repeat = np.zeros(n, dtype=bool)
    idx = np.flatnonzero(answered)
    if idx.size == 0:
        return fcr_ok, repeat
    caller = c["caller"][idx]
    t = (c["t_queue"] + c["wait"])[idx]
    order = np.lexsort((t, caller))
    cs, ts, ids = caller[order], t[order], idx[order]
    same_next = np.zeros(cs.size, dtype=bool)
    same_next[:-1] = cs[1:] == cs[:-1]
    gap = np.full(cs.size, np.inf)
    gap[:-1] = ts[1:] - ts[:-1]
    again = same_next & (gap <= window)
    censored = c["resolved"][ids] == 2  # its return fell after the horizon, within the window
    fcr_ok[ids] = ~again & ~censored
    # repeat callers: >= k answered calls in a block of the reporting period
    block = np.floor(ts / (sc.kpi.repeat_caller_window_days * 86_400.0)).astype(np.int64)
    nb = int(block.max()) + 1
    key = cs.astype(np.int64) * nb + block
    _, inv, counts = unique_ints(key, (int(cs.max()) + 1) * nb, inverse=True, counts=True)
    repeat[ids] = counts[inv] >= sc.kpi.repeat_caller_calls
    return fcr_ok, repeat


def callers_per_type(
    m: Compiled,
    c: dict[str, NDArray[Any]],
    requests: NDArray[np.bool_],
    answered: NDArray[np.bool_],
    keep: NDArray[np.bool_],
) -> dict[str, NDArray[np.float64]]:
    """Per call type: callers who asked for an agent, were answered, or never were."""
    K = len(m.type_ids)
    ctype = c["call_type"].astype(np.int64)
    caller = c["caller"].astype(np.int64)
    req = requests & keep
    out = {"callers": np.zeros(K), "callers_answered": np.zeros(K), "callers_lost": np.zeros(K)}
    if not req.any():
        return out
    bound = (int(caller.max()) + 1) * K
    ukey = unique_ints(caller[req] * K + ctype[req], bound)
    akey = unique_ints(caller[answered & keep] * K + ctype[answered & keep], bound)
    out["callers"] = np.bincount(ukey % K, minlength=K).astype(float)
    out["callers_answered"] = np.bincount(akey % K, minlength=K).astype(float)
    out["callers_lost"] = out["callers"] - out["callers_answered"]
    return out


def flags_settled(m: Compiled, c: dict[str, NDArray[Any]], now: float) -> NDArray[np.bool_]:
    """Per call: its caller flags can no longer change after ``now`` (answered calls only).

    Calls answered later are answered at ``now`` or after. An answered call's flags are
    settled once its repeat-caller block has ended and the FCR window after the block's
    end has passed: every call of that block is then settled at once, so a block's calls
    are counted together.
    """
    sc = m.scenario
    block_s = sc.kpi.repeat_caller_window_days * 86_400.0
    t = c["t_queue"] + c["wait"]
    settled = (np.floor(t / block_s) + 1.0) * block_s + sc.kpi.fcr_window_h * 3600.0 <= now
    return np.asarray(settled, dtype=bool)


class CallerBits:
    """Callers per call type of a run whose rows are folded as it goes.

    One bit per caller and call type for "asked for an agent" and one for "was
    answered" (callers are numbered from 1 in order of their first call): the counts
    grow when a bit is first set.
    """

    def __init__(self, m: Compiled) -> None:
        self.K = len(m.type_ids)
        self.bits = {
            "callers": np.zeros(0, dtype=np.uint8),
            "callers_answered": np.zeros(0, np.uint8),
        }
        self.counts = {name: np.zeros(self.K) for name in self.bits}

    def add(
        self,
        c: dict[str, NDArray[Any]],
        requests: NDArray[np.bool_],
        answered: NDArray[np.bool_],
        keep: NDArray[np.bool_],
    ) -> None:
        """Set the bits of some rows' callers."""
        K = self.K
        caller = c["caller"].astype(np.int64)
        ctype = c["call_type"].astype(np.int64)
        for name, mask in (("callers", requests & keep), ("callers_answered", answered & keep)):
            if not mask.any():
                continue
            # the rows' keys, counted from the smallest caller among them: the range of a
            # slice of a run is about its own callers (unique_ints counts within it)
            lo = int(caller[mask].min()) * K
            key = caller[mask] * K + ctype[mask] - lo
            idx = unique_ints(key, int(key.max()) + 1) + lo
            bits = self.bits[name]
            size = int(idx[-1] >> 3) + 1
            if size > bits.size:
                bits = self.bits[name] = np.concatenate(
                    [bits, np.zeros(max(size, 2 * bits.size) - bits.size, dtype=np.uint8)]
                )
            byte, bit = idx >> 3, (1 << (idx & 7)).astype(np.uint8)
            new = (bits[byte] & bit) == 0
            np.bitwise_or.at(bits, byte[new], bit[new])
            self.counts[name] += np.bincount(idx[new] % K, minlength=K)

    def result(self) -> dict[str, NDArray[np.float64]]:
        """Per call type: callers who asked for an agent, were answered, or never were."""
        out = {name: v.astype(float) for name, v in self.counts.items()}
        out["callers_lost"] = out["callers"] - out["callers_answered"]
        return out
