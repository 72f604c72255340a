import json
import math

import numpy as np
import pytest
from scipy import special

from ccsim.data.patience import MIN_ABANDONS, MIN_ABANDONS_SHAPES, fit_patience
from ccsim.scenario import Patience


def _log_ci_band(fit, k=3.0):
    """The fit's mean ± k standard errors (log scale), the SE read off its 95 % interval."""
    lo, hi = fit.mean_ci95
    se = math.log(hi / lo) / (2 * 1.959964)
    return fit.mean_s * math.exp(-k * se), fit.mean_s * math.exp(k * se)


def _queue(rng, patience, censor_mean):
    censor = rng.exponential(censor_mean, patience.size)
    return np.minimum(patience, censor), patience <= censor


def _weibull_balk(rng, n, mean, shape, share, within):
    p = mean / special.gamma(1 + 1 / shape) * rng.weibull(shape, n)
    balk = rng.random(n) < share
    p[balk] = within * rng.random(balk.sum())
    return p


def test_km_corrects_the_naive_mean_under_heavy_censoring():
    rng = np.random.default_rng(11)
    wait, ab = _queue(rng, rng.exponential(120.0, 4000), 40.0)
    fit = fit_patience(wait, ab, name="patience of query")
    assert fit.censored / fit.n > 0.7
    # tolerance from the sample: 3 standard errors of the fitted mean
    lo, hi = _log_ci_band(fit)
    assert lo <= 120.0 <= hi
    assert not lo <= fit.naive_mean_s <= hi
    assert fit.naive_mean_s < 0.5 * 120.0
    Patience.model_validate(fit.dist)


def test_recovers_weibull_with_balking():
    rng = np.random.default_rng(5)
    wait, ab = _queue(rng, _weibull_balk(rng, 20000, 90.0, 0.7, 0.05, 5.0), 60.0)
    fit = fit_patience(wait, ab, name="patience of query", balk_within_s=5.0)
    assert fit.chosen == "weibull" and "lowest AIC" in fit.reason
    assert set(fit.dist) == {"dist", "mean_s", "shape", "balk_share", "balk_within_s"}
    assert fit.mean_ci95[0] <= 90.0 <= fit.mean_ci95[1]
    assert fit.shape_ci95[0] <= 0.7 <= fit.shape_ci95[1]
    assert fit.balk_ci95[0] <= 0.05 <= fit.balk_ci95[1]
    p = Patience.model_validate(fit.dist)
    assert p.balk_within_s == 5.0 and p.balk_share == fit.balk_share
    assert list(fit.candidates.columns[:6]) == [
        "family",
        "balk",
        "loglik",
        "aic",
        "mean_s",
        "shape",
    ]
    assert len(fit.candidates) == 8 and fit.candidates["aic"].is_monotonic_increasing


def test_whole_second_logs_are_not_biased():
    # a log rounding waits to whole seconds: hang-ups are read as one-second intervals
    rng = np.random.default_rng(8)
    wait, ab = _queue(rng, _weibull_balk(rng, 20000, 90.0, 0.7, 0.05, 5.0), 60.0)
    fit = fit_patience(np.round(wait), ab, name="patience of query")
    assert fit.chosen == "weibull"
    assert fit.mean_ci95[0] <= 90.0 <= fit.mean_ci95[1]
    assert fit.balk_ci95[0] <= 0.05 <= fit.balk_ci95[1]


def test_kaplan_meier_by_hand():
    wait = [2, 3, 3, 5, 6, 8, 9, 0]
    ab = [True, True, False, True, False, True, False, False]  # the last never queued
    fit = fit_patience(wait, ab, name="patience of query")
    assert (fit.n, fit.abandoned, fit.censored) == (7, 4, 3)
    assert fit.km["time_s"].tolist() == [2, 3, 5, 8]
    expected = [6 / 7, 6 / 7 * 5 / 6, 5 / 7 * 3 / 4, 15 / 28 * 1 / 2]
    assert fit.km["survival"].to_numpy() == pytest.approx(expected, rel=1e-12)
    assert fit.km_median_s == 8
    assert fit.naive_mean_s == pytest.approx((2 + 3 + 5 + 8) / 4)
    assert (fit.km["ci_low"] <= fit.km["survival"]).all()
    assert (fit.km["survival"] <= fit.km["ci_high"]).all()


