"""Loading scenarios: YAML (safe), field checks, cross-references; all problems at once."""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ccsim.errors import InputError, Problem
from ccsim.scenario.crossref import check as reference_problems
from ccsim.scenario.document import MAX_FILE_BYTES, PathKey, read_document
from ccsim.scenario.edits import apply_changes
from ccsim.scenario.problem_paths import percent_hint, with_ids
from ccsim.scenario.schema import Scenario, validate_replacements_with
from ccsim.scenario.semantic import check as reachability_problems
from ccsim.scenario.tables import expand_tables, fill_missing_agents

#: YAML 1.1 (PyYAML) reads 6e1, 1e-3 or 6.0e1 as text: a number with an exponent
#: needs a dot and a signed exponent there (6.0e+1, 1.0e-3).
_EXPONENT_TEXT = re.compile(r"^[-+]?[0-9][0-9_]*(\.[0-9_]*)?[eE][-+]?[0-9]+$")


def _yaml_number(text: str) -> str:
    """``6e1`` -> ``6.0e+1``: how to write an exponent so that YAML 1.1 reads a number."""
    mantissa, _, exponent = text.lower().partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    if exponent[:1] not in "+-":
        exponent = "+" + exponent
    return f"{mantissa}e{exponent}"


def path_text(loc: PathKey) -> str:
    """``('call_types', 0, 'handle_time')`` -> ``call_types[0].handle_time``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _model_at(loc: PathKey, root: type[BaseModel] | None = None) -> type[BaseModel] | None:
    """The pydantic model class found at ``loc`` inside ``root`` (a Scenario by default)."""
    model: Any = Scenario if root is None else root
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        model = _unwrap(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _lower_bound(loc: PathKey, root: type[BaseModel] | None = None) -> tuple[float | None, bool]:
    """The lower bound of the field at ``loc`` and whether it is excluded (None: unknown)."""
    model = _model_at(loc[:-1], root)
    field = model.model_fields.get(str(loc[-1])) if model and loc else None
    for m in field.metadata if field else []:
        if getattr(m, "gt", None) is not None:
            return float(m.gt), True
        if getattr(m, "ge", None) is not None:
            return float(m.ge), False
    return None, False


def _unwrap(tp: Any) -> Any:
    """The first BaseModel inside Optional/list/Annotated/Union types, else the type."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    for arg in get_args(tp):
        found = _unwrap(arg)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return tp if get_origin(tp) is None else None


_RULES: dict[str, str] = {
    "missing": "is required",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be a mapping (key: value)",
    "model_type": "must be a mapping (key: value)",
    "model_attributes_type": "must be a mapping (key: value)",
}


#: how pydantic names the branch of a union in an error's location (not a key of the file)
_BRANCH_TAG = re.compile(
    r"^((list|dict|tuple|literal|nullable|lax-or-strict|json-or-python)\[.*\]"
    r"|constrained-(int|float|str|bool|decimal|date))$"
)
_BARE_TYPES = ("int", "float", "str", "bool", "none")


