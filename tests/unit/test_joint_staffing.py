"""Joint staffing and shifts: fewer paid hours than the two-step roster at the same simulated targets.

The toy desk has two 4-hour shifts (08:00 and 12:00) and a whole-day service-level
target. The two-step roster covers the search's agents interval by interval, so each
block is staffed at its busiest half-hour; the whole-day target leaves room, and the
joint method finds it. Its answer is checked against a brute force over the agents on
each shift, simulated with the same seeds (common random numbers) and judged by the
same evaluator.
"""

import itertools
import math
from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from ccsim.staffing import staff
from ccsim.staffing.joint import JointSearch, rostered_plan
from ccsim.staffing.search import Searcher
from ccsim.staffing.shifts import coverage_matrix, roster

TOY = {
    "name": "toy-joint",
    "seed": 5,
    "replications": 4,
    "horizon": {"duration_h": 8, "interval_min": 30, "start": "08:00"},
    "call_types": [
        {
            "id": "general",
            "arrivals": {"per_interval": [40, 40, 120, 40, 40, 40, 40, 40] * 2},
            "handle_time": {"dist": "exponential", "mean_s": 120},
        }
    ],
    "centers": [
        {"id": "main", "kind": "provincial", "groups": [
            {"id": "agents", "skills": ["general"], "agents": 4}]}
    ],
    "targets": {"service_level": {"threshold_s": 20, "target": 0.8}},
    "staffing": {
        "replications": 4,
        "floor_service_level": None,
        "method": "joint",
        "shifts": [{"id": "four", "starts": ["08:00", "12:00"], "length_h": 4}],
    },
}  # fmt: skip


BOX = 3


@pytest.fixture(scope="module")
def toy():
    sc = parse_scenario(TOY)
    return sc, staff(sc, workers=1)


def test_joint_beats_two_step_and_matches_brute_force(toy):
    sc, plan = toy
    rr = plan.roster_result
    assert rr is not None and rr.joint is not None
    two = rr.two_step["agents"]
    joint = rr.rosters["agents"]
    assert rr.two_step_evaluation is not None and rr.two_step_evaluation.feasible
    assert rr.evaluation is not None and rr.evaluation.feasible
    assert joint.paid_hours < two.paid_hours
    assert (joint.counts >= two.counts - BOX).all()  # the brute force below covers it
    # brute force: every roster within BOX agents of the two-step's on each shift,
    # simulated with the search's seeds and judged by the same evaluator; the cheapest
    # that meets the target is the joint one's paid hours
    s = Searcher(sc, workers=1)
    cover = {"agents": coverage_matrix(two.shifts, s.m.n_intervals, s.m.interval_s)}
    best = None
    box = [range(max(0, int(c) - BOX), int(c) + 1) for c in two.counts]
    for counts in itertools.product(*box):
        c = np.array(counts, dtype=np.int64)
        p = rostered_plan(s, plan.simulated, {"agents": c}, cover)
        hours = 4.0 * c.sum()
        if best is not None and hours >= best:
            continue
        if s.evaluator.evaluate(p, None).feasible:
            best = hours
    assert best is not None
    assert joint.paid_hours == best


def test_joint_plan_holds_on_a_fresh_seed(toy):
    sc, plan = toy
    rr = plan.roster_result
    assert rr is not None and rr.evaluation is not None
    agents = [int(x) for x in rr.evaluation.plan[0]]
    fresh = sc.replace({"centers.main.groups.agents.agents": agents})
    reps = 30
    res = simulate(fresh, replications=reps, seed=9001, workers=1)
    v = res.kpi_values()["service_level"].to_numpy(dtype=float)
    # fresh seeds do not refute the target: it lies below the one-sided 95 % upper
    # bound of their mean (a plan that really missed it fails here 95 % of the time)
    t = float(stats.t.ppf(0.95, reps - 1))
    assert v.mean() + t * v.std(ddof=1) / math.sqrt(reps) >= 0.8


