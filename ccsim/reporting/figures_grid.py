"""Figures by group and interval: heat maps, a plan's required vs staffed agents, designs side by side."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ccsim.reporting.figure_base import _plt, _xticks
from ccsim.reporting.labels import is_pct, label


def heat_map(table: pd.DataFrame, kpi: str, title: str) -> Any:
    """Groups (rows) by intervals (columns) of ``table['value']``; missing cells stay blank."""
    plt = _plt()
    grid = table.pivot_table(index="group", columns="interval", values="value", aggfunc="mean",
                             dropna=False)  # fmt: skip
    starts = table.drop_duplicates("interval").set_index("interval")["start"].reindex(grid.columns)
    values = np.ma.masked_invalid(grid.to_numpy(dtype=float))
    fig, ax = plt.subplots(figsize=(9, 0.9 + 0.32 * max(1, len(grid.index))))
    cmap = plt.get_cmap("RdYlGn" if kpi == "service_level" else "viridis").with_extremes(
        bad="#f0f0f0"
    )
    scale = 100.0 if is_pct(kpi) else 1.0
    im = ax.imshow(values * scale, aspect="auto", cmap=cmap, interpolation="nearest",
                   vmin=0, vmax=100 if is_pct(kpi) else None)  # fmt: skip
    ax.set_yticks(range(len(grid.index)))
    ax.set_yticklabels([str(g) for g in grid.index], fontsize=8)
    _xticks(ax, [str(s) for s in starts])
    bar = fig.colorbar(im, ax=ax, pad=0.01)
    bar.set_label(label(kpi) + (" (%)" if is_pct(kpi) else ""), fontsize=8)
    ax.set_title(title)
    return fig


def plan_figure(plan: pd.DataFrame, group: str) -> Any:
    """One group's plan per interval: Erlang and simulated required agents, scheduled, rostered."""
    plt = _plt()
    rows = plan[plan["group"] == group].sort_values("interval")
    fig, ax = plt.subplots(figsize=(9, 3.0))
    x = np.arange(len(rows))
    styles = {
        "erlang_agents": ("#7f7f7f", ":"),
        "sim_agents": ("#1f77b4", "-"),
        "scheduled_agents": ("#ff7f0e", "--"),
        "rostered_agents": ("#2ca02c", "-"),
    }
    for col, (color, ls) in styles.items():
        if col in rows and rows[col].notna().any():
            ax.step(
                x,
                rows[col].to_numpy(dtype=float),
                where="mid",
                color=color,
                ls=ls,
                label=label(col),
            )
    ax.set_ylabel("agents")
    ax.set_ylim(bottom=0)
    _xticks(ax, [str(s) for s in rows["start"]])
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(f"Required vs staffed: {group}")
    return fig


def designs_figure(
    intervals: pd.DataFrame, kpi: str, targets: dict[str, Any], names: list[str]
) -> Any:
    """A KPI per interval for every design of a comparison, with the first design's targets."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 3.2))
    scale = 100.0 if is_pct(kpi) else 1.0
    starts: list[str] = []
    for design, rows in intervals.groupby("design", sort=True):
        rows = rows.sort_values("interval")
        name = names[int(str(design))] if int(str(design)) < len(names) else str(design)
        v = rows[kpi].to_numpy(dtype=float)
        if "offered" in rows:
            v = np.where(rows["offered"].to_numpy(dtype=float) > 0, v, np.nan)
        ax.plot(np.arange(len(rows)), v * scale, label=name)
        if len(rows) > len(starts):
            starts = [str(s) for s in rows["start"]]
    for t in targets.values():
        if t.get("kpi") == kpi and t.get("target") is not None and t.get("scope") != "all":
            ax.axhline(
                float(t["target"]) * scale, color="#ff7f0e", ls=":", lw=1, label="interval target"
            )
        elif t.get("kpi") == kpi and t.get("target") is not None:
            ax.axhline(float(t["target"]) * scale, color="#d62728", ls="--", lw=1, label="target")
    ax.set_ylabel(label(kpi) + (" (%)" if is_pct(kpi) else ""))
    ax.set_ylim(bottom=0)
    _xticks(ax, starts)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(f"{label(kpi)[0].upper()}{label(kpi)[1:]} per interval, by design")
    return fig
