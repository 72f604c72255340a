"""KPI estimators over replications (mean of ratios, ratio of totals) and the occupancy window."""

import numpy as np
import pytest
from scipy import stats

from ccsim.runner import simulate
from ccsim.scenario import parse_scenario
from tests.helpers.problems import has
from tests.helpers.scen import base, const

RATIOS = ("service_level", "answer_rate", "abandon_rate", "asa_s", "p_wait", "occupancy")


def scenario(arrivals, reps=6, **kpi):
    d = base(
        replications=reps,
        horizon={"duration_h": 2, "interval_min": 30},
        call_types=[
            {
                "id": "a",
                "arrivals": arrivals,
                "handle_time": {"dist": "exponential", "mean_s": 100},
                "patience": {"dist": "exponential", "mean_s": 60},
            }
        ],
        kpi=kpi,
    )
    d["centers"][0]["groups"][0]["agents"] = 3
    return parse_scenario(d)


def test_same_denominator_in_every_replication_gives_the_same_estimate():
    # replayed arrivals: every replication offers the same 150 calls, so R is the same
    times = sorted(np.random.default_rng(3).uniform(0, 7000, 150).tolist())
    a = simulate(scenario({"times_s": times}), workers=1)
    b = simulate(scenario({"times_s": times}, estimator="ratio_of_totals"), workers=1)
    ka, kb = a.kpis(), b.kpis()
    for k in ("service_level", "answer_rate", "abandon_rate", "offered", "answered"):
        for stat in ("mean", "ci_low", "ci_high"):
            assert kb.loc[k, stat] == pytest.approx(ka.loc[k, stat], rel=1e-6, abs=1e-12), (k, stat)
    # per interval too, where each interval's requests are the same in every replication
    ia, ib = a.kpis("interval"), b.kpis("interval")
    np.testing.assert_allclose(
        ib[("answer_rate", "mean")].to_numpy(), ia[("answer_rate", "mean")].to_numpy(), rtol=1e-9
    )


def test_ratio_of_totals_pools_the_counts_with_a_delta_method_interval():
    res = simulate(scenario({"rate_per_h": 150}, reps=8, estimator="ratio_of_totals"), workers=1)
    s = res.sums()
    x, y = s["answered_within"].to_numpy(), s["requests"].to_numpy()
    r = x.sum() / y.sum()
    k = res.kpis()
    assert k.loc["service_level", "mean"] == pytest.approx(r, rel=1e-12)
    z = (x - r * y) / y.mean()
    half = stats.t.ppf(0.975, x.size - 1) * z.std(ddof=1) / np.sqrt(x.size)
    assert k.loc["service_level", "ci_high"] - r == pytest.approx(half, rel=1e-6)
    assert r - k.loc["service_level", "ci_low"] == pytest.approx(half, rel=1e-6)
    # the mean of ratios differs when the denominators differ
    mean_of_ratios = float(np.mean(x / y))
    assert y.std() > 0 and mean_of_ratios != pytest.approx(r, rel=1e-9)
    # counts are means per replication under either estimator
    assert k.loc["offered", "mean"] == pytest.approx(y.mean())
    # ASA: total wait of answered calls over answered calls, pooled
    asa = s["wait_answered_s"].sum() / s["answered"].sum()
    assert k.loc["asa_s", "mean"] == pytest.approx(asa, rel=1e-12)
    assert res.summary()["estimator"] == {"kpis": "ratio_of_totals", "occupancy": "horizon"}


def test_targets_use_the_pooled_estimate():
    sc = scenario({"rate_per_h": 150}, reps=8, estimator="ratio_of_totals")
    sc = sc.replace({"targets": {"service_level": {"threshold_s": 20, "target": 0.5}}})
    res = simulate(sc, workers=1)
    (t,) = [x for x in res.targets() if x.name == "service_level"]
    assert t.value.mean == pytest.approx(res.kpis().loc["service_level", "mean"], rel=1e-12)


def test_occupancy_until_the_last_call_counts_the_agents_kept_after_closing():
    # two agents, a 60 s horizon; talks 0-30 and 50-110: busy 40 s of 120 in the horizon
    d = base(
        horizon={"duration_h": 1 / 60, "interval_min": 1},
        call_types=[
            {"id": "a", "arrivals": {"times_s": [0]}, "handle_time": const(30)},
            {"id": "b", "arrivals": {"times_s": [50]}, "handle_time": const(60)},
        ],
        centers=[{"id": "c", "groups": [{"id": "g", "skills": ["a", "b"], "agents": 2}]}],
    )
    inside = simulate(parse_scenario(d), workers=1).kpis().loc["occupancy", "mean"]
    assert inside == pytest.approx(40 / 120)
    d["kpi"] = {"occupancy": "until_last_call"}
    after = simulate(parse_scenario(d), workers=1).kpis().loc["occupancy", "mean"]
    # 50 s more of talk, and both agents kept 50 s more
    assert after == pytest.approx(90 / 220)


@pytest.mark.parametrize(
    ("kpi", "expected"),
    [
        ({"estimator": "pooled"}, "kpi.estimator: must be one of"),
        ({"occupancy": "forever"}, "kpi.occupancy: must be one of"),
    ],
)
def test_validation_messages(kpi, expected):
    has(base(kpi=kpi), expected)


@pytest.mark.parametrize("reps", [1, 2, 3, 6, 8, 9, 17, 40])
def test_estimates_of_many_labels_at_once_are_those_of_each_label(reps):
    # the per-label tables (KPIs by interval and group) reduce every label at once; each
    # number must be the one estimate gives the label alone, bit for bit, NaN replications
    # (an interval without calls in some replications) and the range clipping included
    from ccsim.results.kpis import estimate, estimate_rows

    rng = np.random.default_rng(reps)
    values = rng.normal(0.8, 0.3, size=(300, reps)) * rng.choice([1e-3, 1.0, 1e4], size=(300, 1))
    values[rng.random(values.shape) < 0.05] = np.nan
    values[7] = np.nan  # a label without a value in any replication
    for lower, upper in ((0.0, 1.0), (0.0, np.inf), (-np.inf, np.inf)):
        mean, low, high = estimate_rows(values, lower, upper)
        for i, row in enumerate(values):
            e = estimate(row, lower, upper)
            assert (mean[i], low[i], high[i]) == pytest.approx(
                (e.mean, e.low, e.high), rel=0, abs=0, nan_ok=True
            ), i
