"""Intraday: the forward model from a snapshot continues the day as the day itself would.

Design. ``R`` uninterrupted replications of a scenario are run with their per-call
records. For each, the state at mid-day ``T`` is taken (``snapshot``), and the forward
model built from it (``build_forward``) is run once with another seed (``run_forward``).
Given the state, the uninterrupted rest of the day and the forward one are two draws of
the same law if the forward model is right: the callers waiting keep their place and
their wait (residual patience given the wait), the calls in talk keep their agents
(residual talk given the talk so far), the callers in the IVR finish their visit (exit
and residual time given the time spent), the redials and returns of the morning arrive
when due, the open work orders are worked on (residual work given the work so far), the
agents and arrivals after ``T`` are the scenario's.

Which calls. The forward model counts the callers waiting or in the IVR at ``T`` as
arriving at ``T`` (their wait counted whole, from their real queue entry) and does not
count the calls in talk at ``T`` (they only hold agents). So the uninterrupted side
counts the calls that arrive after ``T`` (redials and returns included) plus those in
the queue at ``T`` (queued at or before ``T``, answered or hung up after it) and those
that arrived before ``T`` and reached the queue after it, with their whole waits: both
sides count the same callers.

Scenarios. ``mmn_abandon`` (one queue, exponential laws), and two types on two groups
with lognormal talk and IVR times, Weibull patience (the residuals are not the laws
themselves: no memorylessness to hide a wrong conditioning), a password loop on one type
(the IVR visit is a sum of stages), redials after queue and IVR abandons, returns of
unresolved callers (fcr 0.8), and work orders raised by a third of one type's calls,
worked by a busy back office (lognormal work) and called back.

Repeat calls. The redials and returns arriving after ``T`` (or in the IVR at ``T``) are
compared as a fourth figure: the morning's ones due after ``T`` are about a seventh of
them (60 of 440 a snapshot), and leaving them out fails it. The few callers in the IVR
at ``T`` barely move these figures: how their visits end is checked against whole visits
in ``tests/unit/test_intraday_morning.py``.

Work orders. The orders worked after ``T``, all and those of the morning, are compared
too, and the orders that the calls in talk at ``T`` raise at the end of their talk (about
2 a snapshot): in the forward model, those of the first callers it creates (the calls in
talk come first); leaving them out fails it.

Tolerance. Per snapshot, the difference (uninterrupted - forward) of offered, service
level, abandon rate (repeat calls, orders worked); its mean must be 0 within the replications'
interval at the suite's confidence (``agrees``, 99.9 %, t with R - 1 degrees of
freedom). Pairing on the snapshot removes the state's own variability from the
comparison.

Reforecast. In a simulated day the rates are known exactly (no busyness), so the
reforecast can only add noise: the main comparison leaves ``calls_so_far`` out of the
state (factor 1). With it, each day's factor is ``1 + w (O/E - 1)``, linear in the
morning's count O whose mean is E: the rest of the day's offered calls stay unbiased,
which the second test checks.
"""

from pathlib import Path

import numpy as np
import pytest

from ccsim.engine.model import Simulation
from ccsim.intraday.forward import build_forward
from ccsim.intraday.snapshot import snapshot
from ccsim.intraday.state import parse_state
from ccsim.results import SimulationResult
from ccsim.results.aggregate import aggregate
from ccsim.runner.simulate import simulate
from ccsim.scenario import load_scenario, parse_scenario
from tests.validation.stats import agrees

ROOT = Path(__file__).resolve().parents[2]
R = 20
AT = "04:00"
T = 4 * 3600.0