def _problem(err: Any, lines: dict[PathKey, int], root: type[BaseModel] | None = None) -> Problem:
    """A pydantic error of a document whose model is ``root`` (a Scenario by default)."""
    typ = err["type"]
    loc: PathKey = tuple(
        p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))
    )
    # drop union branch tags such as 'list[float]' or 'Staffing'; a bare type name
    # ('float') only at the end, where no key of the file can be (a call type 'int')
    loc = tuple(
        p
        for k, p in enumerate(loc)
        if p not in ("count-form", "per-interval-form", "RouteTarget")
        and not (isinstance(p, str) and _BRANCH_TAG.match(p))
        and not (k == len(loc) - 1 and p in _BARE_TYPES)
    )
    ctx = err.get("ctx") or {}
    value = err.get("input")
    has_value = typ != "missing"
    if typ in ("float_type", "int_type") and isinstance(value, str) and _EXPONENT_TEXT.match(value):
        number = float(value.replace("_", ""))
        if typ == "int_type":
            rule = "must be a whole number" + (
                f" (YAML reads {value} as text: write {int(number)})"
                if math.isfinite(number) and number.is_integer() and abs(number) <= 2**53
                else ""
            )
        else:
            rule = f"must be a number (YAML reads {value} as text: write {_yaml_number(value)})"
    elif typ in _RULES:
        rule = _RULES[typ]
    elif typ == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        parent = _model_at(loc[:-1], root)
        known = sorted(parent.model_fields) if parent else []
        close = difflib.get_close_matches(key, known, n=1)
        rule = "unknown key" + (f" (did you mean {close[0]!r}?)" if close else "")
        if known:
            rule += f"; known keys: {', '.join(known)}"
        value, has_value = key, False
    elif typ in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op = {
            "greater_than": ">",
            "greater_than_equal": ">=",
            "less_than": "<",
            "less_than_equal": "<=",
        }[typ]
        bound = next(iter(ctx.values()))
        rule = (
            f"must be {op} {bound:g}" if isinstance(bound, int | float) else f"must be {op} {bound}"
        )
        if op in ("<", "<=") and bound == 1:  # a share or rate given as a percentage
            rule += percent_hint(value, op == "<", *_lower_bound(loc, root))
    elif typ == "literal_error" and loc and loc[-1] == "[key]":  # a key of a mapping
        loc = loc[:-1]
        key = str(loc[-1]) if loc else "?"
        known = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        close = difflib.get_close_matches(key, known, n=1)
        rule = "unknown key" + (f" (did you mean {close[0]!r}?)" if close else "")
        if known:
            rule += f"; known keys: {', '.join(known)}"
        value, has_value = key, False
    elif typ == "literal_error":
        rule = f"must be one of {ctx.get('expected', '')}".replace("'", "")
    elif typ == "too_short":
        k = ctx.get("min_length", 1)
        rule = f"must have at least {k} item{'s' if k != 1 else ''}"
    elif typ == "too_long":
        rule = f"must have at most {ctx.get('max_length')} items"
    elif typ == "string_pattern_mismatch":
        rule = "must use only letters, digits, '_' and '-' (and not start with '-')"
    elif typ == "string_too_short":
        rule = "must not be empty"
    elif typ == "string_too_long":
        rule = f"must be at most {ctx.get('max_length')} characters"
    else:
        rule = str(err.get("msg", typ))
        for prefix in ("Value error, ", "Assertion failed, "):
            rule = rule.removeprefix(prefix)
        if ", got " in rule:  # the message quotes the value itself
            has_value = False
        if isinstance(value, dict):
            has_value = False
    path = path_text(loc)
    line = lines.get(loc)
    if line is None and loc and isinstance(loc[-1], int):  # a list item on the list's line
        line = lines.get(loc[:-1])
    if line is not None:
        path += f" (line {line})"
    return Problem(path, rule, value, has_value)


#: A pydantic error as a user's problem (path with its line, rule, value): for other files too.
pydantic_problem = _problem


def pydantic_problems(
    errors: list[Any], lines: dict[PathKey, int], root: type[BaseModel]
) -> list[Problem]:
    """Every pydantic error of a document as users' problems, one per value (``one_per_form``)."""
    return one_per_form([_problem(e, lines, root) for e in errors])


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
        _at_line(p, lines) for p in expand_tables(data, None if base is None else Path(base))
    ]
    problems += [_at_line(p, lines) for p in fill_missing_agents(data, require_agents)]
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems.extend(_problem(e, lines) for e in exc.errors())
    problems.extend(_at_line(p, lines) for p in reference_problems(data))
    if not problems and scenario is not None:
        problems.extend(reachability_problems(scenario))
    if problems:
        raise InputError(_dedupe(one_per_form(with_ids(problems, data))), source)
    assert scenario is not None
    return scenario


def _at_line(p: Problem, lines: dict[PathKey, int]) -> Problem:
    """The problem with its scenario path followed by the line in the file, if known."""
    line = _line_of(p.path, lines)
    return p if line is None else Problem(f"{p.path} (line {line})", p.rule, p.value, p.has_value)


#: A problem with the line of its path in the file (of the deepest node the file has).
at_line = _at_line


def _plain(value: Any) -> Any:
    """``value`` with numpy scalars and arrays (as analysts build them) made plain Python."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        return _plain(value.tolist())
    return value


def _line_of(path: str, lines: dict[PathKey, int]) -> int | None:
    """Line of the deepest node of a text path that the YAML file has."""
    loc: list[str | int] = []
    for part in re.findall(r"[^.\[\]]+|\[[^\]]*\]", path):
        if part.startswith("["):
            inner = part[1:-1]
            if not inner.isdigit():
                break
            loc.append(int(inner))
        else:
            loc.append(part)
    while loc:
        if tuple(loc) in lines:
            return lines[tuple(loc)]
        loc.pop()
    return None


def one_per_form(problems: list[Problem]) -> list[Problem]:
    """A value that may take several forms, wrong in each: one problem (``must be a number or a list``).

    pydantic reports one error per branch of a union, at the same path with the same
    value; no other error repeats a path and its value.
    """
    out: list[Problem] = []
    first: dict[tuple[str, str], int] = {}
    for p in problems:
        key = (p.path, repr(p.value))
        k = first.get(key)
        if (
            k is not None
            and p.has_value
            and out[k].rule.startswith("must be ")
            and p.rule.startswith("must be ")
        ):
            q = out[k]
            extra = p.rule.removeprefix("must be ")
            if extra not in q.rule:
                out[k] = Problem(q.path, f"{q.rule} or {extra}", q.value, q.has_value, q.at)
            continue
        first.setdefault(key, len(out))
        out.append(p)
    return out


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
