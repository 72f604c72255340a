"""The rostered plan as simulated: its KPIs beside the targets, paid hours, joint vs two-step.

A staffing plan with shift patterns simulates its roster once more (agents on duty less
shrinkage, the search's seeds); under ``staffing.method: joint`` the two-step roster
too. The ``--json`` document holds them as ``rostered_plan`` and ``two_step_roster``;
this module turns them into the plan folder's ``rostered_plan.csv`` and the report's
section, each target judged by its ``met_at_confidence``. Folders written before either
existed simply have neither.
"""

from __future__ import annotations

from typing import Any

from ccsim.reporting.html_parts import esc, status, table
from ccsim.reporting.labels import fmt_ci, fmt_kpi, fmt_num, headline_rows, rule_text, target_label

#: Columns of ``rostered_plan.csv``: one row per plan and target, then per plan and KPI.
CSV_COLUMNS = (
    "plan", "paid_hours", "agent_hours_on_phones", "replications", "feasible", "failures",
    "kind", "name", "kpi", "scope", "rule", "target", "value", "ci95_low", "ci95_high", "met",
)  # fmt: skip


def rostered_plans(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The simulated rosters of a plan summary, named as the terminal names them.

    ``[("rostered plan", ...)]``, or under the joint method ``[("two-step roster", ...),
    ("joint roster", ...)]``; empty when the plan has no roster simulated.
    """
    out = []
    two_step, final = doc.get("two_step_roster"), doc.get("rostered_plan")
    if isinstance(two_step, dict) and isinstance(two_step.get("kpis"), dict):
        out.append(("two-step roster", two_step))
    if isinstance(final, dict) and isinstance(final.get("kpis"), dict):
        out.append(("joint roster" if out else "rostered plan", final))
    return out


def target_met(name: str, plan: dict[str, Any], target: dict[str, Any]) -> bool:
    """A rostered plan's verdict on a target: the search's check at the stated confidence.

    ``met_at_confidence`` (interval by interval for a per-interval target); a target the
    search does not enforce (``null``) is judged on its mean (``met``). A folder written
    before the verdict was in the document: the mean's, and the plan's ``failures``.
    """
    if "met_at_confidence" not in target:
        return bool(target.get("met")) and name not in (plan.get("failures") or [])
    verdict = target["met_at_confidence"]
    return bool(target.get("met") if verdict is None else verdict)


def rostered_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """``rostered_plan.csv``: per simulated roster, each target then each KPI (mean, 95 % interval)."""
    rows = []
    for name, p in rostered_plans(doc):
        head = {
            "plan": name,
            "paid_hours": p.get("paid_hours"),
            "agent_hours_on_phones": p.get("agent_hours_on_phones"),
            "replications": p.get("replications"),
            "feasible": p.get("feasible"),
            "failures": "; ".join(p.get("failures") or []),
        }
        for tname, t in (p.get("targets") or {}).items():
            lo, hi = t.get("ci95") or (None, None)
            rows.append(
                {**head, "kind": "target", "name": tname, "kpi": t.get("kpi"),
                 "scope": t.get("scope"), "rule": t.get("rule"), "target": t.get("target"),
                 "value": t.get("value"), "ci95_low": lo, "ci95_high": hi,
                 "met": target_met(tname, p, t)}
            )  # fmt: skip
        for kpi, v in p["kpis"].items():
            lo, hi = v.get("ci95") or (None, None)
            rows.append(
                {**head, "kind": "kpi", "name": kpi, "kpi": kpi, "scope": "all", "rule": None,
                 "target": None, "value": v.get("mean"), "ci95_low": lo, "ci95_high": hi,
                 "met": None}
            )  # fmt: skip
    return [{c: r.get(c) for c in CSV_COLUMNS} for r in rows]


def _with_ci(kpi: str, value: Any, ci: Any) -> str:
    interval = fmt_ci(kpi, ci)
    return fmt_kpi(kpi, value) + ("" if interval == "-" else f" ({interval})")


def _verdict(p: dict[str, Any]) -> str:
    if p.get("feasible"):
        return status(True)
    targets = p.get("targets") or {}
    fails = ", ".join(target_label(f, targets.get(f) or {}) for f in p.get("failures") or [])
    return status(False) + (f" {esc(fails)}" if fails else "")


def _hours_rows(plans: list[tuple[str, dict[str, Any]]], confidence: Any) -> list[list[str]]:
    level = f" ({float(confidence):.0%} confidence)" if confidence is not None else ""
    rows = [
        ["paid hours", *[fmt_num(p.get("paid_hours")) for _, p in plans]],
        ["agent-hours on the phones", *[fmt_num(p.get("agent_hours_on_phones")) for _, p in plans]],
        ["replications", *[esc(p.get("replications", "-")) for _, p in plans]],
        [f"every target held{level}", *[_verdict(p) for _, p in plans]],
    ]
    if len(plans) == 2:
        before, after = plans[0][1].get("paid_hours"), plans[1][1].get("paid_hours")
        if before is not None and after is not None:
            saved = float(before) - float(after)
            share = f" ({saved / float(before):.1%})" if before else ""
            rows.append(["paid hours saved by the joint method", "", fmt_num(saved) + share])
    return rows


def _kpi_rows(plans: list[tuple[str, dict[str, Any]]]) -> list[list[str]]:
    """Each target's rule and, per plan, its value (95 % interval) and verdict; then other KPIs.

    Text cells are plain (the table escapes them); the verdicts are markup.
    """
    first = plans[0][1]
    rows = []
    for tname, t in (first.get("targets") or {}).items():
        row = [target_label(tname, t), rule_text(t)]
        for _, p in plans:
            tp = (p.get("targets") or {}).get(tname)
            if not isinstance(tp, dict):
                row += ["-", "-"]
                continue
            value = (
                "no calls"
                if tp.get("value") is None
                else _with_ci(t["kpi"], tp.get("value"), tp.get("ci95"))
            )
            row += [value, status(target_met(tname, p, tp))]
        rows.append(row)
    for r in headline_rows(first):
        if r["targets"]:
            continue
        row = [r["label"], ""]
        for _, p in plans:
            v = p["kpis"].get(r["kpi"]) or {}
            row += [_with_ci(r["kpi"], v.get("mean"), v.get("ci95")), ""]
        rows.append(row)
    return rows


def _history(doc: dict[str, Any]) -> str:
    j = doc.get("joint")
    if not isinstance(j, dict) or not j.get("history"):
        return ""
    rows = [
        [str(h.get("step", "")), fmt_num(h.get("paid_hours")), _verdict(h)] for h in j["history"]
    ]
    return (
        f"<h3>Joint search: {esc(j.get('evaluations', len(rows)))} rostered plans simulated in "
        f"{float(j.get('wall_s') or 0):.1f} s</h3>"
        + table(["step", "paid hours", "every target held"], rows, raw=(2,))
    )


def rostered_section(doc: dict[str, Any]) -> str:
    """The report's section on the simulated rosters (empty when the plan has none)."""
    plans = rostered_plans(doc)
    if not plans:
        return ""
    names = [n for n, _ in plans]
    joint = len(plans) == 2
    intro = (
        "The roster (agents on duty less shrinkage) simulated once more with the search's "
        "seeds" + (", the two-step roster beside the joint one" if joint else "") + ". "
        "<i>met</i>: the target holds at the stated one-sided confidence (interval by "
        "interval for a per-interval target), as the search checks a plan; a target "
        "the search does not enforce, on its mean."
    )
    value_cols = [c for n in names for c in (f"{n}: value (95% interval)", "")]
    raw_cols = [3 + 2 * i for i in range(len(plans))]
    kpis = table(["KPI / target", "rule", *value_cols], _kpi_rows(plans), raw=raw_cols)
    hours = table(
        ["", *names],
        _hours_rows(plans, doc.get("confidence")),
        raw=range(1, len(plans) + 1),
    )
    title = "Rostered plan, simulated" + (": joint vs two-step" if joint else "")
    return f'<h2>{title}</h2><p class="small">{intro}</p>{hours}{kpis}{_history(doc)}'
