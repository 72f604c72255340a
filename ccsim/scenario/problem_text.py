"""A document's problems as users read them: pydantic's errors in words, at a path and a line.

Every file ccsim reads against a model (scenarios, live states, call-log maps) reports
its problems this way: the path as the file writes it (``call_types[0].handle_time``),
the line of its deepest node the file has, the rule in words (``must be >= 0``, ``unknown
key (did you mean ...)``) and the value given; a value that may take several forms and
fits none is one problem.
"""

from __future__ import annotations

import difflib
import math
import re
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from ccsim.errors import Problem
from ccsim.scenario.document import PathKey
from ccsim.scenario.problem_paths import percent_hint
from ccsim.scenario.schema import Scenario

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


def pydantic_problem(
    err: Any, lines: dict[PathKey, int], root: type[BaseModel] | None = None
) -> Problem:
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


def pydantic_problems(
    errors: list[Any], lines: dict[PathKey, int], root: type[BaseModel]
) -> list[Problem]:
    """Every pydantic error of a document as users' problems, one per value (``one_per_form``)."""
    return one_per_form([pydantic_problem(e, lines, root) for e in errors])


def at_line(p: Problem, lines: dict[PathKey, int]) -> Problem:
    """The problem with its path followed by its line in the file (of the deepest node the file has)."""
    line = _line_of(p.path, lines)
    return p if line is None else Problem(f"{p.path} (line {line})", p.rule, p.value, p.has_value)


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
