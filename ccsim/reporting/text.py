"""Terminal tables (rich), written to stdout; progress and notes go to stderr."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from ccsim.reporting.erlang_check import below_rows, parted_rows, summary_line
from ccsim.reporting.labels import (
    HEADLINE,
    LABELS,
    fmt_ci,
    fmt_kpi,
    fmt_num,
    fmt_pct,
    headline_rows,
    label,
    rule_text,
    target_label,
)

__all__ = [
    "HEADLINE", "LABELS", "console", "fmt_kpi", "fmt_num", "fmt_pct", "print_run", "simple_table",
]  # fmt: skip


def console(err: bool = False) -> Console:
    """A console on the current stdout (or stderr); created per use so redirection works."""
    return Console(
        file=sys.stderr if err else sys.stdout,
        highlight=False,
        soft_wrap=False,
        width=None if (sys.stderr if err else sys.stdout).isatty() else 120,
    )


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


def print_run(doc: dict[str, Any], out_dir: str | None = None) -> None:
    """The terminal view of a run: KPIs against targets, then call types and groups."""
    con = console()
    hz = doc["horizon"]
    con.print(
        f"[bold]{doc['scenario']}[/bold]: seed {doc['seed']}, {doc['replications']} replications, "
        f"{hz['duration_h']:g} h in {hz['intervals']} intervals of {hz['interval_min']:g} min "
        f"({doc.get('wall_s', 0):.1f} s)"
    )
    est = doc.get("estimator", {})
    notes = []
    if est.get("kpis") == "ratio_of_totals":
        notes.append("KPIs are ratios of totals over the replications (delta-method intervals)")
    if est.get("occupancy") == "until_last_call":
        notes.append("occupancy counts the time after closing until the last call ends")
    if notes:
        text = "; ".join(notes)
        con.print(text[:1].upper() + text[1:] + ".")
    rows = []
    for r in headline_rows(doc):
        k, ts = r["kpi"], r["targets"]
        tgt = "; ".join(
            rule_text(t) + (" each interval" if t["scope"] != "all" else "") for t in ts
        )
        status = " ".join("[green]met[/green]" if t["met"] else "[red]MISSED[/red]" for t in ts)
        if r["no_calls"]:  # a target on a KPI without calls to measure is not met
            rows.append([r["label"], "no calls", "-", tgt, status])
            continue
        rows.append([r["label"], fmt_kpi(k, r["mean"]), fmt_ci(k, r["ci95"]), tgt, status])
    con.print(simple_table(["KPI", "mean", "95% interval", "target", ""], rows))
    tier_t = [
        (n, t)
        for n, t in doc.get("targets", {}).items()
        if t["scope"].startswith(("tier", "call type"))
    ]
    if tier_t:
        con.print(
            simple_table(
                ["tier and call type target", "value", "95% interval", "target", ""],
                [
                    [
                        target_label(name, t),
                        fmt_kpi(t["kpi"], t["value"]),
                        fmt_ci(t["kpi"], t["ci95"]),
                        rule_text(t),
                        "[green]met[/green]" if t["met"] else "[red]MISSED[/red]",
                    ]
                    for name, t in tier_t
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
        con.print(simple_table([title, *[label(c) for c in (*cols, *extra)]], rows))
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
        con.print(simple_table(["day", *[label(c) for c in dcols]], rows))
    left = doc["kpis"].get("waiting_at_end", {}).get("mean")
    if left:
        con.print(
            f"[yellow]note:[/yellow] {fmt_num(left, 1)} callers on average were still waiting when the run "
            "stopped (no agents at the end, or horizon.drain_limit_h); they count as offered, not answered"
        )
    camps = doc.get("campaigns", {})
    if camps:
        ccols: tuple[str, ...] = (
            "attempts",
            "contacts",
            "contact_rate",
            "successes",
            "success_rate",
            "abandon_rate",
            "list_completion",
            "agent_hours",
        )
        if any("on_time_rate" in v for v in camps.values()):  # callbacks with a time limit
            ccols = (*ccols, "on_time_rate", "reached_rate")
        rows = [
            [cid] + [fmt_kpi(c, v[c]["mean"]) if c in v else "-" for c in ccols]
            for cid, v in camps.items()
        ]
        con.print(simple_table(["campaign", *[label(c) for c in ccols]], rows))
    wo = doc.get("work_orders")
    if wo:
        wcols = ("created", "closed", "open_at_end", "timeliness", "callback_reach", "chasers")
        rows = [["all"] + [fmt_kpi(c, wo[c]["mean"]) for c in wcols]]
        rows += [
            [t] + [fmt_kpi(c, v[c]["mean"]) for c in wcols]
            for t, v in wo.get("by_type", {}).items()
        ]
        con.print(simple_table(["work orders", *[label(c) for c in wcols]], rows))
    print_erlang_check(doc.get("erlang_check"))
    if out_dir:
        con.print(f"Output: {out_dir}  (report.html, summary.json, intervals.csv, ...)")


def print_erlang_check(check: dict[str, Any] | None, shown: int = 8) -> None:
    """The run's check against Erlang: a sentence, then the first rows of each list."""
    if not check or not check.get("checked"):
        return
    con = console()
    con.print(summary_line(check))
    below = below_rows(check, shown)
    if below:
        more = len(below_rows(check, 10**9)) - len(below)
        title = "Staffed below Erlang" + (
            f" (first {len(below)} rows, {more} more)" if more else ""
        )
        con.print(simple_table(["interval", "group", "staffed", "Erlang needs"], below, title))
    parted = parted_rows(check, shown)
    if parted:
        more = check["parted_count"] - len(parted)
        title = "Simulation and Erlang part" + (
            f" (first {len(parted)}, {more} more)" if more else ""
        )
        heads = ["interval", "group", "KPI", "simulated [95%]", "Erlang", "what Erlang leaves out"]
        con.print(simple_table(heads, parted, title))


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
