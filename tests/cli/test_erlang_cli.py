import csv
import json

import pytest

BASE = ["erlang", "--calls", "100", "--interval-min", "30", "--aht-s", "180"]


def test_required_agents_and_table(ccsim):
    r = ccsim(*BASE, "--sl-threshold-s", "20", "--sl-target", "0.8")
    assert r.code == 0
    assert "Required agents: 14" in r.out
    assert "88.8%" in r.out  # SL at 14 agents


def test_json_document(ccsim):
    r = ccsim(*BASE, "--sl-target", "0.8", "--shrinkage", "0.3", "--agents", "20", "--json")
    assert r.code == 0
    doc = r.json()
    assert doc["model"] == "erlang_c"
    assert doc["traffic_erlangs"] == pytest.approx(10.0)
    assert doc["required_agents"] == 14
    assert doc["scheduled_agents"] == 20
    rows = {row["agents"]: row for row in doc["table"]}
    assert 20 in rows and 14 in rows
    assert rows[14]["p_wait"] == pytest.approx(0.1741319, abs=1e-7)
    assert rows[14]["service_level"] == pytest.approx(0.88835, abs=1e-5)
    assert rows[14]["asa_s"] == pytest.approx(7.836, abs=1e-3)
    assert set(rows[14]) >= {"agents", "p_wait", "service_level", "asa_s", "occupancy"}
    assert "p_abandon" not in rows[14]


def test_json_erlang_a(ccsim):
    r = ccsim(*BASE, "--sl-target", "0.8", "--patience-s", "300", "--json")
    doc = r.json()
    assert doc["model"] == "erlang_a"
    rows = {row["agents"]: row for row in doc["table"]}
    assert rows[14]["p_abandon"] == pytest.approx(0.013984, abs=1e-6)
    assert doc["required_agents"] == 13


@pytest.mark.parametrize("patience", ["1e15", "1e50"])
def test_erlang_a_with_endless_patience_staffs_like_erlang_c(ccsim, patience):
    doc = ccsim(*BASE, "--sl-target", "0.8", "--patience-s", patience, "--json").json()
    erlang_c = ccsim(*BASE, "--sl-target", "0.8", "--json").json()
    assert doc["required_agents"] == erlang_c["required_agents"] == 14
    rows = {row["agents"]: row for row in doc["table"]}
    for row in erlang_c["table"]:  # no one abandons: Erlang C's figures
        assert rows[row["agents"]]["service_level"] == pytest.approx(row["service_level"])


def test_unstable_rows_have_null_asa(ccsim):
    doc = ccsim(*BASE, "--sl-target", "0.8", "--agents", "9", "--json").json()
    row9 = next(r for r in doc["table"] if r["agents"] == 9)
    assert row9["asa_s"] is None and row9["p_wait"] == 1.0


