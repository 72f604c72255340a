"""Alarms: the intervals and groups that break a target, by clock time.

The whole centre's intervals are checked against every target on the service (per
interval and whole period: the interval that falls below the day's level is where a
duty manager acts); each group over the period against the whole-period targets, and
each group's intervals against the per-interval targets. Consecutive intervals make one
alarm (``10:00-11:30``) with the worst value among them; the targets a span breaks are
said on one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ccsim.reporting.labels import fmt_kpi, label, missing

#: KPIs whose targets are checked per interval and per group, and what their value needs.
CHECKED = ("service_level", "answer_rate", "abandon_rate", "asa_s", "occupancy")


@dataclass(frozen=True)
class Alarm:
    """A target broken over a run of consecutive intervals (or over the period, by a group)."""

    where: str  # "10:00-11:30", or "group general"
    what: str  # "service level 62.0%"
    level: str  # ">= 80.0% each interval"
    first: int  # the first interval, for sorting by clock time (-1: the whole period)


def _breaks(rule: str, value: float, level: float) -> bool:
    return value < level - 1e-12 if rule == ">=" else value > level + 1e-12


def _level(t: dict[str, Any]) -> str:
    each = " each interval" if str(t["scope"]).startswith("every interval") else ""
    return f"{t['rule']} {fmt_kpi(t['kpi'], t['target'])}{each}"


def _checked_targets(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        t
        for t in doc.get("targets", {}).values()
        if t["kpi"] in CHECKED
        and (t["scope"] == "all" or str(t["scope"]).startswith("every interval"))
        and not missing(t.get("target"))
    ]


def _span(starts: list[str], i: int, j: int) -> str:
    end = starts[j + 1] if j + 1 < len(starts) else "end"
    return f"{starts[i]}-{end}"


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """Runs of consecutive True as (first, last) positions."""
    out = []
    i, n = 0, len(flags)
    while i < n:
        if flags[i]:
            j = i
            while j + 1 < n and flags[j + 1]:
                j += 1
            out.append((i, j))
            i = j + 1
        else:
            i += 1
    return out


def _series_alarms(
    values: np.ndarray, starts: list[str], t: dict[str, Any], prefix: str = ""
) -> list[Alarm]:
    rule, level = t["rule"], float(t["target"])
    with np.errstate(invalid="ignore"):
        flags = np.array([not np.isnan(v) and _breaks(rule, v, level) for v in values])
    out = []
    for i, j in _runs(flags):
        seg = values[i : j + 1]
        worst = float(np.nanmin(seg) if rule == ">=" else np.nanmax(seg))
        what = f"{label(t['kpi'])} {fmt_kpi(t['kpi'], worst)}"
        out.append(Alarm(f"{prefix}{_span(starts, i, j)}", what, _level(t), i))
    return out


def interval_alarms(doc: dict[str, Any], intervals: pd.DataFrame) -> list[Alarm]:
    """Intervals (whole centre) whose value breaks a target, by clock time."""
    starts = [str(s) for s in intervals["start"]]
    offered = (
        intervals["offered"].to_numpy(dtype=float)
        if "offered" in intervals
        else np.ones(len(intervals))
    )
    out: list[Alarm] = []
    for t in _checked_targets(doc):
        if t["kpi"] not in intervals:
            continue
        v = intervals[t["kpi"]].to_numpy(dtype=float).copy()
        if t["kpi"] != "occupancy":
            v[~(offered > 0)] = np.nan  # no calls: nothing to break
        out += _series_alarms(v, starts, t)
    return sorted(out, key=lambda a: (a.first, a.what))


def group_intervals(detail: pd.DataFrame, formula: str) -> pd.DataFrame:
    """Per interval and group: requests, service level and abandonment from the detail table."""
    from ccsim.results.kpis import service_level

    cols = ["requests", "answered", "answered_within", "abandoned", "abandoned_within"]
    g = detail.groupby(["interval", "start", "group"], sort=True)[cols].sum().reset_index()
    counts = {c: g[c].to_numpy(dtype=float) for c in cols}
    g["service_level"] = service_level(counts, formula)
    r = counts["requests"]
    with np.errstate(invalid="ignore", divide="ignore"):
        g["abandon_rate"] = np.where(r > 0, counts["abandoned"] / np.where(r > 0, r, 1), np.nan)
        g["answer_rate"] = np.where(r > 0, counts["answered"] / np.where(r > 0, r, 1), np.nan)
    return g


def group_alarms(doc: dict[str, Any], per_group: pd.DataFrame | None) -> list[Alarm]:
    """Groups whose whole period, or whose intervals, break a target."""
    out: list[Alarm] = []
    targets = _checked_targets(doc)
    groups = doc.get("groups", {})
    if isinstance(groups, dict) and len(groups) > 1:
        for gid, v in groups.items():
            for t in targets:
                if t["scope"] != "all" or not isinstance(v.get(t["kpi"]), dict):
                    continue
                x = v[t["kpi"]].get("mean")
                if not missing(x) and _breaks(t["rule"], float(x), float(t["target"])):
                    what = f"{label(t['kpi'])} {fmt_kpi(t['kpi'], x)}"
                    out.append(Alarm(f"group {gid}, whole period", what, _level(t), -1))
    if per_group is None or per_group.empty or len(groups) < 2:
        return out
    starts = [
        str(s) for s in per_group.drop_duplicates("interval").sort_values("interval")["start"]
    ]
    index = sorted(per_group["interval"].unique())
    for gid, rows in per_group.groupby("group", sort=True):
        rows = rows.set_index("interval").reindex(index)
        for t in targets:
            if t["kpi"] not in rows or t["scope"] == "all":
                continue  # a group's interval answers to the per-interval targets
            v = rows[t["kpi"]].to_numpy(dtype=float).copy()
            v[~(rows["requests"].to_numpy(dtype=float) > 0)] = np.nan
            out += _series_alarms(v, starts, t, prefix=f"group {gid!s} ")
    return sorted(out, key=lambda a: (a.first, a.where))


def merged(alarms: list[Alarm]) -> list[tuple[str, str]]:
    """One line per place and span: ``(where, "service level 62.0% (>= 80.0% each interval; >= 85.0%)")``."""
    lines: dict[str, dict[str, list[str]]] = {}
    for a in alarms:
        lines.setdefault(a.where, {}).setdefault(a.what, []).append(a.level)
    return [
        (where, "; ".join(f"{what} ({', '.join(levels)})" for what, levels in whats.items()))
        for where, whats in lines.items()
    ]


def alarm_list(alarms: list[Alarm], none: str = "Nothing breaks a target.", most: int = 25) -> str:
    """The alarms as an HTML list (the first ``most``; the tables hold them all)."""
    from ccsim.reporting.html_parts import esc

    if not alarms:
        return f'<p class="met">{esc(none)}</p>'
    lines = merged(alarms)
    items = "".join(f"<li><b>{esc(w)}</b>: {esc(t)}</li>" for w, t in lines[:most])
    more = (
        f'<p class="small">+{len(lines) - most} more; intervals.csv and intervals_detail.csv hold every interval.</p>'
        if len(lines) > most
        else ""
    )
    return f'<ul class="alarms">{items}</ul>{more}'
