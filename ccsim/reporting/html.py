"""A self-contained HTML report of an output folder (figures embedded), rebuilt from its files.

Three kinds of folder have a report: a run (``ccsim run --out``), a staffing plan
(``ccsim staff --out``) and a comparison (``ccsim compare --out``); the manifest's
``kind`` says which. The files are checked first, every problem listed at once.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from ccsim.errors import InputError, Problem
from ccsim.reporting.files import MANIFEST, read_json
from ccsim.reporting.html_parts import Folder

__all__ = ["MAX_HTML_INTERVALS", "Folder", "read_folder", "render_report"]

#: Intervals shown in the report's table (a week of half-hours is 336); the CSV has all.
MAX_HTML_INTERVALS = 2_000

RUN, PLAN, COMPARISON = "run", "staffing plan", "comparison"

_SUMMARY_KEYS = {
    RUN: ("scenario", "seed", "replications", "horizon", "service_level_definition", "kpis"),
    PLAN: ("scenario", "seed", "replications", "kpis", "targets", "plan", "groups", "agent_hours"),
    COMPARISON: ("seed", "replications", "scenarios", "differences"),
}
_SUMMARY_MAPPINGS = {
    RUN: ("horizon", "service_level_definition", "kpis"),
    PLAN: ("kpis", "targets", "agent_hours"),
    COMPARISON: (),
}
_RUN_TABLES = {
    "intervals.csv": ("start", "answered", "abandoned", "service_level", "service_level_ci_low",
                      "service_level_ci_high"),
    "agents.csv": ("interval", "start", "staffed_agents", "busy_agents", "logged_in_agents"),
}  # fmt: skip
_DETAIL = ("interval", "start", "group", "requests", "answered", "answered_within", "abandoned",
           "abandoned_within")  # fmt: skip
_Columns = dict[str, tuple[str, ...]]
_CSV_COLUMNS: dict[str, tuple[_Columns, _Columns]] = {
    RUN: (_RUN_TABLES, {"intervals_detail.csv": _DETAIL}),
    PLAN: (
        {"plan.csv": ("interval", "start", "group", "erlang_agents", "sim_agents", "scheduled_agents")},
        {"intervals.csv": _RUN_TABLES["intervals.csv"], "agents_simulated.csv": _RUN_TABLES["agents.csv"],
         "intervals_detail.csv": _DETAIL, "roster.csv": ("group",)},
    ),
    COMPARISON: ({}, {"intervals.csv": ("design", "scenario", "interval", "start", "service_level")}),
}  # fmt: skip


def _not_a_folder(folder: Path) -> InputError:
    rule = "is not a ccsim output folder (no manifest.json / summary.json)"
    try:
        kind = read_json(folder / MANIFEST).get("kind") if (folder / MANIFEST).exists() else None
    except (OSError, ValueError, AttributeError):
        kind = None
    if isinstance(kind, str) and kind not in _SUMMARY_KEYS:  # a sweep's or a fit's folder
        rule = (
            f"is the output folder of ccsim {kind}, which has no report to re-render "
            "(ccsim report takes the folders of ccsim run, staff and compare)"
        )
    elif (folder / MANIFEST).exists():
        rule = "is a ccsim output folder without its summary.json"
    return InputError([Problem(str(folder), rule, has_value=False)])


def _summary_problems(folder: Path, kind: str, summary: dict[str, Any]) -> list[Problem]:
    where = str(folder / "summary.json")
    missing = [k for k in _SUMMARY_KEYS[kind] if k not in summary]
    if missing:
        return [Problem(where, f"lacks keys {', '.join(missing)}", has_value=False)]
    maps = _SUMMARY_MAPPINGS[kind]
    if not all(isinstance(summary[k], dict) for k in maps):
        return [Problem(where, f"{', '.join(maps)} must each be a JSON object", has_value=False)]
    if not all(
        isinstance(v, dict) and "mean" in v and "ci95" in v
        for v in summary.get("kpis", {}).values()
    ):
        return [Problem(where, "kpis must map each KPI to {mean, ci95}", has_value=False)]
    if kind == COMPARISON and not isinstance(summary["scenarios"], list):
        return [Problem(where, "scenarios must be a JSON list", has_value=False)]
    return []


def _first_line(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            return f.readline()
    except OSError:
        return ""


def read_folder(folder: Path) -> Folder:
    """Read and check the files a report is drawn from; every problem is listed at once."""
    if not (folder / MANIFEST).exists() or not (folder / "summary.json").exists():
        raise _not_a_folder(folder)
    problems: list[Problem] = []
    docs: dict[str, dict[str, Any]] = {}
    for name in (MANIFEST, "summary.json"):
        try:
            doc = read_json(folder / name)
        except (OSError, ValueError) as e:
            problems.append(
                Problem(str(folder / name), f"cannot be read as JSON ({e})", has_value=False)
            )
            continue
        if not isinstance(doc, dict):
            problems.append(Problem(str(folder / name), "must hold a JSON object", has_value=False))
            continue
        docs[name] = doc
    kind = str(docs.get(MANIFEST, {}).get("kind", RUN))
    if kind not in _SUMMARY_KEYS:
        problems.append(
            Problem(str(folder / MANIFEST), f"kind must be one of {', '.join(_SUMMARY_KEYS)}", kind)
        )
        raise InputError(problems)
    if "summary.json" in docs:
        problems += _summary_problems(folder, kind, docs["summary.json"])
    tables: dict[str, pd.DataFrame] = {}
    required, optional = _CSV_COLUMNS[kind]
    for name, cols in {**required, **optional}.items():
        file = folder / name
        if kind == PLAN and name == "agents_simulated.csv" and not file.exists():
            file = folder / "agents.csv"  # a plan folder of ccsim before agents.csv held the plan
            if "staffed_agents" not in _first_line(file):
                continue
        elif name not in required and not file.exists():
            continue
        try:
            df = pd.read_csv(file)
        except (OSError, ValueError) as e:
            problems.append(
                Problem(str(folder / name), f"cannot be read as CSV ({e})", has_value=False)
            )
            continue
        lacking = [c for c in cols if c not in df.columns]
        if lacking:
            problems.append(
                Problem(str(folder / name), f"lacks columns {', '.join(lacking)}", has_value=False)
            )
        tables[name] = df
    if problems:
        raise InputError(problems)
    return Folder(folder, kind, docs[MANIFEST], docs["summary.json"], tables)


def render_report(folder: str | Path, figures: bool = True) -> Path:
    """(Re)write ``figures/`` and ``report.html`` of an output folder from its files.

    The files are checked first; the new figures and report are drawn beside the old
    ones and swapped in at the end, so a failure leaves the folder as it was. Values the
    checks let through but drawing cannot use raise as they are: ``ccsim report`` calls
    them a damaged folder, a fresh run an internal error.
    """
    folder = Path(folder)
    found = read_folder(folder)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=".report.", dir=folder))
    except OSError as e:
        raise InputError(
            [Problem(str(folder), f"cannot be written ({e.strerror})", has_value=False)]
        ) from e
    try:
        (tmp / "figures").mkdir()
        doc = render(tmp, found, figures)
        (tmp / "report.html").write_text(doc, encoding="utf-8")
        if figures:
            old = folder / "figures"
            if old.exists():
                os.replace(old, tmp / "figures.old")
            os.replace(tmp / "figures", old)
        os.replace(tmp / "report.html", folder / "report.html")
    except OSError as e:
        raise InputError(
            [Problem(str(folder), f"cannot be written ({e.strerror or e})", has_value=False)]
        ) from e
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder / "report.html"


def render(tmp: Path, found: Folder, figures: bool) -> str:
    """The report's HTML for a folder of any kind; figures are drawn into ``tmp/figures``."""
    if found.kind == PLAN:
        from ccsim.reporting.html_plan import plan_page

        return plan_page(tmp, found, figures, MAX_HTML_INTERVALS)
    if found.kind == COMPARISON:
        from ccsim.reporting.html_compare import compare_page

        return compare_page(tmp, found, figures)
    from ccsim.reporting.html_run import run_page

    return run_page(tmp, found, figures, MAX_HTML_INTERVALS)
