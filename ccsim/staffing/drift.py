"""Drift of a staffing plan against its baseline: total, KPIs, groups, then the cells that matter.

Everything here reads plain data: the plan's ``ccsim staff --json`` document and the
baseline file, so that a report can be rebuilt from either without a simulation.

The comparison, in the order a planner reads it:

1. **total**: the simulated agent-hours; beyond when the change exceeds
   ``tolerance.agent_hours_share`` of the baseline's.
2. **kpi**: each KPI the baseline holds, beyond when it moved more than its
   ``tolerance.kpis`` entry; the targets on that KPI come with it, met or missed, then
   and now.
3. **group**: each group's agent-hours, beyond when the change exceeds
   ``agent_hours_share`` of the group's baseline (at least one agent over one interval).
4. **cell** (group x interval): the search resolves a cell only to a step of agents, and
   a changed scenario sends it down another path, so cells move by an agent or two (up
   or down) without meaning anything; when the demand rises, the group's agents rise
   but not evenly. A cell with ``b`` agents in the baseline and ``n`` now, in a group
   whose agent-hours moved by a share ``r``, is drift only when both

   - its own move is beyond its band: ``|n - b| > band``, and
   - its group's move does not explain it: ``|n - b - r*b| > band``,

   with ``band = max(agents, agents_share * b, agents_sqrt * sqrt(b))`` from the
   baseline's tolerances (defaults 1 agent, 10 % and 1). The square root is the scale
   of the search's own noise: a cell's agents beyond its load are a safety margin of
   order ``sqrt(load)`` (square-root staffing), and that margin is what the search
   shares out between intervals and groups, differently on another path. A cell that
   moves against its group (fewer agents under a volume rise) is thus drift only when
   it moves by more than its band; within it, it is search noise and only counted
   (``within_noise``; the cells that moved with their group: ``with_group``).
   Cells beyond are listed by how far their group's move leaves them unexplained,
   largest first.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from ccsim._version import __version__
from ccsim.staffing.scenario_diff import field_changes

#: defaults of the baseline's tolerances (a baseline may set each one)
DEFAULTS = {"agents": 1, "agents_share": 0.10, "agents_sqrt": 1.0, "agent_hours_share": 0.02}


def tolerance(base: dict[str, Any], key: str) -> float:
    """A tolerance of the baseline, or its default."""
    value: float = base.get("tolerance", {}).get(key, DEFAULTS[key])
    return value


def group_hours(
    rows: list[dict[str, Any]], interval_h: float, warmup_intervals: int
) -> dict[str, float]:
    """Simulated agent-hours per group from plan rows (the warm-up intervals left out)."""
    out: dict[str, float] = {}
    for r in rows:
        h = r["sim_agents"] * interval_h if r["interval"] >= warmup_intervals else 0.0
        out[r["group"]] = out.get(r["group"], 0.0) + h
    return out


def compare(
    doc: dict[str, Any],
    base: dict[str, Any],
    fields: dict[str, Any],
    scenario_hash: str,
    interval_h: float,
    warmup_intervals: int = 0,
) -> dict[str, Any]:
    """The drift report of a plan (its ``--json`` document) against a baseline.

    ``fields`` are the plan's scenario fields (``scenario_fields``), ``scenario_hash``
    its hash; ``interval_h`` and ``warmup_intervals`` give the agent-hours of a baseline
    that does not store them per group. Returns ``ok``, ``drift`` (the items), ``cells``
    (what the cells did), ``scenario_changes`` (``None`` when the baseline cannot say)
    and ``notes``.
    """
    items = [_total(doc, base), *_kpis(doc, base)]
    now_groups = {g["group"]: g["sim_agent_hours"] for g in doc["groups"]}
    old_groups = base.get("groups") or group_hours(base["plan"], interval_h, warmup_intervals)
    groups = _groups(old_groups, now_groups, base, interval_h)
    cells, counts = _cells(doc["plan"], base, groups)
    items += groups + cells
    changes, notes = _scenario(base, fields, scenario_hash)
    if base.get("ccsim_version") not in (None, __version__):
        notes.append({"kind": "version", "text": f"the baseline was written by ccsim "
                      f"{base['ccsim_version']}, this is {__version__}"})  # fmt: skip
    if base.get("seed") is not None and base["seed"] != doc["seed"]:
        notes.append({"kind": "seed", "text": f"this plan used seed {doc['seed']}, the baseline seed "
                      f"{base['seed']} (other draws: expect small moves)"})  # fmt: skip
    return {
        "ok": not any(i["beyond"] for i in items),
        "drift": items,
        "cells": {**counts, "rule": cell_rule(base)},
        "scenario_changes": changes,
        "notes": notes,
    }


def _share(new: float, old: float) -> float | None:
    return (new - old) / old if old else None


def _total(doc: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    h0, h1 = float(base["agent_hours"]["sim"]), float(doc["agent_hours"]["sim"])
    share = tolerance(base, "agent_hours_share")
    tol = share * h0
    return {
        "kind": "total", "what": "agent-hours", "baseline": h0, "now": h1, "change": h1 - h0,
        "change_share": _share(h1, h0), "tolerance": tol, "tolerance_share": share,
        "beyond": abs(h1 - h0) > tol + 1e-9,
    }  # fmt: skip


def _kpis(doc: dict[str, Any], base: dict[str, Any]) -> list[dict[str, Any]]:
    """One item per KPI the baseline holds, and one per target on another KPI."""
    tol = base.get("tolerance", {}).get("kpis", {})
    kp = doc.get("kpis", {})
    old_targets = base.get("targets") or {}
    targets: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for name, t in doc.get("targets", {}).items():
        was = old_targets.get(name) or {}
        targets[t["kpi"]].append(
            {
                "name": name, "scope": t.get("scope"), "rule": t["rule"], "target": t["target"],
                "baseline": was.get("value"), "now": t["value"],
                "baseline_met": was.get("met"), "met": t["met"],
            }
        )  # fmt: skip
    out = []
    for k, v0 in base["kpis"].items():
        if k not in kp:
            continue
        v1, t = kp[k]["mean"], tol.get(k)
        known = v0 is not None and v1 is not None
        out.append(
            {
                "kind": "kpi", "what": k, "baseline": v0, "now": v1,
                "change": v1 - v0 if known else None, "tolerance": t,
                "beyond": bool(known and t is not None and abs(v1 - v0) > t),
                "targets": targets.pop(k, []),
            }
        )  # fmt: skip
    for k, ts in targets.items():  # targets on a KPI the baseline has no tolerance for
        for t in ts:
            known = t["baseline"] is not None and t["now"] is not None
            out.append(
                {
                    "kind": "kpi", "what": t["name"], "baseline": t["baseline"], "now": t["now"],
                    "change": t["now"] - t["baseline"] if known else None, "tolerance": None,
                    "beyond": False, "targets": [t], "kpi": k,
                }
            )  # fmt: skip
    return out


def _groups(
    old: dict[str, float], now: dict[str, float], base: dict[str, Any], interval_h: float
) -> list[dict[str, Any]]:
    share = tolerance(base, "agent_hours_share")
    floor = tolerance(base, "agents") * interval_h  # one agent's band over one interval
    out = []
    for g in list(old) + [g for g in now if g not in old]:
        h0, h1 = old.get(g), now.get(g)
        if h0 is None or h1 is None:
            out.append({"kind": "group", "what": g, "baseline": h0, "now": h1, "change": None,
                        "change_share": None, "tolerance": None, "beyond": True})  # fmt: skip
            continue
        tol = max(share * h0, floor)
        out.append(
            {
                "kind": "group", "what": g, "baseline": h0, "now": h1, "change": h1 - h0,
                "change_share": _share(h1, h0), "tolerance": tol,
                "beyond": abs(h1 - h0) > tol + 1e-9,
            }
        )  # fmt: skip
    return out


def _cells(
    rows: list[dict[str, Any]], base: dict[str, Any], groups: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The cells beyond the noise-aware band (most unexplained first), and the counts."""
    moved_by = {g["what"]: (g["change_share"] or 0.0) for g in groups if g["change"] is not None}
    now = {(r["group"], r["interval"]): r for r in rows}
    old = {(r["group"], r["interval"]): r for r in base["plan"]}
    out: list[tuple[float, dict[str, Any]]] = []
    counts = {"compared": 0, "moved": 0, "beyond": 0, "with_group": 0, "within_noise": 0,
              "in_groups_added_or_removed": 0}  # fmt: skip
    for key in sorted(set(now) | set(old), key=lambda k: (k[0], k[1])):
        g, i = key
        a, b = old.get(key), now.get(key)
        if g not in moved_by:  # the group's own item says it is new or gone
            counts["in_groups_added_or_removed"] += 1
            continue
        start = (b or a or {}).get("start")
        if a is None or b is None:
            n = (b or a or {}).get("sim_agents", 0)
            counts["beyond"] += 1
            out.append((float(n), {"kind": "cell", "what": f"{g} {start}", "group": g, "interval": i,
                        "start": start, "baseline": None if a is None else a["sim_agents"],
                        "now": None if b is None else b["sim_agents"], "change": None,
                        "group_explains": None, "tolerance": None, "beyond": True}))  # fmt: skip
            continue
        counts["compared"] += 1
        v0, v1 = a["sim_agents"], b["sim_agents"]
        d = v1 - v0
        if d == 0:
            continue
        counts["moved"] += 1
        band = cell_band(base, v0)
        explained = moved_by[g] * v0
        if abs(d) <= band + 1e-9 or abs(d - explained) <= band + 1e-9:
            # not drift: with its group's move, or against it (or without one) by noise
            counts["with_group" if d * explained > 0 else "within_noise"] += 1
        else:
            counts["beyond"] += 1
            out.append((abs(d - explained), {
                "kind": "cell", "what": f"{g} {start}", "group": g, "interval": i, "start": start,
                "baseline": v0, "now": v1, "change": d, "group_explains": round(explained, 3),
                "tolerance": round(band, 3), "beyond": True}))  # fmt: skip
    out.sort(key=lambda x: -x[0])  # stable: group and interval order among equals
    return [c for _, c in out], counts


