"""What-if grids: ``--vary PATH=VALUES`` parsed, expanded and turned into scenarios.

A vary is a dotted path as ``Scenario.replace`` takes it (ids or indexes for list items;
``*`` for every item of a list) and its values:

* a list: ``centers.main.groups.agents.agents=10,12,14`` (each value read as YAML);
* a range with a step, both ends included when the step lands on them:
  ``...agents=80:140:10``;
* a multiplier of the base value (numbers, or each number of a list):
  ``call_types.*.arrivals.rate_per_h*=0.9,1.0,1.1``.

Several varies make a grid (every combination); ``sample(n)`` draws a Latin hypercube of
``n`` points over the varies instead (ranges are continuous there, lists are picked from).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ccsim.errors import InputError, Problem
from ccsim.scenario.document import read_document
from ccsim.scenario.schema import Scenario

#: Points a sweep may have (beyond this, sample with a Latin hypercube).
MAX_POINTS = 10_000
#: Problems of a sweep's points listed (the rest are counted).
MAX_PROBLEMS = 100


@dataclass(frozen=True)
class Vary:
    """One varied field: its path (possibly with ``*``), its values, and how they apply."""

    path: str
    values: tuple[Any, ...]
    multiply: bool = False
    low: float | None = None  # a range's ends, for Latin hypercube sampling
    high: float | None = None
    integer: bool = False

    @property
    def label(self) -> str:
        """Column name of this vary in sweep tables."""
        return self.path + ("*" if self.multiply else "")


def parse_vary(text: str) -> Vary:
    """``PATH=VALUES`` or ``PATH*=FACTORS``; raise ``InputError`` naming the problem."""
    path, sep, raw = text.partition("=")
    multiply = path.endswith("*")
    path = path[:-1] if multiply else path
    path = path.strip()
    if not sep or not path or not raw.strip():
        raise InputError([Problem("--vary", "must be PATH=VALUES or PATH*=FACTORS", text)])
    raw = raw.strip()
    if raw.count(":") == 2 and "," not in raw:
        parts = raw.split(":")
        try:
            a, b, step = (float(x) for x in parts)
        except ValueError:
            raise InputError(
                [Problem("--vary", f"{path}: a range is START:STOP:STEP numbers", raw)]
            ) from None
        if step <= 0 or b < a or not all(math.isfinite(x) for x in (a, b, step)):
            raise InputError(
                [Problem("--vary", f"{path}: a range needs STOP >= START and STEP > 0", raw)]
            )
        n = math.floor((b - a) / step + 1e-9) + 1
        if n > MAX_POINTS:
            raise InputError(
                [Problem("--vary", f"{path}: {n:,} values (at most {MAX_POINTS:,})", raw)]
            )
        integer = all(float(x).is_integer() for x in (a, b, step)) and not multiply
        vals = tuple(round(a + k * step) if integer else round(a + k * step, 12) for k in range(n))
        return Vary(path, vals, multiply, a, b, integer)
    items = [x.strip() for x in _split(raw)]
    values = []
    for item in items:
        try:
            data, _, _ = read_document(f"v: {item}", "--vary")
        except InputError:
            raise InputError(
                [Problem("--vary", f"{path}: a value is not valid YAML", item)]
            ) from None
        values.append(data["v"])
    if multiply and not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        raise InputError([Problem("--vary", f"{path}*: factors must be numbers", raw)])
    integer = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    # no low/high: a Latin hypercube picks from a list, it does not fill the span of its values
    return Vary(path, tuple(values), multiply, integer=integer and not multiply)


def _split(raw: str) -> list[str]:
    """Split on commas outside brackets (``[1, 2],[3, 4]`` is two values)."""
    out, depth, cur = [], 0, ""
    for ch in raw:
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [x for x in out if x.strip()]


def expand_paths(data: dict[str, Any], path: str) -> list[str]:
    """The concrete paths of a path with ``*`` (every item of a list, by id when it has one)."""
    parts = path.split(".")
    found: list[list[str]] = [[]]
    for part in parts:
        nxt = []
        for prefix in found:
            if part == "*":
                node = _get(data, prefix)
                if isinstance(node, list):
                    nxt += [
                        [*prefix, str(it.get("id", i)) if isinstance(it, dict) else str(i)]
                        for i, it in enumerate(node)
                    ]
                elif isinstance(node, dict):
                    nxt += [[*prefix, k] for k in node]
                else:
                    raise KeyError(".".join([*prefix, part]))
            else:
                _check_items(data, [*prefix, part])
                nxt.append([*prefix, part])
        found = nxt
    return [".".join(p) for p in found]


def _check_items(data: Any, parts: list[str]) -> None:
    """Raise ``KeyError`` if ``parts`` names a list item that does not exist.

    A field the file leaves out is no error: ``Scenario.replace`` creates it, as ``--set``
    does (``call_types.general.patience.mean_s`` on a type without patience).
    """
    node = data
    for part in parts:
        if isinstance(node, dict) and part not in node:
            return
        node = _get(node, [part])


def _get(data: Any, parts: list[str]) -> Any:
    node = data
    for part in parts:
        if isinstance(node, list):
            if part.lstrip("-").isdigit():
                node = node[int(part)]
            else:
                items = [it for it in node if isinstance(it, dict) and it.get("id") == part]
                if not items:
                    raise KeyError(part)
                node = items[0]
        elif isinstance(node, dict):
            node = node[part]
        else:
            raise KeyError(part)
    return node


def _scaled(base: Any, factor: float) -> Any:
    if isinstance(base, bool):
        raise TypeError("a flag")
    if isinstance(base, int):  # counts stay whole numbers
        return round(base * factor)
    if isinstance(base, float):
        return base * factor
    if isinstance(base, list):
        return [_scaled(x, factor) for x in base]
    if isinstance(base, dict) and "per_interval" in base:
        return {**base, "per_interval": _scaled(base["per_interval"], factor)}
    raise TypeError(type(base).__name__)


def grid(varies: list[Vary]) -> list[dict[str, Any]]:
    """Every combination of the varies' values: one ``{label: value}`` per point."""
    n = math.prod(len(v.values) for v in varies)
    if n > MAX_POINTS:
        raise InputError(
            [
                Problem(
                    "--vary", f"the grid has {n:,} points (at most {MAX_POINTS:,}): use --sample", n
                )
            ]
        )
    return [
        dict(zip([v.label for v in varies], combo, strict=True))
        for combo in itertools.product(*(v.values for v in varies))
    ]


