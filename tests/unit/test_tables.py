"""Forecast and agents from CSV tables: the same scenario as inline lists, and every problem named."""

import pytest
import yaml

from ccsim.errors import InputError
from ccsim.runner import simulate
from ccsim.scenario import json_schema, load_scenario, scenario_hash
from ccsim.scenario.tables_write import agents_csv

CALLS = [40, 55, 70, 62, 48, 30]  # calls in each 30-minute interval, 09:00 to 12:00
AGENTS = [6, 7, 9, 8, 7, 5]


def base(arrivals, agents, **extra):
    return {
        "name": "tables",
        "seed": 3,
        "replications": 2,
        "horizon": {"duration_h": 3, "interval_min": 30, "start": "09:00", "start_day": "tue"},
        "call_types": [
            {
                "id": "general",
                "arrivals": arrivals,
                "handle_time": {"dist": "exponential", "mean_s": 150},
                "patience": {"dist": "exponential", "mean_s": 90},
            }
        ],
        "centers": [
            {"id": "main", "groups": [{"id": "team", "skills": ["general"], "agents": agents}]}
        ],
        "targets": {"service_level": {"threshold_s": 20, "target": 0.8}},
        **extra,
    }


def write(tmp_path, data, files):
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text if isinstance(text, bytes) else text.encode())
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def clocks():
    return [f"{9 + i // 2:02d}:{30 * (i % 2):02d}" for i in range(6)]


FORECAST = "interval_start,calls_per_interval\n" + "".join(
    f"{t},{c}\n" for t, c in zip(clocks(), CALLS, strict=True)
)
STAFF = "interval_start,group,agents\n" + "".join(
    f"{t},team,{a}\n" for t, a in zip(clocks(), AGENTS, strict=True)
)


def inline(tmp_path):
    # per_interval in YAML is calls per HOUR: calls per 30-minute interval x 2
    data = base({"per_interval": [c * 2 for c in CALLS]}, AGENTS)
    p = tmp_path / "inline.yaml"
    p.write_text(yaml.safe_dump(data))
    return load_scenario(p)


def problems(path):
    with pytest.raises(InputError) as exc:
        load_scenario(path)
    return [str(p) for p in exc.value.problems]


def test_csv_forecast_and_agents_simulate_exactly_as_inline(tmp_path):
    path = write(
        tmp_path,
        base({"csv": "tables/forecast.csv"}, {"csv": "tables/agents.csv"}),
        {"tables/forecast.csv": FORECAST, "tables/agents.csv": STAFF},
    )
    from_csv, written = load_scenario(path), inline(tmp_path)
    assert from_csv == written and scenario_hash(from_csv) == scenario_hash(written)
    a = simulate(from_csv, replications=2, workers=1).kpis()
    b = simulate(written, replications=2, workers=1).kpis()
    assert a.equals(b)
    assert a.loc["offered", "mean"] > 0


def test_a_spreadsheet_export_reads_the_same(tmp_path):
    # BOM, ';' separator with decimal commas, Windows line ends, date-and-time stamps with
    # seconds, other call types' rows, blank rows and trailing blank lines
    rows = "".join(
        f"2026-12-01 {t}:00;general;{c},0\r\n2026-12-01 {t}:00;other;1\r\n"
        for t, c in zip(clocks(), CALLS, strict=True)
    )
    text = (
        b"\xef\xbb\xbf"
        + f"Interval_Start;call_type;calls_per_interval\r\n{rows}\r\n;;\r\n\r\n".encode()
    )
    data = base({"csv": "f.csv"}, AGENTS)
    other = {**data["call_types"][0], "id": "other", "arrivals": {"csv": "f.csv"}}
    data["call_types"].append(other)
    data["centers"][0]["groups"][0]["skills"] = ["general", "other"]
    sc = load_scenario(write(tmp_path, data, {"f.csv": text}))
    assert sc.call_types[0].arrivals.per_interval == [c * 2.0 for c in CALLS]
    assert sc.call_types[1].arrivals.per_interval == [2.0] * 6


