"""``ccsim compare --staff``: designs staffed by the planner to the same targets, then compared.

The question the provincial model exists for (centralized, local or hybrid?) is answered
fairly only at equal service: each design staffed against the first design's targets,
then agent-hours, paid hours and cost side by side, beside the Erlang pooling estimate.
"""

from __future__ import annotations

import contextlib
from typing import Any

import click

from ccsim.errors import InputError, Problem
from ccsim.reporting.jsonout import dumps
from ccsim.reporting.text import console, simple_table
from ccsim.runner.cluster import dask_client
from ccsim.scenario.schema import Scenario


def compare_staffed(
    scenarios: list[tuple[str, Scenario]],
    seed: int | None,
    workers: int | None,
    dask_address: str | None,
    as_json: bool,
    quiet: bool = False,
    strict: bool = False,
    scale: tuple[str, ...] = (),
) -> int:
    """Staff every design, print or emit the comparison; with ``strict``, exit 1 if a plan misses a target."""
    from ccsim.staffing.designs import staff_designs

    log = None if as_json or quiet else (lambda msg: click.echo(msg, err=True))
    try:
        with contextlib.ExitStack() as stack:
            client = stack.enter_context(dask_client(dask_address)) if dask_address else None
            executor = client.get_executor(pure=False) if client is not None else None
            designs = staff_designs(scenarios, seed, workers, log, executor)
    except ValueError as exc:
        raise InputError([Problem("FILES", str(exc), has_value=False)]) from None
    doc = designs.summary()
    if scale:
        from ccsim.commands.options import scale_factors

        doc["scale"] = scale_factors(scale)
    if as_json:
        click.echo(dumps(doc))
    else:
        _print(doc)
    return 1 if strict and not all(r["feasible"] for r in doc["designs"]) else 0


def _h(x: float | None) -> str:
    return "-" if x is None else f"{x:,.1f}"


def _signed(x: float | None) -> str:
    return "-" if x is None else f"{x:+,.1f}"


def _print(doc: dict[str, Any]) -> None:
    con = console()
    rows = doc["designs"]
    con.print(
        f"{len(rows)} designs staffed to the targets of {doc['targets_from']} "
        f"(seed {doc['seed']}): agent-hours at equal service"
    )
    cols = ["", *[r["name"] for r in rows]]
    table = [
        ["every target met", *["yes" if r["feasible"] else "[red]NO[/red]" for r in rows]],
        ["agent-hours on the phones", *[_h(r["agent_hours"]) for r in rows]],
        ["  Erlang's first guess", *[_h(r["erlang_agent_hours"]) for r in rows]],
        ["scheduled (shrinkage)", *[_h(r["scheduled_agent_hours"]) for r in rows]],
        ["rostered paid hours", *[_h(r["paid_hours"]) for r in rows]],
        ["cost", *[_h(r["cost"]) for r in rows]],
        ["service level", *[f"{r['service_level']:.1%}" for r in rows]],
        ["abandonment", *[f"{r['abandon_rate']:.1%}" for r in rows]],
        ["ASA", *[f"{r['asa_s']:.1f} s" for r in rows]],
        ["occupancy", *[f"{r['occupancy']:.1%}" for r in rows]],
        ["plans simulated", *[str(r["evaluations"]) for r in rows]],
    ]
    con.print(simple_table(cols, table))
    if doc["differences"]:
        dcols = ["difference"] + [f"{d['name']} - {d['against']}" for d in doc["differences"]]
        drows = [
            [label, *[_signed(d[key]) for d in doc["differences"]]]
            for label, key in (
                ("agent-hours", "agent_hours"),
                ("scheduled", "scheduled_agent_hours"),
                ("paid hours", "paid_hours"),
                ("cost", "cost"),
            )
        ]
        con.print(simple_table(dcols, drows))
    p = doc["pooling"]
    con.print(
        f"Erlang C pooling estimate of the first design's demand: a queue per network needs "
        f"{p['separate_agent_hours']:,.0f} agent-hours, one pooled queue "
        f"{p['pooled_agent_hours']:,.0f} (saves {(p['gain_share'] or 0):.0%})."
    )
    for r in rows:
        if not r["feasible"]:
            con.print(f"[red]{r['name']}: its plan misses a target; see ccsim staff on it.[/red]")