def _scenario(
    base: dict[str, Any], fields: dict[str, Any], scenario_hash: str
) -> tuple[list[dict[str, Any]] | None, list[dict[str, Any]]]:
    """The scenario's changed fields (``None``: the baseline cannot say) and their notes."""
    notes: list[dict[str, Any]] = []
    old_hash = base.get("scenario_hash")
    same = old_hash is not None and old_hash == scenario_hash
    if isinstance(base.get("scenario_fields"), dict):
        changes = [] if same else field_changes(base["scenario_fields"], fields)
    elif same:
        changes = []
    else:
        changes = None
        notes.append({"kind": "scenario_fields", "text": "the baseline holds no scenario fields "
                      "(written by an earlier ccsim): which fields changed is not known; "
                      "--write-baseline refreshes it with them"})  # fmt: skip
    if old_hash is not None and not same:
        what = "" if not changes else f": {len(changes)} field{'s' if len(changes) != 1 else ''}"
        notes.append({"kind": "scenario", "text": f"the scenario changed since the baseline was "
                      f"written{what}"})  # fmt: skip
    return changes, notes


def cell_band(base: dict[str, Any], agents: float) -> float:
    """The band of a cell of ``agents`` agents in the baseline (in agents)."""
    return max(
        tolerance(base, "agents"),
        tolerance(base, "agents_share") * agents,
        tolerance(base, "agents_sqrt") * math.sqrt(max(agents, 0)),
    )


def cell_rule(base: dict[str, Any]) -> str:
    """The cell rule in words, with the baseline's tolerances."""
    a, share, root = (tolerance(base, k) for k in ("agents", "agents_share", "agents_sqrt"))
    return (
        f"a cell (b agents in the baseline) is drift when it moved by more than "
        f"max({a:g}, {share:g} b, {root:g} sqrt(b)) agents, and by that much more than "
        "its group's move explains"
    )
