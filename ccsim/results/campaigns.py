"""Outbound campaign KPIs over replications: attempts, contacts, successes, rates, list completion."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ccsim.engine.compile import Compiled
from ccsim.results import kpis as K
from ccsim.results.aggregate import RepCounts
from ccsim.results.outbound_counts import CAMPAIGN_COUNTERS, LIST_COUNTERS
from ccsim.scenario.schema import Scenario


def campaign_figures(
    sc: Scenario, m: Compiled, reps: Sequence[RepCounts], per_interval: bool = False
) -> dict[str, dict[str, np.ndarray]]:
    """Per campaign and replication: attempts, contacts, successes, abandons, rates, lists.

    With ``per_interval``, the counts per interval of the dial (arrays replications x
    intervals).
    """
    if not sc.campaigns:
        return {}
    counts = np.stack([r.outbound["counts"] for r in reps])  # reps x counter x K x n
    lists = np.stack([r.outbound["lists"] for r in reps])  # reps x counter x K
    completion = np.stack([r.outbound["completion"] for r in reps])  # reps x K x days
    n0 = m.warmup_intervals
    out: dict[str, dict[str, np.ndarray]] = {}
    for k, c in enumerate(sc.campaigns):
        if per_interval:
            out[c.id] = {name: counts[:, i, k, n0:] for i, name in enumerate(CAMPAIGN_COUNTERS)}
            continue
        d = {name: counts[:, i, k, :].sum(axis=1) for i, name in enumerate(CAMPAIGN_COUNTERS)}
        d["agent_hours"] = d.pop("agent_s") / 3600.0
        d.update({name: lists[:, i, k] for i, name in enumerate(LIST_COUNTERS)})
        with np.errstate(invalid="ignore", divide="ignore"):
            d["contact_rate"] = np.where(
                d["attempts"] > 0, d["contacts"] / np.maximum(d["attempts"], 1), np.nan
            )
            d["success_rate"] = np.where(
                d["contacts"] > 0, d["successes"] / np.maximum(d["contacts"], 1), np.nan
            )
            reached = d["contacts"] + d["abandons"]
            d["abandon_rate"] = np.where(
                reached > 0, d["abandons"] / np.maximum(reached, 1), np.nan
            )
            if c.feed is not None and c.feed.source == "callbacks" and c.feed.limit_s:
                d["on_time_rate"] = np.where(
                    d["released"] > 0, d["on_time"] / np.maximum(d["released"], 1), np.nan
                )
                d["reached_rate"] = np.where(
                    d["released"] > 0, d["contacted"] / np.maximum(d["released"], 1), np.nan
                )
            else:
                d.pop("on_time")
            comp = completion[:, k, :]
            has = ~np.isnan(comp)
            d["list_completion"] = np.where(
                has.any(axis=1),
                np.nansum(comp, axis=1) / np.maximum(has.sum(axis=1), 1),
                np.nan,
            )
        out[c.id] = d
    return out


def campaign_kpis(values: dict[str, dict[str, np.ndarray]]) -> dict[str, dict[str, Any]]:
    """Campaign figures with 95 % intervals, keyed by campaign id (the ``--json`` block)."""
    return {
        cid: {k: K.estimate(v, *K.bounds(k)).as_dict() for k, v in d.items()}
        for cid, d in values.items()
    }
