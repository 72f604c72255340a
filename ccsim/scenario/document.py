"""A scenario file's text as data, with the line of every value for error messages.

Safe YAML (each key once, aliases within reason) or JSON.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from ccsim.errors import InputError, Problem

PathKey = tuple[str | int, ...]


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe loader that remembers duplicate mapping keys (a silent typo otherwise)."""

    duplicates: list[tuple[str, int]]


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, str | int | float) and key in seen:
            loader.duplicates.append((str(key), key_node.start_mark.line + 1))
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


#: How many values a file's aliases may add when expanded, beyond ten times the file's
#: own: reuse of anchors is welcome, a file of nested aliases that expands into
#: gigabytes is not.
MAX_ALIAS_NODES = 1_000_000


class _RecursiveAlias(Exception):
    pass


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Values in ``node`` with every alias expanded; raises on an alias inside itself."""
    known = memo.get(id(node))
    if known is not None:
        if known < 0:
            raise _RecursiveAlias
        return known
    memo[id(node)] = -1  # being counted
    size = 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo) + _expanded_size(v, memo)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            size += _expanded_size(v, memo)
    memo[id(node)] = size
    return size


def _alias_problem(node: yaml.Node) -> Problem | None:
    """A file whose aliases refer to themselves or expand beyond reason."""
    memo: dict[int, int] = {}
    try:
        size = _expanded_size(node, memo)
    except _RecursiveAlias:
        return Problem("(file)", "has an alias inside the anchor it refers to", has_value=False)
    own = len(memo)  # distinct values written in the file
    if size - own > MAX_ALIAS_NODES + 10 * own:
        return Problem(
            "(file)",
            f"expands to {size:,} values once its aliases are resolved, from {own:,} "
            "written (nested anchors?)",
            has_value=False,
        )
    return None


def _line_map(node: yaml.Node | None, path: PathKey = ()) -> dict[PathKey, int]:
    """Line number (1-based) of every node, keyed by its path."""
    out: dict[PathKey, int] = {}
    if node is None:
        return out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else str(k)
            out[(*path, key)] = k.start_mark.line + 1
            out.update({p: ln for p, ln in _line_map(v, (*path, key)).items() if p != (*path, key)})
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out.update(_line_map(v, (*path, i)))
    return out


def _json_values(text: str) -> tuple[Any, list[str]]:
    """A JSON document's values and repeated keys, or ``(None, [])`` for other text.

    JSON reads 5e-05 as a number, where YAML 1.1 reads text.
    """
    body = text.lstrip("\ufeff \t\r\n")
    if not body.startswith("{"):
        return None, []
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                repeated.append(k)
            out[k] = v
        return out

    try:
        return json.loads(body, object_pairs_hook=pairs), repeated
    except ValueError:
        return None, []


def read_document(text: str, source: str) -> tuple[Any, dict[PathKey, int], list[Problem]]:
    """The document's data, the line of each path, and its repeated keys as problems.

    Raises
    ------
    InputError
        Not YAML (nor JSON), empty, or aliases beyond reason.
    """
    as_json, json_repeats = _json_values(text)
    loader = _UniqueKeyLoader(text)
    loader.duplicates = []
    try:
        node = loader.get_single_node()
        bad = _alias_problem(node) if node is not None else None
        if bad is not None:
            raise InputError([bad], source)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        if isinstance(as_json, dict):  # JSON that is not YAML (tabs): no line numbers
            node, data = None, as_json
            loader.duplicates = [(k, 0) for k in json_repeats]
        else:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
            what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise InputError(
                [Problem(where, f"is not valid YAML ({what})", has_value=False)], source
            ) from None
    finally:
        loader.dispose()
    dup = [
        Problem(
            f"line {ln}" if ln else "(file)",
            "repeats the key of an earlier line in the same mapping"
            if ln
            else "repeats a key in the same object",
            k,
        )
        for k, ln in loader.duplicates
    ]
    if data is None:
        raise InputError([Problem("(file)", "is empty", has_value=False)], source)
    if isinstance(as_json, dict):  # JSON reads 5e-05 as a number, YAML 1.1 as text
        data = as_json
    return data, _line_map(node), dup
