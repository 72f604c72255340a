"""Forecast and agents read from CSV tables: ``arrivals: {csv: FILE}`` and ``agents: {csv: FILE}``.

A scenario may take a call type's arrivals, or a group's agents, from a planner's table
(long format, one row per interval). Loading reads each table once and writes the values
into the scenario as the inline forms (``arrivals.per_interval`` in calls per hour,
``agents`` as a list), so what is simulated is exactly what the same numbers written in
the YAML give. Paths are relative to the scenario file.

Forecast: ``interval_start,calls_per_interval`` with optional ``call_type`` (several call
types in one file) and ``date`` (or ``day``, 1 = the first day). Agents:
``interval_start,agents`` with optional ``group`` (``centre/group`` where a group id
repeats across centres) and ``date`` or ``day``. Without a date, rows are clock times
and repeat every day; with one, the first date is the period's first day. Rows outside
the simulated period are ignored; every interval of the period needs a row.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccsim.errors import Problem
from ccsim.scenario.common import MAX_AGENTS
from ccsim.scenario.crossref_raw import as_dict, as_list
from ccsim.scenario.csv_table import (
    MAX_FILE_PROBLEMS,
    Key,
    Table,
    check_columns,
    hhmm,
    period_keys,
    read_table,
    row_keys,
)
from ccsim.scenario.horizon import Horizon

FORECAST_COLUMNS = (("interval_start", "calls_per_interval"), ("call_type", "date", "day"))
AGENTS_COLUMNS = (("interval_start", "agents"), ("group", "date", "day"))

_PER_HOUR = (
    "holds calls per hour? A table gives calls_per_interval (calls in each interval: "
    "calls per hour x interval_min / 60)"
)
_NO_UNIT = "has no unit in its name: call it calls_per_interval (calls in each interval)"
FORECAST_HINTS = {
    **dict.fromkeys(("calls_per_hour", "calls_per_h", "rate_per_h", "per_hour", "rate"), _PER_HOUR),
    **dict.fromkeys(("calls", "volume", "offered", "arrivals", "count", "forecast"), _NO_UNIT),
    **dict.fromkeys(("aht", "handle_time", "aht_min"), "has no unit in its name (seconds: aht_s)"),
    "aht_s": "per-interval handle times are not simulated: drop the column and give the "
    "call type's handle_time (mean_s)",
    "interval": "name it interval_start (the interval's start, HH:MM)",
    "time": "name it interval_start (the interval's start, HH:MM)",
    "calltype": "name it call_type",
}
AGENTS_HINTS = {
    **dict.fromkeys(
        ("staff", "headcount", "fte", "agents_logged_in", "n_agents", "seats"),
        "name it agents (agents logged in during the interval)",
    ),
    "interval": "name it interval_start (the interval's start, HH:MM)",
    "time": "name it interval_start (the interval's start, HH:MM)",
    "skill_group": "name it group (or centre/group)",
}


@dataclass(frozen=True)
class User:
    """A call type or group that reads its values from a table."""

    name: str  # call type id, or centre/group
    short: str  # how a table row may name it (id, or group id)
    yaml_path: str  # where the scenario names the table
    slot: dict[str, Any]  # the mapping whose key is replaced
    key: str  # "arrivals" or "agents"


def _resolve(base: Path | None, text: str) -> tuple[Path, str]:
    p = Path(text)
    full = p if p.is_absolute() or base is None else base / p
    return full, str(full)


def _csv_ref(value: Any, yaml_path: str, problems: list[Problem]) -> str | None:
    """The file of a ``{csv: FILE}`` form, or None (with a problem when malformed)."""
    if not isinstance(value, dict) or "csv" not in value:
        return None
    if not isinstance(value["csv"], str) or not value["csv"].strip():
        problems.append(Problem(f"{yaml_path}.csv", "must be a file path (text)", value["csv"]))
        return None
    extra = sorted(str(k) for k in value if k != "csv")
    if extra:
        problems.append(
            Problem(
                f"{yaml_path}", f"csv goes alone (no {', '.join(extra)} beside it)", None, False
            )
        )
        value.pop("csv")  # a copy: reported once, here
        return None
    return value["csv"]


def table_users(
    data: dict[str, Any], base: Path | None
) -> tuple[dict[str, list[User]], list[Problem]]:
    """Files named by ``{csv: FILE}`` forms -> the call types and groups reading them."""
    problems: list[Problem] = []
    users: dict[str, list[User]] = {}
    for ti, ct in enumerate(as_list(data.get("call_types"))):
        cd = as_dict(ct)
        ref = _csv_ref(cd.get("arrivals"), f"call_types[{ti}].arrivals", problems)
        if ref is not None:
            _, shown = _resolve(base, ref)
            cid = str(cd.get("id"))
            users.setdefault("forecast\0" + shown, []).append(
                User(cid, cid, f"call_types[{ti}].arrivals.csv", cd, "arrivals")
            )
    for ci, c in enumerate(as_list(data.get("centers"))):
        cd = as_dict(c)
        for gi, g in enumerate(as_list(cd.get("groups"))):
            gd = as_dict(g)
            where = f"centers[{ci}].groups[{gi}].agents"
            ref = _csv_ref(gd.get("agents"), where, problems)
            if ref is not None:
                _, shown = _resolve(base, ref)
                gid = str(gd.get("id"))
                users.setdefault("agents\0" + shown, []).append(
                    User(f"{cd.get('id')}/{gid}", gid, f"{where}.csv", gd, "agents")
                )
    return users, problems


def _horizon(data: dict[str, Any]) -> Horizon | None:
    try:
        return Horizon.model_validate(data.get("horizon"))
    except ValueError:  # the field checks report it
        return None


def _values(
    t: Table,
    hz: Horizon,
    users: list[User],
    name_col: str,
    value_col: str,
    whole: bool,
    what: str,
    resolve_name: Callable[[str], tuple[str | None, str]],
) -> dict[str, list[float]]:
    """Each user's value per interval of the period (users with a problem left out)."""
    rows, dated = row_keys(t, hz)
    has_names = name_col in t.columns
    if not has_names and len(users) > 1:
        t.add(
            1,
            None,
            f"has no {name_col} column, but {len(users)} {what}s read it "
            f"({', '.join(u.name for u in users)})",
        )
        return {}
    found: dict[str, dict[Key, tuple[int, float]]] = {u.name: {} for u in users}
    for row, cells, key in rows:
        if has_names:
            text = t.cell(cells, name_col)
            name, rule = resolve_name(text)
            if name is None:
                t.add(row, name_col, rule, text)
        else:
            name = users[0].name
        value = t.number(row, cells, value_col, whole=whole)
        if whole and value is not None and value > MAX_AGENTS:
            t.add(row, value_col, f"must be <= {MAX_AGENTS}", value)
            continue
        if name is None or key is None:
            continue
        seen = found[name]
        if key in seen:
            t.add(row, None, f"repeats row {seen[key][0]} (same interval and {name_col})")
            continue
        seen[key] = (row, math.nan if value is None else value)  # NaN: reported above
    period = period_keys(hz, dated)
    out: dict[str, list[float]] = {}
    for u in users:
        seen = found[u.name]
        missing = [k for k in period if k not in seen]
        if missing:
            shown = [(f"day {k[0] + 1} " if k[0] is not None else "") + hhmm(k[1]) for k in missing]
            more = f" and {len(shown) - 8} more" if len(shown) > 8 else ""
            t.add(
                None,
                None,
                f"{what} {u.name!r} has no row for {len(missing)} interval(s) of the period: "
                f"{', '.join(shown[:8])}{more}",
            )
            continue
        out[u.name] = [seen[k][1] for k in period]
    return out


