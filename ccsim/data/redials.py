"""Redials: callers who try again after a failed attempt (needs ``caller_id``).

A failed attempt is a call abandoned in the queue, blocked, or abandoned in the IVR. The
next call of the same caller is its redial when it arrives within ``window_s`` of the
failure (the moment the caller hung up, or heard busy). Chains of redials give the
attempt numbers, so the probability of trying again is estimated per attempt, as the
scenario's ``redial.probabilities`` takes it. Failures closer than ``window_s`` to the end
of the period are left out of the probabilities: their redial could fall outside the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ccsim.data.durations import DurationFit, fit_duration
from ccsim.data.stats import share_ci

#: Kinds of failure, as the scenario's ``redial.after`` names them.
FAILURES = ("queue_abandon", "blocked", "ivr_abandon")
#: Failures needed at an attempt number to estimate its probability.
MIN_FAILURES = 30
#: Longest list of probabilities written.
MAX_ATTEMPTS = 6


@dataclass(frozen=True)
class RedialFit:
    """Redials of one call type."""

    call_type: str
    failures: int  # failed attempts whose redial would fall inside the log
    redials: int
    probabilities: list[float]  # per attempt number 0, 1, ...
    probabilities_ci95: list[tuple[float, float]]
    per_attempt_n: list[int]
    after: list[str]  # failure kinds followed by redials
    by_failure: dict[str, tuple[int, int]]  # kind -> (failures, redials)
    delay: DurationFit | None
    window_s: float

    def scenario(self) -> dict[str, Any] | None:
        """The scenario's ``redial`` mapping, or None when no caller redials."""
        if self.delay is None or not self.probabilities or max(self.probabilities) <= 0:
            return None
        return {
            "probabilities": [round(p, 4) for p in self.probabilities],
            "delay": self.delay.dist,
            "after": self.after,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "call_type": self.call_type,
            "failures": self.failures,
            "redials": self.redials,
            "probabilities": self.probabilities,
            "probabilities_ci95": [list(c) for c in self.probabilities_ci95],
            "n_per_attempt": self.per_attempt_n,
            "after": self.after,
            "by_failure": {
                k: {"failures": f, "redials": r} for k, (f, r) in self.by_failure.items()
            },
            "delay": self.delay.to_dict() if self.delay is not None else None,
            "window_s": self.window_s,
        }


