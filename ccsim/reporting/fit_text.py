"""The terminal view of ``ccsim fit``: every estimate with its sample size and interval."""

from __future__ import annotations

import math
from typing import Any

from ccsim.reporting.text import console, fmt_kpi, fmt_num, fmt_pct, simple_table

#: Intervals printed in the backtest table (longer periods: see backtest.csv).
MAX_INTERVAL_ROWS = 48


def _pct_ci(ci: list[Any] | None) -> str:
    if not ci or ci[0] is None:
        return "-"
    return f"{fmt_pct(ci[0])} - {fmt_pct(ci[1])}"


def _num_ci(ci: list[Any] | None, digits: int = 1) -> str:
    if not ci or ci[0] is None:
        return "-"
    return f"{fmt_num(ci[0], digits)} - {fmt_num(ci[1], digits)}"


def print_fit(doc: dict[str, Any], out_dir: str | None = None) -> None:
    """Print the fit report (and the backtest when the document holds one)."""
    con = console()
    p = doc["period"]
    con.print(
        f"[bold]ccsim fit[/bold] {doc['source']}: {doc['rows_read']:,} rows read, "
        f"{doc['calls']:,} calls used; period from {p['start']} ({p['start_day']}), "
        f"{p['intervals']} intervals of {p['interval_min']:g} min"
        + (f", {p['replications']} replications pooled" if p["replications"] > 1 else "")
    )
    where = "row" if str(doc["source"]).lower().endswith((".parquet", ".pq")) else "line"
    for s in doc["skipped"]:
        n = s["rows"]
        con.print(
            f"  left out: {n:,} row{'' if n == 1 else 's'} ({s['reason']}), "
            f"e.g. {where} {s['examples'][0]}"
        )
    ivr = {v["call_type"]: v for v in doc["ivr"]}
    rows = []
    for a in doc["arrivals"]:
        v = ivr.get(a["call_type"])
        rows.append(
            [
                a["call_type"],
                f"{a['fresh_calls']:,}",
                fmt_num(a["daily_volume"], 0),
                _num_ci(a["daily_volume_ci95"], 0),
                fmt_pct(v["abandon"]) if v else "-",
                fmt_pct(v["containment"]) if v else "-",
                _pct_ci(v["containment_ci95"]) if v else "-",
            ]
        )
    con.print(
        simple_table(
            ["call type", "first calls", "per day", "95 %", "IVR abandon", "containment", "95 %"],
            rows,
            title="Arrivals and IVR",
        )
    )
    rows = []
    for part in ("talk", "wrap"):
        for f in doc[part]:
            rows.append(
                [
                    f["name"],
                    f"{f['n']:,}",
                    fmt_num(f["mean_s"]),
                    _num_ci(f["mean_ci95"]),
                    fmt_num(f["cv"], 2),
                    f["chosen"],
                ]
            )
    con.print(
        simple_table(
            ["duration", "n", "mean (s)", "95 %", "cv", "fitted"], rows, title="Handle times"
        )
    )
    for part in ("talk", "wrap"):
        for f in doc[part]:
            con.print(f"  {f['name']}: {f['reason']}", style="dim")
    rows = []
    for pt in doc["patience"]:
        rows.append(
            [
                pt["name"],
                f"{pt['n']:,}",
                f"{pt['abandoned']:,}",
                fmt_num(pt["naive_mean_s"]),
                fmt_num(pt["mean_s"]) if pt["mean_s"] is not None else "-",
                _num_ci(pt["mean_ci95"]),
                fmt_pct(pt["balk_share"]),
                pt["chosen"],
            ]
        )
    con.print(
        simple_table(
            [
                "patience",
                "queued",
                "abandoned",
                "naive mean (s)",
                "fitted mean (s)",
                "95 %",
                "balk",
                "fitted",
            ],
            rows,
            title="Patience (Kaplan-Meier, answered waits censored)",
        )
    )
    for pt in doc["patience"]:
        con.print(f"  {pt['name']}: {pt['reason']}", style="dim")
    if doc["mix"]:
        rows = [
            [
                f"{m['dimension']} {m['id']}",
                f"{m['calls']:,}",
                fmt_pct(m["share"]),
                _pct_ci([m["ci_low"], m["ci_high"]]),
            ]
            for m in doc["mix"]
        ]
        con.print(
            simple_table(
                ["mix", "first calls", "share", "95 %"], rows, title="Tier and network mix"
            )
        )
    if doc["redials"]:
        rows = [
            [
                r["call_type"],
                f"{r['failures']:,}",
                f"{r['redials']:,}",
                ", ".join(fmt_pct(x, 0) for x in r["probabilities"]) or "-",
                ", ".join(r["after"]) or "-",
                fmt_num(r["delay"]["mean_s"]) if r["delay"] else "-",
            ]
            for r in doc["redials"]
        ]
        con.print(
            simple_table(
                ["redials", "failed attempts", "redialed", "per attempt", "after", "delay (s)"],
                rows,
                title=f"Redials (next call within {doc['redial_window_min']:g} min)",
            )
        )
    by_group: dict[str, list[str]] = {}
    for s in doc["skills"]:
        by_group.setdefault(s["group"], []).append(f"{s['call_type']} {fmt_pct(s['share'], 0)}")
    agents: dict[str, float] = {}
    for row in doc["staffing"]["table"]:
        agents[row["group"]] = agents.get(row["group"], 0.0) + float(row["agents"])
    n = max(1, p["intervals"])
    rows = [
        [g, fmt_num(agents.get(g, 0.0) / n), ", ".join(by_group.get(g, []))] for g in sorted(agents)
    ]
    con.print(
        simple_table(
            ["group", "agents (average)", "answered (skills, most first)"], rows, title="Groups"
        )
    )
    con.print(f"  staffing: {doc['staffing']['method']}", style="dim")
    for note in doc["notes"]:
        if note:
            con.print(f"  note: {note}", style="dim")
    for w in doc["warnings"]:
        con.print(f"  [yellow]warning[/yellow]: {w}")
    if "check" in doc:
        _print_check(con, doc["check"])
    if out_dir:
        con.print(f"Scenario and report: {out_dir}")


