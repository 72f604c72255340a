"""JSON documents for ``--json``: plain types only, infinities and NaN as ``null``."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np


def plain(obj: Any) -> Any:
    """Convert numpy scalars and arrays, tuples and non-finite floats to JSON-safe values."""
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
    return obj


def dumps(obj: Any) -> str:
    """One JSON document, indented, with ``null`` for non-finite numbers."""
    return json.dumps(plain(obj), indent=2, ensure_ascii=False, allow_nan=False)
