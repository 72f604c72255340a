"""Baselines for CI: a committed staffing plan and its KPIs, and the drift of a new plan against it.

A plan is computed with fixed seeds (common random numbers), so an unchanged scenario
reproduces it exactly on the same software; the tolerances absorb what is not worth a
failed job. They are written into the baseline, where a planning team can change them:

- agents, agents_share: per group and interval, the band of a cell: the larger of
  ``agents`` (default 1) and ``agents_share`` of its baseline agents (default 15 %);
  ``ccsim.staffing.drift`` says when a cell beyond its band is drift;
- agent_hours_share: total simulated agent-hours, and each group's, as a share
  (default 2 %);
- kpis: per KPI, absolute; by default the half-width of the KPI's 95 % confidence
  interval in the baseline run, so a move the simulation cannot tell from noise does
  not fail the job.

Besides the hash, a baseline keeps the scenario's fields (``scenario_fields``), so
that a report can list what changed since; a baseline written before it has no such
field and is still read (the report then cannot say which fields changed).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ccsim._version import __version__
from ccsim.errors import InputError, Problem
from ccsim.scenario.loader import scenario_hash
from ccsim.staffing.drift import DEFAULTS, compare
from ccsim.staffing.plan import StaffingPlan
from ccsim.staffing.scenario_diff import scenario_fields

KPIS = ("service_level", "abandon_rate", "answer_rate", "asa_s", "occupancy")
_FLOOR = {
    "service_level": 0.002,
    "abandon_rate": 0.001,
    "answer_rate": 0.001,
    "asa_s": 0.2,
    "occupancy": 0.002,
}


def make_baseline(plan: StaffingPlan) -> dict[str, Any]:
    """The baseline document of a plan."""
    doc = plan.summary()
    kpis = {k: doc["kpis"][k] for k in KPIS if k in doc["kpis"]}
    tol: dict[str, float] = {}
    for k, v in kpis.items():
        lo, hi = v["ci95"]
        half = (hi - lo) / 2 if lo is not None and hi is not None and lo == lo and hi == hi else 0.0
        tol[k] = round(max(half, _FLOOR[k]), 6)
    return {
        "ccsim_version": __version__,
        "scenario": plan.scenario.name,
        "scenario_hash": scenario_hash(plan.scenario),
        "seed": plan.seed,
        "tolerance": {**DEFAULTS, "kpis": tol},
        "agent_hours": doc["agent_hours"],
        "groups": {g["group"]: g["sim_agent_hours"] for g in doc["groups"]},
        "kpis": {k: v["mean"] for k, v in kpis.items()},
        "targets": {
            name: {k: t.get(k) for k in ("kpi", "scope", "rule", "target", "value", "met")}
            for name, t in doc["targets"].items()
        },
        "plan": [
            {
                "interval": r["interval"],
                "start": r["start"],
                "group": r["group"],
                "erlang_agents": r["erlang_agents"],
                "sim_agents": r["sim_agents"],
                "scheduled_agents": r["scheduled_agents"],
            }
            for r in doc["plan"]
        ],
        "scenario_fields": scenario_fields(plan.scenario),
    }


def read_baseline(path: str | Path) -> dict[str, Any]:
    """Read a baseline file."""
    p = Path(path)
    try:
        data: dict[str, Any] = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            [Problem("--baseline", "file not found (create it with --write-baseline)", str(p))]
        ) from None
    except (OSError, ValueError) as exc:  # ValueError: not JSON, or a number beyond reason
        raise InputError(
            [Problem("--baseline", f"is not a readable baseline ({exc})", str(p))]
        ) from None
    if not isinstance(data, dict):
        raise InputError([Problem("--baseline", "must hold a JSON object", str(p))])
    for key in ("tolerance", "agent_hours", "kpis", "plan"):
        if key not in data:
            raise InputError(
                [Problem("--baseline", f"has no {key!r}: not a ccsim staffing baseline", str(p))]
            )
    problems = list(_check(data))
    if problems:
        raise InputError(problems, str(p))
    return data


def _is_num(v: Any, whole: bool = False) -> bool:
    """A finite number >= 0 (whole, if asked) of a size a plan can have."""
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return 0 <= v <= 10**12
    if isinstance(v, float):
        return math.isfinite(v) and 0 <= v <= 1e12 and (not whole or v.is_integer())
    return False


def _check(data: dict[str, Any]) -> list[Problem]:
    """Every problem of a baseline's values (it is compared only after a whole search)."""
    out: list[Problem] = []

    def need(ok: bool, path: str, rule: str, value: Any) -> None:
        if not ok:
            out.append(Problem(path, rule, value))

    tol = data["tolerance"]
    if not isinstance(tol, dict):
        out.append(Problem("tolerance", "must be a JSON object", tol))
    else:
        if "agents" in tol:
            need(_is_num(tol["agents"], whole=True), "tolerance.agents",
                 "must be a whole number >= 0", tol["agents"])  # fmt: skip
        for key in ("agents_share", "agents_sqrt"):
            if key in tol:
                need(_is_num(tol[key]), f"tolerance.{key}", "must be a number >= 0", tol[key])
        if "agent_hours_share" in tol:
            need(_is_num(tol["agent_hours_share"]), "tolerance.agent_hours_share",
                 "must be a number >= 0", tol["agent_hours_share"])  # fmt: skip
        kt = tol.get("kpis", {})
        if not isinstance(kt, dict):
            out.append(Problem("tolerance.kpis", "must be a JSON object", kt))
        else:
            for k, v in kt.items():
                need(_is_num(v), f"tolerance.kpis.{k}", "must be a number >= 0", v)
    hours = data["agent_hours"]
    need(isinstance(hours, dict) and _is_num(hours.get("sim")), "agent_hours.sim",
         "must be a number >= 0", hours.get("sim") if isinstance(hours, dict) else hours)  # fmt: skip
    kpis = data["kpis"]
    if not isinstance(kpis, dict):
        out.append(Problem("kpis", "must be a JSON object", kpis))
    else:
        for k, v in kpis.items():
            need(v is None or _is_num(v), f"kpis.{k}", "must be a number >= 0 or null", v)
    for key in ("scenario_fields", "groups", "targets"):  # optional: written since fields are kept
        if key in data and not isinstance(data[key], dict):
            out.append(Problem(key, "must be a JSON object", data[key]))
    groups = data.get("groups")
    if isinstance(groups, dict):
        for g, v in groups.items():
            need(_is_num(v), f"groups.{g}", "must be a number >= 0", v)
    targets = data.get("targets")
    if isinstance(targets, dict):
        for name, t in targets.items():
            if not isinstance(t, dict):
                out.append(Problem(f"targets.{name}", "must be a JSON object", t))
                continue
            value = t.get("value")
            need(value is None or (isinstance(value, int | float) and not isinstance(value, bool)
                                   and math.isfinite(value)),
                 f"targets.{name}.value", "must be a number or null", value)  # fmt: skip
            need(t.get("met") in (None, True, False), f"targets.{name}.met",
                 "must be true, false or null", t.get("met"))  # fmt: skip
    plan = data["plan"]
    if not isinstance(plan, list):
        out.append(Problem("plan", "must be a list of rows", plan))
        return out
    for i, row in enumerate(plan):
        if not isinstance(row, dict):
            out.append(Problem(f"plan[{i}]", "must be a JSON object", row))
            continue
        need(_is_num(row.get("interval"), whole=True), f"plan[{i}].interval",
             "must be a whole number >= 0", row.get("interval"))  # fmt: skip
        need(isinstance(row.get("group"), str), f"plan[{i}].group", "must be text",
             row.get("group"))  # fmt: skip
        need(_is_num(row.get("sim_agents"), whole=True), f"plan[{i}].sim_agents",
             "must be a whole number >= 0", row.get("sim_agents"))  # fmt: skip
        if len(out) >= 20:
            out.append(Problem("plan", "(more problems not listed)", has_value=False))
            break
    return out


def drift_report(
    plan: StaffingPlan, base: dict[str, Any], doc: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The drift report of a plan against a baseline (``ccsim.staffing.drift.compare``)."""
    return compare(
        plan.summary() if doc is None else doc,
        base,
        scenario_fields(plan.scenario),
        scenario_hash(plan.scenario),
        plan.interval_s / 3600.0,
        plan.scenario.horizon.warmup_intervals,
    )
