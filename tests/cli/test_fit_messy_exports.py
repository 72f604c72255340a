"""``ccsim fit`` and ``ccsim forecast`` on messy exports: the same figures as the clean file,
every row left out counted with its reason, and a clear error (exit 2) where nothing can be read."""

import gzip

import numpy as np
import pandas as pd
import pytest

DAYS = 8  # from Monday 2026-03-02: a week and a day, enough to forecast


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """Eight days of two call types, 30 calls a day, in canonical columns."""
    d = tmp_path_factory.mktemp("messy")
    rng = np.random.default_rng(5)
    n = 30 * DAYS
    day = np.repeat(np.arange(DAYS), 30)
    t = pd.Timestamp("2026-03-02 08:00") + pd.to_timedelta(
        day * 86400 + np.sort(rng.uniform(0, 9 * 3600, n)), unit="s"
    )
    answered = rng.random(n) < 0.8
    df = pd.DataFrame(
        {
            "arrival": t.strftime("%Y-%m-%d %H:%M:%S"),
            "call_type": rng.choice(["billing", "fault"], n),
            "outcome": np.where(answered, "answered", "abandoned"),
            "wait_s": np.round(rng.exponential(20, n)).astype(int),
            "talk_s": np.where(answered, np.round(rng.gamma(2, 90, n)), np.nan),
            "agent": np.where(answered, rng.choice(["A1", "A2", "A3"], n), ""),
            "caller_id": 13800000000 + np.arange(n),
        }
    ).sort_values("arrival")
    df.to_csv(d / "clean.csv", index=False)
    return d, df


@pytest.fixture(scope="module")
def messy(clean):
    """The same calls as an ACD writes them: BOM, semicolons, durations as 0:03:15, the
    header again where two exports were joined, the first day's rows twice, blank lines
    and a totals line at the end."""
    d, df = clean
    out = df.copy()
    out["talk_s"] = out["talk_s"].map(
        lambda s: (
            "" if np.isnan(s) else f"{int(s) // 3600}:{int(s) % 3600 // 60:02d}:{int(s) % 60:02d}"
        )
    )
    lines = out.to_csv(index=False, sep=";").splitlines()
    head, rows = lines[0], lines[1:]
    text = [head, *rows[:120], head, *rows[120:], *rows[:30], "", "Total;;;;;;", ""]
    path = d / "messy.csv.gz"
    path.write_bytes(gzip.compress(("\ufeff" + "\n".join(text) + "\n").encode("utf-8")))
    return path


def test_fit_of_the_messy_export_equals_the_clean_one_and_counts_what_it_left_out(
    ccsim, clean, messy
):
    a = ccsim("fit", clean[0] / "clean.csv", "--no-output", "--json")
    b = ccsim("fit", messy, "--no-output", "--json")
    assert a.code == 0 and b.code == 0, b.err
    ca, cb = a.json(), b.json()
    for key in ("arrivals", "talk", "patience", "mix", "observed"):
        assert cb[key] == ca[key], key
    assert cb["calls"] == ca["calls"] == 30 * DAYS
    assert {s["reason"]: s["rows"] for s in cb["skipped"]} == {
        "repeated header line (exports joined together)": 1,
        "totals or summary line": 1,
        "blank line": 2,
        "repeats an earlier row (same caller or agent, time and result)": 30,
    }
    assert any("detected from the header line" in n for n in cb["notes"])


def test_fit_text_report_shows_each_reason(ccsim, messy):
    r = ccsim("fit", messy, "--no-output")
    assert r.code == 0, r.err
    assert "left out: 1 row (totals or summary line)" in r.out.replace("\n", " ")


def test_forecast_from_the_messy_export_equals_the_clean_one_and_says_what_it_left_out(
    ccsim, clean, messy
):
    args = ("--days", 1, "--backtest-weeks", 1, "--method", "seasonal_naive", "--json")
    a = ccsim("forecast", clean[0] / "clean.csv", *args)
    b = ccsim("forecast", messy, *args)
    assert a.code == 0 and b.code == 0, b.err
    assert b.json()["forecast"] == a.json()["forecast"]
    notes = b.json()["notes"]
    assert any(n.startswith("left out: 1 row (totals or summary line)") for n in notes)
    assert any(n.startswith("left out: 30 rows (repeats an earlier row") for n in notes)


@pytest.mark.parametrize("command", ["fit", "forecast"])
def test_a_header_alone_says_so(ccsim, tmp_path, command):
    log = tmp_path / "log.csv"
    log.write_text("arrival,call_type,outcome\n")
    r = ccsim(command, log, *(["--no-output"] if command == "fit" else []))
    assert r.code == 2
    assert "the file has a header line and no rows" in r.err


def test_every_row_left_out_says_why(ccsim, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("arrival,call_type,outcome\n\n2026-03-02 08:00:00,q,ignore\n")
    r = ccsim("fit", log, "--no-output")
    assert r.code == 2
    assert "every row was left out (blank line: 1; marked ignore in the log: 1)" in r.err


@pytest.mark.parametrize("command", ["fit", "forecast"])
def test_a_workbook_is_a_clear_error(ccsim, tmp_path, command):
    log = tmp_path / "calls.xlsx"
    log.write_bytes(b"PK\x03\x04" + bytes(40))
    r = ccsim(command, log, *(["--no-output"] if command == "fit" else []))
    assert r.code == 2 and "save the sheet as CSV" in r.err and "Traceback" not in r.err


def test_forecast_reads_a_counts_table_with_semicolons(ccsim, tmp_path):
    from tests.helpers.history import synth

    table = synth(weeks=2, volume={"general": 500.0}, seed=2).table
    table.to_csv(tmp_path / "comma.csv", index=False)
    table.to_csv(tmp_path / "semi.csv", index=False, sep=";")
    args = ("--days", 1, "--backtest-weeks", 1, "--method", "seasonal_naive", "--json")
    a = ccsim("forecast", tmp_path / "comma.csv", *args)
    b = ccsim("forecast", tmp_path / "semi.csv", *args)
    assert a.code == 0 and b.code == 0, b.err
    assert b.json()["forecast"] == a.json()["forecast"]


def test_a_staffing_file_with_semicolons_reads_as_with_commas(ccsim, clean, tmp_path):
    (tmp_path / "comma.csv").write_text("interval,group,agents\n0,agents,3\n1,agents,4\n")
    (tmp_path / "semi.csv").write_text("interval;group;agents\n0;agents;3\n1;agents;4\n")
    log = clean[0] / "clean.csv"
    a = ccsim("fit", log, "--staffing", tmp_path / "comma.csv", "--no-output", "--json")
    b = ccsim("fit", log, "--staffing", tmp_path / "semi.csv", "--no-output", "--json")
    assert a.code == 0 and b.code == 0, b.err
    assert b.json()["staffing"] == a.json()["staffing"]
    table = a.json()["staffing"]["table"]
    assert [r["agents"] for r in table if r["interval"] < 2] == [3.0, 4.0]


def test_a_staffing_group_the_log_does_not_have_is_a_problem(ccsim, clean, tmp_path):
    (tmp_path / "staff.csv").write_text("interval,group,agents\n0,general,3\n")
    r = ccsim("fit", clean[0] / "clean.csv", "--staffing", tmp_path / "staff.csv", "--no-output")
    assert r.code == 2
    assert (
        "line 2, column group: is not a group of the log (its groups: agents), got 'general'"
        in r.err
    )
