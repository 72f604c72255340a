"""Valid scenarios with extreme but legal values run to the end, within the work they announce.

Hypothesis builds scenarios from the corners of the format (zero durations, callers who
never give up or give up at once, every redial taken, nobody resolved, no agents, a
thousand agents, a queue sampled often). Each is either refused at validation with its
problems, or simulated to the end under a time limit, and the calls it simulates stay
within the upper bound that validation estimated (``ccsim.scenario.workload``).
"""

from __future__ import annotations

import signal
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ccsim.errors import InputError
from ccsim.runner import run_replication
from ccsim.scenario import parse_scenario
from ccsim.scenario.workload import estimate

SECONDS = 60  # far above what any case run here takes
LEAN = 300_000  # calls: the cases run here stay below this estimate


def dist(mean_s: float) -> dict[str, Any]:
    return {"dist": "constant", "mean_s": mean_s} if mean_s == 0 else {
        "dist": "exponential", "mean_s": mean_s}  # fmt: skip


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    hours = draw(st.sampled_from([0.25, 1.0, 3.0]))
    rate = draw(st.sampled_from([0.0, 1.0, 60.0, 1500.0]))
    ct: dict[str, Any] = {
        "id": "a",
        "arrivals": {"rate_per_h": rate},
        "handle_time": dist(draw(st.sampled_from([0.0, 0.001, 1.0, 3600.0]))),
    }
    patience = draw(st.sampled_from([None, 0.0, 0.5, 1e6]))
    if patience is not None:
        ct["patience"] = dist(patience)
    fcr = draw(st.sampled_from([1.0, 0.5, 0.0]))
    if fcr < 1:
        ct["fcr"] = fcr
        ct["return_delay"] = dist(draw(st.sampled_from([0.0, 0.001, 1.0, 600.0])))
    if draw(st.booleans()):
        k = draw(st.integers(1, 20))
        ct["redial"] = {
            "probabilities": [1.0] * k,
            "delay": dist(draw(st.sampled_from([0.0, 1.0]))),
        }
    if draw(st.booleans()):
        ct["ivr"] = {
            "containment": draw(st.sampled_from([0.0, 1.0])),
            "password": {"share": 1.0, "fail_prob": draw(st.sampled_from([0.0, 1.0])),
                         "tries": draw(st.sampled_from([1, 50])), "try_time": dist(0.0)},
        }  # fmt: skip
    doc: dict[str, Any] = {
        "name": "extreme",
        "seed": draw(st.integers(0, 2**31 - 1)),
        "replications": 1,
        "horizon": {"duration_h": hours, "interval_min": 15},
        "call_types": [ct],
        "centers": [
            {"id": "c", "groups": [
                {"id": "g", "skills": ["a"], "agents": draw(st.sampled_from([0, 1, 1000]))}]}
        ],
    }  # fmt: skip
    sample = draw(st.sampled_from([None, 0.01, 60.0]))
    if sample is not None:
        doc["kpi"] = {"queue_sample_s": sample}
    if patience is None and doc["centers"][0]["groups"][0]["agents"] == 0:
        doc["horizon"]["drain_limit_h"] = 1  # nobody would ever leave the queue
    return doc


def _timeout(signum: int, frame: Any) -> None:
    raise TimeoutError(f"a replication ran longer than {SECONDS} s")


@pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="needs SIGALRM")
@given(scenarios())
@example(  # every caller dials 9 times: the count comes in clusters of 9
    {"name": "extreme", "seed": 197034, "replications": 1,
     "horizon": {"duration_h": 0.25, "interval_min": 15},
     "call_types": [{"id": "a", "arrivals": {"rate_per_h": 60.0},
                     "handle_time": dist(0.0), "patience": dist(0.0),
                     "redial": {"probabilities": [1.0] * 8, "delay": dist(0.0)}}],
     "centers": [{"id": "c", "groups": [{"id": "g", "skills": ["a"], "agents": 0}]}]}
)  # fmt: skip
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_extreme_legal_scenarios_finish_within_their_announced_work(doc: dict[str, Any]) -> None:
    try:
        sc = parse_scenario(doc)
    except InputError as exc:
        assert exc.problems  # refused, with its reasons
        return
    bound = estimate(sc)
    if bound.calls > LEAN:  # legal, and refused only beyond 50 million: too slow for a test
        return
    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(SECONDS)
    try:
        counts = run_replication(sc, 0, sc.seed)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    calls = float(counts.cells["calls"].sum())
    # bound.calls bounds the expected count. The count is compound Poisson: a Poisson
    # number of fresh callers, each making K calls (redials, returns) with E[K] <= m, so
    # Var = fresh * E[K^2]. K is a constant or a geometric-like chain here, for which
    # E[K^2] <= 2 m^2: 5 sd of that, plus 10 calls' worth of callers for tiny counts.
    fresh = doc["call_types"][0]["arrivals"]["rate_per_h"] * doc["horizon"]["duration_h"]
    m = max(1.0, bound.calls / fresh) if fresh > 0 else 1.0
    allowed = bound.calls + 5 * (2 * bound.calls * m) ** 0.5 + 10 * m
    assert calls <= allowed, (calls, bound, allowed)
