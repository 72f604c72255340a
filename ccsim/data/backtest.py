"""Does the fitted model reproduce the centre? The log's KPIs beside the simulated ones.

The fitted scenario (with the staffing the log shows) is simulated; per interval and for
the whole period the log's service level, abandonment rate, ASA and occupancy stand
beside the simulated mean with its 95 % interval. Whether the log's figure is *within*
is judged against the spread of what the model can give for the log: a 95 % prediction
interval of the mean of as many periods as the log holds (one day of a real centre is one
draw, not a mean), mean ± t·sd·√(1/m + 1/n) over n replications, m periods in the log.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from ccsim.runner import simulate
from ccsim.scenario.schema import Scenario

if TYPE_CHECKING:
    from ccsim.data.report import FitReport

#: The KPIs the backtest compares.
KPIS = ("offered", "service_level", "abandon_rate", "asa_s", "occupancy")


def backtest(
    scenario: Scenario,
    report: FitReport,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    progress: Any = None,
) -> pd.DataFrame:
    """One row per interval (``-1``: whole period) and KPI: observed, simulated, intervals."""
    res = simulate(scenario, replications, seed, workers=workers, progress=progress)
    per_iv = res.kpi_values(["interval"])
    whole = res.kpi_values([])
    n_obs = report.period.replications
    rows: list[dict[str, Any]] = []
    obs = report.observed.set_index("interval")
    frames: list[tuple[int, pd.DataFrame]] = [
        (int(str(i)), g.droplevel("interval")) for i, g in per_iv.groupby(level="interval")
    ]
    frames.append((-1, whole))
    for i, vals in frames:
        if i not in obs.index:
            continue
        for k in KPIS:
            x = vals[k].to_numpy(dtype=float)
            x = x[np.isfinite(x)]
            o = float(obs[k].get(i, math.nan))
            rows.append(
                {
                    "interval": i,
                    "clock": obs.at[i, "clock"],
                    "kpi": k,
                    "observed": o,
                    **_band(x, n_obs, k),
                }
            )
    out = pd.DataFrame(rows)
    out["within"] = np.where(
        out["observed"].notna() & out["simulated"].notna(),
        (out["observed"] >= out["range_low"]) & (out["observed"] <= out["range_high"]),
        np.nan,
    )
    return out


def _band(x: np.ndarray, m: int, kpi: str) -> dict[str, float]:
    n = len(x)
    if n == 0:
        nan = math.nan
        return {
            "simulated": nan,
            "ci_low": nan,
            "ci_high": nan,
            "range_low": nan,
            "range_high": nan,
        }
    mean = float(x.mean())
    if n < 2:
        return {
            "simulated": mean,
            "ci_low": mean,
            "ci_high": mean,
            "range_low": mean,
            "range_high": mean,
        }
    sd = float(x.std(ddof=1))
    t = float(stats.t.ppf(0.975, n - 1))
    half_ci = t * sd / math.sqrt(n)
    half_pi = t * sd * math.sqrt(1.0 / m + 1.0 / n)
    lo_clip, hi_clip = (
        (0.0, 1.0) if kpi in ("service_level", "abandon_rate", "occupancy") else (0.0, math.inf)
    )
    return {
        "simulated": mean,
        "ci_low": max(lo_clip, mean - half_ci),
        "ci_high": min(hi_clip, mean + half_ci),
        "range_low": max(lo_clip, mean - half_pi),
        "range_high": min(hi_clip, mean + half_pi),
    }


def backtest_summary(table: pd.DataFrame) -> dict[str, Any]:
    """Share of intervals where each KPI of the log lies within the model's range."""
    per = table[table["interval"] >= 0]
    out: dict[str, Any] = {}
    for k in KPIS:
        t = per[(per["kpi"] == k) & per["within"].notna()]
        w = table[(table["interval"] == -1) & (table["kpi"] == k)]
        out[k] = {
            "intervals": len(t),
            "within": int(t["within"].astype(bool).sum()),
            "whole_period_within": bool(w["within"].iloc[0])
            if len(w) and pd.notna(w["within"].iloc[0])
            else None,
        }
    return out