def test_km_median_is_none_when_survival_stays_above_half():
    fit = fit_patience([1, 2, 3, 4, 5], [True, False, False, False, False], name="p")
    assert fit.km_median_s is None


def test_mean_interval_covers_at_about_95_percent():
    seeds, covered = 60, 0
    for seed in range(seeds):
        rng = np.random.default_rng(1000 + seed)
        wait, ab = _queue(rng, rng.exponential(100.0, 150), 100.0)
        fit = fit_patience(wait, ab, name="patience of query")
        covered += fit.mean_ci95[0] <= 100.0 <= fit.mean_ci95[1]
    # binomial tolerance: 3 standard errors of a 95 % share over the seeds
    assert covered >= seeds * (0.95 - 3 * math.sqrt(0.95 * 0.05 / seeds))


def test_no_abandons():
    fit = fit_patience([3.0, 10.0, 40.0], [False, False, False], name="patience of query")
    assert fit.dist is None and fit.chosen == "none" and fit.mean_s is None
    assert fit.reason == (
        "no caller of patience of query abandoned in the log (3 answered or still waiting): "
        "patience cannot be estimated; the fitted scenario has callers who never hang up"
    )
    assert fit.km.empty and fit.km_median_s is None
    assert fit.survival(np.array([0.0, 100.0])).tolist() == [1.0, 1.0]
    json.dumps(fit.to_dict(), allow_nan=False)


def test_few_abandons_keep_the_curve():
    rng = np.random.default_rng(2)
    wait = rng.exponential(60.0, 200)
    ab = np.zeros(200, dtype=bool)
    ab[: MIN_ABANDONS - 1] = True
    fit = fit_patience(wait, ab, name="patience of query")
    assert fit.dist is None and fit.chosen == "none"
    assert fit.reason.startswith(f"only {MIN_ABANDONS - 1} callers of patience of query abandoned")
    assert len(fit.km) == MIN_ABANDONS - 1


def test_few_abandons_fit_the_exponential_alone():
    # 12 hang-ups: only the hang-up rate is fitted; its MLE is hang-ups / time waited
    rng = np.random.default_rng(3)
    wait = rng.exponential(60.0, 200)
    ab = np.zeros(200, dtype=bool)
    ab[:12] = True
    fit = fit_patience(wait, ab, name="patience of query")
    assert 12 < MIN_ABANDONS_SHAPES
    assert fit.chosen == "exponential" and len(fit.candidates) == 1
    assert fit.dist == {"dist": "exponential", "mean_s": pytest.approx(wait.sum() / 12, rel=1e-3)}
    assert fit.reason.startswith("only 12 callers of patience of query abandoned (fewer than 20)")


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf])
def test_bad_wait_names_the_fit(bad):
    with pytest.raises(ValueError, match=r"^patience of query: wait_s must be a number >= 0, got"):
        fit_patience([1.0, bad], [True, False], name="patience of query")


def test_bad_abandoned():
    with pytest.raises(ValueError, match="patience of query: abandoned must have one value per"):
        fit_patience([1.0, 2.0], [True], name="patience of query")
    with pytest.raises(ValueError, match="patience of query: abandoned must be true or false"):
        fit_patience([1.0, 2.0], [2, 0], name="patience of query")


def test_balking_at_once_and_json():
    rng = np.random.default_rng(4)
    p = rng.exponential(80.0, 3000)
    p[rng.random(3000) < 0.1] = 0.0
    wait, ab = _queue(rng, p, 60.0)
    fit = fit_patience(wait, ab, name="patience of query", balk_within_s=0.0)
    assert fit.dist is not None and fit.dist["balk_within_s"] == 0.0
    assert fit.survival(np.array([0.0]))[0] == pytest.approx(1.0 - fit.dist["balk_share"])
    assert fit.balk_ci95[0] <= 0.1 <= fit.balk_ci95[1]
    Patience.model_validate(fit.dist)
    text = json.dumps(fit.to_dict(), allow_nan=False)
    assert json.loads(text)["dist"] == fit.dist


def test_deterministic():
    rng = np.random.default_rng(9)
    wait, ab = _queue(rng, rng.weibull(0.8, 1000) * 70.0, 50.0)
    a = fit_patience(wait, ab, name="p")
    b = fit_patience(wait, ab, name="p")
    assert a.dist == b.dist and a.mean_ci95 == b.mean_ci95 and a.reason == b.reason
