"""Agents written back as a CSV table, and a staffed scenario that points at it.

The table has the format ``agents: {csv: FILE}`` reads (``interval_start,group,agents``,
with ``day`` when the period spans more than one day), so a planner can edit and re-use
it; a staffed scenario keeps the CSV forms its input used.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from ccsim.scenario.csv_table import DAY_S
from ccsim.scenario.document import read_document
from ccsim.scenario.schema import Scenario
from ccsim.scenario.tables import table_users


def csv_sources(path: str | Path) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """The CSV files a scenario file names: per call type id, and per (centre, group).

    Paths as they resolve from the working folder. The file is assumed to load (read it
    with ``load_scenario`` first).
    """
    p = Path(path)
    data, _, _ = read_document(p.read_text(encoding="utf-8"), str(p))
    users, _ = table_users(data if isinstance(data, dict) else {}, p.parent)
    arrivals: dict[str, str] = {}
    agents: dict[tuple[str, str], str] = {}
    for key, us in users.items():
        kind, shown = key.split("\0", 1)
        for u in us:
            if kind == "forecast":
                arrivals[u.name] = shown
            else:
                centre, _, group = u.name.partition("/")
                agents[(centre, group)] = shown
    return arrivals, agents


def group_names(sc: Scenario) -> list[str]:
    """How a table names each group: its id, or ``centre/group`` where the id repeats."""
    ids = [g.id for _, g in sc.groups]
    return [g.id if ids.count(g.id) == 1 else f"{c.id}/{g.id}" for c, g in sc.groups]


def agents_csv(sc: Scenario, matrix: Sequence[Sequence[int]]) -> str:
    """Agents per group (rows of ``matrix``, in ``sc.groups`` order) and interval as CSV text."""
    hz = sc.horizon
    starts = [hz.start_s + i * hz.interval_s for i in range(hz.n_intervals)]
    days = [math.floor(t / DAY_S + 1e-9) for t in starts]
    dated = days[-1] > 0 if days else False
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow((["day"] if dated else []) + ["interval_start", "group", "agents"])
    for name, row in zip(group_names(sc), matrix, strict=True):
        for t, d, value in zip(starts, days, row, strict=True):
            clock = t - d * DAY_S
            hhmm = f"{int(clock // 3600):02d}:{int(clock % 3600 // 60):02d}"
            w.writerow(([d + 1] if dated else []) + [hhmm, name, int(value)])
    return buf.getvalue()


def _relative(target: str, folder: Path) -> str:
    try:
        return Path(os.path.relpath(Path(target).resolve(), folder.resolve())).as_posix()
    except ValueError:  # another drive (Windows): no relative path
        return str(Path(target).resolve())


def staffed_yaml(
    staffed: Scenario,
    given: Scenario,
    sources: tuple[dict[str, str], dict[tuple[str, str], str]],
    folder: Path,
    agents_file: str = "agents.csv",
) -> str:
    """The staffed scenario as YAML for ``folder``, with the CSV forms of its input.

    Groups that read their agents from a table read ``agents_file`` (in ``folder``);
    call types whose arrivals came from a table, unchanged since (``given``: the
    scenario as loaded), read that table again through a path relative to ``folder``.
    """
    arrivals, agents = sources
    data: dict[str, Any] = staffed.to_dict()
    for ct in data.get("call_types", []):
        src = arrivals.get(ct["id"])
        if src is not None:
            now, before = staffed.call_type(ct["id"]), given.call_type(ct["id"])
            if now.arrivals == before.arrivals:
                ct["arrivals"] = {"csv": _relative(src, folder)}
    for c in data.get("centers", []):
        for g in c.get("groups", []):
            if (c["id"], g["id"]) in agents:
                g["agents"] = {"csv": agents_file}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
