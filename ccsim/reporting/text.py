"""Terminal tables (rich), written to stdout; progress and notes go to stderr."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table


def console(err: bool = False) -> Console:
    """A console on the current stdout (or stderr); created per use so redirection works."""
    return Console(
        file=sys.stderr if err else sys.stdout,
        highlight=False,
        soft_wrap=False,
        width=None if (sys.stderr if err else sys.stdout).isatty() else 120,
    )


def fmt_pct(x: float | None, digits: int = 1) -> str:
    """Format a share as a percentage (``-`` for missing)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{100.0 * x:.{digits}f}%"


def fmt_num(x: float | None, digits: int = 1) -> str:
    """Format a number (``inf`` and ``-`` for missing)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "inf"
    return f"{x:,.{digits}f}"


def simple_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    title: str | None = None,
    highlight_row: int | None = None,
) -> Table:
    """A plain right-aligned table; ``highlight_row`` is shown in bold."""
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for i, c in enumerate(columns):
        table.add_column(c, justify="left" if i == 0 else "right")
    for i, r in enumerate(rows):
        table.add_row(*[str(x) for x in r], style="bold" if i == highlight_row else None)
    return table


_PCT_KPIS = {
    "service_level", "answer_rate", "abandon_rate", "short_abandon_rate", "occupancy", "p_wait",
    "ivr_self_service", "containment", "blocked_rate", "fcr", "repeat_caller_rate",
}  # fmt: skip

HEADLINE = (
    "offered", "answered", "abandoned", "service_level", "answer_rate", "abandon_rate",
    "short_abandon_rate", "asa_s", "occupancy", "agents", "ivr_self_service", "blocked_rate", "fcr",
    "repeat_caller_rate",
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
    "fcr": "first-contact resolution",
    "repeat_caller_rate": "repeat-caller rate",
    "mean_wait_s": "mean wait (s)",
    "aht_s": "AHT (s)",
}


def fmt_kpi(kpi: str, v: Any) -> str:
    """A KPI value as a planner reads it."""
    from ccsim.results.kpis import bounds

    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if kpi in _PCT_KPIS or bounds(kpi)[1] == 1.0:
        return fmt_pct(float(v))
    if kpi.endswith("_s"):
        return fmt_num(float(v), 1)
    return fmt_num(float(v), 1 if abs(float(v)) < 100 else 0)


def _ci(kpi: str, ci: list[Any]) -> str:
    lo, hi = ci
    if lo is None or hi is None or (isinstance(lo, float) and math.isnan(lo)):
        return "-"
    return f"{fmt_kpi(kpi, lo)} - {fmt_kpi(kpi, hi)}"


def print_run(doc: dict[str, Any], out_dir: str | None = None) -> None:
    """The terminal view of a run: KPIs against targets, then call types and groups."""
    con = console()
    hz = doc["horizon"]
    sld = doc["service_level_definition"]
    con.print(
        f"[bold]{doc['scenario']}[/bold]: seed {doc['seed']}, {doc['replications']} replications, "
        f"{hz['duration_h']:g} h in {hz['intervals']} intervals of {hz['interval_min']:g} min "
        f"({doc.get('wall_s', 0):.1f} s)"
    )
    by_kpi: dict[str, list[dict[str, Any]]] = {}
    for t in doc.get("targets", {}).values():
        if t["scope"] == "all" or t["scope"].startswith("every interval"):
            by_kpi.setdefault(t["kpi"], []).append(t)
    rows = []
    for k in HEADLINE:
        if k not in doc["kpis"]:
            continue
        v = doc["kpis"][k]
        missing = v["mean"] is None or (isinstance(v["mean"], float) and math.isnan(v["mean"]))
        if missing and k not in by_kpi:
            continue
        if k in ("blocked_rate", "short_abandon_rate") and not v["mean"] and k not in by_kpi:
            continue
        if k in ("fcr", "repeat_caller_rate") and v["mean"] in (1.0, 0.0) and k not in by_kpi:
            continue
        label = LABELS.get(k, k)
        if k == "service_level":
            label = f"service level ({sld['threshold_s']:g} s, {sld['formula']})"
        ts = by_kpi.get(k, [])
        tgt = "; ".join(
            f"{t['rule']} {fmt_kpi(k, t['target'])}"
            + (" each interval" if t["scope"] != "all" else "")
            for t in ts
        )
        status = " ".join("[green]met[/green]" if t["met"] else "[red]MISSED[/red]" for t in ts)
        if missing:  # a target on a KPI without calls to measure is not met
            rows.append([label, "no calls", "-", tgt, status])
            continue
        rows.append([label, fmt_kpi(k, v["mean"]), _ci(k, v["ci95"]), tgt, status])
    con.print(simple_table(["KPI", "mean", "95% interval", "target", ""], rows))
    tier_t = [
        t for t in doc.get("targets", {}).values() if t["scope"].startswith(("tier", "call type"))
    ]
    if tier_t:
        con.print(
            simple_table(
                ["tier target", "value", "95% interval", "target", ""],
                [
                    [
                        f"{t['scope']}: {LABELS.get(t['kpi'], t['kpi'])}",
                        fmt_kpi(t["kpi"], t["value"]),
                        _ci(t["kpi"], t["ci95"]),
                        f"{t['rule']} {fmt_kpi(t['kpi'], t['target'])}",
                        "[green]met[/green]" if t["met"] else "[red]MISSED[/red]",
                    ]
                    for t in tier_t
                ],
            )
        )
    cols = ("offered", "answered", "service_level", "abandon_rate", "asa_s")
    for title, block, extra in (
        ("call type", "call_types", ()),
        ("group", "groups", ("occupancy", "agents")),
    ):
        items = doc.get(block, {})
        if len(items) <= 1 and block == "call_types":
            continue
        rows = [
            [name] + [fmt_kpi(c, v[c]["mean"]) if c in v else "-" for c in (*cols, *extra)]
            for name, v in items.items()
        ]
        con.print(simple_table([title, *[LABELS.get(c, c) for c in (*cols, *extra)]], rows))
    gt = group_type_table(doc.get("group_call_types", {}))
    if gt is not None:
        con.print(gt)
    xt = doc.get("agent_transfers")
    if xt:
        con.print(transfer_table(xt))
    days = doc.get("days", [])
    if len(days) > 1:
        dcols = (*cols, "occupancy")
        rows = [
            [d["label"]]
            + [fmt_kpi(c, d["kpis"][c]["mean"]) if c in d["kpis"] else "-" for c in dcols]
            for d in days
        ]
        con.print(simple_table(["day", *[LABELS.get(c, c) for c in dcols]], rows))
    left = doc["kpis"].get("waiting_at_end", {}).get("mean")
    if left:
        con.print(
            f"[yellow]note:[/yellow] {fmt_num(left, 1)} callers on average were still waiting when the run "
            "stopped (no agents at the end, or horizon.drain_limit_h); they count as offered, not answered"
        )
    camps = doc.get("campaigns", {})
    if camps:
        ccols = (
            "attempts",
            "contacts",
            "contact_rate",
            "successes",
            "success_rate",
            "abandon_rate",
            "list_completion",
            "agent_hours",
        )
        rows = [[cid] + [fmt_kpi(c, v[c]["mean"]) for c in ccols] for cid, v in camps.items()]
        con.print(simple_table(["campaign", *[c.replace("_", " ") for c in ccols]], rows))
    wo = doc.get("work_orders")
    if wo:
        wcols = ("created", "closed", "open_at_end", "timeliness", "callback_reach", "chasers")
        rows = [["all"] + [fmt_kpi(c, wo[c]["mean"]) for c in wcols]]
        rows += [
            [t] + [fmt_kpi(c, v[c]["mean"]) for c in wcols]
            for t, v in wo.get("by_type", {}).items()
        ]
        con.print(simple_table(["work orders", *[c.replace("_", " ") for c in wcols]], rows))
    if out_dir:
        con.print(f"Output: {out_dir}  (report.html, summary.json, intervals.csv, ...)")


def group_type_table(pairs: dict[str, dict[str, dict[str, Any]]]) -> Table | None:
    """Answered calls, AHT and FCR per answering group and call type (proficiency at work).

    None when it would repeat the group and call-type tables: every group answered one
    call type and every call type was answered by one group.
    """
    per_type: dict[str, int] = {}
    for types in pairs.values():
        for t in types:
            per_type[t] = per_type.get(t, 0) + 1
    if all(len(t) <= 1 for t in pairs.values()) and all(n <= 1 for n in per_type.values()):
        return None
    cols = ("answered", "aht_s", "fcr")
    rows = [
        [g, t, *(fmt_kpi(c, v[c]["mean"]) for c in cols)]
        for g, types in pairs.items()
        for t, v in types.items()
    ]
    return simple_table(["group", "call type", *(LABELS.get(c, c) for c in cols)], rows)


def transfer_table(xt: dict[str, Any]) -> Table:
    """Transfers per transferring group and call type, then the total."""
    cols = (
        "transferred", "transfer_rate", "two_agent_calls", "lost_after_transfer",
        "asa_after_transfer_s",
    )  # fmt: skip
    rows = [
        [g, t, *(fmt_kpi(c, v[c]["mean"]) for c in cols)]
        for g, types in xt.get("by_group", {}).items()
        for t, v in types.items()
    ]
    total = xt.get("total", {})
    if total:
        rows.append(["all", "", *(fmt_kpi(c, total[c]["mean"]) for c in cols)])
    heads = ("transferred", "rate", "by two agents", "lost after", "ASA after (s)")
    return simple_table(["transfers from", "call type", *heads], rows, highlight_row=len(rows) - 1)
