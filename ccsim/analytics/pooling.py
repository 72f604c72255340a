"""The Erlang C estimate of the pooling gain: agents per site versus one pooled queue.

For every interval, each local network's offered load (all call types, blended handling
time) is staffed on its own by Erlang C for the scenario's service-level target, and so
is the whole province's load in a single queue. The difference is what one provincial
centre saves by pooling, before skills, tiers, dialect and hand-offs take their share,
which only simulation shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ccsim.analytics.offered import offered_load
from ccsim.analytics.sizing import Targets, required_agents
from ccsim.scenario.schema import Scenario


@dataclass(frozen=True)
class PoolingEstimate:
    """Erlang C agents per measured interval (after the warm-up): by network, and pooled."""

    threshold_s: float
    target: float
    network_ids: list[str]
    per_network: np.ndarray  # [interval, network] agents
    pooled: np.ndarray  # [interval] agents
    interval_s: float

    @property
    def separate_agent_hours(self) -> float:
        """Agent-hours with a queue per network."""
        return float(self.per_network.sum()) * self.interval_s / 3600.0

    @property
    def pooled_agent_hours(self) -> float:
        """Agent-hours with one pooled queue."""
        return float(self.pooled.sum()) * self.interval_s / 3600.0

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        sep, pool = self.separate_agent_hours, self.pooled_agent_hours
        return {
            "model": "erlang_c",
            "service_level": {"threshold_s": self.threshold_s, "target": self.target},
            "separate_agent_hours": sep,
            "pooled_agent_hours": pool,
            "gain_agent_hours": sep - pool,
            "gain_share": (sep - pool) / sep if sep > 0 else None,
            "separate_peak_agents": int(self.per_network.sum(axis=1).max())
            if self.per_network.size
            else 0,
            "pooled_peak_agents": int(self.pooled.max()) if self.pooled.size else 0,
            "per_network_agent_hours": {
                n: float(self.per_network[:, i].sum()) * self.interval_s / 3600.0
                for i, n in enumerate(self.network_ids)
            },
        }


def pooling_estimate(scenario: Scenario) -> PoolingEstimate:
    """Erlang C staffing per network and pooled, per interval, for the scenario's demand."""
    load = offered_load(scenario)
    sl = scenario.sl
    target = sl.target if sl.target is not None else 0.8
    # a target of 100 % is legal in a scenario but no finite staffing reaches it
    targets = Targets(service_level=min(target, 0.999), threshold_s=sl.threshold_s)
    work = load.requests * load.aht_s[None, :, None, None]  # request-seconds
    calls_net = load.requests.sum(axis=(1, 2))  # [interval, network]
    work_net = work.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        aht_net = np.where(calls_net > 0, work_net / np.where(calls_net > 0, calls_net, 1), 1.0)
        aht_all = np.where(
            calls_net.sum(axis=1) > 0,
            work_net.sum(axis=1) / np.maximum(calls_net.sum(axis=1), 1e-12),
            1.0,
        )
    per_net = np.asarray(
        required_agents(work_net / load.interval_s, aht_net, targets), dtype=np.int64
    )
    pooled = np.asarray(
        required_agents(work_net.sum(axis=1) / load.interval_s, aht_all, targets), dtype=np.int64
    )
    w = scenario.horizon.warmup_intervals  # not measured, in simulation or here
    return PoolingEstimate(
        sl.threshold_s, target, load.network_ids, per_net[w:], pooled[w:], load.interval_s
    )
