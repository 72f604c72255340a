"""How results show themselves: plain text for ``repr`` and print, HTML for Jupyter.

Numbers are formatted here from plain floats, so printed results read ``0.812``, never
``np.float64(0.812)``.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

HEADLINE = (
    "offered", "answered", "abandoned", "service_level", "answer_rate", "abandon_rate",
    "asa_s", "occupancy",
)  # fmt: skip


def number(x: Any, digits: int = 4) -> str:
    """A number for display: ``-`` for missing, thousands separated, ``digits`` significant."""
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "no"
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(v):
        return "-"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    if abs(v) >= 1000:
        return f"{v:,.1f}"
    return f"{v:.{digits}g}"


def interval(low: Any, high: Any) -> str:
    """A 95 % interval for display, ``[low, high]``."""
    if (
        low is None
        or high is None
        or (
            (isinstance(low, float) and math.isnan(low))
            or (isinstance(high, float) and math.isnan(high))
        )
    ):
        return "-"
    return f"[{number(low)}, {number(high)}]"


def mean_ci_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns ``(kpi, mean|ci_low|ci_high)`` as text: one column per KPI, ``mean [low, high]``."""
    out = {}
    for kpi in dict.fromkeys(frame.columns.get_level_values(0)):
        m, lo, hi = frame[(kpi, "mean")], frame[(kpi, "ci_low")], frame[(kpi, "ci_high")]
        out[kpi] = [
            f"{number(a)} {interval(b, c)}" if interval(b, c) != "-" else number(a)
            for a, b, c in zip(m, lo, hi, strict=True)
        ]
    return pd.DataFrame(out, index=frame.index)


def text(title: str, lines: list[str], tables: list[tuple[str, pd.DataFrame]]) -> str:
    """A plain-text view: a title, lines, then titled tables."""
    parts = [title, *lines]
    for name, table in tables:
        parts += ["", name, table.to_string()]
    return "\n".join(parts)


def html_view(title: str, lines: list[str], tables: list[tuple[str, pd.DataFrame]]) -> str:
    """The same view as HTML (Jupyter's rich display)."""
    parts = [f"<div><strong>{html.escape(title)}</strong>"]
    parts += [f"<div>{html.escape(line)}</div>" for line in lines]
    for name, table in tables:
        parts.append(f"<div style='margin-top:0.6em'><em>{html.escape(name)}</em></div>")
        parts.append(table.to_html(border=0))
    parts.append("</div>")
    return "\n".join(parts)
