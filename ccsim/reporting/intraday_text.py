"""The terminal view of ``ccsim intraday``: reforecast, projection, targets, actions."""

from __future__ import annotations

from typing import Any

from ccsim.reporting.text import console, fmt_kpi, fmt_num, fmt_pct, simple_table


def print_intraday(doc: dict[str, Any]) -> None:
    """Print the projection of the rest of the day and the recommended call-ins."""
    con = console()
    con.print(
        f"[bold]{doc['scenario']}[/bold] at {doc['at']} (day {doc['day']}): "
        f"{doc['replications']} replications of the rest of the day"
    )
    rows = [
        [
            r["call_type"] + (" (replayed)" if r.get("basis") == "replayed" else ""),
            fmt_num(r["observed_so_far"], 0) if r["observed_so_far"] is not None else "-",
            fmt_num(r["expected_so_far"], 0),
            fmt_num(r["factor"], 3),
            fmt_num(r["rest_forecast"], 0),
            fmt_num(r["rest_reforecast"], 0),
        ]
        for r in doc["reforecast"]
    ]
    con.print(
        simple_table(
            [
                "call type",
                "calls so far",
                "expected so far",
                "factor",
                "rest: forecast",
                "rest: reforecast",
            ],
            rows,
            title="Reforecast",
        )
    )
    rows = []
    for k, v in doc["whole_day"].items():
        rest = doc["rest_of_day"].get(k)
        rows.append(
            [
                k,
                fmt_kpi(k, rest["mean"]) if rest else "-",
                fmt_kpi(k, v["mean"]),
                f"{fmt_kpi(k, v['ci95'][0])} - {fmt_kpi(k, v['ci95'][1])}",
            ]
        )
    con.print(simple_table(["KPI", "rest of day", "whole day", "95 %"], rows, title="Projection"))
    per = doc.get("intervals", [])
    if per:
        rows = [
            [
                str(r.get("start", r["interval"])),
                fmt_num(r.get("offered"), 0),
                fmt_kpi("service_level", r.get("service_level")),
                fmt_kpi("abandon_rate", r.get("abandon_rate")),
                fmt_kpi("asa_s", r.get("asa_s")),
                fmt_kpi("occupancy", r.get("occupancy")),
                fmt_num(r.get("agents"), 1),
            ]
            for r in per
        ]
        con.print(
            simple_table(
                ["interval", "offered", "SL", "abandon", "ASA (s)", "occupancy", "agents"],
                rows,
                title="The rest of the day per interval (mean of replications)",
            )
        )
    rows = [
        [
            f"{t['kpi']} ({t['scope']})",
            f"{t['rule']} {fmt_kpi(t['kpi'], t['target'])}",
            fmt_kpi(t["kpi"], t["mean"]),
            "met" if t["met"] else "MISSED",
            fmt_pct(t["probability_met"], 0),
        ]
        for t in doc["targets"]
    ]
    if rows:
        con.print(
            simple_table(["target", "rule", "projected", "", "P(met)"], rows, title="Targets")
        )
    if doc["actions"]:
        rows = [
            [
                str(a["step"]),
                f"+{a.get('added', 1)} {a['group']} (now +{a['extra_agents']})",
                f"{a['from']}-{a['to']} ({len(a['intervals'])} intervals)",
                fmt_num(a["agent_hours"], 1),
                fmt_kpi("service_level", a["whole_day"]["service_level"]["mean"]),
                fmt_kpi("abandon_rate", a["whole_day"]["abandon_rate"]["mean"]),
                "all met" if a["all_met"] else "",
            ]
            for a in doc["actions"]
        ]
        con.print(
            simple_table(
                ["step", "call in", "from", "extra agent-h", "day SL", "day abandon", ""],
                rows,
                title="Actions (cumulative)",
            )
        )
    for n in doc["notes"]:
        con.print(f"  note: {n}", style="dim")
