"""What changed in a scenario: its fields as plain data, and the fields that differ as dotted paths.

A baseline keeps the scenario's fields (``scenario_fields``) beside its hash, so that a
drift report can say what changed since: ``call_types.billing.arrivals.rate_per_h:
120 -> 132``. Paths are written as ``--set`` reads them: list items that carry an ``id``
by their id (``centers.main.groups.agents.agents``), other list items by position
(``routing.rules[0].groups``). A list of plain values (agents or volumes per interval)
is one field.
"""

from __future__ import annotations

from typing import Any

from ccsim.scenario.schema import Scenario

#: how a field changed
CHANGED, ADDED, REMOVED = "changed", "added", "removed"


def scenario_fields(sc: Scenario) -> dict[str, Any]:
    """The scenario as plain data, values equal to their defaults left out.

    The same content as the scenario hash: a field a later ccsim adds with a default
    does not show as a change.
    """
    fields: dict[str, Any] = sc.model_dump(mode="json", exclude_defaults=True)
    return fields


def field_changes(old: Any, new: Any) -> list[dict[str, Any]]:
    """The fields that differ between two scenarios' plain data, in document order.

    Each change is ``{"path", "old", "new", "change"}``; ``change`` is ``changed``,
    ``added`` (``old`` is null: not set, or its default) or ``removed`` (``new`` is null).
    """
    out: list[dict[str, Any]] = []
    _diff(old, new, "", out)
    return out


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """A list's items by their ``id``, when every item is a mapping with a distinct text id."""
    if not all(isinstance(x, dict) and isinstance(x.get("id"), str) for x in items):
        return None
    ids = [x["id"] for x in items]
    return dict(zip(ids, items, strict=True)) if len(set(ids)) == len(ids) else None


def _diff(old: Any, new: Any, path: str, out: list[dict[str, Any]]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        _diff_keys(old, new, path, out)
        return
    if isinstance(old, list) and isinstance(new, list) and (old or new):
        a, b = _keyed(old), _keyed(new)
        if a is not None and b is not None:
            _diff_keys(a, b, path, out, items=True)
            return
        if len(old) == len(new) and all(isinstance(x, dict) for x in old + new):
            for i, (x, y) in enumerate(zip(old, new, strict=True)):
                _diff(x, y, f"{path}[{i}]", out)
            return
    if not _same(old, new):
        out.append({"path": path or "(top level)", "old": old, "new": new, "change": CHANGED})


def _diff_keys(old: dict[str, Any], new: dict[str, Any], path: str, out: list[dict[str, Any]],
               items: bool = False) -> None:  # fmt: skip
    """Fields by key; a mapping set on one side only is listed by its leaves, a list item whole."""
    for key in list(old) + [k for k in new if k not in old]:
        p = _join(path, str(key))
        if not items and isinstance(old.get(key, {}), dict) and isinstance(new.get(key, {}), dict):
            _diff_keys(old.get(key, {}), new.get(key, {}), p, out)
        elif key not in new:
            out.append({"path": p, "old": old[key], "new": None, "change": REMOVED})
        elif key not in old:
            out.append({"path": p, "old": None, "new": new[key], "change": ADDED})
        else:
            _diff(old[key], new[key], p, out)


def _same(a: Any, b: Any) -> bool:
    """Equal as plain data (``12`` and ``12.0`` are the same value, ``1`` and ``true`` are not)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)
