"""``ccsim erlang``: the closed-form staffing calculator."""

from __future__ import annotations

from typing import Any

import click
import numpy as np
from click.core import ParameterSource

from ccsim.analytics import SL_FORMULAS, Targets, queue_metrics, required_agents, scheduled_agents
from ccsim.analytics.sizing import table_around
from ccsim.commands.erlang_inputs import (
    MAX_TRAFFIC_ERLANGS,
    nonneg_problems,
    share_problems,
    targets_doc,
    targets_text,
    too_much_traffic,
)
from ccsim.commands.erlang_intervals import staff_intervals
from ccsim.commands.erlang_lines import size_lines
from ccsim.errors import InputError, Problem
from ccsim.reporting.jsonout import dumps
from ccsim.reporting.text import console, fmt_num, fmt_pct, simple_table

__all__ = ["MAX_TRAFFIC_ERLANGS", "erlang_command"]


@click.command(
    "erlang",
    epilog="""\b
Examples:
  ccsim erlang --calls 100 --interval-min 30 --aht-s 180 --sl-threshold-s 20 --sl-target 0.8
  ccsim erlang --calls 100 --aht-s 180 --sl-target 0.8 --patience-s 300 --json
  ccsim erlang --intervals day.csv --aht-s 180 --sl-target 0.8 --out plan.csv
  ccsim erlang --calls 2000 --interval-min 30 --aht-s 45 --blocking-target 0.01""",
)
@click.option("--calls", type=float, help="Calls offered in the interval.")
@click.option(
    "--interval-min", type=float, default=30.0, show_default=True, help="Interval length, minutes."
)
@click.option("--aht-s", type=float, help="Average handling time (talk + wrap-up), seconds.")
@click.option(
    "--sl-threshold-s",
    type=float,
    default=20.0,
    show_default=True,
    help="Service-level threshold T, seconds.",
)
@click.option("--sl-target", type=float, help="Service-level target, e.g. 0.8 for 80% within T.")
@click.option(
    "--sl-formula",
    type=click.Choice(SL_FORMULAS),
    default="offered",
    show_default=True,
    help="How abandoned calls count in the service level.",
)
@click.option(
    "--patience-s",
    type=float,
    help="Mean caller patience, seconds: switches to Erlang A (M/M/n+M).",
)
@click.option("--asa-target-s", type=float, help="Maximum average speed of answer, seconds.")
@click.option(
    "--abandon-target", type=float, help="Maximum abandonment rate (Erlang A), e.g. 0.05."
)
@click.option(
    "--max-occupancy", type=float, help="Maximum agent occupancy, e.g. 0.85 (no cap unless set)."
)
@click.option(
    "--shrinkage",
    type=float,
    default=0.0,
    show_default=True,
    help="Share of paid time not on the phones, for scheduled agents.",
)
@click.option("--agents", type=int, help="Also show this many agents in the table.")
@click.option(
    "--intervals",
    "intervals_file",
    type=click.Path(dir_okay=False),
    help="CSV with columns interval, calls, aht_s[, patience_s]: staff every row "
    "(--aht-s, --patience-s: one value for every row instead of the column).",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    help="With --intervals: write the plan to this .csv or .json file.",
)
@click.option(
    "--blocking-target",
    type=float,
    help="Erlang B: lines (trunks, IVR ports) for at most this share of calls blocked, e.g. 0.01.",
)
@click.option("--lines", type=int, help="Erlang B: also show this many lines in the table.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
def erlang_command(
    calls: float | None,
    interval_min: float,
    aht_s: float | None,
    sl_threshold_s: float,
    sl_target: float | None,
    sl_formula: str,
    patience_s: float | None,
    asa_target_s: float | None,
    abandon_target: float | None,
    max_occupancy: float | None,
    shrinkage: float,
    agents: int | None,
    intervals_file: str | None,
    out_file: str | None,
    blocking_target: float | None,
    lines: int | None,
    as_json: bool,
) -> int:
    """Closed-form staffing: Erlang C, or Erlang A with --patience-s; lines by Erlang B.

    Prints the fewest agents that meet every target given (service level, ASA,
    abandonment, maximum occupancy) and a table of P(wait), service level, ASA,
    occupancy (and abandonment) around that number. With --intervals, staffs every row
    of a CSV file (a day, a week, a year). With --blocking-target (or --lines), sizes
    lines without a queue (trunks, IVR ports) by Erlang B.
    """
    if blocking_target is not None or lines is not None:
        ctx = click.get_current_context()

        def given(name: str, value: Any) -> Any:  # options with defaults count when typed
            source = ctx.get_parameter_source(name)
            return None if source is ParameterSource.DEFAULT else value

        return _lines_mode(
            calls, interval_min, aht_s, blocking_target, lines, as_json,
            {"--sl-target": sl_target, "--patience-s": patience_s, "--asa-target-s": asa_target_s,
             "--abandon-target": abandon_target, "--max-occupancy": max_occupancy,
             "--agents": agents, "--intervals": intervals_file, "--out": out_file,
             "--shrinkage": given("shrinkage", shrinkage),
             "--sl-threshold-s": given("sl_threshold_s", sl_threshold_s),
             "--sl-formula": given("sl_formula", sl_formula)},
        )  # fmt: skip
    problems = (
        nonneg_problems("--calls", calls)
        + nonneg_problems("--interval-min", interval_min, strict=True)
        + nonneg_problems("--aht-s", aht_s, strict=True)
        + nonneg_problems("--sl-threshold-s", sl_threshold_s)
        + share_problems("--sl-target", sl_target, upper_open=True)
        + nonneg_problems("--patience-s", patience_s, strict=True)
        + nonneg_problems("--asa-target-s", asa_target_s, strict=True)
        + share_problems("--abandon-target", abandon_target, upper_open=False)
        + share_problems("--max-occupancy", max_occupancy, upper_open=False)
        + share_problems("--shrinkage", shrinkage, upper_open=True, zero_ok=True)
        + nonneg_problems("--agents", agents)
    )
    if abandon_target is not None and patience_s is None and intervals_file is None:
        problems.append(
            Problem(
                "--abandon-target",
                "needs --patience-s (Erlang C has no abandonment)",
                abandon_target,
            )
        )
    if out_file and not intervals_file:
        problems.append(Problem("--out", "is only used with --intervals", out_file))
    if intervals_file is not None:  # used or refused, never ignored
        if calls is not None:
            problems.append(
                Problem("--calls", "comes from the --intervals file: give one or the other", calls)
            )
        if agents is not None:
            problems.append(Problem("--agents", "is not used with --intervals", agents))
    if intervals_file is None:
        if calls is None:
            problems.append(
                Problem("--calls", "is required (or give --intervals FILE.csv)", has_value=False)
            )
        if aht_s is None:
            problems.append(Problem("--aht-s", "is required", has_value=False))
        if calls is not None and aht_s is not None and not problems:
            big = too_much_traffic("--calls", calls, aht_s, interval_min * 60.0)
            if big:
                problems.append(big)
    has_target = any(
        v is not None for v in (sl_target, asa_target_s, abandon_target, max_occupancy)
    )
    if not has_target and (intervals_file is not None or agents is None):
        problems.append(
            Problem(
                "targets",
                "give at least one of --sl-target, --asa-target-s, --abandon-target,"
                " --max-occupancy (or --agents N to evaluate a given staffing)",
                has_value=False,
            )
        )
    if problems:
        raise InputError(problems)
    targets = (
        Targets(
            service_level=sl_target,
            threshold_s=sl_threshold_s,
            sl_formula=sl_formula,
            asa_s=asa_target_s,
            abandon_rate=abandon_target,
            max_occupancy=max_occupancy,
        )
        if has_target
        else None
    )
    interval_s = interval_min * 60.0
    if intervals_file is not None:
        assert targets is not None
        return staff_intervals(
            intervals_file, out_file, targets, interval_s, shrinkage, as_json, aht_s, patience_s
        )
    assert calls is not None and aht_s is not None
    return _single(
        calls,
        aht_s,
        interval_s,
        targets,
        sl_threshold_s,
        sl_formula,
        patience_s,
        shrinkage,
        agents,
        as_json,
    )


def _lines_mode(
    calls: float | None,
    interval_min: float,
    aht_s: float | None,
    blocking_target: float | None,
    lines: int | None,
    as_json: bool,
    others: dict[str, Any],
) -> int:
    """Erlang B: refuse the options of the queueing models rather than ignore them."""
    problems = (
        nonneg_problems("--calls", calls)
        + nonneg_problems("--interval-min", interval_min, strict=True)
        + nonneg_problems("--aht-s", aht_s, strict=True)
        + share_problems("--blocking-target", blocking_target, upper_open=True)
        + nonneg_problems("--lines", lines)
    )
    problems += [
        Problem(name, "is not used with --blocking-target or --lines (Erlang B has no queue)", v)
        for name, v in others.items()
        if v is not None
    ]
    if calls is None:
        problems.append(Problem("--calls", "is required", has_value=False))
    if aht_s is None:
        problems.append(
            Problem("--aht-s", "is required (the holding time of a line)", has_value=False)
        )
    if calls is not None and aht_s is not None and not problems:
        big = too_much_traffic("--calls", calls, aht_s, interval_min * 60.0)
        if big:
            problems.append(big)
    if problems:
        raise InputError(problems)
    assert calls is not None and aht_s is not None
    return size_lines(calls, aht_s, interval_min * 60.0, blocking_target, lines, as_json)


def _single(
    calls: float,
    aht_s: float,
    interval_s: float,
    targets: Targets | None,
    threshold_s: float,
    sl_formula: str,
    patience_s: float | None,
    shrinkage: float,
    agents: int | None,
    as_json: bool,
) -> int:
    traffic = calls * aht_s / interval_s
    required: int | None = None
    scheduled: int | None = None
    if targets is not None:
        found = int(required_agents(traffic, aht_s, targets, patience_s))
        required = found if found >= 0 else None
        scheduled = None if required is None else int(scheduled_agents(required, shrinkage))
    centre = required if required is not None else (agents or 0)
    ns = table_around(centre, agents)
    m = queue_metrics(
        np.array(ns, dtype=float), traffic, aht_s, threshold_s, patience_s, sl_formula
    )
    model = m.model
    rows: list[dict[str, Any]] = []
    for i, n in enumerate(ns):
        row: dict[str, Any] = {
            "agents": n,
            "p_wait": float(np.asarray(m.p_wait)[i]),
            "service_level": float(np.asarray(m.service_level)[i]),
            "asa_s": float(np.asarray(m.asa_s)[i]),
            "occupancy": float(np.asarray(m.occupancy)[i]),
        }
        if model == "erlang_a":
            row["p_abandon"] = float(np.asarray(m.p_abandon)[i])
        row["meets_targets"] = None if required is None else n >= required
        rows.append(row)
    doc = {
        "model": model,
        "calls": calls,
        "interval_min": interval_s / 60.0,
        "aht_s": aht_s,
        "patience_s": patience_s,
        "traffic_erlangs": traffic,
        "sl_threshold_s": threshold_s,
        "sl_formula": sl_formula,
        "targets": targets_doc(targets),
        "shrinkage": shrinkage,
        "required_agents": required,
        "scheduled_agents": scheduled,
        "table": rows,
    }
    if as_json:
        click.echo(dumps(doc))
        return 0
    con = console()
    name = "Erlang A (M/M/n+M)" if model == "erlang_a" else "Erlang C (M/M/n)"
    con.print(
        f"{name}: {fmt_num(calls, 1)} calls in {fmt_num(interval_s / 60.0, 0)} min, "
        f"AHT {fmt_num(aht_s, 0)} s"
        + (f", mean patience {fmt_num(patience_s, 0)} s" if patience_s else "")
        + f" -> {traffic:.2f} Erlangs"
    )
    if targets is not None:
        con.print(f"Targets: {targets_text(targets)}")
    if required is not None:
        con.print(
            f"Required agents: [bold]{required}[/bold]"
            + (
                f"   scheduled with {fmt_pct(shrinkage, 0)} shrinkage: [bold]{scheduled}[/bold]"
                if shrinkage
                else ""
            )
        )
    cols = ["agents", "P(wait)", f"SL {fmt_num(threshold_s, 0)} s", "ASA (s)", "occupancy"]
    if model == "erlang_a":
        cols.append("abandoned")
    body = []
    hl = None
    for i, r in enumerate(rows):
        cells: list[str] = [
            str(r["agents"]),
            fmt_pct(r["p_wait"]),
            fmt_pct(r["service_level"]),
            fmt_num(r["asa_s"], 1),
            fmt_pct(r["occupancy"]),
        ]
        if model == "erlang_a":
            cells.append(fmt_pct(r["p_abandon"], 2))
        if r["agents"] == required:
            hl = i
        body.append(cells)
    con.print(simple_table(cols, body, highlight_row=hl))
    return 0