# two types, two groups; lognormal talk and IVR times, Weibull patience, a password loop,
# redials and returns. About 22 Erlangs offered to 18 agents: abandonment keeps it stable,
# and the snapshots find callers in the queue, in the IVR, and redials and returns due.
LOGN = {"dist": "lognormal", "cv": 0.6}
TWO_TYPES = {
    "name": "two-types",
    "seed": 3,
    "replications": 1,
    "horizon": {"duration_h": 8, "interval_min": 30},
    "call_types": [
        {
            "id": "a",
            "arrivals": {"rate_per_h": 330},
            "handle_time": {"dist": "exponential", "mean_s": 120},
            "patience": {"dist": "exponential", "mean_s": 180},
            "ivr": {
                "abandon": 0.05,
                "containment": 0.3,
                "time_to_agent": {**LOGN, "mean_s": 40},
                "time_self_service": {**LOGN, "mean_s": 90},
                "password": {
                    "share": 0.5,
                    "fail_prob": 0.3,
                    "tries": 3,
                    "try_time": {**LOGN, "mean_s": 15},
                },
            },
            "redial": {
                "probabilities": [0.6, 0.3],
                "delay": {"dist": "exponential", "mean_s": 300},
                "after": ["queue_abandon", "ivr_abandon"],
            },
            "fcr": 0.8,
            "return_delay": {**LOGN, "mean_s": 3600},
        },
        {
            "id": "b",
            "arrivals": {"rate_per_h": 260},
            "handle_time": {"dist": "lognormal", "mean_s": 180, "cv": 1.0},
            "patience": {"dist": "weibull", "mean_s": 240, "shape": 0.7},
            "ivr": {
                "abandon": 0.03,
                "containment": 0.2,
                "time_to_agent": {**LOGN, "mean_s": 30},
                "time_self_service": {**LOGN, "mean_s": 120},
            },
            "redial": {"probabilities": [0.5], "delay": {"dist": "exponential", "mean_s": 600}},
        },
    ],
    "centers": [
        {
            "id": "c",
            "groups": [
                {"id": "g1", "skills": ["a", "b"], "agents": 10},
                {"id": "g2", "skills": ["b", "a"], "agents": 8},
            ],
            "back_office": [{"id": "bo", "order_types": ["repair"], "handlers": 8}],
        }
    ],
    # a third of b's answered calls raise an order: about 60 an hour for 8 handlers of 8 min
    # a piece, so orders queue and are worked at the snapshot; lognormal work (a residual)
    "work_orders": [
        {
            "id": "repair",
            "raised_by": [{"call_type": "b", "probability": 0.35}],
            "handle_time": {**LOGN, "mean_s": 480},
            "limit_h": 2,
            "callback": {
                "reach_prob": 0.7,
                "attempts": 3,
                "spacing": {"dist": "constant", "mean_s": 300},
                "talk_time": {"dist": "constant", "mean_s": 60},
                "attempt_time": {"dist": "constant", "mean_s": 20},
            },
        }
    ],
    "targets": {"service_level": {"threshold_s": 20, "target": 0.8}},
}

SCENARIOS = {
    "mmn_abandon": lambda: load_scenario(ROOT / "scenarios" / "mmn_abandon.yaml"),
    "two_types": lambda: parse_scenario(TWO_TYPES),
}


def rest_of_day(calls, threshold_s):
    """Offered, service level, abandon rate and repeat calls of the callers the forward counts.

    Repeat calls: redials and returns arriving after ``T``, or in the IVR at ``T`` (a repeat
    call goes through the IVR to the queue); those waiting at ``T`` are the forward
    model's waiting callers, counted as first calls there.
    """
    out = calls["outcome"].astype(str)
    t_arr = calls["t_arrival"].to_numpy(dtype=float)
    t_q = calls["t_queue"].to_numpy(dtype=float)
    wait = calls["wait"].to_numpy(dtype=float)
    offered = out.isin(["answered", "abandoned", "waiting_at_end"]).to_numpy()
    sel = offered & ((t_arr >= T) | ((t_q <= T) & (t_q + wait > T)) | (t_q > T))
    n = int(sel.sum())
    ok = sel & (out == "answered").to_numpy() & (wait <= threshold_s)
    ab = sel & (out == "abandoned").to_numpy()
    repeat = calls["kind"].astype(str).isin(["redial", "return"]).to_numpy()
    repeats = repeat & ((t_arr >= T) | (t_q > T))
    return np.array([n, ok.sum() / n, ab.sum() / n, repeats.sum()])


def forward_rest(res):
    v = res.sums([])
    n = float(v["requests"].iloc[0])
    return np.array(
        [
            n,
            float(v["answered_within"].iloc[0]) / n,
            float(v["abandoned"].iloc[0]) / n,
            float(v["redials"].iloc[0] + v["returns"].iloc[0]),
        ]
    )


