"""A scenario file's text as data, with the line of every value for error messages.

Safe YAML (each key once, aliases within reason, merge keys) or JSON. Whole numbers
and base-60 forms are read as YAML 1.2 reads them, not as YAML 1.1 does: ``012`` is
twelve (not octal ten) and ``8:00`` is text (not 480, base 60), so a clock time where
a number belongs is an error instead of a silent surprise. Decimals keep YAML 1.1's
form (a dot, and a signed exponent: ``6.0e+1``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from ccsim.errors import InputError, Problem

PathKey = tuple[str | int, ...]


#: Largest scenario file read (bytes). A province-year of replayed arrival times is far
#: smaller; beyond this, parsing alone would take minutes and gigabytes.
MAX_FILE_BYTES = 16 * 1024 * 1024

_INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# YAML 1.2 core schema numbers (PyYAML implements 1.1: octal 012, base-60 8:00).
_INT_12 = re.compile(r"^[-+]?(?:[0-9][0-9_]*|0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+)$")
_FLOAT_12 = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # Unicode "Cc" but tab, LF, CR
# what YAML 1.1 allows in a stream besides: surrogates, U+FFFE and U+FFFF
_NOT_YAML = re.compile("[\ud800-\udfff\ufffe\uffff]")


# libyaml's parser (shipped in PyYAML's wheels) composes a large file several times
# faster than the pure-Python one; constructors and resolvers stay ours either way.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_Base):  # type: ignore[misc]
    """Safe loader that remembers duplicate mapping keys (a silent typo otherwise)."""

    duplicates: list[tuple[str, int]]


_UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT_TAG, _FLOAT_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_UniqueKeyLoader.add_implicit_resolver(_INT_TAG, _INT_12, list("-+0123456789"))
_UniqueKeyLoader.add_implicit_resolver(_FLOAT_TAG, _FLOAT_12, list("-+0123456789."))


def _construct_int(loader: _UniqueKeyLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node)).replace("_", "")
    sign = -1 if text[:1] == "-" else 1
    digits = text.lstrip("+-")
    base = {"0b": 2, "0o": 8, "0x": 16}.get(digits[:2].lower(), 10)
    try:
        return sign * int(digits[2:] if base != 10 else digits, base)
    except ValueError:  # "0x_" (no digit), or more digits than Python converts
        raise yaml.constructor.ConstructorError(
            None, None, f"{text[:20]!r} is not a whole number ccsim reads", node.start_mark
        ) from None


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:  # "<<: *anchor": its keys may be overridden here
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a name, not a list or a mapping", key_node.start_mark
            )
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            loader.duplicates.append((str(key), key_node.start_mark.line + 1))
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(_INT_TAG, _construct_int)
_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _control_character(text: str) -> Problem | None:
    """The first control character (NUL included) or other character YAML refuses."""
    found = _CONTROL.search(text) or _NOT_YAML.search(text)
    if found is None:
        return None
    i = found.start()
    line = text.count("\n", 0, i) + 1
    column = i - (text.rfind("\n", 0, i) + 1) + 1
    code = ord(text[i])
    rule = (
        f"holds the control character U+{code:04X}: is this a text file?"
        if _CONTROL.match(text[i])
        else f"holds the character U+{code:04X}, which YAML does not allow"
    )
    return Problem(f"line {line}, column {column}", rule, has_value=False)


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
    """Line number (1-based) of every node, keyed by its path.

    A list's scalar items on the list's first line are left out: their line is the
    list's (a flow list of a million replayed arrival times costs one entry, not a
    million).
    """
    out: dict[PathKey, int] = {}
    if node is not None:
        _lines(node, path, out)
    return out


def _lines(node: yaml.Node, path: PathKey, out: dict[PathKey, int]) -> None:
    first = node.start_mark.line + 1
    out[path] = first
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else str(k)
            _lines(v, (*path, key), out)
            out[(*path, key)] = k.start_mark.line + 1  # a key's line names its value
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            if not isinstance(v, yaml.ScalarNode):
                _lines(v, (*path, i), out)
            elif v.start_mark.line + 1 != first:
                out[(*path, i)] = v.start_mark.line + 1


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
    if len(text) > MAX_FILE_BYTES:
        raise InputError(
            [Problem("(file)", f"is larger than {MAX_FILE_BYTES:,} bytes", len(text))], source
        )
    bad_char = _control_character(text)
    if bad_char is not None:
        raise InputError([bad_char], source)
    as_json, json_repeats = _json_values(text)
    try:
        loader = _UniqueKeyLoader(text)
    except yaml.reader.ReaderError as exc:  # characters YAML does not allow (U+FFFE, ...)
        i = exc.position
        where = f"line {text.count(chr(10), 0, i) + 1}, column {i - text.rfind(chr(10), 0, i)}"
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        rule = f"holds the character U+{code:04X}, which YAML does not allow"
        raise InputError([Problem(where, rule, has_value=False)], source) from None
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
            if "nesting depth" in str(exc):  # libyaml's own limit
                raise RecursionError from None
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


def read_document_file(path: str | Path, option: str) -> tuple[Any, dict[PathKey, int]]:
    """A YAML (or JSON) file's data and the line of each path; what cannot be read is bad input.

    ``option`` names where the path came from (``--map``, ``--state``) in the messages.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(option, "no such file", source)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(option, f"cannot be read ({exc})", source)]) from None
    data, lines, problems = read_document(text, source)
    if problems:
        raise InputError(problems, source)
    return data, lines
