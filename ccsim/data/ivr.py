"""The IVR of one call type: abandonment in the IVR, containment, and IVR times.

Estimated on first calls only: in the scenario, redials, returns and chasers go through
the IVR straight to the agent queue, so they say nothing about self-service. Following
the scenario's order of decisions, ``abandon`` is the share of IVR entries who hang up in
the IVR, and ``containment`` the share of the others who finish in self-service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ccsim.data.durations import DurationFit, fit_duration
from ccsim.data.stats import share_ci


@dataclass(frozen=True)
class IvrFit:
    """One call type's IVR."""

    call_type: str
    entries: int
    abandoned: int
    self_service: int
    abandon: float
    abandon_ci95: tuple[float, float]
    containment: float
    containment_ci95: tuple[float, float]
    time_to_agent: DurationFit | None
    time_self_service: DurationFit | None
    time_to_abandon: DurationFit | None

    def scenario(self) -> dict[str, Any]:
        """The scenario's ``ivr`` mapping."""
        out: dict[str, Any] = {
            "abandon": round(self.abandon, 4),
            "containment": round(self.containment, 4),
        }
        for key in ("time_to_agent", "time_self_service", "time_to_abandon"):
            fit = getattr(self, key)
            if fit is not None:
                out[key] = fit.dist
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "call_type": self.call_type,
            "entries": self.entries,
            "abandon": self.abandon,
            "abandon_ci95": list(self.abandon_ci95),
            "containment": self.containment,
            "containment_ci95": list(self.containment_ci95),
            **{
                k: (getattr(self, k).to_dict() if getattr(self, k) is not None else None)
                for k in ("time_to_agent", "time_self_service", "time_to_abandon")
            },
        }


def fit_ivr(call_type: str, fresh: pd.DataFrame) -> IvrFit | None:
    """The IVR of a call type from its first calls, or None when none went through one."""
    out = fresh["ivr_outcome"]
    entered = out.notna().to_numpy()
    if not entered.any():
        return None
    o = out[entered].to_numpy(dtype=object)
    ivr_s = fresh["ivr_s"].to_numpy(dtype=float)[entered]
    n = int(entered.sum())
    ab = int((o == "abandoned").sum())
    ss = int((o == "self_service").sum())
    rest = n - ab
    contain = ss / rest if rest else 0.0

    def times(word: str, what: str) -> DurationFit | None:
        x = ivr_s[(o == word) & np.isfinite(ivr_s)]
        return fit_duration(x, name=f"IVR time {what} of {call_type}") if len(x) else None

    return IvrFit(
        call_type,
        n,
        ab,
        ss,
        ab / n,
        share_ci(ab, n),
        contain,
        share_ci(ss, rest),
        times("to_agent", "to an agent"),
        times("self_service", "in self-service"),
        times("abandoned", "before hanging up"),
    )
