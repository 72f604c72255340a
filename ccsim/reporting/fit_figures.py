"""Figures of a fit: arrival profile, handle times, patience survival, staffing, backtest.

Each takes the fit report (``ccsim.data.fit.FitReport``, read by attribute) and draws one
PNG; matplotlib is imported only when drawing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ccsim.reporting.figure_base import _plt, _xticks

#: Call types drawn per figure (the busiest).
MAX_PANELS = 6


def _panels(n: int) -> tuple[Any, Any]:
    plt = _plt()
    cols = min(3, max(1, n))
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes.ravel()


def _busiest(report: Any) -> list[str]:
    return sorted(report.volumes, key=lambda k: -report.volumes[k].calls)[:MAX_PANELS]


def arrival_figure(report: Any) -> Any:
    """Observed first calls per hour in each slot of the day (95 % Poisson bars), and the fit."""
    types = _busiest(report)
    fig, axes = _panels(len(types))
    for ax, k in zip(axes, types, strict=False):
        s = report.volumes[k].slots
        seen = s[s["days"] > 0]
        ax.errorbar(
            seen["slot"], seen["rate_per_h"],
            yerr=[seen["rate_per_h"] - seen["ci_low"], seen["ci_high"] - seen["rate_per_h"]],
            fmt="o", ms=3, lw=0.8, color="0.3", label="observed (95 %)",
        )  # fmt: skip
        fitted = s["per_day"] * report.demand.mean_factor * 3600.0 / report.period.interval_s
        ax.step(s["slot"], fitted, where="mid", color="C0", label="fitted")
        ax.set_title(k, fontsize=9)
        ax.set_ylabel("first calls per hour", fontsize=8)
        _xticks(ax, list(s["clock"]))
    axes[0].legend(fontsize=7)
    fig.suptitle("Arrivals: observed against the fitted profile", fontsize=10)
    fig.tight_layout()
    return fig


def handle_time_figure(report: Any, values: dict[str, np.ndarray]) -> Any:
    """Talk-time histograms with the fitted densities."""
    types = [k for k in _busiest(report) if k in report.talk and k in values]
    fig, axes = _panels(max(1, len(types)))
    for ax, k in zip(axes, types, strict=False):
        x = values[k]
        f = report.talk[k]
        top = float(np.quantile(x, 0.99)) if len(x) else 1.0
        ax.hist(x[x <= top], bins=50, density=True, color="0.8", label=f"observed (n={f.n:,})")
        grid = np.linspace(max(top / 500, 1e-3), top, 300)
        ax.plot(grid, f.density(grid), color="C3", label=f"{f.chosen}")
        ax.set_title(k, fontsize=9)
        ax.set_xlabel("talk time (s)", fontsize=8)
        ax.legend(fontsize=7)
    fig.suptitle("Talk times with the fitted distributions", fontsize=10)
    fig.tight_layout()
    return fig


def patience_figure(report: Any) -> Any:
    """Kaplan-Meier survival of patience (answered waits censored) and the fitted curve."""
    types = [k for k in _busiest(report) if k in report.patience]
    fig, axes = _panels(max(1, len(types)))
    for ax, k in zip(axes, types, strict=False):
        p = report.patience[k]
        km = p.km
        if len(km):
            ax.step(
                km["time_s"], km["survival"], where="post", color="0.2", lw=1, label="Kaplan-Meier"
            )
            ax.fill_between(km["time_s"], km["ci_low"], km["ci_high"], step="post", color="0.85")
            top = float(km["time_s"].max())
        else:
            top = 60.0
        if p.dist is not None:
            grid = np.linspace(0.0, top, 300)
            ax.plot(grid, p.survival(grid), color="C3", label=f"fitted {p.chosen}")
        ax.set_ylim(0, 1.02)
        ax.set_title(f"{k} ({p.abandoned:,} abandoned of {p.n:,})", fontsize=9)
        ax.set_xlabel("wait (s)", fontsize=8)
        ax.set_ylabel("still waiting", fontsize=8)
        ax.legend(fontsize=7)
    fig.suptitle("Patience: survival of callers' patience", fontsize=10)
    fig.tight_layout()
    return fig


def staffing_figure(report: Any) -> Any:
    """Agents per interval and group as the log shows them, and the busy agents."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(10, 3.6))
    st = report.staffing
    for j, (g, rows) in enumerate(st.groupby("group", observed=True)):
        rows = rows.sort_values("interval")
        ax.step(rows["interval"], rows["agents"], where="post", color=f"C{j % 10}", label=f"{g}")
        ax.plot(rows["interval"], rows["busy_agents"], ls=":", color=f"C{j % 10}")
    n = report.period.n_intervals
    _xticks(ax, [report.period.label(i) for i in range(n)])
    ax.set_ylabel("agents (dotted: busy)", fontsize=8)
    ax.set_title(f"Staffing per interval: {report.staffing_method}", fontsize=9)
    ax.legend(fontsize=7, ncol=4)
    fig.tight_layout()
    return fig


def backtest_figure(table: pd.DataFrame) -> Any:
    """Per interval: the log's service level and abandonment beside the model's."""
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    per = table[table["interval"] >= 0]
    for ax, k, label in zip(
        axes, ("service_level", "abandon_rate"), ("service level", "abandonment"), strict=True
    ):
        t = per[per["kpi"] == k].sort_values("interval")
        x = t["interval"].to_numpy()
        ax.fill_between(
            x, t["range_low"], t["range_high"], color="C0", alpha=0.15, label="model range (95 %)"
        )
        ax.plot(x, t["simulated"], color="C0", label="simulated mean")
        ax.plot(x, t["observed"], "o", ms=3, color="0.2", label="log")
        ax.set_title(label, fontsize=9)
        _xticks(ax, list(t["clock"]))
        ax.set_ylim(0, 1.02)
    axes[0].legend(fontsize=7)
    fig.suptitle("Backtest: the log against the fitted model", fontsize=10)
    fig.tight_layout()
    return fig


def write_fit_figures(
    folder: Path, report: Any, talk_values: dict[str, np.ndarray], check: pd.DataFrame | None
) -> list[Path]:
    """Write the fit's figures into ``folder/figures``; returns the files."""
    plt = _plt()
    out = folder / "figures"
    out.mkdir(exist_ok=True)
    made = []
    figs = {
        "arrivals.png": arrival_figure(report),
        "handle_times.png": handle_time_figure(report, talk_values),
        "patience.png": patience_figure(report),
        "staffing.png": staffing_figure(report),
    }
    if check is not None:
        figs["backtest.png"] = backtest_figure(check)
    for name, fig in figs.items():
        fig.savefig(out / name, dpi=90)
        plt.close(fig)
        made.append(out / name)
    return made
