"""Round trip: simulate known scenarios with ``ccsim run --calls``, fit the log, recover them.

Every true parameter must lie inside the fit's own interval, widened from 95 % to the
validation suite's 99.9 % (the same confidence as the theory comparisons, ``stats.py``),
so a correct fit fails one comparison in a thousand; and the fitted scenario, simulated
with the staffing the log shows, must reproduce the log's KPIs (``ccsim fit --check``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import stats

from ccsim.cli import cli
from ccsim.data import fit
from ccsim.data.backtest import backtest
from tests.validation.stats import CONFIDENCE

Z95 = float(stats.norm.ppf(0.975))
Z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))

SINGLE = """
name: fit-round-trip
seed: 11
replications: 12
horizon: {duration_h: 8, interval_min: 30, start: "08:00", start_day: wed}
tiers:
  - {id: gold, share: 0.12}
  - {id: regular, share: 0.88}
call_types:
  - id: billing
    arrivals: {rate_per_h: 220}
    ivr:
      abandon: 0.04
      containment: 0.30
      time_to_agent: {dist: lognormal, mean_s: 40, cv: 0.5}
    handle_time: {dist: lognormal, mean_s: 180, cv: 0.8}
    wrap_time: {dist: gamma, mean_s: 20, cv: 0.5}
    patience: {dist: exponential, mean_s: 90}
    redial: {probabilities: [0.5], delay: {dist: exponential, mean_s: 300}}
    fcr: 0.9
    return_delay: {dist: lognormal, mean_s: 3600, cv: 1.0}
centers:
  - id: main
    groups:
      - id: agents
        skills: [billing]
        agents: 10
targets:
  service_level: {threshold_s: 20}
"""


def inside(truth: float, ci: tuple[float, float] | list[float], estimate: float) -> bool:
    """``truth`` within the 95 % interval around ``estimate`` widened to the suite's confidence."""
    lo, hi = ci
    lo_w = estimate - (estimate - lo) * Z / Z95
    hi_w = estimate + (hi - estimate) * Z / Z95
    return lo_w <= truth <= hi_w


def run_calls(tmp: Path, scenario_text: str, name: str, *extra: str) -> Path:
    src = tmp / f"{name}.yaml"
    src.write_text(scenario_text, encoding="utf-8")
    out = tmp / name
    r = CliRunner().invoke(
        cli, ["run", str(src), "--calls", "--no-figures", "--out", str(out), *extra]
    )
    assert r.exit_code == 0, r.output
    return out / "calls.csv.gz"


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory):
    log = run_calls(tmp_path_factory.mktemp("single"), SINGLE, "single")
    scenario, report = fit(log)
    return log, scenario, report


def test_single_queue_parameters_are_recovered(single) -> None:
    _, _, r = single
    v = r.volumes["billing"]
    # 220 first calls an hour over the 8 hours of the horizon
    assert inside(220 * 8, v.daily_ci95, v.daily_volume), (v.daily_volume, v.daily_ci95)
    ivr = r.ivr["billing"]
    assert inside(0.04, ivr.abandon_ci95, ivr.abandon)
    assert inside(0.30, ivr.containment_ci95, ivr.containment)
    assert inside(40.0, ivr.time_to_agent.mean_ci95, ivr.time_to_agent.mean_s)
    t = r.talk["billing"]
    assert t.chosen == "lognormal", t.reason
    assert inside(180.0, t.mean_ci95, t.mean_s)
    assert inside(0.8, t.cv_ci95, t.cv)
    w = r.wrap["billing"]
    assert inside(20.0, w.mean_ci95, w.mean_s)
    assert inside(0.5, w.cv_ci95, w.cv)
    p = r.patience["billing"]
    assert p.mean_ci95 is not None and inside(90.0, p.mean_ci95, p.mean_s)
    # the naive mean of abandoners' waits is far below the truth; the fit is not
    assert not inside(90.0, p.mean_ci95, p.naive_mean_s)
    mix = r.mix.set_index(["dimension", "id"])
    gold = mix.loc[("tier", "gold")]
    assert inside(0.12, (gold["ci_low"], gold["ci_high"]), gold["share"])
    rd = r.redials["billing"]
    assert inside(0.5, rd.probabilities_ci95[0], rd.probabilities[0])
    assert rd.after == ["queue_abandon"]
    assert inside(300.0, rd.delay.mean_ci95, rd.delay.mean_s)
    rt = r.returns["billing"]
    assert inside(0.1, rt.share_ci95, rt.share)
    assert inside(3600.0, rt.delay_mean_ci95, rt.delay_mean_s)


