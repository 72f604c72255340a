"""What planners read: the human label and the display format of every KPI and figure.

One table for the terminal and the HTML report alike, so a KPI is never ``asa_s`` on one
and "ASA (s)" on the other; and the rule of which headline KPIs a result shows (a KPI
the scenario does not model, such as first-contact resolution without repeat calls, is
left out rather than shown as a perfect 100 %).
"""

from __future__ import annotations

import math
from typing import Any

#: KPIs shown as percentages (besides every ``*_rate`` and every share in [0, 1]).
PCT_KPIS = frozenset({
    "service_level", "answer_rate", "abandon_rate", "short_abandon_rate", "occupancy", "p_wait",
    "ivr_self_service", "containment", "blocked_rate", "fcr", "repeat_caller_rate",
    "dialect_match_rate", "contact_rate", "success_rate", "list_completion", "timeliness",
    "callback_reach", "caller_answer_rate", "gap_share", "line_blocking", "queue_full_rate",
    "timed_out_rate", "callback_rate", "caller_service_level",
})  # fmt: skip

#: The headline KPIs of a run, in the order they are shown.
HEADLINE = (
    "offered", "answered", "abandoned", "service_level", "caller_service_level", "answer_rate",
    "abandon_rate", "short_abandon_rate", "asa_s", "occupancy", "agents", "ivr_self_service",
    "blocked_rate", "line_blocking", "queue_full_rate", "lines_busy", "max_lines",
    "timed_out_rate", "callback_rate", "virtual_holds", "messages", "closed", "fcr",
    "repeat_caller_rate",
)  # fmt: skip

#: Headline labels where the KPI's name means something else elsewhere (``closed`` is
#: also a work-order count).
HEADLINE_LABELS = {"closed": "cut off at closing time"}

#: Headline KPIs left out when they never happen and carry no target.
QUIET = (
    "blocked_rate", "short_abandon_rate", "line_blocking", "queue_full_rate", "timed_out_rate",
    "callback_rate", "virtual_holds", "messages", "closed",
)  # fmt: skip

LABELS = {
    "offered": "offered to agents",
    "answered": "answered",
    "abandoned": "abandoned",
    "service_level": "service level",
    "answer_rate": "answer rate",
    "abandon_rate": "abandonment rate",
    "short_abandon_rate": "short abandons",
    "asa_s": "ASA (s)",
    "occupancy": "occupancy",
    "agents": "agents (average)",
    "ivr_self_service": "IVR self-service share",
    "blocked_rate": "blocked (busy tone)",
    "line_blocking": "  no line free",
    "queue_full_rate": "  queue full (of offered)",
    "lines_busy": "lines in use (average)",
    "max_lines": "lines in use (peak)",
    "timed_out_rate": "cut off at the maximum wait",
    "caller_service_level": "  callers, total wait across redials",
    "callback_rate": "callbacks requested (of offered)",
    "virtual_holds": "  of which on joining the queue",
    "messages": "messages left",
    "fcr": "first-contact resolution",
    "repeat_caller_rate": "repeat-caller rate",
    "mean_wait_s": "mean wait (s)",
    "aht_s": "AHT (s)",
    "p_wait": "waited at all",
    "ivr_entries": "IVR entries",
    "containment": "IVR containment",
    "blocked": "blocked calls",
    "redials": "redials",
    "returns": "repeat calls of unresolved callers",
    "waiting_at_end": "still waiting at the end",
    "chasers": "chasers",
    "dialect_match_rate": "dialect match",
    "transfers": "transfers between sites",
    "orders_raised": "work orders raised",
    "avg_queue": "callers waiting (average)",
    "max_queue": "callers waiting (most)",
    "agent_hours": "agent-hours",
    "back_office_hours": "back-office hours",
    "cost": "cost",
    "attempts": "attempts",
    "contacts": "contacts",
    "contact_rate": "contact rate",
    "successes": "successes",
    "success_rate": "success rate",
    "abandons": "abandons",
    "list_completion": "list completion",
    "created": "created",
    "closed": "closed",
    "open_at_end": "open at the end",
    "on_time": "closed on time",
    "timeliness": "timeliness",
    "callback_reach": "callback reach",
    "staffed_agents": "agents staffed",
    "busy_agents": "agents busy",
    "erlang_agents": "required (Erlang)",
    "sim_agents": "required (simulated)",
    "scheduled_agents": "scheduled (with shrinkage)",
    "rostered_agents": "rostered",
    "max_occupancy": "occupancy (most)",
    "min_occupancy": "occupancy (least)",
    "service_level_interval": "service level, each interval",
}


