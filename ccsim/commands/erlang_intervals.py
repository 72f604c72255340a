"""``ccsim erlang --intervals FILE``: staff every row of a CSV file of intervals."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import click

from ccsim.analytics import Targets
from ccsim.analytics.plan import IntervalPlan, plan_intervals, read_intervals_csv
from ccsim.commands.erlang_inputs import targets_doc, too_much_traffic
from ccsim.errors import InputError, Problem
from ccsim.reporting.files import write_file_atomically
from ccsim.reporting.jsonout import dumps
from ccsim.reporting.text import console


def staff_intervals(
    path: str,
    out_file: str | None,
    targets: Targets,
    interval_s: float,
    shrinkage: float,
    as_json: bool,
    aht_s: float | None = None,
    patience_s: float | None = None,
) -> int:
    """Staff every row of the CSV file ``path``; print or write the plan; return the exit code."""
    if out_file is not None and Path(out_file).suffix.lower() not in (".csv", ".json"):
        raise InputError([Problem("--out", "must end in .csv or .json", out_file)])
    names, calls, aht, patience = read_intervals_csv(path, aht_s, patience_s)
    problems = [
        p
        for i in range(len(names))
        if (
            p := too_much_traffic(f"{path} row {i + 1}, column calls", calls[i], aht[i], interval_s)
        )
    ]
    if targets.abandon_rate is not None and patience is None:
        problems.append(
            Problem(
                "--abandon-target",
                f"needs --patience-s or a patience_s column in {path} (Erlang C has no abandonment)",
                targets.abandon_rate,
            )
        )
    if problems:
        raise InputError(problems[:50])
    plan = plan_intervals(names, calls, aht, targets, interval_s, patience, shrinkage)
    doc = _plan_doc(plan, targets, shrinkage)
    if out_file is not None:
        text = dumps(doc) + "\n" if out_file.lower().endswith(".json") else _plan_csv(plan)
        write_file_atomically(out_file, text)
    if as_json:
        click.echo(dumps(doc))
    elif out_file is None:
        click.echo(_plan_csv(plan), nl=False)
    else:
        hours = float(plan.required_agents.sum()) * interval_s / 3600.0
        sched_hours = float(plan.scheduled_agents.sum()) * interval_s / 3600.0
        console().print(
            f"{len(names)} intervals staffed with {plan.model.replace('_', ' ').title()}: "
            f"peak {int(plan.required_agents.max())} agents, {hours:,.1f} agent-hours "
            f"({sched_hours:,.1f} scheduled); plan written to {out_file}"
        )
    return 0


def _plan_doc(plan: IntervalPlan, targets: Targets, shrinkage: float) -> dict[str, Any]:
    return {
        "model": plan.model,
        "interval_min": plan.interval_s / 60.0,
        "targets": targets_doc(targets),
        "shrinkage": shrinkage,
        "intervals": len(plan.interval),
        "agent_hours": float(plan.required_agents.sum()) * plan.interval_s / 3600.0,
        "scheduled_agent_hours": float(plan.scheduled_agents.sum()) * plan.interval_s / 3600.0,
        "plan": plan.rows(),
    }


def _plan_csv(plan: IntervalPlan) -> str:
    rows = plan.rows()
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0].keys()), lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})
    return buf.getvalue()
