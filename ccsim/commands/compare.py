"""``ccsim compare``: designs side by side with common random numbers."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import click

from ccsim.commands.options import (
    in_file,
    read_changes,
    run_option_problems,
    scale_factors,
    scale_option,
    scale_problems,
    set_option,
    target_problems,
    with_changes,
)
from ccsim.commands.progress import progress_reporter
from ccsim.errors import InputError, Problem
from ccsim.reporting.comparison import comparison_rows, design_names
from ccsim.reporting.jsonout import dumps
from ccsim.reporting.text import console, simple_table
from ccsim.runner.cluster import dask_client, dask_option
from ccsim.scenario import load_scenario


@click.command(
    "compare",
    epilog="""\b
Examples:
  ccsim compare scenarios/province_centralized.yaml scenarios/province_local.yaml scenarios/province_hybrid.yaml
  ccsim compare base.yaml with_campaign.yaml --replications 20 --json
  ccsim compare scenarios/province_centralized.yaml scenarios/province_local.yaml --out outputs/designs
  ccsim compare scenarios/province_centralized.yaml scenarios/province_local.yaml --staff""",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--replications",
    "-r",
    type=int,
    help="Replications for every scenario (default: the first file's).",
)
@click.option("--seed", "-s", type=int, help="Seed for every scenario (default: the first file's).")
@click.option("--workers", type=int, help="Parallel processes (default: one per core).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Write the comparison here: report.html side by side, summary.json, intervals.csv "
    "(not with --staff: each design's plan is written by ccsim staff --out).",
)
@click.option("--no-figures", is_flag=True, help="Skip the report's figures (faster).")
@dask_option
@click.option(
    "--staff",
    "staffed",
    is_flag=True,
    help="Staff each design with the planner to the first file's targets, then compare "
    "agent-hours, paid hours and cost at equal service.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr (nor with --json).")
@click.option(
    "--strict",
    is_flag=True,
    help="Exit with code 1 if a design misses a target (with --staff: if its plan does).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@set_option
@scale_option
def compare_command(
    files: tuple[str, ...],
    replications: int | None,
    seed: int | None,
    workers: int | None,
    out_dir: str | None,
    no_figures: bool,
    dask_address: str | None,
    changes: tuple[str, ...],
    scale: tuple[str, ...],
    staffed: bool,
    quiet: bool,
    strict: bool,
    as_json: bool,
) -> int:
    """Run scenarios with common random numbers and show KPIs, agent-hours, cost and work orders side by side.

    Every scenario gets the same seed and replications (the first file's, or the
    options), so they see the same callers; differences against the first scenario come
    with 95 % intervals from paired replications. The Erlang C estimate of the pooling
    gain (agents per network vs one pooled queue) is shown for comparison.
    """
    problems: list[Problem | str] = []
    if len(files) < 2:
        problems.append(Problem("FILES", "give at least two scenario files to compare", len(files)))
    problems += run_option_problems(replications, seed, workers, dask_address) + scale_problems(
        scale
    )
    if staffed and replications is not None:
        problems.append(
            Problem(
                "--replications",
                "--staff simulates each design with its own staffing.replications",
                replications,
            )
        )
    if staffed and out_dir:
        problems.append(
            Problem("--out", "does not go with --staff (no run folder to write)", out_dir)
        )
    if not staffed:
        problems += target_problems(out_dir, "--out")
    # a malformed --set item is listed once, not once per file
    problems += read_changes(changes)[1]
    changes = tuple(c for c in changes if not read_changes((c,))[1])
    scenarios = []
    errors: list[InputError] = []
    for f in files:
        try:  # with bad options, the files are read only for their problems
            sc = load_scenario(f, require_agents=not staffed)  # --staff plans the agents
            # beside bad options, --scale's problems are listed already
            scenarios.append((f, with_changes(sc, changes, f, () if problems else scale)))
        except InputError as exc:
            errors.append(exc)
    if len(errors) == 1 and not problems:  # as ccsim run would report it
        raise errors[0]
    if errors or problems:  # every problem, each file's paths headed by its file
        raise InputError([*problems, *(q for e in errors for q in in_file(e))])
    if staffed:
        from ccsim.commands.compare_staff import compare_staffed

        return compare_staffed(
            scenarios, seed, workers, dask_address, as_json, quiet, strict, scale
        )
    from ccsim.results.compare import compare
    from ccsim.runner import simulate

    if out_dir:
        from ccsim.reporting.outputs import check_target

        check_target(Path(out_dir))

    first = scenarios[0][1]
    reps = replications if replications is not None else first.replications
    s = seed if seed is not None else first.seed
    results = []
    n = len(scenarios)
    bar = None if quiet or as_json else progress_reporter(n * reps, "simulating")
    with contextlib.ExitStack() as stack:
        if bar is not None:
            stack.callback(bar.close)
        client = stack.enter_context(dask_client(dask_address)) if dask_address else None
        for i, (f, sc) in enumerate(scenarios):
            label = f"design {i + 1}/{n} ({sc.name})"
            res = simulate(
                sc, reps, s, workers=workers,
                progress=None if bar is None else bar.stage(i * reps, label),
                backend="dask" if client is not None else "processes", dask_client=client,
            )  # fmt: skip
            results.append((f, res))
    doc = compare(results)
    if scale:
        doc["scale"] = scale_factors(scale)
    if out_dir:
        from ccsim.reporting.outputs import write_comparison_folder

        write_comparison_folder([r for _, r in results], Path(out_dir), doc, figures=not no_figures)
        doc["output_dir"] = out_dir
    if as_json:
        click.echo(dumps(doc))
    else:
        print_comparison(doc)
    missed = not all(s["all_targets_met"] for s in doc["scenarios"])
    return 1 if strict and missed else 0


def print_comparison(doc: dict[str, Any]) -> None:
    """The terminal view of a comparison (its ``--json`` document)."""
    con = console()
    names = design_names(doc)
    con.print(
        f"{len(names)} scenarios, seed {doc['seed']}, {doc['replications']} replications each, common random numbers"
    )
    counts = []
    for n, sc in zip(names, doc["scenarios"], strict=True):
        ts = list((sc.get("targets") or {}).values())
        counts.append(f"{n} {sum(1 for t in ts if t.get('met'))} of {len(ts)}")
    if any(sc.get("targets") for sc in doc["scenarios"]):
        con.print("Targets met: " + ", ".join(counts))
    rows = comparison_rows(doc)
    mark = {True: "[green]met[/green]", False: "[red]MISSED[/red]", None: ""}
    columns = ["KPI", "target"]
    for n in names:
        columns += [n, ""]
    values = []
    for r in rows:
        row = [r["label"], r["target"]]
        for v, met in zip(r["values"], r["met"], strict=True):
            row += [v, mark[met]]
        values.append(row)
    con.print(simple_table(columns, values))
    if doc["differences"]:
        cols = ["difference (95% interval)"] + [
            f"{d['name']} - {d['against']}" for d in doc["differences"]
        ]
        con.print(simple_table(cols, [[r["label"], *r["differences"]] for r in rows]))
    p = doc["pooling"]
    con.print(
        f"Erlang C pooling estimate ({p['service_level']['target']:.0%} in {p['service_level']['threshold_s']:g} s, "
        f"fresh demand only): a queue per network needs {p['separate_agent_hours']:,.0f} agent-hours, "
        f"one pooled queue {p['pooled_agent_hours']:,.0f}: pooling saves {p['gain_agent_hours']:,.0f} "
        f"({(p['gain_share'] or 0):.0%}). Simulated agent-hours: "
        + ", ".join(f"{b['name']} {b['simulated_agent_hours']:,.0f}" for b in p["by_scenario"])
        + ". Where simulation departs from the closed form: skills, tiers, dialect, redials, "
        "returns and hand-offs between sites."
    )
    for note in doc.get("notes", []):
        con.print(f"[yellow]Note:[/yellow] {note}")
    if doc.get("output_dir"):
        con.print(f"Output: {doc['output_dir']}  (report.html, summary.json, intervals.csv, ...)")
