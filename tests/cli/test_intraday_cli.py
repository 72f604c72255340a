"""``ccsim run --snapshot-at/--snapshot`` then ``ccsim intraday --state``: the round trip."""

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ccsim.cli import cli

ROOT = Path(__file__).resolve().parents[2]
MMN = ROOT / "scenarios" / "mmn_abandon.yaml"


class Run:
    def __init__(self, result):
        self.code = result.exit_code
        self.out = result.stdout
        self.err = result.stderr
        self.exception = result.exception

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def ccsim():
    """Run the command line in-process; exceptions are caught so that a traceback shows."""
    runner = CliRunner()

    def invoke(*args):
        return Run(runner.invoke(cli, [str(a) for a in args], prog_name="ccsim"))

    return invoke


@pytest.fixture
def state_file(tmp_path, ccsim):
    p = tmp_path / "now.yaml"
    r = ccsim("run", MMN, "-r", 1, "--snapshot-at", "04:00", "--snapshot", p, "--no-output")
    assert r.code == 0, r.err
    return p


def test_snapshot_then_intraday(ccsim, state_file):
    state = yaml.safe_load(state_file.read_text())
    assert state["at"] == "04:00"
    assert set(state) >= {"calls_so_far", "kpis_so_far", "waiting", "in_progress", "agents_now"}
    assert state["agents_now"] == {"agents": 12}
    r = ccsim("intraday", MMN, "--state", state_file, "-r", 4, "--workers", 1, "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["at"] == "04:00"
    assert doc["replications"] == 4
    assert {"offered", "service_level", "abandon_rate"} <= set(doc["rest_of_day"])
    assert {"offered", "service_level", "abandon_rate"} <= set(doc["whole_day"])
    # the whole day holds the morning's finished calls as well
    morning = state["kpis_so_far"]["answered"] + state["kpis_so_far"]["abandoned"]
    assert doc["whole_day"]["offered"]["mean"] == pytest.approx(
        doc["rest_of_day"]["offered"]["mean"] + morning
    )
    assert {t["kpi"] for t in doc["targets"]} == {"service_level", "abandon_rate"}
    for t in doc["targets"]:
        assert 0.0 <= t["probability_met"] <= 1.0
        assert t["value"] == t["mean"]  # named as in run --json
    (row,) = doc["reforecast"]
    assert row["call_type"] == "general"
    assert row["observed_so_far"] == sum(state["calls_so_far"]["general"])
    assert row["weight"] > 0


def test_text_view_and_out_file(ccsim, state_file, tmp_path):
    out = tmp_path / "doc.json"
    r = ccsim(
        "intraday", MMN, "--state", state_file, "-r", 2, "--workers", 1, "--no-recommend",
        "--out", out,
    )  # fmt: skip
    assert r.code == 0, r.err
    assert "Reforecast" in r.out
    assert "Projection" in r.out
    assert json.loads(out.read_text())["replications"] == 2


def test_state_with_problems_lists_them_all(ccsim, tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(
        yaml.safe_dump(
            {
                "at": "04:00",
                "waiting": [{"call_type": "sales", "waited_s": 99999}],
                "in_progress": [
                    {"group": "agents", "call_type": "general", "count": 13, "elapsed_s": 5}
                ],
                "agents_now": {"agents": 12, "night": 3},
            }
        )
    )
    r = ccsim("intraday", MMN, "--state", p, "-r", 2, "--workers", 1)
    assert r.code == 2
    assert "Traceback" not in r.err
    assert r.exception is None or isinstance(r.exception, SystemExit)
    written = p.read_text().splitlines()

    def line(fragment):  # the file's line that holds the value
        return next(i for i, x in enumerate(written, start=1) if fragment in x)

    for text in (
        f"waiting[0].call_type (line {line('sales')}): names no call type (known: general), got 'sales'",
        f"waiting[0].waited_s (line {line('99999')}): a wait longer than the time since the horizon opened, got 99999.0",
        f"agents_now.night (line {line('night')}): names no group (known: agents, main/agents), got 'night'",
    ):
        assert text in r.err, r.err


def test_missing_state_file(ccsim, tmp_path):
    r = ccsim("intraday", MMN, "--state", tmp_path / "none.yaml")
    assert r.code == 2
    assert "--state: no such file" in r.err
    assert "Traceback" not in r.err


def test_snapshot_at_without_snapshot(ccsim):
    r = ccsim("run", MMN, "-r", 1, "--snapshot-at", "04:00", "--no-output")
    assert r.code == 2
    assert "--snapshot-at: goes with --snapshot FILE (both or neither), got '04:00'" in r.err


def test_snapshot_without_snapshot_at(ccsim, tmp_path):
    r = ccsim("run", MMN, "-r", 1, "--snapshot", tmp_path / "s.yaml", "--no-output")
    assert r.code == 2
    assert (
        f"--snapshot: goes with --snapshot-at HH:MM (both or neither), got '{tmp_path / 's.yaml'}'"
        in r.err
    )


@pytest.mark.parametrize("at", ["09:00", "25:00", "noon"])
def test_snapshot_at_outside_the_first_day(ccsim, tmp_path, at):
    r = ccsim(
        "run", MMN, "-r", 1, "--snapshot-at", at, "--snapshot", tmp_path / "s.yaml", "--no-output"
    )
    assert r.code == 2
    assert "--snapshot-at: must be a clock time HH:MM inside the horizon's first day" in r.err


def test_call_in_unknown_group(ccsim, state_file):
    r = ccsim("intraday", MMN, "--state", state_file, "--call-in", "agents,night", "-r", 2)
    assert r.code == 2
    assert "--call-in: names no group (known: agents, main/agents), got 'night'" in r.err
    assert "Traceback" not in r.err


def test_negative_max_extra(ccsim, state_file):
    r = ccsim("intraday", MMN, "--state", state_file, "--max-extra", -1)
    assert r.code == 2
    assert "--max-extra: must be >= 0, got -1" in r.err


def bad_day(state_file, tmp_path, agents_now=6):
    """The snapshot with half the agents from the next interval on and 40 callers waiting."""
    s = yaml.safe_load(state_file.read_text())
    s["agents_now"] = {"agents": agents_now}
    # 04:00 to the end of the 8-hour day: the current interval, then half the planned 12
    s["staffing"] = {"agents": [agents_now] + [6] * 7}
    s["in_progress"] = [
        {"group": "agents", "call_type": "general", "count": 6, "elapsed_s": [0, 120]}
    ]
    s["waiting"] = [{"call_type": "general", "count": 40, "waited_s": [0, 120]}]
    p = tmp_path / "bad_day.yaml"
    p.write_text(yaml.safe_dump(s))
    return p


def test_missed_targets_give_actions_that_meet_them(ccsim, state_file, tmp_path):
    # the agents logged in now are the plan's; call-ins from 04:30 can restore the rest
    r = ccsim(
        "intraday", MMN, "--state", bad_day(state_file, tmp_path, agents_now=12), "-r", 4, "--workers", 1,
        "--json",
    )  # fmt: skip
    assert r.code == 0, r.err
    doc = r.json()
    assert not all(t["met"] for t in doc["targets"])
    actions = doc["actions"]
    assert actions
    steps = [a["step"] for a in actions]
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    # an Erlang C first guess on the simulated load (step 0), then call-ins of the group
    assert all(a["group"] in ("agents", "Erlang C on the simulated load") for a in actions)
    assert all(a["from"] >= "04:30" for a in actions)
    assert actions[0]["from"] == "04:30"
    extra = [a["extra_agents"] for a in actions]
    assert extra == sorted(extra)
    last = actions[-1]
    assert last["all_met"]
    assert all(t["met"] for t in last["targets"])
    assert not any(a["all_met"] for a in actions[:-1])
    assert not any("targets not met" in n for n in doc["notes"])


def test_missed_targets_beyond_what_may_be_called_in_say_why(ccsim, state_file, tmp_path):
    # half the agents now and 40 waiting, one agent at most to call in: out of reach
    r = ccsim(
        "intraday", MMN, "--state", bad_day(state_file, tmp_path), "-r", 4, "--workers", 1,
        "--max-extra", 1, "--json",
    )  # fmt: skip
    assert r.code == 0, r.err
    doc = r.json()
    actions = doc["actions"]
    assert actions and all(a["extra_agents"] <= 1 for a in actions)
    assert not actions[-1]["all_met"]
    assert (
        "targets not met: no group that may be called in (agents) is short and below --max-extra (1)"
        " from 04:30" in doc["notes"]
    )


def test_no_recommend_searches_nothing(ccsim, state_file, tmp_path):
    r = ccsim(
        "intraday", MMN, "--state", bad_day(state_file, tmp_path), "-r", 2, "--workers", 1,
        "--no-recommend", "--json",
    )  # fmt: skip
    assert r.code == 0, r.err
    doc = r.json()
    assert not all(t["met"] for t in doc["targets"])
    assert doc["actions"] == []


def test_chasers_in_talk_are_in_the_notes(ccsim, tmp_path):
    from tests.helpers.scen import const, orders_case

    # the order is never worked: its chaser calls at 01:59:55 and talks 10 s
    sc = tmp_path / "chase.yaml"
    sc.write_text(
        yaml.safe_dump(orders_case(handlers=0, chaser={"probability": 1.0, "delay": const(3585)}))
    )
    p = tmp_path / "now.yaml"
    r = ccsim("run", sc, "-r", 1, "--snapshot-at", "02:00", "--snapshot", p, "--no-output")
    assert r.code == 0, r.err
    assert yaml.safe_load(p.read_text())["in_progress"][0]["kind"] == "chaser"
    note = "chasers in talk at 02:00 (1) are simulated as new matters"
    args = ("intraday", sc, "--state", p, "-r", 2, "--workers", 1, "--no-recommend")
    r = ccsim(*args, "--json")
    assert r.code == 0, r.err
    assert [n for n in r.json()["notes"] if n.startswith(note)]
    r = ccsim(*args)
    assert r.code == 0, r.err
    assert note in " ".join((r.out + r.err).split())


def test_bad_options_state_and_call_in_groups_are_listed_together(ccsim, tmp_path):
    # were reported one after the other: the options first, then the state, then --call-in
    bad = tmp_path / "bad_state.yaml"
    bad.write_text('at: "04:00"\nwaiting: 5\n')
    r = ccsim("intraday", MMN, "--state", bad, "--call-in", "nogroup", "--workers", 0)
    assert r.code == 2
    lines = r.err.splitlines()
    assert lines[0] == "ccsim: error: --workers: must be >= 1, got 0"
    assert any(f"{bad}: waiting (line 2): must be a list, got 5" in x for x in lines)
    assert any("--call-in: names no group" in x for x in lines)
    # without bad options: the state's problems and the groups' still together
    r = ccsim("intraday", MMN, "--state", bad, "--call-in", "nogroup")
    assert r.code == 2
    assert "waiting (line 2): must be a list" in r.err and "--call-in: names no group" in r.err


def test_outputs_never_overwrite_the_files_read(ccsim, tmp_path, state_file):
    # a snapshot over its own scenario, a projection over its state: refused, files kept
    sc = tmp_path / "sc.yaml"
    sc.write_text(MMN.read_text())
    r = ccsim("run", sc, "-r", 1, "--snapshot-at", "04:00", "--snapshot", sc, "--no-output")
    assert r.code == 2
    assert "--snapshot: is the scenario file this command reads: it would be overwritten" in r.err
    assert sc.read_text() == MMN.read_text()
    before = state_file.read_text()
    r = ccsim("intraday", MMN, "--state", state_file, "--out", state_file, "-r", 2)
    assert r.code == 2
    assert "--out: is the state file this command reads: it would be overwritten" in r.err
    assert state_file.read_text() == before


def test_a_json_snapshot_is_json_and_reads_back(ccsim, tmp_path):
    p = tmp_path / "now.json"
    r = ccsim("run", MMN, "-r", 1, "--snapshot-at", "04:00", "--snapshot", p, "--no-output")
    assert r.code == 0, r.err
    state = json.loads(p.read_text())
    assert state["at"] == "04:00"
    r = ccsim("intraday", MMN, "--state", p, "-r", 2, "--workers", 1, "--json", "--no-recommend")
    assert r.code == 0, r.err
    assert r.json()["at"] == "04:00"


def test_a_state_reading_todays_log_counts_it_and_lists_its_problems_with_the_states(
    ccsim, tmp_path
):
    # the scenario's day opens at 00:00 (30-min intervals): five calls before 04:00
    rows = ["arrival,call_type,outcome,wait_s,talk_s"] + [
        f"2026-03-05 0{h}:10:00,general,answered,5,120" for h in range(4)
    ] + ["2026-03-05 03:50:00,general,abandoned,30,"]  # fmt: skip
    (tmp_path / "today.csv").write_text("\n".join(rows) + "\n")
    state = tmp_path / "now.yaml"
    state.write_text('at: "04:00"\ncall_log: {path: today.csv}\nagents_now: {agents: 12}\n')
    r = ccsim(
        "intraday", MMN, "--state", state, "-r", 2, "--workers", 1, "--json", "--no-recommend"
    )
    assert r.code == 0, r.err
    assert r.json()["reforecast"][0]["observed_so_far"] == 5
    # a bad row of the log and an unknown group of the state: one message
    (tmp_path / "today.csv").write_text("\n".join([*rows, "2026-03-05 03:55:00,general,answered,5,xx"]) + "\n")  # fmt: skip
    state.write_text('at: "04:00"\ncall_log: {path: today.csv}\nagents_now: {ghost: 12}\n')
    r = ccsim("intraday", MMN, "--state", state, "-r", 2, "--workers", 1)
    assert r.code == 2
    assert "talk_s" in r.err and "got 'xx'" in r.err and "line 7" in r.err
    assert "agents_now.ghost (line 3): names no group" in r.err
    # the projection written over today's log: refused, the log kept
    (tmp_path / "today.csv").write_text("\n".join(rows) + "\n")
    state.write_text('at: "04:00"\ncall_log: {path: today.csv}\nagents_now: {agents: 12}\n')
    before = (tmp_path / "today.csv").read_text()
    r = ccsim("intraday", MMN, "--state", state, "--out", tmp_path / "today.csv", "-r", 2)
    assert r.code == 2
    assert "--out: is the state's call log this command reads" in r.err
    assert (tmp_path / "today.csv").read_text() == before
