"""Problems made easier to find: list positions named by their ids, close names suggested.

``call_types[3].handle_time`` says where in the file; ``call_types.billing.handle_time``
says which call type, and is the path ``--set`` and ``Scenario.replace`` take. A
problem whose path runs through list items with ids gets the second form as ``at``.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ccsim.errors import Problem

_PART = re.compile(r"[^.\[\]]+|\[[^\]]*\]")
_LINE = re.compile(r" \(line \d+\)$")


def id_path(path: str, data: Any) -> str | None:
    """``path`` with each list position replaced by its item's id; None without any."""
    text = _LINE.sub("", path)
    node = data
    out: list[str] = []
    named = False
    for part in _PART.findall(text):
        if part.startswith("["):
            inner = part[1:-1]
            if not inner.isdigit() or not isinstance(node, list) or int(inner) >= len(node):
                return None
            node = node[int(inner)]
            ident = node.get("id") if isinstance(node, dict) else None
            if isinstance(ident, str) and ident and "." not in ident:
                out.append("." + ident)
                named = True
            else:
                out.append(part)
        else:
            out.append(("." if out else "") + part)
            node = node.get(part) if isinstance(node, dict) else None
    return "".join(out) if named else None


def with_ids(problems: Iterable[Problem], data: Any) -> list[Problem]:
    """The problems, each with ``at`` where its path runs through list items with ids."""
    out = []
    for p in problems:
        at = id_path(p.path, data) if p.at is None else p.at
        out.append(p if at is None else Problem(p.path, p.rule, p.value, p.has_value, at))
    return out


def did_you_mean(value: Any, known: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` for the closest known name, or nothing."""
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def percent_hint(
    value: Any, strict: bool = False, lower: float | None = None, lower_strict: bool = False
) -> str:
    """A hint for a share (a fraction of 1) that may have been written as a percentage.

    Only for a number above 1 and at most 100 (below 100 when the share must be below
    1: ``strict``), and only when the fraction it would mean passes the field's lower
    bound (``lower``, excluded when ``lower_strict``). Said as a condition: ``1.5`` may
    be 1.5 % or a slip of ``0.15``; ``150`` or ``0.5`` get no hint.
    """
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return ""
    if not (1 < value < 100 if strict else 1 < value <= 100):
        return ""
    written = repr(value) if isinstance(value, float) else str(value)
    share = Decimal(written).scaleb(-2).normalize()
    if lower is not None and (share <= lower if lower_strict else share < lower):
        return ""
    if written.endswith(".0"):
        written = written[:-2]
    return f" (shares are fractions: if you meant {written} %, write {share:f})"
