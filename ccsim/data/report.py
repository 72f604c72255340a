"""The report of a fit: every estimate with its sample size and 95 % interval."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ccsim.data.durations import DurationFit
from ccsim.data.ivr import IvrFit
from ccsim.data.patience import PatienceFit
from ccsim.data.period import Period
from ccsim.data.redials import RedialFit
from ccsim.data.returns import ReturnFit
from ccsim.data.volumes import DemandFit, VolumeFit


@dataclass
class FitReport:
    """Every estimate of a fit, with its sample size and 95 % interval (DataFrames inside)."""

    source: str
    rows_read: int
    calls: int
    skipped: list[dict[str, Any]]
    notes: list[str]
    period: Period
    threshold_s: float
    redial_window_s: float
    volumes: dict[str, VolumeFit]
    demand: DemandFit
    mix: pd.DataFrame
    ivr: dict[str, IvrFit]
    talk: dict[str, DurationFit]
    wrap: dict[str, DurationFit]
    talk_by_group: pd.DataFrame
    patience: dict[str, PatienceFit]
    redials: dict[str, RedialFit]
    returns: dict[str, ReturnFit]
    repeat_window_s: float
    staffing: pd.DataFrame
    staffing_method: str
    skills: pd.DataFrame
    routing: list[dict[str, Any]]
    routing_table: pd.DataFrame
    observed: pd.DataFrame
    scenario_text: str = ""
    warnings: list[str] = field(default_factory=list)

    def arrivals(self) -> pd.DataFrame:
        """Observed rates per call type and slot of the day with their Poisson intervals."""
        frames = [v.slots.assign(call_type=k) for k, v in self.volumes.items()]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def durations(self) -> pd.DataFrame:
        """One row per fitted duration: what, n, mean, interval, cv, family chosen and why."""
        rows = []
        fits: list[tuple[str, str, DurationFit | None]] = []
        for k in self.talk:
            fits.append((k, "talk", self.talk[k]))
            fits.append((k, "wrap", self.wrap.get(k)))
        for k, ivr in self.ivr.items():
            fits += [
                (k, "ivr to agent", ivr.time_to_agent),
                (k, "ivr self-service", ivr.time_self_service),
                (k, "ivr abandon", ivr.time_to_abandon),
            ]
        for k, r in self.redials.items():
            fits.append((k, "redial delay", r.delay))
        for k, what, f in fits:
            if f is None:
                continue
            rows.append(
                {
                    "call_type": k,
                    "what": what,
                    "n": f.n,
                    "mean_s": f.mean_s,
                    "ci_low": f.mean_ci95[0],
                    "ci_high": f.mean_ci95[1],
                    "cv": f.cv,
                    "chosen": f.chosen,
                    "reason": f.reason,
                }
            )
        return pd.DataFrame(rows)

    def patience_table(self) -> pd.DataFrame:
        """One row per call type: queued, abandoned, naive and fitted means, family and why."""
        rows = []
        for k, p in self.patience.items():
            rows.append(
                {
                    "call_type": k,
                    "queued": p.n,
                    "abandoned": p.abandoned,
                    "censored": p.censored,
                    "naive_mean_s": p.naive_mean_s,
                    "km_median_s": p.km_median_s,
                    "mean_s": p.mean_s,
                    "ci_low": p.mean_ci95[0] if p.mean_ci95 else None,
                    "ci_high": p.mean_ci95[1] if p.mean_ci95 else None,
                    "balk_share": p.balk_share,
                    "chosen": p.chosen,
                    "reason": p.reason,
                }
            )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``ccsim fit --json`` (without the backtest)."""
        return {
            "source": self.source,
            "rows_read": self.rows_read,
            "calls": self.calls,
            "skipped": self.skipped,
            "notes": self.notes,
            "warnings": self.warnings,
            "redial_window_min": self.redial_window_s / 60.0,
            "sl_threshold_s": self.threshold_s,
            "period": {
                "start": f"{self.period.start:%Y-%m-%d %H:%M}",
                "start_day": self.period.start_day,
                "interval_min": self.period.interval_s / 60.0,
                "intervals": self.period.n_intervals,
                "replications": self.period.replications,
            },
            "arrivals": [v.to_dict() for v in self.volumes.values()],
            "demand": self.demand.to_dict(),
            "mix": self.mix.to_dict(orient="records"),
            "ivr": [v.to_dict() for v in self.ivr.values()],
            "talk": [v.to_dict() for v in self.talk.values()],
            "wrap": [v.to_dict() for v in self.wrap.values()],
            "talk_by_group": self.talk_by_group.to_dict(orient="records"),
            "patience": [v.to_dict() for v in self.patience.values()],
            "redials": [v.to_dict() for v in self.redials.values()],
            "returns": [v.to_dict() for v in self.returns.values()],
            "repeat_window_h": self.repeat_window_s / 3600.0,
            "staffing": {
                "method": self.staffing_method,
                "table": self.staffing.to_dict(orient="records"),
            },
            "skills": self.skills.to_dict(orient="records"),
            "routing": self.routing,
            "observed": self.observed.to_dict(orient="records"),
        }
