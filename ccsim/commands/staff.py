"""``ccsim staff``: how many agents, in which group, each interval."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import click

from ccsim.commands.options import (
    overwrite_problems,
    raise_together,
    raise_with_files,
    run_option_problems,
    scale_factors,
    scale_option,
    scale_problems,
    set_option,
    target_problems,
    with_changes,
)
from ccsim.errors import InputError, Problem
from ccsim.reporting.files import check_file_target, write_file_atomically
from ccsim.reporting.jsonout import dumps
from ccsim.reporting.labels import label, target_label
from ccsim.reporting.outputs import check_target
from ccsim.reporting.text import console, fmt_kpi, simple_table
from ccsim.runner.cluster import dask_client, dask_option
from ccsim.scenario import load_scenario
from ccsim.scenario.tables_write import csv_sources, staffed_yaml


@click.command(
    "staff",
    epilog="""\b
Examples:
  ccsim staff scenarios/province_10000.yaml --out outputs/province_plan
  ccsim staff scenarios/two_skill_overflow.yaml --json
  ccsim staff scenarios/mmn.yaml --strict                  # exit 1 if the plan misses a target
  ccsim staff scenarios/mmn.yaml --baseline scenarios/baselines/mmn.staff.json                  # CI: exit 1 on drift
  ccsim staff scenarios/mmn.yaml --baseline scenarios/baselines/mmn.staff.json --write-baseline # create or refresh""",
)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--seed", "-s", type=int, help="Seed of the search (overrides the file).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Write report.html, plan.csv, roster.csv, summary.json and the staffed scenario here.",
)
@click.option(
    "--baseline",
    "baseline",
    type=click.Path(dir_okay=False),
    help="Compare with this baseline; exit 1 if the plan or KPIs drift beyond its tolerances.",
)
@click.option(
    "--write-baseline",
    is_flag=True,
    help="Write (or refresh) the --baseline file from this plan instead of comparing.",
)
@click.option(
    "--warm-start",
    "warm_start",
    type=click.Path(),
    help="Start the search from a previous plan (a baseline, a 'staff --json' document or a "
    "plan folder) instead of the Erlang plan: usually fewer plans to simulate.",
)
@click.option("--workers", type=int, help="Parallel processes (default: one per core).")
@dask_option
@click.option("--no-figures", is_flag=True, help="Skip the report's figures (faster).")
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Print nothing but errors (the exit code tells); with --json, only the JSON document.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit with code 1 if the plan misses a target staffing acts on (no staffing within "
    "the limits meets it).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@set_option
@scale_option
def staff_command(
    file: str,
    seed: int | None,
    out_dir: str | None,
    baseline: str | None,
    write_baseline: bool,
    warm_start: str | None,
    workers: int | None,
    dask_address: str | None,
    no_figures: bool,
    quiet: bool,
    changes: tuple[str, ...],
    scale: tuple[str, ...],
    strict: bool,
    as_json: bool,
) -> int:
    """Staffing plan per interval and group: Erlang estimate, then simulation-verified.

    \b
    Step 1: each group's offered load staffed by Erlang C (Erlang A with patience).
    Step 2: agents per group and interval adjusted until the simulated targets hold
            (common random numbers; period targets at the scenario's confidence).
    Step 3: with staffing.shifts, a roster of shifts covering the scheduled agents
            (integer programming, fewest paid hours).
    Exit code 1 with --strict when no staffing within the limits meets a target (the
    best plan is still written and says what is short), or when --baseline finds drift.
    """  # noqa: D301 (click reads the \b character)
    problems = []
    if write_baseline and not baseline:
        problems.append(
            Problem(
                "--write-baseline", "needs --baseline FILE (where to write it)", has_value=False
            )
        )
    problems += run_option_problems(seed=seed, workers=workers, dask=dask_address) + scale_problems(
        scale
    )
    problems += target_problems(out_dir, "--out")
    if write_baseline:
        problems += target_problems(baseline, "--baseline", folder=False)
        problems += overwrite_problems(baseline, "--baseline", {"scenario file": file})
    from ccsim.staffing.baseline import drift_report, make_baseline, read_baseline
    from ccsim.staffing.plan import staff

    def load(f: str) -> Any:
        return load_scenario(f, require_agents=False)  # agents: what this plans

    def reads(scale: tuple[str, ...]) -> tuple[Any, Any, Any, Any]:
        """The scenario as given and with its changes, the baseline and the warm start.

        Every problem of the three reads together.
        """
        errors: list[InputError] = []
        given = sc = base = start = None
        try:
            given = load(file)
            sc = with_changes(given, changes, file, scale)
        except InputError as exc:
            errors.append(exc)
        if baseline and not write_baseline:
            try:
                base = read_baseline(baseline)
            except InputError as exc:
                errors.append(exc)
        against = sc if sc is not None else given  # the scenario's groups and times
        if warm_start and against is not None:
            try:
                start = previous_plan(against, warm_start)
            except InputError as exc:
                errors.append(exc)
        raise_together(errors)
        return given, sc, base, start

    raise_with_files(problems, lambda: load(file), lambda _: reads(()))
    given, sc, base, start = reads(scale)
    if out_dir:
        check_target(Path(out_dir))
    if baseline and write_baseline:
        check_file_target(baseline, "--baseline")
    log = None if quiet else (lambda msg: click.echo(msg, err=True))
    try:
        with contextlib.ExitStack() as stack:
            client = stack.enter_context(dask_client(dask_address)) if dask_address else None
            executor = client.get_executor(pure=False) if client is not None else None
            plan = staff(sc, seed=seed, workers=workers, log=log, executor=executor, start=start)
    except ValueError as exc:
        raise InputError([Problem(file, str(exc), has_value=False)]) from None
    doc = plan.summary()
    if scale:
        doc["scale"] = scale_factors(scale)
    if warm_start:
        doc["warm_start"] = {"file": warm_start}
    code = 1 if strict and not plan.feasible else 0
    if baseline and write_baseline:
        write_file_atomically(baseline, dumps(make_baseline(plan)) + "\n", "--baseline")
        doc["baseline"] = {"written": baseline}
    elif base is not None:
        report = drift_report(plan, base, doc)
        doc["baseline"] = {"file": baseline, **report}
        if not report["ok"]:
            code = 1
    if out_dir:
        from ccsim.reporting.plan_folder import write_plan_folder

        staffed = staffed_yaml(
            plan.staffed_scenario("sim"), given, csv_sources(file), Path(out_dir)
        )
        write_plan_folder(Path(out_dir), plan, doc, figures=not no_figures, staffed=staffed)
        doc["output_dir"] = out_dir
    if as_json:
        click.echo(dumps(doc))
    elif not quiet:
        print_plan(doc)
    return code


def previous_plan(sc: Any, path: str) -> Any:
    """The plan of ``--warm-start`` as agents per group and interval (Erlang's where it has none)."""
    from ccsim.engine.compile import compile_scenario
    from ccsim.staffing.erlang_step import erlang_plan
    from ccsim.staffing.plan import interval_label
    from ccsim.staffing.warm import read_warm_start, warm_plan

    m = compile_scenario(sc)
    labels = [interval_label(sc, i) for i in range(m.n_intervals)]
    cells, erlang_then = read_warm_start(path, m.group_ids, m.n_intervals, labels)
    return warm_plan(cells, erlang_then, erlang_plan(sc))


def print_plan(doc: dict[str, Any]) -> None:
    """The terminal view of a staffing plan (its ``--json`` document)."""
    con = console()
    h = doc["agent_hours"]
    con.print(
        f"[bold]{doc['scenario']}[/bold]: staffing plan in {doc['wall_s']:.1f} s ({doc['evaluations']} plans simulated, "
        f"{doc['replications']} replications each, {doc['replications_run']} replications in all "
        f"(a plan rejected early counts those it ran), seed {doc['seed']}). {doc['statement'].capitalize()}."
    )
    con.print(
        f"Agent-hours: Erlang {h['erlang']:,.1f}, simulated {h['sim']:,.1f}, scheduled {h['scheduled']:,.1f} "
        f"(shrinkage {doc['shrinkage']:.0%})"
        + (f", rostered {h['rostered']:,.1f}" if h["rostered"] is not None else "")
    )
    rows = []
    for g in doc["groups"]:
        gap = g["gap_share"]
        rows.append(
            [
                g["group"],
                f"{g['erlang_agent_hours']:,.1f}",
                f"{g['sim_agent_hours']:,.1f}",
                "-" if gap is None else f"{gap:+.0%}",
                str(g["peak_sim_agents"]),
                "; ".join(g["reasons"][:3]),
            ]
        )
    con.print(
        simple_table(
            ["group", "Erlang h", "simulated h", "gap", "peak", "why the gap (where large)"], rows
        )
    )
    trows = []
    # missed, but not staffing's to meet (folders written before "staffed" have none)
    aside = {n for n, t in doc["targets"].items() if not t["met"] and not t.get("staffed", True)}
    for name, t in doc["targets"].items():
        mark = "[green]met[/green]" if t["met"] else "[red]MISSED[/red]"
        mark = "[yellow]missed*[/yellow]" if name in aside else mark
        name_, rule = target_label(name, t), f"{t['rule']} {fmt_kpi(t['kpi'], t['target'])}"
        trows.append([name_, rule, fmt_kpi(t["kpi"], t["value"]), mark])
    if trows:
        con.print(simple_table(["target (simulated plan)", "rule", "value", ""], trows))
    if aside:
        con.print("* agents do not move it (IVR, FCR, ...): reported, not read by --strict")
    lrows = [
        [
            ln["scope"],
            str(ln["lines"]),
            ln["peak_start"],
            f"{ln['offered_erlangs']:,.1f}",
            fmt_kpi("line_blocking", ln["erlang_b_blocking"]),
            fmt_kpi("line_blocking", ln["simulated_blocking"]),
            "-" if ln["required_lines"] is None else str(ln["required_lines"]),
        ]
        for ln in doc.get("lines", [])
    ]
    if lrows:
        target = doc["lines"][0]["blocking_target"]
        need = "lines for " + (
            f"<= {fmt_kpi('line_blocking', target)}" if target else "target (none set)"
        )
        con.print(
            simple_table(
                ["lines (Erlang B at the peak)", "lines", "peak", "offered Erl", "Erlang B",
                 "simulated", need],
                lrows,
            )
        )  # fmt: skip
    floor = doc["floor"]
    if floor["service_level"] is not None and floor["below"]:
        worst = ", ".join(
            f"{b['start']} ({fmt_kpi('service_level', b['service_level'])})"
            for b in floor["below"][:8]
        )
        more = f" (+{len(floor['below']) - 8} more)" if len(floor["below"]) > 8 else ""
        con.print(
            f"[red]below the floor[/red] of {fmt_kpi('service_level', floor['service_level'])} in "
            f"{floor['threshold_s']:g} s per interval: {worst}{more}"
        )
    for s in doc["shortfalls"]:
        con.print(
            f"[red]short:[/red] {label(str(s.get('target')))}: {s.get('reason')}"
            + (_at_clock(s["interval_labels"]) if s.get("interval_labels") else "")
        )
    if "roster" in doc:
        for g, r in doc["roster"].items():
            con.print(
                f"roster {g}: {r['paid_hours']:,.1f} paid hours, over-cover {r['over_cover_agent_hours']:,.1f} agent-hours ({r['status']})"
            )
        _print_rostered(con, doc)
    if doc.get("output_dir"):
        con.print(
            f"Plan written to {doc['output_dir']} (report.html, plan.csv, agents.csv, groups.csv, summary.json, scenario_staffed.yaml, ...)"
        )
    _print_baseline(doc)


def _print_baseline(doc: dict[str, Any]) -> None:
    """The baseline written, or the drift report last (what a CI log shows at its end)."""
    b = doc.get("baseline")
    if b and "written" in b:
        console().print(f"Baseline written: {b['written']}")
    elif b and all(isinstance(x, dict) for x in b.get("drift", [])):
        from ccsim.reporting.drift_text import print_drift

        print_drift(b)
    elif b:  # a plan folder written before drift items had fields: its lines as they were
        console().print(f"Baseline {b['file']}: {'no drift' if b['ok'] else 'drift'}")
        for line in b["drift"]:
            console().print(f"  {line}")


def _print_rostered(con: Any, doc: dict[str, Any]) -> None:
    """The rostered plan as simulated (two-step beside joint), and agents per pattern and day."""
    plans = [
        ("two-step roster", doc.get("two_step_roster")),
        ("rostered plan", doc.get("rostered_plan")),
    ]
    rows = []
    for name, p in plans:
        if not p or "kpis" not in p:
            continue
        k = p["kpis"]
        sl = k.get("service_level", {})
        ab = k.get("abandon_rate", {})
        rows.append(
            [
                name if name != "rostered plan" or "two_step_roster" not in doc else "joint roster",
                f"{p['paid_hours']:,.1f}",
                f"{p['agent_hours_on_phones']:,.1f}",
                _with_ci("service_level", sl),
                _with_ci("abandon_rate", ab),
                "met" if p["feasible"] else "MISSED " + ", ".join(p["failures"]),
            ]
        )
    if rows:
        con.print(
            simple_table(
                ["simulated again", "paid h", "on phones h", "service level (95% CI)",
                 "abandoned (95% CI)", "targets"],
                rows,
            )
        )  # fmt: skip
    if doc.get("joint"):
        j = doc["joint"]
        two, final = doc.get("two_step_roster") or {}, doc.get("rostered_plan") or {}
        saved = ""
        if two.get("paid_hours") and final.get("paid_hours") is not None:
            cut = two["paid_hours"] - final["paid_hours"]
            saved = f", {cut:,.1f} paid hours saved ({cut / two['paid_hours']:.1%})"
        con.print(
            f"joint: {j['evaluations']} rostered plans simulated in {j['wall_s']:.1f} s{saved}"
        )
    days = doc.get("roster_days")
    if days:
        weekdays = list(dict.fromkeys((r["day"], r["weekday"]) for r in days))
        keys = list(dict.fromkeys((r["group"], r["pattern"]) for r in days))
        table = {(r["group"], r["pattern"], r["day"]): r["agents"] for r in days}
        con.print(
            simple_table(
                ["group", "pattern", *[w for _, w in weekdays]],
                [[g, p, *[str(table.get((g, p, d), 0)) for d, _ in weekdays]] for g, p in keys],
            )
        )


def _with_ci(kpi: str, v: dict[str, Any]) -> str:
    if not v or v.get("mean") is None:
        return "-"
    lo, hi = v.get("ci95") or (None, None)
    ci = "" if lo is None else f" ({fmt_kpi(kpi, lo)}-{fmt_kpi(kpi, hi)})"
    return fmt_kpi(kpi, v["mean"]) + ci


def _at_clock(labels: list[str], most: int = 8) -> str:
    """``at 01:00, 01:30 (+3 more)``: the intervals of a shortfall by clock time."""
    more = f" (+{len(labels) - most} more)" if len(labels) > most else ""
    return " at " + ", ".join(labels[:most]) + more
