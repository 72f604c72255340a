"""Outbound campaigns of one replication: dial outcomes per campaign and interval, and the lists' ends."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled

CAMPAIGN_COUNTERS = ("attempts", "contacts", "successes", "abandons", "agent_s")
LIST_COUNTERS = ("released", "contacted", "exhausted", "pending", "on_time")


def outbound_counts(
    m: Compiled, ob: dict[str, dict[str, NDArray[Any]]]
) -> dict[str, NDArray[np.float64]]:
    """Campaign figures: counts per campaign and interval of the dial, and the lists' ends.

    ``counts``: [counter, campaign, interval]; ``lists``: [counter, campaign] over the
    period; ``completion``: [campaign, day] share of the records released that day that
    were finished (contacted or exhausted) by the day's end (NaN without a release).
    """
    from ccsim.engine.outbound import ABANDONED, CONTACT, SUCCESS

    K, n, step = len(m.scenario.campaigns), m.n_intervals, m.interval_s
    a, r = ob["attempts"], ob["records"]
    camp = a["campaign"].astype(np.int64)
    idx = np.minimum((a["t_dial"] // step).astype(np.int64), n - 1)
    keep = a["t_dial"] >= m.warmup_s
    key = (camp * n + idx)[keep]
    out_c = a["outcome"].astype(np.int64)
    agent = np.nan_to_num(np.minimum(a["agent_end"], m.horizon_s) - a["agent_start"])
    values = {
        "attempts": np.ones(camp.size),
        "contacts": (out_c == CONTACT) | (out_c == SUCCESS),
        "successes": out_c == SUCCESS,
        "abandons": out_c == ABANDONED,
        "agent_s": np.clip(agent, 0.0, None),
    }
    counts = np.zeros((len(CAMPAIGN_COUNTERS), K, n))
    for i, name in enumerate(CAMPAIGN_COUNTERS):
        counts[i] = np.bincount(
            key, weights=np.asarray(values[name], dtype=float)[keep], minlength=K * n
        ).reshape(K, n)
    rc = r["campaign"].astype(np.int64)
    status = r["status"].astype(np.int64)
    lists = np.zeros((len(LIST_COUNTERS), K))
    lists[0] = np.bincount(rc, minlength=K)
    lists[1] = np.bincount(rc, weights=(status == 2).astype(float), minlength=K)
    lists[2] = np.bincount(rc, weights=(status == 3).astype(float), minlength=K)
    lists[3] = lists[0] - lists[1] - lists[2]
    lists[4] = _on_time(m, a, r, rc)
    start = m.scenario.horizon.start_s
    day = np.floor((r["released"] + start) / 86_400.0).astype(np.int64)
    day_end = (day + 1) * 86_400.0 - start
    done = np.isin(status, (2, 3)) & (r["t_end"] <= day_end)
    completion = np.full((K, m.n_days), np.nan)
    for k in range(K):
        for d in range(m.n_days):
            sel = (rc == k) & (day == d)
            if sel.any():
                completion[k, d] = float(done[sel].mean())
    return {"counts": counts, "lists": lists, "completion": completion}


def _on_time(
    m: Compiled, a: dict[str, NDArray[Any]], r: dict[str, NDArray[Any]], rc: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Per campaign: records first dialled within ``feed.limit_s`` of their release.

    Only campaigns fed by callbacks with a limit have one (0 for the others).
    """
    K = len(m.scenario.campaigns)
    out = np.zeros(K)
    limits = [
        c.feed.limit_s if c.feed is not None and c.feed.source == "callbacks" else None
        for c in m.scenario.campaigns
    ]
    if all(x is None for x in limits) or not r["record"].size:
        return out
    first = np.full(int(r["record"].max()) + 1, np.inf)
    np.minimum.at(first, a["record"].astype(np.int64), a["t_dial"])
    wait = first[r["record"].astype(np.int64)] - r["released"]
    for k, limit in enumerate(limits):
        if limit is not None:
            out[k] = float(((rc == k) & (wait <= limit)).sum())
    return out