def test_two_step_rostered_plan_is_simulated_and_reported():
    data = {**TOY, "staffing": {**TOY["staffing"], "method": "two_step"}}
    plan = staff(parse_scenario(data), workers=1)
    doc = plan.summary()
    rp = doc["rostered_plan"]
    assert doc["method"] == "two_step"
    assert rp["paid_hours"] == doc["roster"]["agents"]["paid_hours"]
    assert rp["feasible"] in (True, False)
    assert "ci95" in rp["kpis"]["service_level"]
    assert "two_step_roster" not in doc and "joint" not in doc


def test_a_roster_short_of_the_target_is_repaired(toy):
    sc, plan = toy
    rr = plan.roster_result
    two = rr.two_step["agents"]
    short = {"agents": replace(two, counts=np.maximum(two.counts - 3, 0))}
    s = Searcher(sc, workers=1)
    ids = s.m.group_ids

    def reroster(gid, need):
        return roster(need, s.m.interval_s, short[gid].shifts).counts

    res = JointSearch(s, plan.simulated, short, None, reroster).run()
    steps = [h["step"] for h in res.history]
    assert not res.start.feasible
    assert "repair" in steps
    assert res.evaluation.feasible
    assert res.evaluation.plan[ids.index("agents")].sum() > res.start.plan.sum()


def test_rostered_targets_carry_the_search_verdict_beside_the_mean(toy):
    from ccsim.staffing.joint import simulate_roster
    from ccsim.staffing.rostering import Rostered, roster_doc

    sc, plan = toy
    s = Searcher(sc, workers=1)
    doc = roster_doc(plan.roster_result, s.m.interval_s, plan.hours, sc.horizon.start_day)
    for key in ("rostered_plan", "two_step_roster"):
        assert doc[key]["confidence"] == sc.staffing.confidence == 0.95
    two = plan.roster_result.two_step["agents"]
    seen = set()
    # rosters short of the two-step one on its first shift, until one meets the target on
    # the mean only
    for cut in range(1, BOX + 1):
        counts = two.counts.copy()
        counts[0] = max(counts[0] - cut, 0)
        short = {"agents": replace(two, counts=counts)}
        ev = simulate_roster(s, plan.simulated, short)
        r = Rostered(short, None, ev, short, ev, confidence=sc.staffing.confidence)
        p = roster_doc(r, s.m.interval_s, plan.hours, sc.horizon.start_day)["rostered_plan"]
        t = p["targets"]["service_level"]
        assert t["met"] == (t["value"] >= 0.8)  # the mean
        assert t["met_at_confidence"] == ("service_level" not in p["failures"])
        v = ev.values["service_level"]
        bound = v.mean() - stats.t.ppf(0.95, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v))
        assert t["met_at_confidence"] == (bound >= 0.8)
        seen.add((t["met"], t["met_at_confidence"]))
        if (True, False) in seen:
            break
    assert (True, False) in seen, "no roster met on the mean and missed at 95 %: widen the cuts"
    assert (False, True) not in seen


def test_the_joint_model_reads_erlang_above_a_small_cells_plan(toy):
    """A re-roster adds agents where its shifts cover more than the plan, and the joint
    model predicts their gain from its tables: every cell's table spans the widest
    cell's range (from 8 agents fewer), so a small cell's holds Erlang's figures above
    its plan, not its value at the plan repeated."""
    sc, plan = toy
    s = Searcher(sc, workers=1)
    js = JointSearch(s, plan.simulated, plan.roster_result.two_step, None, None)
    P = plan.simulated.copy()
    P[0, 2] = 12  # a large cell: the tables span 9 agents
    model = js.model(s.evaluator.evaluate(P, None))
    small = [i for i in range(P.shape[1]) if 0 < P[0, i] < 8]
    assert small
    gains = [model.deltas(0, i, int(P[0, i]), 1)["service_level"] for i in small]
    assert all(g > 0 for g in gains)  # one agent more above the plan still helps
    for i in small:  # and the table goes on rising above the plan
        sl = model.t.sl[0, i]
        assert (np.diff(sl) >= 0).all() and sl[-1] > sl[int(P[0, i])]