def orders_worked(rec):
    """Work orders worked after ``T``: all of them, and those of the morning (created by ``T``).

    The forward model counts the orders open at ``T`` as created at ``T``.
    """
    o = rec.orders
    if not len(o.get("t_closed", ())):
        return [0.0, 0.0]
    closed = o["t_closed"] > T
    return [float(closed.sum()), float((closed & (o["t_created"] <= T)).sum())]


def raised_by_calls_in_talk(day):
    """Orders raised after ``T`` by the calls in talk at ``T`` (answered by ``T``)."""
    c = day.calls
    talk_end = c["t_queue"] + c["wait"] + c["transfer"] + c["talk"]
    ans = c["t_queue"] + c["wait"]
    return float(((c["outcome"] == 0) & (c["order"] >= 0) & (ans <= T) & (talk_end > T)).sum())


def forward_run(sc, state, seed):
    """The forward model's rest of the day (one replication), its orders worked, and those
    raised by the calls in talk (the forward model's first callers)."""
    fw = build_forward(sc, state)
    rec = Simulation(fw.m, 0, seed).run()
    res = SimulationResult(fw.scenario, seed, 1, [aggregate(fw.m, rec)], 0.0, fw.m)
    in_talk = sum(c.count for c in state.in_progress if c.stage == "talk")
    o = rec.orders
    raised = (
        float(((o["caller"] <= in_talk) & (o["t_created"] > T)).sum())
        if len(o.get("caller", ()))
        else 0.0
    )
    return np.concatenate([forward_rest(res), orders_worked(rec), [raised]])


def paired(name):
    """Per snapshot: the uninterrupted rest of the day, the forward one, and with reforecast."""
    sc = SCENARIOS[name]()
    res = simulate(sc, R, 11, workers=1, keep_calls=True)
    calls = res.calls()
    up, fw, fw_reforecast = [], [], []
    seen: dict[str, list[int]] = {
        "waiting": [], "in_ivr": [], "due": [], "orders": [], "raised": [],
    }  # fmt: skip
    for r in range(R):
        day = Simulation(res.compiled, r, 11).run()  # the same day, for its orders
        up.append(
            np.append(
                rest_of_day(calls[calls["replication"] == r], sc.sl.threshold_s),
                [*orders_worked(day), raised_by_calls_in_talk(day)],
            )
        )
        data = snapshot(res, AT, replication=r)
        for k, key in (("waiting", "waiting"), ("in_ivr", "in_ivr"), ("due", "calls_due")):
            seen[k].append(len(data.get(key, [])))
        seen["orders"].append(len(data.get("open_orders", [])))
        seen["raised"].append(up[-1][-1])
        full = parse_state(data, sc)
        bare = parse_state({k: v for k, v in data.items() if k != "calls_so_far"}, sc)
        fw.append(forward_run(sc, bare, 1000 + r))
        fw_reforecast.append(forward_run(sc, full, 2000 + r))
    arrays = {k: np.array(v) for k, v in seen.items()}
    return np.array(up), np.array(fw), np.array(fw_reforecast), arrays


@pytest.fixture(scope="module", params=sorted(SCENARIOS))
def pairs(request):
    return request.param, paired(request.param)


def test_forward_continues_the_day(pairs):
    name, (up, fw, _, seen) = pairs
    # the snapshots catch callers in the queue (else half the design is untested)
    assert seen["waiting"].sum() > 0
    if name == "two_types":  # and in the IVR, and redials and returns due
        assert seen["waiting"].mean() > 3
        assert seen["in_ivr"].mean() > 3
        assert seen["due"].mean() > 3
        assert seen["orders"].mean() > 3
        assert seen["raised"].mean() > 2
    kpis = (
        "offered", "service_level", "abandon_rate", "repeat_calls", "orders_worked",
        "morning_orders_worked", "orders_raised_by_calls_in_talk",
    )  # fmt: skip
    for j, kpi in enumerate(kpis):
        if j >= 3 and name != "two_types":
            continue  # no redials, returns or work orders in the scenario
        ok, msg = agrees(up[:, j] - fw[:, j], 0.0)
        assert ok, f"{name} {kpi}: uninterrupted - forward: {msg}"


def test_reforecast_keeps_the_offered_calls_unbiased(pairs):
    name, (up, _, fw_reforecast, _) = pairs
    ok, msg = agrees(up[:, 0] - fw_reforecast[:, 0], 0.0)
    assert ok, f"{name} offered with reforecast: uninterrupted - forward: {msg}"