def find_redials(
    df: pd.DataFrame, t_arrival: NDArray[np.float64], end_s: float, window_s: float
) -> tuple[NDArray[np.bool_], pd.DataFrame]:
    """Which calls are redials, and one row per failed attempt with what followed it.

    Returns
    -------
    is_redial
        Per call of ``df``.
    failures
        Per failed attempt: ``call_type``, ``kind``, ``attempt``, ``t_fail``, ``redialed``,
        ``delay_s`` (to the redial) and ``censored`` (its redial could fall after the log).
    """
    n = len(df)
    outcome = df["outcome"].to_numpy(dtype=object)
    ivr_out = df["ivr_outcome"].to_numpy(dtype=object)
    kind = np.full(n, "", dtype=object)
    kind[outcome == "abandoned"] = "queue_abandon"
    kind[outcome == "blocked"] = "blocked"
    kind[(outcome == "ivr") & (ivr_out == "abandoned")] = "ivr_abandon"
    q = (
        (df["queue_entry"] - df["arrival"])
        .dt.total_seconds()
        .to_numpy(dtype=float, na_value=np.nan)
    )
    wait = df["wait_s"].to_numpy(dtype=float)
    ivr = df["ivr_s"].to_numpy(dtype=float)
    t_fail = t_arrival.copy()
    qa = kind == "queue_abandon"
    t_fail[qa] = t_arrival[qa] + np.nan_to_num(q[qa]) + np.nan_to_num(wait[qa])
    ia = kind == "ivr_abandon"
    t_fail[ia] = t_arrival[ia] + np.nan_to_num(ivr[ia])
    is_redial = np.zeros(n, dtype=bool)
    empty = pd.DataFrame(
        columns=["call_type", "kind", "attempt", "t_fail", "redialed", "delay_s", "censored"]
    )
    callers = df["caller_id"]
    if callers.isna().all():
        return is_redial, empty
    has_id = callers.notna().to_numpy()
    # calls of each caller in time order (within a replication)
    caller_code = pd.factorize(callers)[0].astype(np.int64)
    rep = df["replication"].to_numpy(dtype=np.int64)
    key = rep * (int(caller_code.max()) + 2) + caller_code
    order = np.lexsort((t_arrival, key))
    order = order[has_id[order]]
    k_sorted = key[order]
    same_next = np.zeros(len(order), dtype=bool)
    same_next[:-1] = k_sorted[1:] == k_sorted[:-1]
    nxt = np.full(len(order), -1, dtype=np.int64)
    nxt[:-1] = np.where(same_next[:-1], order[1:], -1)
    failed = kind != ""
    # a failure followed by the caller's next call within the window: that call is a redial
    has_next = nxt >= 0
    d = np.full(len(order), np.nan)
    d[has_next] = t_arrival[nxt[has_next]] - t_fail[order[has_next]]
    link_from = failed[order] & has_next & (d >= 0) & (d <= window_s)
    redialed = np.zeros(n, dtype=bool)
    redialed[order[link_from]] = True
    delay = np.full(n, np.nan)
    delay[order[link_from]] = d[link_from]
    is_redial[nxt[link_from]] = True
    # attempt number: how many redial links lead to a call, counted along the caller's calls
    link_to = np.zeros(len(order), dtype=bool)
    link_to[1:] = link_from[:-1]
    c = np.cumsum(link_to)
    attempt_sorted = c - np.maximum.accumulate(np.where(~link_to, c, 0))
    attempt = np.zeros(n, dtype=np.int64)
    attempt[order] = attempt_sorted
    idx = np.flatnonzero(failed)
    rows = pd.DataFrame(
        {
            "call_type": df["call_type"].to_numpy(dtype=object)[idx],
            "kind": kind[idx],
            "attempt": attempt[idx],
            "t_fail": t_fail[idx],
            "redialed": redialed[idx],
            "delay_s": delay[idx],
            "censored": t_fail[idx] + window_s > end_s,
        }
    )
    return is_redial, rows


def fit_redials(call_type: str, failures: pd.DataFrame, window_s: float) -> RedialFit:
    """Probabilities per attempt, the failures that lead to redials, and the delay."""
    f = failures[~failures["censored"].to_numpy(dtype=bool)]
    by: dict[str, tuple[int, int]] = {}
    for k in FAILURES:
        sel = f[f["kind"] == k]
        if len(sel):
            by[k] = (len(sel), int(sel["redialed"].sum()))
    # a kind of failure counts when its callers redial at least a fifth as often as overall
    total_f = sum(a for a, _ in by.values())
    total_r = sum(b for _, b in by.values())
    overall = total_r / total_f if total_f else 0.0
    after = [k for k, (a, b) in by.items() if b >= 5 and b / a >= 0.2 * overall]
    use = f[f["kind"].isin(after)]
    probs: list[float] = []
    cis: list[tuple[float, float]] = []
    ns: list[int] = []
    for a in range(MAX_ATTEMPTS):
        sel = use[use["attempt"] == a]
        if len(sel) < MIN_FAILURES:
            break
        r = int(sel["redialed"].sum())
        probs.append(r / len(sel))
        cis.append(share_ci(r, len(sel)))
        ns.append(len(sel))
    while probs and probs[-1] == 0.0:
        probs.pop(), cis.pop(), ns.pop()
    delays = use.loc[use["redialed"].to_numpy(dtype=bool), "delay_s"].to_numpy(dtype=float)
    delay = fit_duration(delays, name=f"redial delay of {call_type}") if len(delays) else None
    return RedialFit(
        call_type,
        len(use),
        int(use["redialed"].sum()),
        probs,
        cis,
        ns,
        after,
        by,
        delay,
        window_s,
    )
