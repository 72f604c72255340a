"""``ccsim compare``: designs side by side with common random numbers."""

from __future__ import annotations

import contextlib
from typing import Any

import click

from ccsim.commands.options import run_option_problems, set_option, with_changes
from ccsim.commands.run import progress_reporter
from ccsim.errors import InputError, Problem
from ccsim.reporting.jsonout import dumps
from ccsim.reporting.text import LABELS, console, fmt_kpi, simple_table
from ccsim.runner.cluster import dask_client, dask_option
from ccsim.scenario import load_scenario

ROWS = (
    "offered", "answered", "service_level", "abandon_rate", "asa_s", "occupancy", "agents",
    "agent_hours", "back_office_hours", "cost", "fcr", "dialect_match_rate", "transfers",
    "work_orders.created", "work_orders.open_at_end", "work_orders.timeliness",
    "work_orders.callback_reach", "work_orders.chasers", "campaigns.attempts",
    "campaigns.contacts", "campaigns.successes", "campaigns.abandons", "campaigns.agent_hours",
)  # fmt: skip


@click.command(
    "compare",
    epilog="""\b
Examples:
  ccsim compare scenarios/province_centralized.yaml scenarios/province_local.yaml scenarios/province_hybrid.yaml
  ccsim compare base.yaml with_campaign.yaml --replications 20 --json
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
@dask_option
@click.option(
    "--staff",
    "staffed",
    is_flag=True,
    help="Staff each design with the planner to the first file's targets, then compare "
    "agent-hours, paid hours and cost at equal service.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@set_option
def compare_command(
    files: tuple[str, ...],
    replications: int | None,
    seed: int | None,
    workers: int | None,
    dask_address: str | None,
    changes: tuple[str, ...],
    staffed: bool,
    as_json: bool,
) -> int:
    """Run scenarios with common random numbers and show KPIs, agent-hours, cost and work orders side by side.

    Every scenario gets the same seed and replications (the first file's, or the
    options), so they see the same callers; differences against the first scenario come
    with 95 % intervals from paired replications. The Erlang C estimate of the pooling
    gain (agents per network vs one pooled queue) is shown for comparison.
    """
    problems = []
    if len(files) < 2:
        problems.append(Problem("FILES", "give at least two scenario files to compare", len(files)))
    problems += run_option_problems(replications, seed, workers)
    if staffed and replications is not None:
        problems.append(
            Problem(
                "--replications",
                "--staff simulates each design with its own staffing.replications",
                replications,
            )
        )
    if problems:
        raise InputError(problems)
    scenarios = []
    errors: list[InputError] = []
    for f in files:
        try:
            scenarios.append((f, with_changes(load_scenario(f), changes, f)))
        except InputError as exc:
            errors.append(exc)
    if len(errors) == 1:  # as ccsim run would report it
        raise errors[0]
    if errors:  # every file's problems, each path headed by its file
        raise InputError(
            [
                Problem(f"{e.source}: {q.path}", q.rule, q.value, q.has_value)
                if isinstance(q, Problem) and e.source
                else q
                for e in errors
                for q in e.problems
            ]
        )
    if staffed:
        from ccsim.commands.compare_staff import compare_staffed

        return compare_staffed(scenarios, seed, workers, dask_address, as_json)
    from ccsim.results.compare import compare
    from ccsim.runner import simulate

    first = scenarios[0][1]
    reps = replications if replications is not None else first.replications
    s = seed if seed is not None else first.seed
    results = []
    with contextlib.ExitStack() as stack:
        client = stack.enter_context(dask_client(dask_address)) if dask_address else None
        for f, sc in scenarios:
            results.append(
                (
                    f,
                    simulate(
                        sc,
                        reps,
                        s,
                        workers=workers,
                        progress=progress_reporter(reps, f"simulating {sc.name}"),
                        backend="dask" if client is not None else "processes",
                        dask_client=client,
                    ),
                )
            )
    doc = compare(results)
    if as_json:
        click.echo(dumps(doc))
    else:
        _print(doc)
    return 0


def _value(block: dict[str, Any], key: str) -> Any:
    if key.startswith("work_orders."):
        return block.get("work_orders", {}).get(key.split(".", 1)[1])
    if key.startswith("campaigns."):
        k = key.split(".", 1)[1]
        camps = block.get("campaigns", {})
        if not camps:
            return None
        return {"mean": sum((c[k]["mean"] or 0.0) for c in camps.values())}
    if key in block.get("kpis", {}):
        return block["kpis"][key]
    return block.get(key)


def _print(doc: dict[str, Any]) -> None:
    con = console()
    names = [s["name"] for s in doc["scenarios"]]
    con.print(
        f"{len(names)} scenarios, seed {doc['seed']}, {doc['replications']} replications each, common random numbers"
    )
    values, diffs = [], []
    for key in ROWS:
        kpi = key.split(".", 1)[-1]
        vals = [_value(s, key) for s in doc["scenarios"]]
        means = [None if v is None else v.get("mean") for v in vals]
        if all(m is None or m != m or m == 0 for m in means):  # missing, NaN or zero everywhere
            continue
        label = LABELS.get(kpi, kpi.replace("_", " "))
        if key.startswith("work_orders."):
            label += " (work orders)"
        elif key.startswith("campaigns."):
            label = f"outbound {label}"
        values.append([label] + [fmt_kpi(kpi, m) if m is not None else "-" for m in means])
        row = [label]
        for d in doc["differences"]:
            e = d.get(key)
            if e is None or e["mean"] is None or e["mean"] != e["mean"]:
                row.append("-")
                continue
            lo, hi = e["ci95"]
            sign = "+" if e["mean"] >= 0 else ""
            ci = "" if lo is None or lo != lo else f"  [{fmt_kpi(kpi, lo)}, {fmt_kpi(kpi, hi)}]"
            row.append(f"{sign}{fmt_kpi(kpi, e['mean'])}{ci}")
        diffs.append(row)
    con.print(simple_table(["KPI", *names], values))
    if doc["differences"]:
        cols = ["difference (95% interval)"] + [
            f"{d['name']} - {d['against']}" for d in doc["differences"]
        ]
        con.print(simple_table(cols, diffs))
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