def _print_check(con: Any, check: dict[str, Any]) -> None:
    rows = []
    table = check["table"]
    whole = [r for r in table if r["interval"] == -1]
    for r in whole:
        k = r["kpi"]
        rows.append(
            [
                k,
                fmt_kpi(k, r["observed"]),
                fmt_kpi(k, r["simulated"]),
                f"{fmt_kpi(k, r['ci_low'])} - {fmt_kpi(k, r['ci_high'])}",
                f"{fmt_kpi(k, r['range_low'])} - {fmt_kpi(k, r['range_high'])}",
                _within(r["within"]),
                f"{check['summary'][k]['within']}/{check['summary'][k]['intervals']}",
            ]
        )
    con.print(
        simple_table(
            [
                "whole period",
                "log",
                "model",
                "95 % (mean)",
                "model range",
                "within",
                "intervals within",
            ],
            rows,
            title=f"Backtest: the log against the fitted model ({check['replications']} replications)",
        )
    )
    per: dict[int, dict[str, Any]] = {}
    for r in table:
        if r["interval"] >= 0:
            per.setdefault(r["interval"], {"clock": r["clock"]})[r["kpi"]] = r
    ivs = sorted(per)
    if len(ivs) > MAX_INTERVAL_ROWS:
        con.print(f"  {len(ivs)} intervals: see backtest.csv in the output folder", style="dim")
        return
    rows = []
    for i in ivs:
        d = per[i]
        row = [d["clock"]]
        for k in ("service_level", "abandon_rate", "asa_s", "occupancy"):
            r = d.get(k)
            row += [fmt_kpi(k, r["observed"]), _model(k, r)] if r else ["-", "-"]
        rows.append(row)
    con.print(
        simple_table(
            [
                "interval",
                "SL log",
                "SL model",
                "aband. log",
                "aband. model",
                "ASA log",
                "ASA model",
                "occ. log",
                "occ. model",
            ],
            rows,
        )
    )


def _model(k: str, r: dict[str, Any]) -> str:
    mark = (
        ""
        if r["within"] is None
        or (isinstance(r["within"], float) and math.isnan(r["within"]))
        or r["within"]
        else " *"
    )
    return f"{fmt_kpi(k, r['simulated'])}{mark}"


def _within(w: Any) -> str:
    if w is None or (isinstance(w, float) and math.isnan(w)):
        return "-"
    return "yes" if w else "NO"
