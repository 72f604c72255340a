"""Terminal tables (rich), written to stdout; progress and notes go to stderr."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table


def console(err: bool = False) -> Console:
    """A console on the current stdout (or stderr); created per use so redirection works."""
    return Console(
        file=sys.stderr if err else sys.stdout,
        highlight=False,
        soft_wrap=False,
        width=None if (sys.stderr if err else sys.stdout).isatty() else 120,
    )


def fmt_pct(x: float | None, digits: int = 1) -> str:
    """Format a share as a percentage (``-`` for missing)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{100.0 * x:.{digits}f}%"


def fmt_num(x: float | None, digits: int = 1) -> str:
    """Format a number (``inf`` and ``-`` for missing)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "inf"
    return f"{x:,.{digits}f}"


def simple_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    title: str | None = None,
    highlight_row: int | None = None,
) -> Table:
    """A plain right-aligned table; ``highlight_row`` is shown in bold."""
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for i, c in enumerate(columns):
        table.add_column(c, justify="left" if i == 0 and not c.strip() else "right")
    for i, r in enumerate(rows):
        table.add_row(*[str(x) for x in r], style="bold" if i == highlight_row else None)
    return table
