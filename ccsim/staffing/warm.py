"""A previous staffing plan as the search's start (``ccsim staff --warm-start FILE``).

The search normally starts from the Erlang plan, simulates it to learn the load each
group really gets, and staffs that load by Erlang again before it adds and removes
agents. A plan already found for the same centre (last week's plan for a what-if, the
committed baseline of a CI check) is usually far closer to the answer: the search then
starts from it, and simulates it first. Where it meets every target, the search removes
what simulation allows; where it misses, the guided adds take over (not Erlang again,
which staffs each group on its own and would give up what the previous plan holds).

The file is a plan that ``ccsim staff`` wrote: a baseline (``--write-baseline``), a
``--json`` document, or a plan folder (``--out``, its ``summary.json``). Its ``plan``
rows give ``sim_agents`` per ``group`` and ``interval`` (the interval's index in the
horizon), and ``erlang_agents``, the Erlang plan of the scenario it was found for. For
a what-if the start is the previous plan moved by Erlang's change, cell by cell
(``sim_agents + erlang now - erlang_agents``): 5 % more calls add what Erlang adds for
them to what simulation found before, and an unchanged scenario starts exactly at the
previous plan. Groups and intervals must exist in the scenario; cells the file leaves
out keep the Erlang plan's agents; limits (``min_agents``, ``max_agents``, seats, the
service-level floor) apply as to any plan of the search.

A warm start changes where the search begins, not how a plan is judged: the plan found
meets every target at the stated confidence, as from a cold start. It may differ from
the plan a cold start finds (a local search ends near where it begins), which is what a
check against the same plan should keep in mind: a cheaper plan far from the previous
one is found from the Erlang plan, not from it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.errors import InputError, Problem
from ccsim.scenario.common import MAX_AGENTS

OPTION = "--warm-start"

#: the largest file read (a plan of a year of half-hours for 50 groups is about 60 MB)
MAX_BYTES = 256 * 1024 * 1024


Cells = dict[tuple[int, int], int]


def read_warm_start(
    path: str | Path, group_ids: list[str], n_intervals: int, labels: list[str] | None = None
) -> tuple[Cells, Cells]:
    """A previous plan's file: its agents and (where given) its Erlang agents per (group, interval).

    ``labels``: the clock time each interval of the scenario starts at, as plan rows
    give it; a row whose ``start`` is another time was planned on another horizon (other
    intervals, another opening) and is a problem. Every problem of the file is listed
    at once.
    """
    p = Path(path)
    if p.is_dir():
        p = p / "summary.json"
    try:
        if p.stat().st_size > MAX_BYTES:
            raise InputError(
                [Problem(OPTION, f"is over {MAX_BYTES // 2**20} MB: not a staffing plan", str(p))]
            )
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem(OPTION, "file not found", str(p))]) from None
    except RecursionError:
        raise InputError([Problem(OPTION, "is nested too deeply to be a plan", str(p))]) from None
    except (OSError, ValueError) as exc:
        raise InputError(
            [Problem(OPTION, f"is not a readable JSON file ({exc})", str(p))]
        ) from None
    rows = data.get("plan") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise InputError(
            [
                Problem(
                    OPTION,
                    "has no 'plan' rows: give a baseline, a 'ccsim staff --json' document or a plan folder",
                    str(p),
                )
            ]
        )
    ids = {g: i for i, g in enumerate(group_ids)}
    out: Cells = {}
    erlang: Cells = {}
    problems: list[Problem] = []
    for k, row in enumerate(rows):
        where = f"{OPTION} plan[{k}]"
        if not isinstance(row, dict):
            problems.append(Problem(where, "must be a JSON object", row))
            continue
        g: Any = row.get("group")
        i: Any = row.get("interval")
        a: Any = row.get("sim_agents")
        e: Any = row.get("erlang_agents")
        ok = True
        if not isinstance(g, str) or g not in ids:
            problems.append(
                Problem(
                    f"{where}.group", f"must be a group of the scenario ({', '.join(group_ids)})", g
                )
            )
            ok = False
        if not _whole(i) or not 0 <= int(i) < n_intervals:
            problems.append(
                Problem(
                    f"{where}.interval", f"must be a whole number from 0 to {n_intervals - 1}", i
                )
            )
            ok = False
        for key, v in (("sim_agents", a), ("erlang_agents", e)):
            if (v is not None or key == "sim_agents") and not (_whole(v) and v <= MAX_AGENTS):
                problems.append(
                    Problem(f"{where}.{key}", f"must be a whole number from 0 to {MAX_AGENTS}", v)
                )
                ok = False
        t: Any = row.get("start")
        if ok and labels is not None and isinstance(t, str) and not _same_clock(t, labels[int(i)]):
            problems.append(
                Problem(
                    f"{where}.start",
                    f"interval {int(i)} starts at {labels[int(i)]} in the scenario: the plan "
                    "was found on another horizon (interval length or opening)",
                    t,
                )
            )
            ok = False
        if ok and (ids[g], int(i)) in out:
            problems.append(
                Problem(f"{where}", f"repeats group {g!r} at interval {int(i)}", has_value=False)
            )
            ok = False
        if ok:
            out[(ids[g], int(i))] = int(a)
            if e is not None:
                erlang[(ids[g], int(i))] = int(e)
        if len(problems) >= 20:
            problems.append(Problem(OPTION, "(more problems not listed)", has_value=False))
            break
    if problems:
        raise InputError(problems, str(p))
    if not out:
        raise InputError([Problem(OPTION, "has no plan rows", str(p))])
    return out, erlang


def _same_clock(a: str, b: str) -> bool:
    """Two interval labels (``08:00``, ``d2 08:00``) name the same time (a day on one side only: the clock)."""
    da, _, ta = a.strip().rpartition(" ")
    db, _, tb = b.strip().rpartition(" ")
    return ta == tb and (not da or not db or da == db)


def _whole(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return 0 <= v <= 10**9
    return isinstance(v, float) and math.isfinite(v) and v.is_integer() and 0 <= v <= 1e9


def moved(
    simulated: NDArray[np.int64], erlang_then: NDArray[np.int64], erlang_now: NDArray[np.int64]
) -> NDArray[np.int64]:
    """A plan moved by Erlang's change, cell by cell: ``simulated + now - then``, at least 0.

    A what-if's change (more calls, a longer handling time) as Erlang sees it, on top of
    what simulation found before; an unchanged scenario gives the plan itself.
    """
    if not simulated.shape == erlang_then.shape == erlang_now.shape:
        raise ValueError(
            f"the plan has {simulated.shape[0]} groups x {simulated.shape[1]} intervals; "
            f"the scenario has {erlang_now.shape[0]} x {erlang_now.shape[1]}"
        )
    out: NDArray[np.int64] = np.maximum(simulated + erlang_now - erlang_then, 0).astype(np.int64)
    return out


def warm_plan(cells: Cells, erlang_then: Cells, erlang: NDArray[np.int64]) -> NDArray[np.int64]:
    """The search's start from a previous plan's file (``read_warm_start``), ``moved``.

    A cell without its Erlang agents in the file keeps the previous plan's agents; a cell
    the file leaves out, the Erlang plan's.
    """
    sim = np.asarray(erlang, dtype=np.int64).copy()
    then = sim.copy()
    for (g, i), a in cells.items():
        sim[g, i] = a
    for (g, i), e in erlang_then.items():
        then[g, i] = e
    return moved(sim, then, np.asarray(erlang, dtype=np.int64))


def start_plan(
    start: NDArray[np.integer[Any]] | None, erlang: NDArray[np.int64], warmup: int
) -> NDArray[np.int64]:
    """The search's first plan: ``start`` (a previous plan) or the Erlang plan.

    Warm-up intervals keep their Erlang agents whatever the start (the search leaves them).
    """
    if start is None:
        return erlang
    first = np.asarray(start, dtype=np.int64).copy()
    if first.shape != erlang.shape:
        raise ValueError(
            f"the start plan has shape {first.shape}; the scenario has {erlang.shape[0]} "
            f"groups x {erlang.shape[1]} intervals"
        )
    first[:, :warmup] = erlang[:, :warmup]
    return first
