"""The output folder of a staffing plan (``ccsim staff --out``, ``plan.save``), written atomically.

Files: ``summary.json`` (the ``--json`` document), ``manifest.json``, ``plan.csv``
(interval x group at each step), ``groups.csv``, ``roster.csv`` (with shift patterns),
``agents.csv`` (the plan in the format ``agents: {csv: agents.csv}`` reads),
``rostered_plan.csv`` (with shift patterns: the roster simulated, KPIs and targets; under
the joint method the two-step roster beside it),
``scenario_staffed.yaml``, the simulated plan's ``intervals.csv``,
``intervals_detail.csv`` and ``agents_simulated.csv``, ``figures/*.png`` and ``report.html``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ccsim._version import __version__
from ccsim.reporting.files import MANIFEST
from ccsim.reporting.jsonout import dumps
from ccsim.reporting.rostered import rostered_rows


def csv_text(rows: list[dict[str, Any]]) -> str:
    """Rows of dicts as CSV text (the first row's keys are the header)."""
    if not rows:
        return ""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0].keys()), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def write_plan_folder(
    folder: Path,
    plan: Any,
    doc: dict[str, Any],
    figures: bool = True,
    staffed: str | None = None,
    option: str = "--out",
) -> Path:
    """Write a staffing plan's folder (``doc`` is its summary) atomically; return its path.

    ``staffed``: the staffed scenario's YAML text (the command line passes one that keeps
    the CSV forms of its input file); by default the staffed scenario written out whole.
    ``option``: what problems with the folder name (``folder`` for ``plan.save``).
    """
    from ccsim.reporting.html import render_report
    from ccsim.reporting.outputs import agents_table, detail_table, interval_table, write_atomically
    from ccsim.scenario.tables_write import agents_csv

    if staffed is None:
        staffed = plan.staffed_scenario("sim").to_yaml()

    def fill(tmp: Path) -> None:
        (tmp / "summary.json").write_text(dumps(doc) + "\n", encoding="utf-8")
        (tmp / MANIFEST).write_text(
            dumps(
                {
                    "kind": "staffing plan",
                    "ccsim_version": __version__,
                    "scenario": plan.scenario.name,
                    "seed": plan.seed,
                    "wall_s": plan.wall_s,
                }
            )
            + "\n",
            encoding="utf-8",
        )
        (tmp / "plan.csv").write_text(csv_text(doc["plan"]), encoding="utf-8")
        (tmp / "groups.csv").write_text(
            csv_text([{**g, "reasons": "; ".join(g["reasons"])} for g in doc["groups"]]),
            encoding="utf-8",
        )
        if plan.rosters:
            rows = [{"group": g, **r} for g, ro in plan.rosters.items() for r in ro.rows()]
            (tmp / "roster.csv").write_text(csv_text(rows), encoding="utf-8")
        rostered = rostered_rows(doc)
        if rostered:
            (tmp / "rostered_plan.csv").write_text(csv_text(rostered), encoding="utf-8")
        if doc.get("roster_days"):
            (tmp / "roster_days.csv").write_text(csv_text(doc["roster_days"]), encoding="utf-8")
        # the plan as a table in the format `agents: {csv: agents.csv}` reads
        (tmp / "agents.csv").write_text(
            agents_csv(plan.scenario, plan.simulated.tolist()), encoding="utf-8"
        )
        (tmp / "scenario_staffed.yaml").write_text(staffed, encoding="utf-8")
        # the simulated plan's day, interval by interval, and the report drawn from it all
        res = plan.search.evaluation.result
        interval_table(res).to_csv(tmp / "intervals.csv", index=False)
        detail_table(res).to_csv(tmp / "intervals_detail.csv", index=False)
        agents_table(res).to_csv(tmp / "agents_simulated.csv", index=False)
        render_report(tmp, figures=figures)

    return write_atomically(folder, fill, option)
