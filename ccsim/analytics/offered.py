"""Expected load offered to agents, from a scenario's parameters (no simulation).

For each interval, call type, tier and local network: the expected number of agent
requests of fresh callers (arrivals x the IVR's leakage to agents) and their average
handling time. Redials, returns of unresolved callers and chasers are not included:
they depend on how the system performs, which is what simulation is for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ccsim.scenario.schema import CallType, Scenario
from ccsim.scenario.timeline import segments


@dataclass(frozen=True)
class OfferedLoad:
    """Expected agent requests per interval x call type x tier x network, and handling times."""

    interval_s: float
    type_ids: list[str]
    tier_ids: list[str]
    network_ids: list[str]
    requests: NDArray[np.float64]  # [interval, type, tier, network]
    aht_s: NDArray[np.float64]  # per type: talk + wrap means
    patience_s: NDArray[np.float64]  # per type: mean patience (inf if callers never hang up)

    @property
    def erlangs(self) -> NDArray[np.float64]:
        """Offered load in Erlangs per [interval, type, tier, network]."""
        return self.requests * self.aht_s[None, :, None, None] / self.interval_s


def request_probability(ct: CallType) -> float:
    """Probability that an IVR entry of this call type asks for an agent."""
    ivr = ct.ivr
    if ivr is None:
        return 1.0
    p_fail_all = 0.0
    to_agent_after_fail = 0.0
    if ivr.password is not None:
        pw = ivr.password
        p_fail_all = pw.share * pw.fail_prob**pw.tries
        to_agent_after_fail = 1.0 if pw.after_last_failure == "agent" else 0.0
    return (1.0 - ivr.abandon) * (
        p_fail_all * to_agent_after_fail + (1.0 - p_fail_all) * (1.0 - ivr.containment)
    )


def expected_arrivals(scenario: Scenario, ct: CallType) -> NDArray[np.float64]:
    """Expected fresh arrivals of a call type per interval (weekday factors, mean busyness 1)."""
    hz = scenario.horizon
    n, step = hz.n_intervals, hz.interval_s
    if ct.arrivals.times_s is not None:
        idx = np.minimum((np.asarray(ct.arrivals.times_s) // step).astype(np.int64), n - 1)
        return np.bincount(idx, minlength=n).astype(float)
    seg = segments(scenario, ct)
    factors = np.ones(int(seg.day.max()) + 1 if seg.day.size else 1)
    demand = scenario.demand
    if seg.uses_day_factors and demand is not None and demand.day_factors:
        from ccsim.scenario.common import WEEKDAYS

        first = WEEKDAYS.index(hz.start_day)
        for d in range(factors.size):
            factors[d] = demand.day_factors.get(WEEKDAYS[(first + d) % 7], 1.0)
    rate = seg.rate_per_s * (factors[seg.day] if seg.uses_day_factors else 1.0)
    out = np.zeros(n)
    for t0, t1, r in zip(seg.t0, seg.t1, rate, strict=True):
        i0, i1 = int(t0 // step), min(int(np.ceil(t1 / step)), n)
        for i in range(i0, i1):
            lo, hi = max(t0, i * step), min(t1, (i + 1) * step)
            if hi > lo:
                out[i] += r * (hi - lo)
    return out


def offered_load(scenario: Scenario) -> OfferedLoad:
    """Expected agent requests of fresh callers, split by tier and network shares."""
    hz = scenario.horizon
    tiers = scenario.tier_list
    nets = scenario.network_list
    tier_share = np.asarray([t.share for t in tiers])
    net_share = np.asarray([x.share for x in nets])
    req = np.zeros((hz.n_intervals, len(scenario.call_types), len(tiers), len(nets)))
    aht = np.zeros(len(scenario.call_types))
    patience = np.full(len(scenario.call_types), np.inf)
    for k, ct in enumerate(scenario.call_types):
        per = expected_arrivals(scenario, ct) * request_probability(ct)
        req[:, k] = per[:, None, None] * tier_share[None, :, None] * net_share[None, None, :]
        aht[k] = ct.handle_time.mean + (ct.wrap_time.mean if ct.wrap_time else 0.0)
        if ct.patience is not None:
            patience[k] = (
                ct.patience.mean * (1.0 - ct.patience.balk_share)
                + ct.patience.balk_share * ct.patience.balk_within_s / 2.0
            )
    return OfferedLoad(
        hz.interval_s,
        [c.id for c in scenario.call_types],
        [t.id for t in tiers],
        [x.id for x in nets],
        req,
        aht,
        patience,
    )