def sample(varies: list[Vary], n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` points of a Latin hypercube over the varies (ranges continuous, lists picked)."""
    from scipy.stats import qmc

    if not 1 <= n <= MAX_POINTS:
        raise InputError([Problem("--sample", f"must be 1 to {MAX_POINTS:,}", n)])
    u = qmc.LatinHypercube(d=len(varies), seed=np.random.default_rng(seed)).random(n)
    points = []
    for row in u:
        point: dict[str, Any] = {}
        for v, x in zip(varies, row, strict=True):
            if v.low is not None and v.high is not None and len(v.values) > 1:
                val = v.low + x * (v.high - v.low)
                point[v.label] = round(val) if v.integer else round(val, 12)
            else:
                point[v.label] = v.values[min(int(x * len(v.values)), len(v.values) - 1)]
        points.append(point)
    return points


def point_scenarios(
    base: Scenario, varies: list[Vary], points: list[dict[str, Any]]
) -> list[Scenario]:
    """The scenario of every point, each validated like a file; every problem of every point at once."""
    data = base.to_dict()
    problems: list[Problem] = []
    concrete: dict[str, list[str]] = {}
    for v in varies:
        try:
            concrete[v.label] = expand_paths(data, v.path)
        except (KeyError, IndexError) as exc:
            problems.append(
                Problem(f"--vary {v.label}", f"no such field or item ({exc})", has_value=False)
            )
    if problems:
        raise InputError(problems)
    out: list[Scenario] = []
    for k, point in enumerate(points):
        changes: dict[str, Any] = {}
        for v in varies:
            for path in concrete[v.label]:
                if v.multiply:
                    try:
                        base_value = _get(data, path.split("."))
                        changes[path] = _scaled(base_value, float(point[v.label]))
                    except (KeyError, IndexError):
                        problems.append(
                            Problem(
                                f"--vary {v.label}",
                                f"{path} is not set in the scenario: nothing to multiply",
                                has_value=False,
                            )
                        )
                    except TypeError as exc:
                        problems.append(
                            Problem(
                                f"--vary {v.label}",
                                f"{path} holds {exc}, not numbers: nothing to multiply",
                                has_value=False,
                            )
                        )
                else:
                    changes[path] = point[v.label]
        try:
            out.append(base.replace(changes))
        except InputError as exc:
            where = ", ".join(f"{lbl}={val}" for lbl, val in point.items())
            problems += [
                Problem(
                    f"point {k + 1} ({where}): {p.path}"
                    if isinstance(p, Problem)
                    else f"point {k + 1}",
                    p.rule if isinstance(p, Problem) else str(p),
                    p.value if isinstance(p, Problem) else None,
                    p.has_value if isinstance(p, Problem) else False,
                )
                for p in exc.problems
            ]
    if problems:
        # a multiplier's problem comes once per point: say it once, so that it cannot
        # crowd the other problems out of the list
        unique = list({str(p): p for p in problems}.values())
        shown: list[Problem | str] = list(unique[:MAX_PROBLEMS])
        if len(unique) > MAX_PROBLEMS:
            shown.append(f"... and {len(unique) - MAX_PROBLEMS} more problems")
        raise InputError(shown)
    return out
