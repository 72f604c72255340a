"""The rest of the day from a live state: reforecast, forward simulation, projected KPIs.

Reforecast. Per call type, the first calls so far (O) against what the scenario expected
by now (E): the rest of the day's rates are multiplied by ``1 + w (O/E - 1)`` with
``w = E / (E + PRIOR_CALLS)``: a morning of a few calls barely moves the forecast, one of
thousands sets it. The day's busyness is then known, so the forward model has none.

Forward model. The scenario with: arrivals only from ``at`` (rates reforecast), the
agents logged in now for the current interval and the planned staffing after it, the
callers waiting, the calls in talk and the callers in the IVR put in at ``at``, the
morning's redials and returns arriving at their due times, the work orders open put in
the back office (``engine/live.py``, ``engine/live_orders.py``), and the
intervals before the current one left out of the KPIs (its warm-up).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ccsim.engine.compile import Compiled, compile_scenario
from ccsim.engine.live import LiveStart
from ccsim.engine.live_orders import STAGES
from ccsim.engine.model import Simulation
from ccsim.intraday.morning import KINDS, attempt_of
from ccsim.intraday.state import at_seconds, group_labels, spread
from ccsim.intraday.state_model import LiveState
from ccsim.results import SimulationResult
from ccsim.results.aggregate import RepCounts, aggregate
from ccsim.runner.pool import stop_pool, worker_pool
from ccsim.runner.replications import default_workers
from ccsim.scenario.schema import Scenario

#: Calls expected by now that weigh as much as the forecast itself in the reforecast.
PRIOR_CALLS = 200.0


@dataclass
class Forward:
    """A forward model ready to run: the compiled scenario and what it was built from."""

    scenario: Scenario
    m: Compiled
    at_s: float
    current: int  # interval of `at`
    # call_type, basis (forecast or replayed), expected_so_far, observed_so_far, weight,
    # factor, rest_forecast, rest_reforecast
    reforecast: pd.DataFrame


def build_forward(
    sc: Scenario, state: LiveState, extra: np.ndarray | None = None, paused: tuple[str, ...] = ()
) -> Forward:
    """The forward model of ``sc`` from ``state``.

    ``extra``: agents added (groups x intervals); ``paused``: campaigns left out.
    """
    t_at = at_seconds(state, sc)
    iv = sc.horizon.interval_min * 60.0
    current = int(t_at // iv)
    changes: dict[str, Any] = {"horizon.warmup_h": current * iv / 3600.0}
    if sc.demand is not None and sc.demand.busyness_cv > 0:
        changes["demand.busyness_cv"] = 0.0
    changes.update(replayed_from(sc, t_at))
    fsc = sc.replace(changes)
    if sc.campaigns:
        fsc = _campaigns_from(fsc, state, t_at, paused)
    m = compile_scenario(fsc)
    rows = []
    segments = []
    replayed = replayed_counts(sc, t_at)
    for k, seg in enumerate(m.segments):
        k_id = m.type_ids[k]
        before = np.clip(np.minimum(seg.t1, t_at) - seg.t0, 0.0, None)
        expected = float((before * seg.rate_per_s).sum())
        observed = (
            float(sum(state.calls_so_far.get(k_id, []))) if k_id in state.calls_so_far else None
        )
        if k_id in replayed:  # replayed times: what the replay had by now, and kept as they are
            n_before, n_after = replayed[k_id]
            rows.append(
                {
                    "call_type": k_id,
                    "basis": "replayed",
                    "expected_so_far": float(n_before),
                    "observed_so_far": observed,
                    "weight": 0.0,
                    "factor": 1.0,
                    "rest_forecast": float(n_after),
                    "rest_reforecast": float(n_after),
                }
            )
            segments.append(seg)
            continue
        if observed is None or expected <= 0:
            w, factor = 0.0, 1.0
        else:
            w = expected / (expected + PRIOR_CALLS)
            factor = 1.0 + w * (observed / expected - 1.0)
        keep = seg.t1 > t_at
        new = dataclasses.replace(
            seg,
            t0=np.maximum(seg.t0[keep], t_at),
            t1=seg.t1[keep],
            rate_per_s=seg.rate_per_s[keep] * factor,
            day=seg.day[keep],
        )
        rest_before = float(
            ((np.minimum(seg.t1, np.inf) - np.maximum(seg.t0, t_at)).clip(0) * seg.rate_per_s).sum()
        )
        rows.append(
            {
                "call_type": k_id,
                "basis": "forecast",
                "expected_so_far": expected,
                "observed_so_far": observed,
                "weight": w,
                "factor": factor,
                "rest_forecast": rest_before,
                "rest_reforecast": rest_before * factor,
            }
        )
        segments.append(new)
    staffing = m.staffing.copy()
    labels = group_labels(sc)
    for g, vals in state.staffing.items():
        gi = labels[g]
        for j, n in enumerate(vals):
            if current + j < staffing.shape[1]:
                staffing[gi, current + j] = n
    for g, n in state.agents_now.items():
        staffing[labels[g], current] = n
    if extra is not None:
        staffing = staffing + extra
    tier_ix = {t: i for i, t in enumerate(m.tier_ids)}
    net_ix = {x: i for i, x in enumerate(m.network_ids)}
    type_ix = {t: i for i, t in enumerate(m.type_ids)}
    tier_default = int(np.argmax(np.diff(np.concatenate([[0.0], m.tier_cum]))))
    net_default = int(np.argmax(np.diff(np.concatenate([[0.0], m.network_cum]))))
    waiting = tuple(
        (
            type_ix[w.call_type],
            tier_ix[w.tier] if w.tier else tier_default,
            net_ix[w.network] if w.network else net_default,
            x,
        )
        for w in state.waiting
        for x in spread(w.waited_s, w.count)
    )
    in_progress = tuple(
        (
            labels[c.group],
            type_ix[c.call_type],
            x,
            tier_ix[c.tier] if c.tier else tier_default,
            net_ix[c.network] if c.network else net_default,
            c.stage == "wrap",
        )
        for c in state.in_progress
        for x in spread(c.elapsed_s, c.count)
    )

    def caller(r: Any, x: float) -> tuple[Any, ...]:
        """A caller in the IVR or due later, by index, with its time (spent or due in)."""
        tier = tier_ix[r.tier] if r.tier else tier_default
        net = net_ix[r.network] if r.network else net_default
        return (type_ix[r.call_type], tier, net, int(KINDS[r.kind]), attempt_of(r), r.dialect, x)

    in_ivr = tuple(caller(r, x) for r in state.in_ivr for x in spread(r.spent_s, r.count))
    due = tuple(caller(r, x) for r in state.calls_due for x in spread(r.due_in_s, r.count))
    order_ix = {o: i for i, o in enumerate(m.order_ids)}
    orders = tuple(
        (
            order_ix[o.order_type],
            type_ix[o.call_type],
            tier_ix[o.tier] if o.tier else tier_default,
            net_ix[o.network] if o.network else net_default,
            x,
            STAGES.index(o.stage),
            o.work_s,
            o.attempts,
        )
        for o in state.open_orders
        for x in spread(o.age_s, o.count)
    )
    extras = dict(m.extras)
    extras["live"] = LiveStart(t_at, waiting, in_progress, in_ivr, due, orders)
    fm = dataclasses.replace(m, segments=segments, staffing=staffing, extras=extras)
    return Forward(fsc, fm, t_at, current, pd.DataFrame(rows))


def replayed_from(sc: Scenario, t_at: float) -> dict[str, Any]:
    """Changes that keep only the replayed arrivals (``times_s``) at or after ``at``.

    The morning's replayed calls are in the state (waiting, in talk, finished): the
    forward model must not replay them again. Replayed times are not rescaled by the
    reforecast (``replayed_counts``).
    """
    out: dict[str, Any] = {}
    for ct in sc.call_types:
        arr = ct.arrivals
        if arr.times_s is None:
            continue
        keep = [i for i, t in enumerate(arr.times_s) if t >= t_at]
        path = f"call_types.{ct.id}.arrivals"
        out[f"{path}.times_s"] = [arr.times_s[i] for i in keep]
        if arr.tiers is not None:
            out[f"{path}.tiers"] = [arr.tiers[i] for i in keep]
        if arr.networks is not None:
            out[f"{path}.networks"] = [arr.networks[i] for i in keep]
    return out


def replayed_counts(sc: Scenario, t_at: float) -> dict[str, tuple[int, int]]:
    """Per call type with replayed arrivals: its times before ``at`` and from ``at`` on."""
    return {
        ct.id: (
            sum(1 for t in ct.arrivals.times_s if t < t_at),
            sum(1 for t in ct.arrivals.times_s if t >= t_at),
        )
        for ct in sc.call_types
        if ct.arrivals.times_s is not None
    }


def with_extra(fw: Forward, extra: np.ndarray) -> Forward:
    """``fw`` with ``extra`` agents (groups x intervals) added: the compiled model reused."""
    m = dataclasses.replace(fw.m, staffing=fw.m.staffing + extra)
    return dataclasses.replace(fw, m=m)


def _campaigns_from(
    sc: Scenario, state: LiveState, t_at: float, paused: tuple[str, ...]
) -> Scenario:
    """Campaigns from ``at`` on: windows cut at ``at``, lists at what remains, paused ones dormant.

    The forward model starts empty before ``at``: a window open in the morning would let a
    campaign dial there. Windows are daily, so the cut holds for a one-day horizon.
    """
    from ccsim.scenario.common import parse_range

    clock = (sc.horizon.start_s + t_at) % 86400.0
    data = sc.to_dict()
    kept = []
    for c in data.get("campaigns", []):
        windows = []
        for w in c["windows"]:
            a, b = parse_range(w)
            if b <= clock:
                continue
            a = max(a, clock)
            windows.append(f"{_hhmm(a)}-{_hhmm(b)}")
        if c["id"] in paused or not windows:
            # dormant: an empty list and no feed, so that it dials nothing, while its
            # groups (an outbound team without inbound skills) keep a campaign
            dormant = {k: v for k, v in c.items() if k != "feed"}
            kept.append(dict(dormant, list={"daily_size": 0, "release": "00:00"}))
            continue
        c = dict(c, windows=windows)
        progress = state.campaigns.get(c["id"])
        if progress is not None and c.get("list") is not None:
            c["list"] = dict(c["list"], daily_size=progress.remaining)
        kept.append(c)
    data["campaigns"] = kept
    return sc.replace({"campaigns": kept}) if kept != sc.to_dict().get("campaigns") else sc


def _hhmm(s: float) -> str:
    m = round(s / 60.0)
    return f"{m // 60:02d}:{m % 60:02d}"


def _job(args: tuple[Compiled, int, int]) -> RepCounts:
    m, r, seed = args
    return aggregate(m, Simulation(m, r, seed).run())


def run_forward(
    fw: Forward,
    replications: int,
    seed: int,
    workers: int | None = None,
    pool: Any = None,
    first: int = 0,
) -> SimulationResult:
    """Simulate the forward model; a result whose KPIs are the rest of the day's.

    ``first``: the replication to start from (replication r has the same random numbers
    whatever the run it is in: a run of the first few extends to more).
    """
    t0 = time.perf_counter()
    jobs = [(fw.m, r, seed) for r in range(first, first + replications)]
    if pool is not None:
        reps = list(pool.map(_job, jobs))
    else:
        n = default_workers(replications) if workers is None else max(1, min(workers, replications))
        if n == 1:
            reps = [_job(j) for j in jobs]
        else:
            own = worker_pool(n)
            try:
                reps = list(own.map(_job, jobs))
            except BaseException:
                stop_pool(own)
                raise
            own.shutdown()
    return SimulationResult(fw.scenario, seed, replications, reps, time.perf_counter() - t0, fw.m)


def whole_day(res: SimulationResult, state: LiveState) -> pd.DataFrame:
    """Per replication: the morning's finished calls plus the simulated rest of the day.

    Offered = answered + abandoned (+ waiting at the end), service level = answered within
    the threshold / offered, as section 10 counts them. Without ``kpis_so_far`` in the state
    the whole day is the rest of the day.
    """
    v = res.sums([])
    so = state.kpis_so_far
    ans0 = so.answered if so else 0
    ok0 = so.answered_within_threshold if so else 0
    ab0 = so.abandoned if so else 0
    R = v["requests"] + ans0 + ab0
    return pd.DataFrame(
        {
            "offered": R,
            "answered": v["answered"] + ans0,
            "abandoned": v["abandoned"] + ab0,
            "service_level": (v["answered_within"] + ok0) / R,
            "answer_rate": (v["answered"] + ans0) / R,
            "abandon_rate": (v["abandoned"] + ab0) / R,
        }
    )