def test_a_day_list_follows_the_clock_and_rows_outside_the_period_are_ignored(tmp_path):
    day = "interval_start,calls_per_interval\n" + "".join(
        f"{h:02d}:{m:02d},{h}\n" for h in range(24) for m in (0, 30)
    )
    data = base({"csv": "f.csv"}, 5)
    data["horizon"] = {"duration_h": 30, "interval_min": 30, "start": "20:00"}
    sc = load_scenario(write(tmp_path, data, {"f.csv": day}))
    hours = [(20 + i // 2) % 24 for i in range(60)]
    assert sc.call_types[0].arrivals.per_interval == [h * 2.0 for h in hours]


def test_agents_of_groups_that_repeat_across_centres_are_named_centre_slash_group(tmp_path):
    data = base({"csv": "f.csv"}, {"csv": "a.csv"})
    data["networks"] = [{"id": "north", "share": 0.5}, {"id": "south", "share": 0.5}]
    data["centers"].append(
        {"id": "north_centre", "kind": "local", "network": "north",
         "groups": [{"id": "team", "skills": ["general"], "agents": {"csv": "a.csv"}}]}
    )  # fmt: skip
    rows = "".join(
        f"{t},main/team,{a}\n{t},north_centre/team,{a + 1}\n"
        for t, a in zip(clocks(), AGENTS, strict=True)
    )
    path = write(
        tmp_path, data, {"f.csv": FORECAST, "a.csv": "interval_start,group,agents\n" + rows}
    )
    sc = load_scenario(path)
    assert sc.centers[0].groups[0].agents.per_interval == AGENTS
    assert sc.centers[1].groups[0].agents.per_interval == [a + 1 for a in AGENTS]
    # the written plan names them the same way, and reads back
    text = agents_csv(sc, [AGENTS, AGENTS])
    assert text.splitlines()[:3] == [
        "interval_start,group,agents",
        "09:00,main/team,6",
        "09:30,main/team,7",
    ]
    (tmp_path / "a.csv").write_text(
        "interval_start,group,agents\n" + rows.replace("main/team", "team")
    )
    found = problems(path)
    assert any(
        "a.csv row 2, column B (group): is a group of several centres: write centre/group "
        "(main/team, north_centre/team), got 'team'" in p
        for p in found
    ), found


def test_a_bad_forecast_lists_every_problem_with_file_row_and_column(tmp_path):
    text = (
        "interval_start,call_type,calls_per_interval\n"
        "09:00,general,40\n"
        "09:15,general,5\n"  # off the grid
        "09:30,general,-3\n"  # negative
        "10:00,general,lots\n"  # not a number
        "10:00,billing,4\n"  # unknown call type
        "09:00,general,41\n"  # duplicate
        "25:00,general,1\n"  # not a clock time
    )  # 10:30 to 11:30 missing
    data = base({"csv": "f.csv"}, {"csv": "missing.csv"})
    found = problems(write(tmp_path, data, {"f.csv": text}))
    f = str(tmp_path / "f.csv")
    expected = [
        f"{f} row 3, column A (interval_start): is not on the scenario's grid (intervals of 30 min from 09:00), got '09:15'",
        f"{f} row 4, column C (calls_per_interval): must be >= 0, got -3.0",
        f"{f} row 5, column C (calls_per_interval): must be a number, got 'lots'",
        f"{f} row 6, column B (call_type): is not a call type of the scenario, got 'billing'",
        f"{f} row 7: repeats row 2 (same interval and call_type)",
        f"{f} row 8, column A (interval_start): must be a clock time HH:MM, got '25:00'",
        f"{f}: call type 'general' has no row for 3 interval(s) of the period: 10:30, 11:00, 11:30",
        f"{tmp_path / 'missing.csv'}: file not found (named by centers[0].groups[0].agents.csv)",
    ]
    assert sorted(found) == sorted(expected), found


@pytest.mark.parametrize(
    ("header", "rule"),
    [
        (
            "calls_per_hour",
            "holds calls per hour? A table gives calls_per_interval",
        ),
        ("calls", "has no unit in its name: call it calls_per_interval"),
        ("aht", "has no unit in its name (seconds: aht_s)"),
        ("aht_s", "per-interval handle times are not simulated"),
    ],
)
def test_a_column_whose_unit_is_unclear_is_refused(tmp_path, header, rule):
    letter = "B" if header == "calls" else "C"
    text = f"interval_start,calls_per_interval,{header}\n" + "".join(f"{t},1,2\n" for t in clocks())
    if header == "calls":
        text = text.replace("calls_per_interval,", "")
    found = problems(write(tmp_path, base({"csv": "f.csv"}, 4), {"f.csv": text}))
    assert any(f"f.csv row 1, column {letter} ({header}): {rule}" in p for p in found), found


def test_bad_agents_rows(tmp_path):
    text = (
        "interval_start,group,agents\n"
        + "".join(f"{t},team,4\n" for t in clocks()[:-1])
        + "11:30,team,4.5\n"
        + "11:30,nobody,2\n"
    )
    found = problems(write(tmp_path, base({"rate_per_h": 60}, {"csv": "a.csv"}), {"a.csv": text}))
    assert any(
        "a.csv row 7, column C (agents): must be a whole number, got 4.5" in p for p in found
    )
    assert any(
        "a.csv row 8, column B (group): is not a group of the scenario, got 'nobody'" in p
        for p in found
    )
    assert not any("has no row" in p for p in found), found  # 11:30 has a (bad) row


def test_dates_start_on_the_period_s_weekday_and_days_count_from_one(tmp_path):
    rows = "".join(
        f"2026-12-07,{t},{c}\n" for t, c in zip(clocks(), CALLS, strict=True)
    )  # a Monday
    path = write(
        tmp_path,
        base({"csv": "f.csv"}, 4),
        {"f.csv": "date,interval_start,calls_per_interval\n" + rows},
    )
    assert any(
        "f.csv: starts on 2026-12-07 (mon): the first date is the period's first day, a tue" in p
        for p in problems(path)
    )
    (tmp_path / "f.csv").write_text(
        "day,interval_start,calls_per_interval\n" + rows.replace("2026-12-07", "1")
    )
    assert load_scenario(path).call_types[0].arrivals.per_interval == [c * 2.0 for c in CALLS]


def test_a_csv_form_goes_alone_and_a_file_without_names_serves_one_reader(tmp_path):
    data = base({"csv": "f.csv", "rate_per_h": 5}, 4)
    found = problems(write(tmp_path, data, {"f.csv": FORECAST}))
    assert len(found) == 1
    assert found[0].startswith("call_types[0].arrivals (line ")
    assert found[0].endswith(
        "): csv goes alone (no rate_per_h beside it) (at call_types.general.arrivals)"
    )
    data = base({"csv": "f.csv"}, 4)
    data["call_types"].append({**data["call_types"][0], "id": "other"})
    found = problems(write(tmp_path, data, {"f.csv": FORECAST}))
    assert any(
        "has no call_type column, but 2 call types read it (general, other)" in p for p in found
    )


def test_the_json_schema_describes_the_csv_forms():
    defs = json_schema()["$defs"]
    assert "calls_per_interval" in defs["Arrivals"]["properties"]["csv"]["description"]
    assert {"$ref": "#/$defs/CsvTable"} in defs["Group"]["properties"]["agents"]["oneOf"]
    assert "agents" not in defs["Group"]["required"]


def test_the_csv_forms_and_a_group_without_agents_validate_against_the_json_schema():
    jsonschema = pytest.importorskip("jsonschema")
    check = jsonschema.Draft202012Validator(json_schema())
    data = base({"csv": "f.csv"}, {"csv": "a.csv"})
    assert list(check.iter_errors(data)) == []
    del data["centers"][0]["groups"][0]["agents"]
    assert list(check.iter_errors(data)) == []
    data["call_types"][0]["arrivals"]["calls_per_hour"] = 3
    assert list(check.iter_errors(data))
