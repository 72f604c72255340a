"""Baselines for CI: a committed staffing plan and its KPIs, and the drift of a new plan against it.

A plan is computed with fixed seeds (common random numbers), so an unchanged scenario
reproduces it exactly on the same software; the tolerances absorb what is not worth a
failed job. They are written into the baseline, where a planning team can change them:

- agents: per group and interval, in agents (default 1);
- agent_hours_share: total simulated agent-hours, as a share (default 2 %);
- kpis: per KPI, absolute; by default the half-width of the KPI's 95 % confidence
  interval in the baseline run, so a move the simulation cannot tell from noise does
  not fail the job.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ccsim._version import __version__
from ccsim.errors import InputError, Problem
from ccsim.scenario.loader import scenario_hash
from ccsim.staffing.plan import StaffingPlan

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
        "tolerance": {"agents": 1, "agent_hours_share": 0.02, "kpis": tol},
        "agent_hours": doc["agent_hours"],
        "kpis": {k: v["mean"] for k, v in kpis.items()},
        "plan": [
            {
                "interval": r["interval"],
                "start": r["start"],
                "group": r["group"],
                "sim_agents": r["sim_agents"],
                "scheduled_agents": r["scheduled_agents"],
            }
            for r in doc["plan"]
        ],
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


def drift(plan: StaffingPlan, base: dict[str, Any]) -> list[str]:
    """What moved beyond the baseline's tolerances (empty: no drift)."""
    tol = base["tolerance"]
    out: list[str] = []
    now = {(r["group"], r["interval"]): r for r in plan.rows()}
    old = {(r["group"], r["interval"]): r for r in base["plan"]}
    for key in sorted(set(now) | set(old)):
        a = old.get(key)
        b = now.get(key)
        if a is None or b is None:
            out.append(
                f"group {key[0]} interval {key[1]}: {'new in the plan' if a is None else 'no longer in the plan'}"
            )
            continue
        d = b["sim_agents"] - a["sim_agents"]
        if abs(d) > tol.get("agents", 1):
            out.append(
                f"group {key[0]} at {b['start']}: {a['sim_agents']} -> {b['sim_agents']} agents ({d:+g}, tolerance {tol.get('agents', 1)})"
            )
    h0 = base["agent_hours"]["sim"]
    h1 = plan.hours(plan.simulated)
    share = tol.get("agent_hours_share", 0.02)
    if h0 > 0 and abs(h1 - h0) / h0 > share:
        out.append(
            f"agent-hours: {h0:,.1f} -> {h1:,.1f} ({(h1 - h0) / h0:+.1%}, tolerance {share:.1%})"
        )
    kp = plan.summary()["kpis"]
    for k, v0 in base["kpis"].items():
        if v0 is None or k not in kp:
            continue
        v1 = kp[k]["mean"]
        t = tol.get("kpis", {}).get(k)
        if t is not None and v1 is not None and abs(v1 - v0) > t:
            out.append(f"{k}: {v0:.4g} -> {v1:.4g} ({v1 - v0:+.4g}, tolerance {t:g})")
    if base.get("scenario_hash") and base["scenario_hash"] != scenario_hash(plan.scenario):
        out.append("note: the scenario file changed since the baseline was written")
    if base.get("seed") is not None and base["seed"] != plan.seed:
        out.append(
            f"note: this plan used seed {plan.seed}, the baseline seed {base['seed']} "
            "(other draws: expect small moves)"
        )
    return out
