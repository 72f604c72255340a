"""JSON documents for ``--json``: plain types only, infinities and NaN as ``null``."""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
from pathlib import PurePath
from typing import Any

import numpy as np


def plain(obj: Any) -> Any:
    """Convert numpy scalars and arrays, tuples and non-finite floats to JSON-safe values.

    Dates and times (YAML reads ``2026-01-01`` as a date) become ISO text, enums their
    value, paths text and sets sorted lists, so a document never fails to print.
    """
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [plain(v) for v in obj.tolist()]
    if isinstance(obj, np.generic):
        return plain(obj.item())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dt.date | dt.time):
        return obj.isoformat()
    if isinstance(obj, enum.Enum):
        return plain(obj.value)
    if isinstance(obj, PurePath):
        return str(obj)
    if isinstance(obj, set | frozenset):
        return [plain(v) for v in sorted(obj, key=repr)]
    return obj


def dumps(obj: Any) -> str:
    """One JSON document, indented, with ``null`` for non-finite numbers.

    A value JSON has no form for (an object a user's file or a library gave) is written
    as its text rather than failing the document.
    """
    return json.dumps(plain(obj), indent=2, ensure_ascii=False, allow_nan=False, default=str)