def _names(
    users: list[User], known: dict[str, list[str]], what: str
) -> Callable[[str], tuple[str | None, str]]:
    """How a row's name resolves: to a user's name, or None with the rule it breaks."""
    mine = {u.name for u in users}

    def resolve(text: str) -> tuple[str | None, str]:
        full = known.get(text)
        if not full:
            return None, f"is not a {what} of the scenario"
        if len(full) > 1:
            return None, f"is a group of several centres: write centre/group ({', '.join(full)})"
        if full[0] not in mine:
            return None, f"{what} {full[0]!r} does not read its values from this file"
        return full[0], ""

    return resolve


def _known(data: dict[str, Any], kind: str) -> dict[str, list[str]]:
    """Names a table row may use -> the full names they stand for."""
    known: dict[str, list[str]] = {}
    if kind == "forecast":
        for ct in as_list(data.get("call_types")):
            cid = as_dict(ct).get("id")
            if isinstance(cid, str):
                known.setdefault(cid, []).append(cid)
        return known
    for c in as_list(data.get("centers")):
        cid = as_dict(c).get("id")
        for g in as_list(as_dict(c).get("groups")):
            gid = as_dict(g).get("id")
            if isinstance(gid, str):
                known.setdefault(gid, []).append(f"{cid}/{gid}")
                known.setdefault(f"{cid}/{gid}", []).append(f"{cid}/{gid}")
    return known


