"""``ccsim forecast HISTORY``: the JSON document, the output folder, the scenario, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ccsim.data import forecast
from ccsim.scenario import load_scenario
from tests.helpers.history import synth

ROOT = Path(__file__).resolve().parents[2]
MMN = ROOT / "scenarios" / "mmn.yaml"


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Three weeks at 30 minutes of the call type ``general`` (mmn's), from Monday 2026-01-05."""
    path = tmp_path_factory.mktemp("history") / "history.csv"
    synth(weeks=3, volume={"general": 3000.0}, seed=4).table.to_csv(path, index=False)
    return path


def test_json_is_one_document(ccsim, history):
    r = ccsim("forecast", history, "--days", 2, "--json", "--special-days", "2026-01-07,2026-01-08")
    assert r.code == 0, r.err
    doc = r.json()
    assert {"method", "reason", "backtest", "busyness_cv", "forecast"} <= set(doc)
    assert doc["special_days"] == ["2026-01-07", "2026-01-08"]
    fc, report = forecast(history, 2, special_days=["2026-01-07", "2026-01-08"])
    assert doc["method"] == report.method and doc["reason"] == report.reason
    assert doc["busyness_cv"] == report.busyness_cv
    assert len(doc["forecast"]) == len(fc) == 2 * 48
    first = doc["forecast"][0]
    assert first["start"] == "2026-01-26 00:00" and first["call_type"] == "general"
    np.testing.assert_allclose([row["calls"] for row in doc["forecast"]], fc["calls"])
    methods = {(b["method"], b["call_type"]) for b in doc["backtest"]}
    assert (report.method, "all") in methods


def test_out_folder_with_a_scenario(ccsim, history, tmp_path):
    out = tmp_path / "next"
    r = ccsim("forecast", history, "--days", 3, "--scenario", MMN, "--out", out)
    assert r.code == 0, r.err
    fc = pd.read_csv(out / "forecast.csv")
    assert list(fc.columns[:5]) == ["start", "call_type", "calls", "low", "high"]
    assert len(fc) == 3 * 48
    bt = pd.read_csv(out / "backtest.csv")
    assert {"method", "call_type", "wape_daily", "wape_interval", "bias"} <= set(bt.columns)
    assert any((out / "figures").iterdir())
    scenario = load_scenario(out / "scenario.yaml")
    assert scenario.horizon.duration_h == 72 and scenario.horizon.start_day == "mon"


def test_out_folder_without_a_scenario_or_figures(ccsim, history, tmp_path):
    out = tmp_path / "next"
    r = ccsim(
        "forecast", history, "--days", 1, "--method", "seasonal_naive", "--no-figures", "--out", out
    )
    assert r.code == 0, r.err
    assert (out / "forecast.csv").is_file() and (out / "backtest.csv").is_file()
    assert not (out / "scenario.yaml").exists()
    assert not (out / "figures").exists() or not any((out / "figures").iterdir())


def test_out_yaml_is_the_forecast_scenario(ccsim, history, tmp_path):
    out = tmp_path / "next_week.yaml"
    r = ccsim("forecast", history, "--days", 7, "--level", 0.9, "--scenario", MMN, "--out", out)
    assert r.code == 0, r.err
    scenario = load_scenario(out)
    _, report = forecast(history, 7, level=0.9)
    assert scenario.horizon.duration_h == 7 * 24
    assert scenario.demand.busyness_cv == report.busyness_cv
    assert len(scenario.call_types[0].arrivals.per_interval) == 7 * 48


def bad(r, *texts: str) -> None:
    assert r.code == 2, (r.out, r.err)
    assert "Traceback" not in r.err
    for t in texts:
        assert t in r.err, r.err


def test_out_yaml_needs_a_scenario(ccsim, history, tmp_path):
    r = ccsim("forecast", history, "--out", tmp_path / "x.yaml")
    bad(r, "--out: a .yaml output is a scenario: it needs --scenario BASE.yaml")
    assert not (tmp_path / "x.yaml").exists()


def test_a_history_with_a_gap(ccsim, history, tmp_path):
    table = pd.read_csv(history).drop(index=range(100, 104))
    path = tmp_path / "gap.csv"
    table.to_csv(path, index=False)
    bad(
        ccsim("forecast", path),
        "has gaps (4 intervals missing): 2026-01-07 02:00 to 2026-01-07 04:00",
    )


def test_bad_options(ccsim, history, tmp_path):
    bad(ccsim("forecast", history, "--level", 1.5), "--level: must be between 0 and 1, got 1.5")
    bad(ccsim("forecast", history, "--days", 0), "--days: must be 1 to 366, got 0")
    bad(ccsim("forecast", history, "--method", "arima"), "arima")
    bad(ccsim("forecast", history, "--special-days", "tomorrow-ish"), "--special-days")
    bad(ccsim("forecast", history, "--interval-min", 15), "--interval-min")
    bad(ccsim("forecast", tmp_path / "none.csv"), "no such file")


def test_a_scenario_without_the_history_call_type(ccsim, history, tmp_path):
    path = tmp_path / "billing.csv"
    pd.read_csv(history).assign(call_type="billing").to_csv(path, index=False)
    bad(
        ccsim("forecast", path, "--scenario", MMN, "--out", tmp_path / "x.yaml"),
        "has no call type 'billing' of the history",
    )