def label(key: str) -> str:
    """The human label of a KPI or figure (its name with spaces when it has none)."""
    return LABELS.get(key, key.replace("_", " "))


def target_label(name: str, target: dict[str, Any]) -> str:
    """A target's name as a planner reads it: ``service level, each interval``, ``tier vip: ASA (s)``."""
    if name in LABELS:
        return LABELS[name]
    scope = str(target.get("scope", "all"))
    kpi = label(str(target.get("kpi", name)))
    return f"{scope}: {kpi}" if scope.startswith("tier") else kpi


def missing(x: Any) -> bool:
    """Whether a value is absent (``None`` or NaN)."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_pct(x: float | None, digits: int = 1) -> str:
    """Format a share as a percentage (``-`` for missing)."""
    if missing(x):
        return "-"
    assert x is not None
    return f"{100.0 * x:.{digits}f}%"


def fmt_num(x: float | None, digits: int = 1) -> str:
    """Format a number (``inf`` and ``-`` for missing)."""
    if missing(x):
        return "-"
    assert x is not None
    if isinstance(x, float) and math.isinf(x):
        return "inf"
    return f"{x:,.{digits}f}"


def is_pct(kpi: str) -> bool:
    """Whether a KPI is a share shown as a percentage."""
    return kpi in PCT_KPIS or kpi.endswith("_rate")


def fmt_kpi(kpi: str, v: Any) -> str:
    """A KPI value as a planner reads it: shares as percentages, counts with separators."""
    if missing(v):
        return "-"
    if is_pct(kpi):
        return fmt_pct(float(v))
    if kpi.endswith("_s"):
        return fmt_num(float(v), 1)
    return fmt_num(float(v), 1 if abs(float(v)) < 100 else 0)


def fmt_ci(kpi: str, ci: Any) -> str:
    """A 95 % interval ``low - high`` (``-`` when it is missing)."""
    if not isinstance(ci, list | tuple) or len(ci) != 2 or missing(ci[0]) or missing(ci[1]):
        return "-"
    return f"{fmt_kpi(kpi, ci[0])} - {fmt_kpi(kpi, ci[1])}"


def rule_text(t: dict[str, Any]) -> str:
    """A target's rule and level: ``>= 80.0%``."""
    return f"{t['rule']} {fmt_kpi(t['kpi'], t['target'])}"


def modelled(kpi: str, mean: Any, targeted: bool) -> bool:
    """Whether a headline KPI says something about this scenario.

    Without a target on it, a KPI that cannot move in this scenario is left out: busy
    tones and short abandons that never happen, first-contact resolution at exactly
    100 % and repeat callers at 0 % (the scenario models no repeat calls).
    """
    if targeted:
        return True
    if missing(mean):
        return False
    if kpi in QUIET and not mean:
        return False
    return not (kpi in ("fcr", "repeat_caller_rate") and mean in (1.0, 0.0))


def headline_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline KPIs a result shows, each with its label, value, interval and targets.

    Targets on the whole period and per interval are attached to their KPI; a target on
    a KPI without calls to measure keeps its row, marked ``no calls``.
    """
    by_kpi: dict[str, list[dict[str, Any]]] = {}
    for t in doc.get("targets", {}).values():
        if t["scope"] == "all" or t["scope"].startswith("every interval"):
            by_kpi.setdefault(t["kpi"], []).append(t)
    sld = doc.get("service_level_definition") or {}
    rows = []
    for k in HEADLINE:
        if k not in doc.get("kpis", {}):
            continue
        v = doc["kpis"][k]
        ts = by_kpi.get(k, [])
        if not modelled(k, v["mean"], bool(ts)):
            continue
        redials = doc["kpis"].get("redials", {}).get("mean")
        if k == "caller_service_level" and not redials and not ts:
            continue  # without redials it is the service level under the offered formula
        name = HEADLINE_LABELS.get(k, label(k))
        if k == "service_level" and sld:
            name = f"service level ({sld['threshold_s']:g} s, {sld['formula']})"
        rows.append(
            {
                "kpi": k,
                "label": name,
                "mean": v["mean"],
                "ci95": v["ci95"],
                "no_calls": missing(v["mean"]),
                "targets": ts,
            }
        )
    return rows


def targets_met(doc: dict[str, Any]) -> tuple[int, int]:
    """How many of a result's targets are met, and how many there are."""
    ts = list(doc.get("targets", {}).values())
    return sum(1 for t in ts if t.get("met")), len(ts)