def test_all_targets_combined(ccsim):
    doc = ccsim(
        *BASE, "--sl-target", "0.8", "--asa-target-s", "5", "--max-occupancy", "0.7", "--json"
    ).json()
    assert doc["required_agents"] == 15


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--calls", "-5", "--aht-s", "180", "--sl-target", "0.8"],
            "--calls: must be >= 0, got -5",
        ),
        (
            ["--calls", "100", "--aht-s", "180", "--sl-threshold-s", "-1", "--sl-target", "0.8"],
            "--sl-threshold-s: must be >= 0, got -1",
        ),
        (["--calls", "100", "--aht-s", "0", "--sl-target", "0.8"], "--aht-s: must be > 0, got 0"),
        (
            ["--calls", "100", "--aht-s", "180", "--sl-target", "80"],
            "--sl-target: must be > 0 and < 1, got 80",
        ),
        (["--calls", "100", "--aht-s", "180"], "give at least one of --sl-target"),
        (["--calls", "x", "--aht-s", "180"], "'--calls': 'x' is not a valid float"),
        (
            ["--calls", "100", "--aht-s", "180", "--abandon-target", "0.05"],
            "--abandon-target: needs --patience-s",
        ),
        (["--aht-s", "180", "--sl-target", "0.8"], "--calls: is required"),
        (
            ["--calls", "inf", "--aht-s", "180", "--sl-target", "0.8"],
            "--calls: must be a finite number",
        ),
        (
            ["--calls", "nan", "--aht-s", "180", "--sl-target", "0.8"],
            "--calls: must be a finite number",
        ),
        (
            ["--calls", "1e300", "--aht-s", "180", "--sl-target", "0.8"],
            "--calls: offers 1e+299 Erlangs; at most 1,000,000,000 are sized, got 1e+300",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(ccsim, args, message):
    r = ccsim("erlang", *args)
    assert r.code == 2
    assert message in r.err
    assert "Traceback" not in r.err
    assert r.out == ""


def _write_csv(path, rows, header=("interval", "calls", "aht_s")):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def test_intervals_csv_to_stdout_and_files(ccsim, tmp_path):
    src = tmp_path / "day.csv"
    _write_csv(src, [("08:00", 100, 180), ("08:30", 0, 180), ("09:00", 250, 200)])
    r = ccsim("erlang", "--intervals", src, "--sl-target", "0.8", "--shrinkage", "0.3")
    assert r.code == 0
    rows = list(csv.DictReader(r.out.splitlines()))
    assert [row["required_agents"] for row in rows] == ["14", "0", "33"]
    assert rows[0]["scheduled_agents"] == "20"
    out_json = tmp_path / "plan.json"
    r = ccsim("erlang", "--intervals", src, "--sl-target", "0.8", "--out", out_json)
    assert r.code == 0 and "plan written" in r.out
    doc = json.loads(out_json.read_text())
    assert [p["required_agents"] for p in doc["plan"]] == [14, 0, 33]
    out_csv = tmp_path / "plan.csv"
    assert ccsim("erlang", "--intervals", src, "--sl-target", "0.8", "--out", out_csv).code == 0
    assert out_csv.read_text().startswith("interval,calls,aht_s,traffic_erlangs,required_agents")


def test_intervals_with_patience_column(ccsim, tmp_path):
    src = tmp_path / "day.csv"
    _write_csv(src, [("08:00", 100, 180, 300)], header=("interval", "calls", "aht_s", "patience_s"))
    doc = ccsim("erlang", "--intervals", src, "--sl-target", "0.8", "--json").json()
    assert doc["model"] == "erlang_a"
    assert doc["plan"][0]["required_agents"] == 13


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("interval,calls\n08:00,100\n", "missing column 'aht_s'"),
        ("interval,calls,aht_s\n08:00,-3,180\n", "row 1, column calls: must be >= 0, got '-3'"),
        (
            "interval,calls,aht_s\n08:00,abc,180\n",
            "row 1, column calls: must be a number, got 'abc'",
        ),
        ("interval,calls,aht_s\n", "has no data rows"),
        ("interval,calls,aht_s\n08:00,1e12,180\n", "row 1, column calls: offers 1e+11 Erlangs"),
    ],
)
def test_bad_intervals_file(ccsim, tmp_path, content, message):
    src = tmp_path / "bad.csv"
    src.write_text(content)
    r = ccsim("erlang", "--intervals", src, "--sl-target", "0.8")
    assert r.code == 2
    assert message in r.err
    assert "Traceback" not in r.err


def test_intervals_abandon_target_needs_patience(ccsim, tmp_path):
    src = tmp_path / "day.csv"
    src.write_text("interval,calls,aht_s\n08:00,100,180\n")
    r = ccsim("erlang", "--intervals", src, "--abandon-target", "0.05")
    assert r.code == 2 and "Traceback" not in r.err
    assert "--abandon-target: needs --patience-s or a patience_s column" in r.err
    src.write_text("interval,calls,aht_s,patience_s\n08:00,100,180,120\n")
    assert ccsim("erlang", "--intervals", src, "--abandon-target", "0.05").code == 0


def test_intervals_options_are_used_or_refused_never_ignored(ccsim, tmp_path):
    src = tmp_path / "day.csv"
    src.write_text("interval,calls\n08:00,100\n08:30,250\n")
    # one AHT (and patience) for every row when the file has no such column
    doc = ccsim(
        "erlang", "--intervals", src, "--aht-s", "180", "--sl-target", "0.8", "--json"
    ).json()
    same = tmp_path / "same.csv"
    same.write_text("interval,calls,aht_s\n08:00,100,180\n08:30,250,180\n")
    ref = ccsim("erlang", "--intervals", same, "--sl-target", "0.8", "--json").json()
    assert doc["plan"] == ref["plan"] and doc["model"] == "erlang_c"
    r = ccsim("erlang", "--intervals", src, "--aht-s", "180", "--patience-s", "300",
              "--sl-target", "0.8", "--json")  # fmt: skip
    with_column = tmp_path / "with_patience.csv"
    with_column.write_text(
        "interval,calls,aht_s,patience_s\n08:00,100,180,300\n08:30,250,180,300\n"
    )
    ref = ccsim("erlang", "--intervals", with_column, "--sl-target", "0.8", "--json").json()
    assert r.json()["model"] == "erlang_a" and r.json()["plan"] == ref["plan"]
    # the same value given twice is refused, not one of them ignored
    src.write_text("interval,calls,aht_s\n08:00,100,180\n")
    r = ccsim("erlang", "--intervals", src, "--aht-s", "200", "--sl-target", "0.8")
    assert r.code == 2
    assert f"--aht-s: {src} has a aht_s column too: give one or the other, got 200.0" in r.err
    r = ccsim(
        "erlang", "--intervals", src, "--calls", "100", "--agents", "12", "--sl-target", "0.8"
    )
    assert r.code == 2
    assert "--calls: comes from the --intervals file: give one or the other, got 100.0" in r.err
    assert "--agents: is not used with --intervals, got 12" in r.err


