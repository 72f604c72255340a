"""Figures of a sweep: each KPI against each varied value, one line per value of another."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ccsim.reporting.figure_base import _plt

#: KPIs drawn.
DRAWN = ("service_level", "abandon_rate", "asa_s", "occupancy")


def kpi_figure(
    summary: pd.DataFrame, x: str, kpi: str, by: str | None, target: tuple[str, float] | None
) -> Any:
    """``kpi`` against the varied ``x`` (mean and 95 % interval), one line per value of ``by``."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    groups = [(None, summary)] if by is None else list(summary.groupby(by, sort=True))
    for j, (val, rows) in enumerate(groups):
        rows = rows.sort_values(x)
        color = f"C{j % 10}"
        label = None if by is None else f"{by.split('.')[-1]} = {val!s}"
        ax.plot(rows[x], rows[f"{kpi}_mean"], marker="o", ms=3, color=color, label=label)
        ax.fill_between(
            rows[x], rows[f"{kpi}_ci_low"], rows[f"{kpi}_ci_high"], color=color, alpha=0.15
        )
    if target is not None:
        ax.axhline(target[1], color="C3", ls="--", lw=1, label=f"target {target[0]} {target[1]:g}")
    ax.set_xlabel(x, fontsize=8)
    ax.set_ylabel(kpi, fontsize=8)
    if by is not None or target is not None:
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def write_sweep_figures(
    folder: Path, summary: pd.DataFrame, labels: list[str], targets: dict[str, tuple[str, float]]
) -> list[Path]:
    """One PNG per KPI and numeric varied field (lines by the next varied field)."""
    plt = _plt()
    out = folder / "figures"
    out.mkdir(exist_ok=True)
    made: list[Path] = []
    numeric = [c for c in labels if pd.api.types.is_numeric_dtype(summary[c])]
    for i, x in enumerate(numeric):
        others = [c for c in labels if c != x]
        by = others[0] if others and summary[others[0]].nunique() <= 8 else None
        for kpi in DRAWN:
            if f"{kpi}_mean" not in summary:
                continue
            fig = kpi_figure(summary, x, kpi, by, targets.get(kpi))
            path = out / f"{kpi}_vs_{i + 1}.png"
            fig.savefig(path, dpi=90)
            plt.close(fig)
            made.append(path)
    return made
