"""Figures of a forecast: history and forecast with the band; backtest errors by method."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ccsim.reporting.figure_base import _plt


def history_figure(counts: pd.DataFrame, fc: pd.DataFrame, weeks: int = 4) -> Any:
    """Daily totals: the last weeks of history, the forecast and its summed interval band."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(10, 3.8))
    hist = counts.sum(axis=1).resample("D").sum()
    hist = hist.iloc[-7 * weeks :]
    ax.plot(hist.index, hist.to_numpy(), color="0.3", marker="o", ms=3, label="history")
    day = fc.assign(day=fc["start"].dt.normalize()).groupby("day")[["calls", "low", "high"]].sum()
    ax.plot(day.index, day["calls"], color="C0", marker="o", ms=3, label="forecast")
    ax.fill_between(
        day.index, day["low"], day["high"], color="C0", alpha=0.15, label="sum of interval bands"
    )
    ax.set_ylabel("calls per day", fontsize=8)
    ax.legend(fontsize=7)
    ax.set_title("History and forecast (all call types)", fontsize=9)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def backtest_figure(backtest: pd.DataFrame) -> Any:
    """WAPE of daily totals and of intervals by method, beside the Poisson noise floor."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 3.4))
    allrows = backtest[backtest["call_type"] == "all"]
    x = range(len(allrows))
    ax.bar([i - 0.2 for i in x], allrows["wape_interval"], width=0.4, label="interval WAPE")
    ax.bar([i + 0.2 for i in x], allrows["wape_daily"], width=0.4, label="daily WAPE")
    if len(allrows):
        ax.axhline(
            float(allrows["floor_interval"].mean()),
            color="C0",
            ls=":",
            label="interval noise floor",
        )
        ax.axhline(
            float(allrows["floor_daily"].mean()), color="C1", ls=":", label="daily noise floor"
        )
    ax.set_xticks(list(x))
    ax.set_xticklabels(list(allrows["method"]), fontsize=8)
    ax.legend(fontsize=7)
    ax.set_title("Backtest errors by method", fontsize=9)
    fig.tight_layout()
    return fig


def write_forecast_figures(
    folder: Path, counts: pd.DataFrame, fc: pd.DataFrame, backtest: pd.DataFrame
) -> list[Path]:
    """Write ``forecast.png`` and ``backtest.png`` into ``folder/figures``."""
    plt = _plt()
    out = folder / "figures"
    out.mkdir(exist_ok=True)
    made = []
    for name, fig in (
        ("forecast.png", history_figure(counts, fc)),
        ("backtest.png", backtest_figure(backtest)),
    ):
        fig.savefig(out / name, dpi=90)
        plt.close(fig)
        made.append(out / name)
    return made
