"""Routing as the log shows it: which groups answered each call type and tier, in order.

For every call type and tier, the groups that answered at least ``MIN_SHARE`` of its
answered calls, most first, make a routing rule; tiers with the same groups share one
rule. A group after the first that never answered such a call before a wait of
``delay_s`` seconds (the 1st percentile of its waits, when at least 2 s) gets that delay:
an overflow after a wait, as ACDs route it. Groups that answered a cell's calls only
rarely (a transfer, a supervisor) are left out of its rule and counted in the report.

Tier priorities are not estimated: they order callers inside a queue, which a call log
shows only through waits that also depend on the staffing.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

#: A group enters a cell's rule when it answered at least this share of the cell's calls.
MIN_SHARE = 0.01
#: Overflow delays shorter than this (seconds) are not written.
MIN_DELAY_S = 2.0


def fit_routing(df: pd.DataFrame) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    """Rules in the log's names (call type, tiers or None for all, groups) and the table.

    The table has one row per call type, tier and group: ``answered``, ``share``,
    ``min_wait_s`` (1st percentile), ``order`` (position in the rule, -1: left out).
    """
    ans = df[df["outcome"].eq("answered") & df["group"].notna()]
    cols = ["call_type", "tier", "group", "answered", "share", "wait_p01_s", "order"]
    if ans.empty:
        return [], pd.DataFrame(columns=cols)
    tier = ans["tier"].astype(object).fillna("(any)")
    g = (
        ans.assign(tier=tier)
        .groupby(["call_type", "tier", "group"], observed=True)["wait_s"]
        .agg(
            answered="size",
            wait_p01_s=lambda w: float(np.nanquantile(w, 0.01)) if w.notna().any() else 0.0,
        )
        .reset_index()
    )
    g["share"] = g["answered"] / g.groupby(["call_type", "tier"], observed=True)[
        "answered"
    ].transform("sum")
    g = g.sort_values(["call_type", "tier", "answered"], ascending=[True, True, False])
    g["order"] = -1
    plans: dict[tuple[str, str], tuple[Any, ...]] = {}
    for (k, t), cell in g.groupby(["call_type", "tier"], sort=False, observed=True):
        kept = cell[cell["share"] >= MIN_SHARE]
        g.loc[kept.index, "order"] = np.arange(len(kept))
        targets: list[Any] = []
        for i, (_, row) in enumerate(kept.iterrows()):
            delay = math.floor(float(row["wait_p01_s"]))
            if i > 0 and delay >= MIN_DELAY_S:
                targets.append((str(row["group"]), float(delay)))
            else:
                targets.append((str(row["group"]), 0.0))
        plans[(str(k), str(t))] = tuple(targets)
    all_tiers = sorted({t for _, t in plans})
    rules: list[dict[str, Any]] = []
    for k in sorted({k for k, _ in plans}):
        by_plan: dict[tuple[Any, ...], list[str]] = {}
        for t in all_tiers:
            if (k, t) in plans:
                by_plan.setdefault(plans[(k, t)], []).append(t)
        # the plan of the most tiers (the regular callers) goes last, for every tier
        ordered = sorted(by_plan.items(), key=lambda kv: len(kv[1]))
        for j, (plan, tiers) in enumerate(ordered):
            last = j == len(ordered) - 1
            rules.append(
                {
                    "call_type": k,
                    "tiers": None if last or "(any)" in tiers else tiers,
                    "groups": list(plan),
                }
            )
    return rules, g[cols].reset_index(drop=True)
