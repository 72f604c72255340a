"""Loading scenarios: YAML (safe), field checks, cross-references; all problems at once."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ccsim.errors import InputError, Problem
from ccsim.scenario.crossref import check as reference_problems
from ccsim.scenario.document import MAX_FILE_BYTES, PathKey, read_document
from ccsim.scenario.edits import apply_changes
from ccsim.scenario.problem_paths import with_ids
from ccsim.scenario.problem_text import at_line, one_per_form, pydantic_problem
from ccsim.scenario.schema import Scenario, validate_replacements_with
from ccsim.scenario.semantic import check as reachability_problems
from ccsim.scenario.tables import expand_tables, fill_missing_agents


def parse_scenario(
    data: Any,
    source: str | None = None,
    lines: dict[PathKey, int] | None = None,
    base: str | Path | None = None,
    require_agents: bool = True,
) -> Scenario:
    """Validate a raw mapping into a ``Scenario``; raise ``InputError`` listing every problem.

    The input is not modified. ``{csv: FILE}`` forms are read (paths relative to
    ``base``, default the working folder) and become the inline values. With
    ``require_agents`` false, groups may leave out ``agents`` (0: the staffing plan
    sets them).
    """
    lines = lines or {}
    data = _plain(data)
    if not isinstance(data, dict):
        raise InputError(
            [Problem("(top level)", "must be a mapping of scenario keys", type(data).__name__)],
            source,
        )
    # top-level keys starting with "x-" hold YAML anchors to reuse (as in compose files);
    # ``_plain`` has already copied every mapping and list, so the input stays untouched
    data = {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
    problems: list[Problem] = [
        at_line(p, lines) for p in expand_tables(data, None if base is None else Path(base))
    ]
    problems += [at_line(p, lines) for p in fill_missing_agents(data, require_agents)]
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems.extend(pydantic_problem(e, lines) for e in exc.errors())
    problems.extend(at_line(p, lines) for p in reference_problems(data))
    if not problems and scenario is not None:
        problems.extend(reachability_problems(scenario))
    if problems:
        raise InputError(_dedupe(one_per_form(with_ids(problems, data))), source)
    assert scenario is not None
    return scenario


def _plain(value: Any) -> Any:
    """``value`` with numpy scalars and arrays (as analysts build them) made plain Python."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        return _plain(value.tolist())
    return value


def _dedupe(problems: list[Problem]) -> list[Problem | str]:
    seen: set[str] = set()
    out: list[Problem | str] = []
    for p in problems:
        key = str(p)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def load_text(
    text: str,
    source: str = "<scenario>",
    base: str | Path | None = None,
    require_agents: bool = True,
) -> Scenario:
    """Load a scenario from YAML (or JSON) text (``base``: the folder CSV paths start from)."""
    try:
        return _load_text(text, source, base, require_agents)
    except RecursionError:
        raise InputError(
            [
                Problem(
                    "(file)",
                    "is nested too deeply (lists or aliases within each other)",
                    has_value=False,
                )
            ],
            source,
        ) from None


def _load_text(text: str, source: str, base: str | Path | None, require_agents: bool) -> Scenario:
    data, lines, dup = read_document(text, source)
    try:
        scenario = parse_scenario(data, source, lines, base, require_agents)
    except InputError as exc:
        raise InputError(dup + exc.problems, source) from None
    if dup:
        raise InputError(dup, source)
    return scenario


def load_scenario(path: str | Path, require_agents: bool = True) -> Scenario:
    """Load and validate a scenario file (YAML, safe loading; JSON is YAML too).

    CSV tables it names (``{csv: FILE}``) are read relative to the file's folder.
    ``require_agents=False`` (for staffing) lets groups leave out ``agents``.

    Raises
    ------
    InputError
        The file cannot be read, is not valid YAML, or breaks rules of the format;
        every problem is listed with its path, value and rule.
    """
    p = Path(path)
    try:
        size = p.stat().st_size if p.is_file() else 0
        if size > MAX_FILE_BYTES:  # refused before it is read, let alone parsed
            raise InputError(
                [Problem("(file)", f"is larger than {MAX_FILE_BYTES:,} bytes", size)], str(p)
            )
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(str(p), "file not found", has_value=False)]) from None
    except IsADirectoryError:
        raise InputError(
            [Problem(str(p), "is a folder, not a scenario file", has_value=False)]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(p), f"cannot be read ({exc})", has_value=False)]) from None
    return load_text(text, str(p), p.parent, require_agents)


def scenario_hash(scenario: Scenario) -> str:
    """A stable hash of a scenario's content (sha256 of its canonical JSON).

    Values equal to their defaults are left out, so that a new field with a default (in
    a later ccsim) does not make every earlier scenario look changed.
    """
    canon = json.dumps(
        scenario.model_dump(mode="json", exclude_defaults=True),
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canon.encode()).hexdigest()


def to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data, without defaults the user did not set."""
    return scenario.to_dict()


def to_yaml(scenario: Scenario) -> str:
    """The scenario as YAML text that loads back to the same scenario."""
    return scenario.to_yaml()


def replace(scenario: Scenario, changes: dict[str, Any]) -> Scenario:
    """A new scenario with fields changed, validated like a file.

    Keys are dotted paths; list items are addressed by index or by id, e.g.
    ``{"call_types.general.arrivals.rate_per_h": 300, "centers.main.groups.agents.agents": 13,
    "seed": 8}``.
    """
    data = scenario.to_dict()
    apply_changes(data, changes)
    return parse_scenario(data)


# ``Scenario.replace`` validates like a file too, with the checks above; they import the
# schema, so the schema is handed this validator instead of importing this module.
validate_replacements_with(parse_scenario)
