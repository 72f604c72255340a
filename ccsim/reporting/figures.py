"""Figures of a run, from its output tables (matplotlib, imported only when drawing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ccsim.reporting.figure_base import _plt, _xticks, save


def service_level_figure(intervals: pd.DataFrame, summary: dict[str, Any], ax: Any = None) -> Any:
    """Service level per interval with its 95 % band and the targets."""
    plt = _plt()
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 3.6))
    x = np.arange(len(intervals))
    sl = intervals["service_level"].to_numpy(dtype=float) * 100.0
    ax.plot(x, sl, color="#1f77b4", label="service level (mean)")
    if "service_level_ci_low" in intervals:
        ax.fill_between(
            x,
            intervals["service_level_ci_low"].to_numpy(dtype=float) * 100.0,
            intervals["service_level_ci_high"].to_numpy(dtype=float) * 100.0,
            color="#1f77b4",
            alpha=0.2,
            label="95% interval",
        )
    t = summary.get("targets", {})
    if "service_level" in t:
        ax.axhline(
            100.0 * t["service_level"]["target"],
            color="#d62728",
            ls="--",
            lw=1,
            label="daily target",
        )
    if "service_level_interval" in t:
        ax.axhline(
            100.0 * t["service_level_interval"]["target"],
            color="#ff7f0e",
            ls=":",
            lw=1,
            label="interval target",
        )
    d = summary.get("service_level_definition", {})
    ax.set_ylabel(f"answered within {d.get('threshold_s', 20):g} s (%)")
    ax.set_ylim(0, 102)
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


def occupancy_shown(agents: pd.DataFrame) -> np.ndarray:
    """Occupancy (busy / logged in) per row, NaN where no agent is staffed.

    Agents finishing a call after their shift ends are logged in while none is staffed;
    that interval has no occupancy to speak of, and none is drawn.
    """
    staffed = agents["staffed_agents"].to_numpy(dtype=float)
    busy = agents["busy_agents"].to_numpy(dtype=float)
    logged = agents["logged_in_agents"].to_numpy(dtype=float)
    ok = (staffed > 0) & (logged > 0)
    return np.where(ok, busy / np.where(ok, logged, 1.0), np.nan)


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
    occ = occupancy_shown(tot)
    ax2.plot(x, occ * 100.0, color="#ff7f0e", lw=1, ls="--", label="occupancy")
    ax2.set_ylim(0, 105)
    ax2.set_ylabel("occupancy (%)")
    _xticks(ax, [str(s) for s in labels])
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=8, loc="upper left")
    ax.set_title("Agents and occupancy")
    return fig if fig is not None else ax.figure


def interval_kpi_figure(
    intervals: pd.DataFrame, kpi: str, summary: dict[str, Any], ax: Any = None
) -> Any:
    """A KPI per interval (abandonment, ASA) with its 95 % band and the targets on it."""
    from ccsim.reporting.labels import fmt_kpi, is_pct, label

    plt = _plt()
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 3.2))
    x = np.arange(len(intervals))
    v = intervals[kpi].to_numpy(dtype=float)
    if "offered" in intervals:  # nothing to measure in an interval without calls
        v = np.where(intervals["offered"].to_numpy(dtype=float) > 0, v, np.nan)
    scale = 100.0 if is_pct(kpi) else 1.0
    ax.plot(x, v * scale, color="#1f77b4", label=f"{label(kpi)} (mean)")
    if f"{kpi}_ci_low" in intervals:
        ax.fill_between(
            x,
            intervals[f"{kpi}_ci_low"].to_numpy(dtype=float) * scale,
            intervals[f"{kpi}_ci_high"].to_numpy(dtype=float) * scale,
            color="#1f77b4",
            alpha=0.2,
            label="95% interval",
        )
    for t in summary.get("targets", {}).values():
        if t.get("kpi") == kpi and t.get("scope") in ("all",) and t.get("target") is not None:
            ax.axhline(
                float(t["target"]) * scale,
                color="#d62728",
                ls="--",
                lw=1,
                label=f"target {t['rule']} {fmt_kpi(kpi, t['target'])}",
            )
    ax.set_ylabel(
        label(kpi).replace(" (s)", "")
        + (" (%)" if is_pct(kpi) else " (s)" if kpi.endswith("_s") else "")
    )
    ax.set_ylim(bottom=0)
    _xticks(ax, [str(s) for s in intervals["start"]])
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(f"{label(kpi)[0].upper()}{label(kpi)[1:]} per interval")
    return fig if fig is not None else ax.figure


def queue_figure(intervals: pd.DataFrame, ax: Any = None) -> Any:
    """Callers waiting for an agent per interval: the average and the most."""
    plt = _plt()
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 3.2))
    x = np.arange(len(intervals))
    if "max_queue" in intervals:
        ax.bar(
            x,
            intervals["max_queue"].to_numpy(dtype=float),
            color="#c7c7c7",
            label="most (mean over replications)",
        )
    ax.plot(x, intervals["avg_queue"].to_numpy(dtype=float), color="#8c564b", label="average")
    ax.set_ylabel("callers waiting")
    _xticks(ax, [str(s) for s in intervals["start"]])
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title("Queue per interval")
    return fig if fig is not None else ax.figure


def write_figures(
    folder: Path,
    intervals: pd.DataFrame,
    agents: pd.DataFrame,
    summary: dict[str, Any],
    per_group: pd.DataFrame | None = None,
) -> list[tuple[Path, str]]:
    """Draw a run's figures into ``folder/figures``; return each path with its caption."""
    from ccsim.reporting.figures_grid import heat_map

    out = folder / "figures"
    out.mkdir(exist_ok=True)
    drawn: list[tuple[str, Any, str]] = [
        (
            "service_level.png",
            service_level_figure(intervals, summary),
            "Service level per interval",
        ),
    ]
    abandons = "abandoned" in intervals and float(intervals["abandoned"].sum()) > 0
    targeted = {t.get("kpi") for t in summary.get("targets", {}).values()}
    for kpi, name, caption in (
        ("abandon_rate", "abandonment.png", "Abandonment rate per interval"),
        ("asa_s", "asa.png", "ASA per interval"),
    ):
        # callers who never hang up: no abandonment to draw, unless a target asks for it
        if kpi in intervals and (kpi != "abandon_rate" or abandons or kpi in targeted):
            drawn.append((name, interval_kpi_figure(intervals, kpi, summary), caption))
    if "avg_queue" in intervals:
        drawn.append(("queue.png", queue_figure(intervals), "Callers waiting per interval"))
    drawn.append(("traffic.png", traffic_figure(intervals), "Calls offered to agents per interval"))
    drawn.append(("agents.png", agents_figure(agents), "Agents staffed and busy, and occupancy"))
    # heat maps where there are groups to set side by side (one group: the lines above say it)
    if "occupancy" in agents and "group" in agents and agents["group"].nunique() > 1:
        occ = agents.copy()
        occ["value"] = occupancy_shown(occ)
        drawn.append(
            ("occupancy_heat.png", heat_map(occ, "occupancy", "Occupancy by group and interval (blank: no agents staffed)"),
             "Occupancy by group and interval")
        )  # fmt: skip
    if per_group is not None and per_group["group"].nunique() > 1:
        sl = per_group.copy()
        sl["value"] = sl["service_level"].where(sl["requests"] > 0)
        drawn.append(
            ("service_level_heat.png", heat_map(sl, "service_level", "Service level by group and interval (blank: no calls)"),
             "Service level by group and interval")
        )  # fmt: skip
    return [(save(fig, out / name), caption) for name, fig, caption in drawn]
