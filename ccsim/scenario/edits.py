"""Changing scenario data by dotted paths, as ``Scenario.replace`` does.

A path such as ``centers.main.groups.agents.agents`` names mapping keys and list
items; a list item is addressed by its index or by its ``id``.
"""

from __future__ import annotations

from typing import Any

from ccsim.errors import InputError, Problem


def apply_changes(data: dict[str, Any], changes: dict[str, Any]) -> None:
    """Set each dotted path of ``changes`` to its value in ``data`` (in place).

    Parameters
    ----------
    data
        Scenario data, as a scenario file would hold it.
    changes
        Values by dotted path.

    Raises
    ------
    InputError
        Some paths name no field or item; every such path is listed.
    """
    problems: list[Problem] = []
    for dotted, value in changes.items():
        try:
            _set_path(data, dotted.split("."), value)
        except KeyError as exc:
            problems.append(Problem(dotted, f"no such field or item ({exc.args[0]})", value))
    if problems:
        raise InputError(problems)


def _set_path(node: Any, parts: list[str], value: Any) -> None:
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            idx = _list_index(node, part)
            if last:
                node[idx] = value
                return
            node = node[idx]
        elif isinstance(node, dict):
            if last:
                node[part] = value
                return
            if part not in node or node[part] is None:
                node[part] = {}
            node = node[part]
        else:
            raise KeyError(part)


def _list_index(items: list[Any], part: str) -> int:
    if part.lstrip("-").isdigit():
        idx = int(part)
        if -len(items) <= idx < len(items):
            return idx % len(items)
        raise KeyError(part)
    for i, it in enumerate(items):
        if isinstance(it, dict) and it.get("id") == part:
            return i
    raise KeyError(part)
