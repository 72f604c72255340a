"""Scaling a scenario's demand and handling times by a factor (``--scale volume=1.1,aht=1.05``).

A factor becomes the changes ``Scenario.replace`` takes (the machinery of ``--set``):

- ``volume`` multiplies every inbound arrival rate: ``demand.daily_volume``, and each
  call type's ``rate_per_h``, ``per_interval`` and ``daily_volume`` (a ``share`` of the
  demand follows it). Replayed arrival times (``times_s``) cannot be scaled.
- ``aht`` multiplies each call type's handling time (``handle_time`` and ``wrap_time``):
  its mean, uniform bounds or empirical values, keeping its shape (cv, shape).
"""

from __future__ import annotations

import math
from typing import Any

from ccsim.errors import InputError, Problem

FACTORS = ("volume", "aht")

_DIST_FIELDS = ("mean_s", "min_s", "max_s", "values_s")
_RATE_FIELDS = ("rate_per_h", "per_interval", "daily_volume")


def parse_factors(items: tuple[str, ...], option: str = "--scale") -> dict[str, float]:
    """``volume=1.1,aht=1.05`` items as factors; every problem listed at once."""
    out: dict[str, float] = {}
    problems: list[Problem] = []
    for item in items:
        for part in item.split(","):
            name, sep, text = part.partition("=")
            name = name.strip()
            if not sep or not name:
                problems.append(
                    Problem(option, "must be NAME=FACTOR, e.g. volume=1.1,aht=1.05", part)
                )
                continue
            if name not in FACTORS:
                problems.append(
                    Problem(option, f"unknown factor {name!r}; known: {', '.join(FACTORS)}", part)
                )
                continue
            try:
                value = float(text)
            except ValueError:
                problems.append(Problem(option, f"{name} must be a number", text))
                continue
            if not math.isfinite(value) or value <= 0:
                problems.append(Problem(option, f"{name} must be a factor > 0", text))
                continue
            if name in out:
                problems.append(Problem(option, f"{name} is given twice", part))
                continue
            out[name] = value
    if problems:
        raise InputError(problems)
    return out


def _times(x: Any, f: float) -> Any:
    if isinstance(x, list):
        return [v * f for v in x]
    return x * f


def scale_changes(data: dict[str, Any], factors: dict[str, float]) -> dict[str, Any]:
    """The dotted-path changes that scale scenario ``data`` (as ``Scenario.to_dict`` gives it)."""
    changes: dict[str, Any] = {}
    problems: list[Problem] = []
    volume, aht = factors.get("volume"), factors.get("aht")
    if volume is not None and (data.get("demand") or {}).get("daily_volume") is not None:
        changes["demand.daily_volume"] = data["demand"]["daily_volume"] * volume
    for ct in data.get("call_types", []):
        base = f"call_types.{ct['id']}"
        arrivals = ct.get("arrivals") or {}
        if volume is not None:
            for key in _RATE_FIELDS:
                if arrivals.get(key) is not None:
                    changes[f"{base}.arrivals.{key}"] = _times(arrivals[key], volume)
            if arrivals.get("times_s") is not None:
                problems.append(
                    Problem(
                        "--scale",
                        f"volume cannot scale replayed arrival times ({base}.arrivals.times_s)",
                        volume,
                    )
                )
        if aht is not None:
            for dist in ("handle_time", "wrap_time"):
                d = ct.get(dist) or {}
                for key in _DIST_FIELDS:
                    if d.get(key) is not None:
                        changes[f"{base}.{dist}.{key}"] = _times(d[key], aht)
    if problems:
        raise InputError(problems)
    return changes