def expand_tables(data: dict[str, Any], base: Path | None) -> list[Problem]:
    """Replace every ``{csv: FILE}`` form of ``data`` (a copy) by the inline values it gives.

    A form whose table has problems is replaced by a placeholder (no calls, no agents),
    so that only the table's problems are reported for it.
    """
    users, problems = table_users(data, base)
    if not users:
        return problems
    hz = _horizon(data)
    for key, us in users.items():
        kind, shown = key.split("\0", 1)
        forecast = kind == "forecast"
        for u in us:  # placeholders, replaced below when the table is good
            u.slot[u.key] = {"rate_per_h": 0} if forecast else 0
        if hz is None:
            continue
        t = read_table(_resolve(None, shown)[0], shown, us[0].yaml_path)
        required, optional = FORECAST_COLUMNS if forecast else AGENTS_COLUMNS
        if not t.found and check_columns(
            t, required, optional, FORECAST_HINTS if forecast else AGENTS_HINTS
        ):
            values = _values(
                t,
                hz,
                us,
                "call_type" if forecast else "group",
                "calls_per_interval" if forecast else "agents",
                not forecast,
                "call type" if forecast else "group",
                _names(us, _known(data, kind), "call type" if forecast else "group"),
            )
            if not t.found:
                per_hour = 60.0 / hz.interval_min
                for u in us:
                    if forecast:
                        u.slot[u.key] = {"per_interval": [v * per_hour for v in values[u.name]]}
                    else:
                        u.slot[u.key] = [int(v) for v in values[u.name]]
        found = t.problems
        problems.extend(found[:MAX_FILE_PROBLEMS])
        if len(found) > MAX_FILE_PROBLEMS:
            rule = f"has {len(found) - MAX_FILE_PROBLEMS} more problems (the first {MAX_FILE_PROBLEMS} are listed)"
            problems.append(Problem(shown, rule, None, False))
    return problems


def fill_missing_agents(data: dict[str, Any], require: bool) -> list[Problem]:
    """Groups without ``agents``: a problem when required, else 0 (``ccsim staff`` plans them)."""
    problems = []
    for ci, c in enumerate(as_list(data.get("centers"))):
        for gi, g in enumerate(as_list(as_dict(c).get("groups"))):
            if isinstance(g, dict) and "agents" not in g:
                if require:
                    problems.append(
                        Problem(
                            f"centers[{ci}].groups[{gi}].agents",
                            "is required to simulate (a number, a list, or {csv: FILE}); "
                            "only ccsim staff, which plans the agents, may leave it out",
                            None,
                            False,
                        )
                    )
                g["agents"] = 0
    return problems


def add_table_forms(schema: dict[str, Any]) -> None:
    """Describe the ``{csv: FILE}`` forms in the JSON Schema (the models never hold them)."""
    defs = schema["$defs"]
    defs["CsvTable"] = {
        "type": "object",
        "title": "CsvTable",
        "description": "Agents per interval from a CSV table (path relative to the scenario "
        "file): columns interval_start (HH:MM), agents, optional group (or centre/group), "
        "date (YYYY-MM-DD) or day (1 = first day).",
        "properties": {"csv": {"type": "string", "description": "CSV file."}},
        "required": ["csv"],
        "additionalProperties": False,
    }
    agents = defs["Group"]["properties"]["agents"]
    # the written forms exclude each other (a number, a list, two objects of other keys)
    agents["oneOf"] = [*agents.pop("anyOf"), {"$ref": "#/$defs/CsvTable"}]
    agents["description"] = (
        "Agents logged in: a number, a list, {per_interval: [...]} or {csv: FILE}. Required by "
        "run, compare and sweep; ccsim staff plans it and lets it be left out."
    )
    defs["Group"]["required"] = [k for k in defs["Group"]["required"] if k != "agents"]
    defs["Arrivals"]["properties"]["csv"] = {
        "type": "string",
        "description": "Calls per interval from a CSV table (path relative to the scenario "
        "file): columns interval_start (HH:MM), calls_per_interval (calls in each interval, "
        "not per hour), optional call_type, date (YYYY-MM-DD) or day (1 = first day).",
    }