def test_missing_intervals_file(ccsim, tmp_path):
    r = ccsim("erlang", "--intervals", tmp_path / "nope.csv", "--sl-target", "0.8")
    assert r.code == 2 and "file not found" in r.err


def test_help_has_example(ccsim):
    r = ccsim("erlang", "--help")
    assert r.code == 0 and "Examples:" in r.out


@pytest.mark.parametrize(
    "command",
    [(), ("erlang",), ("validate",), ("schema",), ("run",), ("report",), ("compare",), ("staff",)],
)
def test_help_keeps_its_layout(ccsim, command):
    # click keeps a paragraph as written only after a line holding the \b character;
    # a literal backslash-b would be printed and the lines reflowed
    r = ccsim(*command, "--help")
    assert r.code == 0 and "Usage: ccsim" in r.out
    assert "\\b" not in r.out and "\b" not in r.out


def _erlang_b_recurrence(n, a):
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


@pytest.mark.parametrize(
    ("traffic", "target"), [(10.0, 0.01), (0.3, 0.05), (50.0, 0.001), (250.0, 0.02)]
)
def test_lines_by_erlang_b(ccsim, traffic, target):
    calls = traffic * 1800 / 180  # 30-minute interval, 180 s holding time
    doc = ccsim(
        "erlang", "--calls", calls, "--aht-s", 180, "--blocking-target", target, "--json"
    ).json()
    n = doc["required_lines"]
    assert doc["model"] == "erlang_b" and doc["traffic_erlangs"] == pytest.approx(traffic)
    # the fewest lines: blocking at n meets the target, at n - 1 it does not (exact recurrence)
    assert _erlang_b_recurrence(n, traffic) <= target < _erlang_b_recurrence(n - 1, traffic)
    row = next(r for r in doc["table"] if r["lines"] == n)
    assert row["blocking"] == pytest.approx(_erlang_b_recurrence(n, traffic), rel=1e-9)
    assert row["carried_erlangs"] == pytest.approx(traffic * (1 - row["blocking"]), rel=1e-12)
    if traffic == 10.0:
        assert n == 18  # the textbook figure: 10 Erlangs at 1 % blocking need 18 trunks


def test_lines_mode_refuses_queue_options(ccsim):
    r = ccsim("erlang", "--calls", 100, "--aht-s", 180, "--blocking-target", 0.01,
              "--sl-target", 0.8, "--agents", 12)  # fmt: skip
    assert r.code == 2 and "Traceback" not in r.err
    assert (
        "--sl-target: is not used with --blocking-target or --lines (Erlang B has no queue), got 0.8"
        in r.err
    )
    assert "--agents: is not used with --blocking-target or --lines" in r.err
    r = ccsim("erlang", "--calls", 100, "--aht-s", 180, "--blocking-target", 0.01,
              "--sl-threshold-s", 30, "--shrinkage", 0)  # fmt: skip
    assert r.code == 2
    assert "--sl-threshold-s: is not used with --blocking-target" in r.err
    assert "--shrinkage: is not used with --blocking-target" in r.err
    r = ccsim("erlang", "--calls", 100, "--aht-s", 180, "--lines", 12)
    assert r.code == 0 and "Erlang B" in r.out and "12" in r.out
    assert ccsim("erlang", "--calls", 100, "--aht-s", 180, "--blocking-target", 1.0).code == 2


def test_help_examples_with_intervals_run_as_printed(ccsim, tmp_path, monkeypatch):
    from ccsim.commands.erlang import erlang_command

    monkeypatch.chdir(tmp_path)
    (tmp_path / "day.csv").write_text("interval,calls\n08:00,100\n08:30,250\n")
    examples = [
        line.split("ccsim erlang ", 1)[1].split()
        for line in (erlang_command.epilog or "").splitlines()
        if "ccsim erlang " in line
    ]
    assert any("--intervals" in e and "--aht-s" in e for e in examples)
    for args in examples:
        r = ccsim("erlang", *args)
        assert r.code == 0, (args, r.err)
    assert (tmp_path / "plan.csv").read_text().startswith("interval,calls,aht_s,")


def test_intervals_patience_given_twice_is_refused_and_lines_alone_tabulate(ccsim, tmp_path):
    src = tmp_path / "day.csv"
    src.write_text("interval,calls,aht_s,patience_s\n08:00,100,180,100\n")
    r = ccsim("erlang", "--intervals", src, "--patience-s", "120", "--sl-target", "0.8")
    assert r.code == 2
    assert f"--patience-s: {src} has a patience_s column too: give one or the other" in r.err
    doc = ccsim("erlang", "--calls", "2000", "--aht-s", "45", "--lines", "60", "--json").json()
    assert doc["model"] == "erlang_b" and 60 in [row["lines"] for row in doc["table"]]
