"""Synthetic volume histories with a known truth, for the forecast's tests.

Calls per interval are Poisson around a rate that is the product of a base volume per
call type, a weekly pattern, a two-peak intraday shape, a linear trend and a day
multiplier drawn from a gamma of mean 1 and a given cv, shared by every call type on a
day (the "busyness" of the day, as ``demand.busyness_cv`` models it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Mean daily calls per call type on a day of weekday factor 1 (before the trend).
VOLUME = {"query": 2000.0, "fault": 800.0}
#: Monday to Sunday.
WEEKLY = np.array([1.1, 1.0, 1.0, 1.0, 0.95, 0.7, 0.6])
#: A Monday.
START = "2026-01-05"


def intraday(slots: int) -> np.ndarray:
    """Share of a day's calls per slot: a late-morning peak, an afternoon one, a quiet night."""
    x = np.arange(slots)
    shape = (
        np.exp(-0.5 * ((x - slots * 0.45) / (slots * 0.15)) ** 2)
        + 0.6 * np.exp(-0.5 * ((x - slots * 0.65) / (slots * 0.1)) ** 2)
        + 0.05
    )
    out: np.ndarray = shape / shape.sum()
    return out


@dataclass
class Synthetic:
    """A counts table and the rates it was drawn from."""

    table: pd.DataFrame  # timestamp, call_type, calls, aht_s
    rate: dict[str, np.ndarray]  # expected calls, days x slots, with the day multiplier
    multiplier: np.ndarray  # the day multipliers (mean 1, cv ``cv``)
    interval_min: float


def synth(
    weeks: int = 16,
    volume: dict[str, float] | None = None,
    interval_min: float = 30,
    cv: float = 0.08,
    trend: float = 0.002,
    seed: int = 1,
    start: str = START,
    days: int | None = None,
) -> Synthetic:
    """``weeks`` (or ``days``) of history from ``start`` (midnight), one row per interval and type.

    ``trend`` is the daily relative growth (linear: day ``d`` has ``1 + trend d``).
    """
    rng = np.random.default_rng(seed)
    volume = VOLUME if volume is None else volume
    n = days if days is not None else 7 * weeks
    spd = round(1440 / interval_min)
    shape = intraday(spd)
    t0 = pd.Timestamp(start)
    weekday = (t0.weekday() + np.arange(n)) % 7
    mult = rng.gamma(1 / cv**2, cv**2, n) if cv > 0 else np.ones(n)
    times = pd.date_range(t0, periods=n * spd, freq=f"{interval_min:g}min")
    frames, rate = [], {}
    for j, (k, v) in enumerate(volume.items()):
        daily = v * (1 + trend * np.arange(n)) * WEEKLY[weekday] * mult
        lam = daily[:, None] * shape[None, :]
        rate[k] = lam
        frames.append(
            pd.DataFrame(
                {
                    "timestamp": times,
                    "call_type": k,
                    "calls": rng.poisson(lam).ravel(),
                    "aht_s": 180.0 + 20 * j,
                }
            )
        )
    return Synthetic(pd.concat(frames, ignore_index=True), rate, mult, interval_min)


def counts(
    rows: dict[str, np.ndarray], start: str = START, interval_min: float = 60
) -> pd.DataFrame:
    """A counts table from days x slots matrices per call type (hand-made histories)."""
    frames = []
    for k, m in rows.items():
        m = np.asarray(m, dtype=float)
        times = pd.date_range(start, periods=m.size, freq=f"{interval_min:g}min")
        frames.append(pd.DataFrame({"timestamp": times, "call_type": k, "calls": m.ravel()}))
    return pd.concat(frames, ignore_index=True)
