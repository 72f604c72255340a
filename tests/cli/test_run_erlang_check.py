"""``ccsim run``'s check of the staffing and the simulated KPIs against Erlang."""

from pathlib import Path

from ccsim.analytics import Targets, required_agents

SCEN = Path(__file__).resolve().parents[2] / "scenarios"


def test_understaffed_mmn_is_listed_with_erlang_c_requirement(ccsim):
    r = ccsim(
        "run", SCEN / "mmn.yaml", "-r", "4", "--no-output", "--json",
        "--set", "centers.main.groups.agents.agents=9",
    )  # fmt: skip
    assert r.code == 0, r.err
    check = r.json()["erlang_check"]
    # 252 calls/h x 120 s = 8.4 Erlangs; targets: 80 % in 20 s and ASA <= 15 s
    need = required_agents(8.4, 120.0, Targets(service_level=0.8, threshold_s=20.0, asa_s=15.0))
    assert need > 9
    assert check["groups"] == [
        {"group": "agents", "model": "erlang_c", "pooled": False, "call_types": ["general"]}
    ]
    assert check["checked"] == 16 and check["below_requirement_count"] == 16
    row = check["below_requirement"][0]
    assert row == {"interval": 0, "start": "00:00", "group": "agents", "staffed": 9.0,
                   "required": need}  # fmt: skip
    assert check["compared"] is True


def test_staffed_at_erlang_lists_nothing_below(ccsim):
    need = required_agents(8.4, 120.0, Targets(service_level=0.8, threshold_s=20.0, asa_s=15.0))
    r = ccsim(
        "run", SCEN / "mmn.yaml", "-r", "2", "--no-output", "--json",
        "--set", f"centers.main.groups.agents.agents={need}",
    )  # fmt: skip
    assert r.json()["erlang_check"]["below_requirement_count"] == 0


def test_parted_values_carry_a_hint_and_an_interval(ccsim):
    r = ccsim("run", SCEN / "two_skill_overflow.yaml", "-r", "6", "--no-output", "--json")
    check = r.json()["erlang_check"]
    assert all(g["pooled"] for g in check["groups"])
    assert check["parted_count"] == len(check["parted"]) > 0
    for p in check["parted"]:
        lo, hi = p["ci95"]
        assert not lo <= p["erlang"] <= hi
        assert lo <= p["simulated"] <= hi
        assert "overflow" in p["hint"]


def test_one_replication_compares_no_kpis(ccsim):
    check = ccsim("run", SCEN / "mmn.yaml", "-r", "1", "--no-output", "--json").json()[
        "erlang_check"
    ]
    assert check["compared"] is False and check["parted"] == []


def test_terminal_and_report_show_the_check(ccsim, tmp_path):
    r = ccsim(
        "run", SCEN / "mmn.yaml", "-r", "2", "--out", tmp_path / "o", "--no-figures",
        "--set", "centers.main.groups.agents.agents=9",
    )  # fmt: skip
    assert r.code == 0, r.err
    assert "Erlang check (16 group-intervals with calls): 16 staffed below" in r.out
    assert "Staffed below Erlang" in r.out
    assert "00:00 to 07:30 (16) │ agents │     9.0 │" in r.out
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "Simulation against Erlang" in html and "<h3>Staffed below Erlang's requirement" in html
