"""Figures of a run, from its output tables (matplotlib, imported only when drawing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def _plt() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - matplotlib is a dependency
        raise RuntimeError("figures require matplotlib (pip install matplotlib)") from exc
    return plt


def _xticks(ax: Any, labels: list[str]) -> None:
    n = len(labels)
    step = max(1, n // 12)
    ax.set_xticks(range(0, n, step))
    ax.set_xticklabels([labels[i] for i in range(0, n, step)], rotation=45, ha="right", fontsize=8)


def service_level_figure(intervals: pd.DataFrame, summary: dict[str, Any], ax: Any = None) -> Any:
    """Service level per interval with its 95 % band and the targets."""
    plt = _plt()
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 3.6))
    x = np.arange(len(intervals))
    sl = intervals["service_level"].to_numpy(dtype=float)
    ax.plot(x, sl, color="#1f77b4", label="service level (mean)")
    if "service_level_ci_low" in intervals:
        ax.fill_between(
            x,
            intervals["service_level_ci_low"].to_numpy(dtype=float),
            intervals["service_level_ci_high"].to_numpy(dtype=float),
            color="#1f77b4",
            alpha=0.2,
            label="95% interval",
        )
    t = summary.get("targets", {})
    if "service_level" in t:
        ax.axhline(
            t["service_level"]["target"], color="#d62728", ls="--", lw=1, label="daily target"
        )
    if "service_level_interval" in t:
        ax.axhline(
            t["service_level_interval"]["target"],
            color="#ff7f0e",
            ls=":",
            lw=1,
            label="interval target",
        )
    d = summary.get("service_level_definition", {})
    ax.set_ylabel(f"answered within {d.get('threshold_s', 20):g} s")
    ax.set_ylim(0, 1.02)
    _xticks(ax, [str(s) for s in intervals["start"]])
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("Service level per interval")
    return fig if fig is not None else ax.figure


def traffic_figure(intervals: pd.DataFrame, ax: Any = None) -> Any:
    """Calls offered to agents per interval: answered and abandoned."""
    plt = _plt()
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 3.6))
    x = np.arange(len(intervals))
    ans = intervals["answered"].to_numpy(dtype=float)
    ab = intervals["abandoned"].to_numpy(dtype=float)
    ax.bar(x, ans, color="#2ca02c", label="answered")
    ax.bar(x, ab, bottom=ans, color="#d62728", label="abandoned")
    _xticks(ax, [str(s) for s in intervals["start"]])
    ax.set_ylabel("calls per interval")
    ax.legend(fontsize=8)
    ax.set_title("Calls offered to agents")
    return fig if fig is not None else ax.figure


def agents_figure(agents: pd.DataFrame, ax: Any = None) -> Any:
    """Agents staffed and busy per interval (all groups), with occupancy."""
    plt = _plt()
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 3.6))
    tot = agents.groupby("interval")[["staffed_agents", "busy_agents", "logged_in_agents"]].sum()
    labels = agents.drop_duplicates("interval").set_index("interval")["start"].reindex(tot.index)
    x = np.arange(len(tot))
    ax.step(x, tot["staffed_agents"], where="mid", color="#7f7f7f", label="staffed")
    ax.plot(x, tot["busy_agents"], color="#9467bd", label="busy")
    ax.set_ylabel("agents")
    ax2 = ax.twinx()
    occ = (
        tot["busy_agents"] / tot["logged_in_agents"].where(tot["logged_in_agents"] > 0)
    ).to_numpy(dtype=float)
    ax2.plot(x, occ, color="#ff7f0e", lw=1, ls="--", label="occupancy")
    ax2.set_ylim(0, 1.05)
    ax2.set_ylabel("occupancy")
    _xticks(ax, [str(s) for s in labels])
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=8, loc="upper left")
    ax.set_title("Agents and occupancy")
    return fig if fig is not None else ax.figure


def write_figures(
    folder: Path, intervals: pd.DataFrame, agents: pd.DataFrame, summary: dict[str, Any]
) -> list[Path]:
    """Draw the run's figures into ``folder/figures`` and return their paths."""
    plt = _plt()
    out = folder / "figures"
    out.mkdir(exist_ok=True)
    paths = []
    for name, fig in (
        ("service_level.png", service_level_figure(intervals, summary)),
        ("traffic.png", traffic_figure(intervals)),
        ("agents.png", agents_figure(agents)),
    ):
        fig.tight_layout()
        p = out / name
        fig.savefig(p, dpi=110)
        plt.close(fig)
        paths.append(p)
    return paths
