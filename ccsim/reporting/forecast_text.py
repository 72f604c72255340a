"""The terminal view of ``ccsim forecast``: the backtest, then the forecast per day."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ccsim.reporting.text import console, fmt_num, fmt_pct, simple_table


def print_forecast(doc: dict[str, Any], fc: pd.DataFrame, out: str | None = None) -> None:
    """Print how the forecast was made, its backtest, and the daily totals with intervals."""
    con = console()
    con.print(
        f"[bold]ccsim forecast[/bold] {doc['source']}: {doc['history_days']} days of history "
        f"from {doc['history_start']} in {doc['interval_min']:g}-min intervals, "
        f"{len(doc['call_types'])} call types; method [bold]{doc['method']}[/bold] ({doc['reason']})"
    )
    for m, why in doc["skipped_methods"].items():
        con.print(f"  {m} left out: {why}", style="dim")
    rows = [
        [
            r["method"] + (" (chosen)" if r["method"] == doc["method"] else ""),
            f"{r['days']}",
            fmt_pct(r["wape_daily"]),
            fmt_pct(r["floor_daily"]),
            fmt_pct(r["wape_interval"]),
            fmt_pct(r["floor_interval"]),
            fmt_pct(r["bias"]),
        ]
        for r in doc["backtest"]
        if r["call_type"] == "all"
    ]
    con.print(
        simple_table(
            ["method", "days", "WAPE daily", "noise floor", "WAPE interval", "noise floor", "bias"],
            rows,
            title="Backtest (rolling origin, next week from each origin; all call types)",
        )
    )
    daily = (
        fc.assign(day=fc["start"].dt.normalize())
        .groupby(["day", "call_type"], observed=True)["calls"]
        .sum()
    )
    table = daily.unstack("call_type")
    rows = [
        [f"{d:%a %Y-%m-%d}", *[fmt_num(v, 0) for v in r.to_numpy()], fmt_num(r.sum(), 0)]
        for d, r in table.iterrows()
    ]
    con.print(
        simple_table(
            ["day", *[str(c) for c in table.columns], "all"],
            rows,
            title="Forecast: expected calls per day",
        )
    )
    con.print(
        f"  per interval with {doc['level']:.0%} prediction intervals: "
        + (
            "forecast.csv in the output folder, "
            if out and not out.lower().endswith((".yaml", ".yml"))
            else ""
        )
        + "--json",
        style="dim",
    )
    con.print(
        f"  day-to-day error of the forecast beyond Poisson: cv {doc['busyness_cv']:.3f} "
        "(the scenario's busyness_cv with --scenario)",
        style="dim",
    )
    for s in doc["special_days"]:
        con.print(f"  special day left out: {s}", style="dim")
    for n in doc["notes"]:
        con.print(f"  note: {n}", style="dim")
    if out:
        con.print(f"Written: {out}")