def test_single_queue_fitted_model_reproduces_the_log(single) -> None:
    _, scenario, report = single
    table = backtest(scenario, report, replications=20, seed=5)
    whole = table[table["interval"] == -1].set_index("kpi")
    for k in ("offered", "service_level", "abandon_rate", "asa_s", "occupancy"):
        assert bool(whole.at[k, "within"]), whole.loc[k].to_dict()


def test_the_fitted_file_is_the_fitted_scenario(single, tmp_path: Path) -> None:
    log, scenario, _ = single
    out = tmp_path / "fitted"
    r = CliRunner().invoke(cli, ["fit", str(log), "--out", str(out), "--no-figures", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["scenario"] == scenario.name
    v = CliRunner().invoke(cli, ["validate", str(out / "scenario.yaml")])
    assert v.exit_code == 0, v.output
    from ccsim.scenario import load_scenario

    assert load_scenario(out / "scenario.yaml") == scenario


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory):
    text = Path("scenarios/province_10000.yaml").read_text(encoding="utf-8")
    log = run_calls(tmp_path_factory.mktemp("province"), text, "province", "--replications", "1")
    return fit(log)


def test_province_parameters_are_recovered(province) -> None:
    from ccsim.scenario import load_scenario

    truth = load_scenario("scenarios/province_10000.yaml")
    _, r = province
    shares = {}
    for ct in truth.call_types:
        k = ct.id
        t, w = r.talk[k], r.wrap[k]
        assert inside(ct.handle_time.mean_s, t.mean_ci95, t.mean_s), (k, t.mean_s, t.mean_ci95)
        assert inside(ct.handle_time.cv, t.cv_ci95, t.cv), (k, t.cv, t.cv_ci95)
        assert inside(ct.wrap_time.mean_s, w.mean_ci95, w.mean_s), (k, w.mean_s)
        ivr = r.ivr[k]
        pw = ct.ivr.password
        # callers failing every password try reach an agent without the containment step
        fail_all = (
            pw.share * pw.fail_prob**pw.tries if pw and pw.after_last_failure == "agent" else 0.0
        )
        expected = (1.0 - fail_all) * ct.ivr.containment
        assert inside(expected, ivr.containment_ci95, ivr.containment), (
            k,
            ivr.containment,
            expected,
        )
        assert inside(ct.ivr.abandon, ivr.abandon_ci95, ivr.abandon), (k, ivr.abandon)
        shares[k] = ct.arrivals.share
    # the business mix of first calls (the day's busyness multiplies every type alike)
    total = sum(v.calls for v in r.volumes.values())
    for k, share in shares.items():
        n = r.volumes[k].calls
        se = np.sqrt(share * (1 - share) / total)
        assert abs(n / total - share) <= Z * se, (k, n / total, share)
    mix = r.mix.set_index(["dimension", "id"])
    for tier in truth.tiers:
        row = mix.loc[("tier", tier.id)]
        assert inside(tier.share, (row["ci_low"], row["ci_high"]), row["share"]), tier.id


def test_province_routing_is_recovered(province) -> None:
    scenario, _ = province
    rules = {
        (tuple(r.call_types or ()), tuple(r.tiers or ())): [
            (g.group, g.delay_s) if hasattr(g, "group") else (g, 0.0) for g in r.groups
        ]
        for r in scenario.routing.rules
    }
    # VIP tiers: the VIP desk first, the type's own group after 10 s; others: their own group
    assert rules[(("query",), ("diamond", "gold"))] == [("vip_desk", 0.0), ("general", 10.0)]
    assert rules[(("complaint",), ())][0] == ("complaint_desk", 0.0)
