"""Quirks of real ACD exports: each read as meant, or its rows left out and counted per reason."""

import gzip

import pandas as pd
import pytest

from ccsim.data.calllog import load_call_log, read_call_log
from ccsim.errors import InputError

HEAD = "arrival,call_type,outcome,wait_s,talk_s,agent,caller_id"
CALLS = [
    "2026-03-05 08:00:10,billing,answered,12,180,A1,1381",
    "2026-03-05 08:01:00,billing,abandoned,40,,,1382",
    "2026-03-05 08:02:30,fault,answered,0,95,A2,1383",
    "2026-03-05 08:03:00,fault,answered,5,240,A1,1384",
]


def write(tmp_path, text, name="log.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return p


def body(*lines, head=HEAD, sep=","):
    return "".join(x.replace(",", sep) + "\n" for x in (head, *lines))


def skipped(log):
    return {s.reason: (s.rows, s.examples) for s in log.skipped}


def problems(path, map=None):
    with pytest.raises(InputError) as exc:
        read_call_log(path, map)
    return [str(p) for p in exc.value.problems]


# --- layout of the file ------------------------------------------------------------------


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_a_delimiter_the_map_does_not_declare_is_detected(tmp_path, sep):
    log = load_call_log(write(tmp_path, body(*CALLS, sep=sep)))
    assert len(log.frame) == 4 and log.frame["talk_s"].sum() == 515
    assert any("(detected from the header line)" in n for n in log.notes)


def test_a_declared_delimiter_is_not_second_guessed(tmp_path):
    log = write(tmp_path, body(*CALLS, sep=";"))
    m = write(tmp_path, "csv: {delimiter: ','}\n", "m.yaml")
    assert any("is required" in p for p in problems(log, m))


def test_semicolons_and_decimal_commas_without_a_map(tmp_path):
    line = "2026-03-05 08:00:10;billing;answered;12,5;180,25;A1;1381\n"
    log = load_call_log(write(tmp_path, HEAD.replace(",", ";") + "\n" + line))
    assert log.frame["wait_s"].tolist() == [12.5] and log.frame["talk_s"].tolist() == [180.25]


def test_a_utf8_byte_order_mark_does_not_hide_the_first_column(tmp_path):
    log = load_call_log(write(tmp_path, "\ufeff" + body(*CALLS)))
    assert len(log.frame) == 4


def test_gbk_export_with_chinese_headers_reads_through_its_map(tmp_path):
    head = "来电时间,技能组,结果,排队时长,通话时长,坐席,主叫号码"
    lines = [c.replace("answered", "已接听").replace("abandoned", "放弃") for c in CALLS]
    log = write(tmp_path, body(*lines, head=head), encoding="gbk")
    m = write(
        tmp_path,
        "csv: {encoding: gbk}\nfields:\n  arrival: 来电时间\n  call_type: 技能组\n"
        "  outcome: {column: 结果, values: {已接听: answered, 放弃: abandoned}}\n"
        "  wait_s: 排队时长\n  talk_s: 通话时长\n  agent: 坐席\n  caller_id: 主叫号码\n",
        "m.yaml",
    )
    df = read_call_log(log, m)
    assert df["outcome"].tolist() == ["answered", "abandoned", "answered", "answered"]
    (p,) = problems(log)
    assert "gb18030 or gbk" in p and p.startswith("LOG: cannot be read as utf-8 text")


def test_a_repeated_header_line_is_left_out_and_counted(tmp_path):
    log = load_call_log(write(tmp_path, body(CALLS[0], CALLS[1], HEAD, CALLS[2], CALLS[3])))
    assert len(log.frame) == 4 and log.frame["talk_s"].sum() == 515
    assert skipped(log) == {"repeated header line (exports joined together)": (1, [4])}


def test_a_repeated_header_keeps_numeric_seconds_numeric(tmp_path):
    head = "arrival,call_type,outcome"
    text = body("10,q,answered", head, "70.5,q,abandoned", head=head)
    df = read_call_log(write(tmp_path, text), None, "2026-03-05 08:00")
    assert df["arrival"].dt.strftime("%H:%M:%S.%f").tolist() == [
        "08:00:10.000000",
        "08:01:10.500000",
    ]


@pytest.mark.parametrize(
    "total",
    ["Total,,4,,515,,", "合计,,4,,515,,", "Grand total: 4 calls,,,,,,", ",Summary,,,,,"],
)
def test_a_totals_line_is_left_out_and_counted(tmp_path, total):
    log = load_call_log(write(tmp_path, body(*CALLS, total)))
    assert len(log.frame) == 4
    assert skipped(log) == {"totals or summary line": (1, [6])}


def test_a_call_type_named_total_is_a_call(tmp_path):
    line = "2026-03-05 08:00:10,Total care,answered,12,180,A1,1381"
    log = load_call_log(write(tmp_path, body(line)))
    assert log.frame["call_type"].tolist() == ["Total care"] and log.skipped == []


def test_exact_repeats_naming_a_caller_are_left_out(tmp_path):
    log = load_call_log(write(tmp_path, body(*CALLS, *CALLS[:2])))
    assert len(log.frame) == 4
    assert skipped(log) == {
        "repeats an earlier row (same caller or agent, time and result)": (2, [6, 7])
    }


def test_exact_repeats_naming_no_one_are_kept_with_a_note(tmp_path):
    head = "arrival,call_type,outcome,wait_s"
    lines = ["2026-03-05 08:00:10,q,abandoned,3"] * 2 + ["2026-03-05 08:00:11,q,answered,3"]
    log = load_call_log(write(tmp_path, body(*lines, head=head)))
    assert len(log.frame) == 3 and log.skipped == []
    assert any(n.startswith("1 row repeats an earlier row") for n in log.notes)


def test_an_answered_repeat_by_the_same_agent_is_left_out(tmp_path):
    head = "arrival,call_type,outcome,talk_s,agent"
    line = "2026-03-05 08:00:10,q,answered,30,A1"
    log = load_call_log(write(tmp_path, body(line, line, head=head)))
    assert len(log.frame) == 1


def test_an_arrival_far_from_every_other_call_is_left_out(tmp_path):
    far = "2062-03-05 08:00:00,billing,answered,12,180,A9,1399"
    lines = [
        f"2026-03-05 08:{i // 60:02d}:{i % 60:02d},billing,answered,3,60,A1,{i}" for i in range(99)
    ]
    log = load_call_log(write(tmp_path, body(*lines[:50], far, *lines[50:])))
    assert len(log.frame) == 99 and log.frame["arrival"].min().year == 2026
    assert skipped(log) == {"arrival over 28 days from every other call (a wrong date?)": (1, [52])}


def test_two_long_periods_apart_are_both_kept(tmp_path):
    march = [f"2026-03-05 08:00:{i:02d},q,answered,3,60,A1,{i}" for i in range(30)]
    june = [f"2026-06-05 08:00:{i:02d},q,answered,3,60,A1,{i}" for i in range(30)]
    log = load_call_log(write(tmp_path, body(*march, *june)))
    assert len(log.frame) == 60 and log.skipped == []


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("log.xlsx", b"PK\x03\x04rest"),
        ("log.xls", b"\xd0\xcf\x11\xe0rest"),
        ("log.csv", b"PK\x03\x04"),
    ],
)
def test_an_excel_workbook_is_refused_with_what_to_do(tmp_path, name, data):
    (p,) = problems(write(tmp_path, data, name))
    assert "is a spreadsheet workbook" in p and "save the sheet as CSV" in p and "openpyxl" in p


def test_a_gzipped_semicolon_export(tmp_path):
    log = load_call_log(write(tmp_path, gzip.compress(body(*CALLS, sep=";").encode()), "l.csv.gz"))
    assert len(log.frame) == 4


# --- values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("195s", 195.0),
        ("3m15s", 195.0),
        ("3 min 15 sec", 195.0),
        ("1h2m3s", 3723.0),
        ("2.5 min", 150.0),
        ("1500ms", 1.5),
        ("3分15秒", 195.0),
        ("195秒", 195.0),
        ("00:03:15", 195.0),
        ("3:15", 195.0),
    ],
)
def test_durations_written_with_units(tmp_path, text, seconds):
    line = f"2026-03-05 08:00:10,q,answered,{text}"
    df = read_call_log(write(tmp_path, body(line, head="arrival,call_type,outcome,talk_s")))
    assert df["talk_s"].tolist() == [seconds]


@pytest.mark.parametrize("text", ["3 parsecs", "s15", "3m 15", "m"])
def test_words_that_are_not_units_are_not_durations(tmp_path, text):
    line = f"2026-03-05 08:00:10,q,answered,{text}"
    (p,) = problems(write(tmp_path, body(line, head="arrival,call_type,outcome,talk_s")))
    assert "is not a duration" in p


def test_a_duration_longer_than_a_day_is_a_problem(tmp_path):
    line = "2026-03-05 08:00:10,q,answered,195000"
    (p,) = problems(write(tmp_path, body(line, head="arrival,call_type,outcome,talk_s")))
    assert p == (
        "line 2, talk_s (column talk_s): is longer than a day: no call lasts that long "
        "(a wrong unit?), got 195000"
    )


def test_a_comma_before_three_digits_is_not_guessed(tmp_path):
    head = "arrival,call_type,outcome,talk_s"
    log = write(tmp_path, body('2026-03-05 08:00:10,q,answered,"1,234"', head=head))
    (p,) = problems(log)
    assert "a thousands separator or a decimal comma?" in p and p.endswith("got '1,234'")
    m = write(tmp_path, "csv: {decimal: ','}\n", "m.yaml")
    assert read_call_log(log, m)["talk_s"].tolist() == [1.234]


def test_a_decimal_comma_before_one_digit_reads(tmp_path):
    head = "arrival,call_type,outcome,talk_s"
    df = read_call_log(write(tmp_path, body('2026-03-05 08:00:10,q,answered,"12,5"', head=head)))
    assert df["talk_s"].tolist() == [12.5]


SERIALS = ["46086.33344907", "46086.33402778", "46086.3349537"]  # 2026-03-05 08:00:10 ...


def test_excel_serial_dates_are_detected_and_said(tmp_path):
    lines = [f"{v},q,answered" for v in SERIALS]
    log = load_call_log(write(tmp_path, body(*lines, head="arrival,call_type,outcome")))
    assert log.frame["arrival"].dt.strftime("%Y-%m-%d %H:%M:%S").tolist() == [
        "2026-03-05 08:00:10",
        "2026-03-05 08:01:00",
        "2026-03-05 08:02:20",
    ]
    assert any("Excel serial dates" in n for n in log.notes)


def test_a_declared_unit_reads_such_numbers_as_seconds(tmp_path):
    lines = [f"{v},q,answered" for v in SERIALS]
    log = write(tmp_path, body(*lines, head="arrival,call_type,outcome"))
    m = write(tmp_path, "fields:\n  arrival: {column: arrival, unit: s}\n", "m.yaml")
    df = read_call_log(log, m, "2026-03-05 00:00")
    assert df["arrival"].dt.strftime("%Y-%m-%d %H").tolist() == ["2026-03-05 12"] * 3


def test_format_excel_reads_serials_written_with_a_decimal_comma(tmp_path):
    lines = [f"{v.replace('.', ',')};q;answered" for v in SERIALS]
    log = write(tmp_path, body(*lines, head="arrival;call_type;outcome"))
    m = write(tmp_path, "fields:\n  arrival: {column: arrival, format: excel}\n", "m.yaml")
    df = read_call_log(log, m)
    assert df["arrival"].dt.strftime("%H:%M:%S").tolist() == ["08:00:10", "08:01:00", "08:02:20"]


def test_seconds_over_a_working_day_stay_seconds(tmp_path):
    lines = [f"{s},q,answered" for s in (36000.5, 39600.25, 43200.75)]
    df = read_call_log(write(tmp_path, body(*lines, head="arrival,call_type,outcome")))
    assert df["arrival"].dt.strftime("%H:%M:%S").tolist() == ["10:00:00", "11:00:00", "12:00:00"]


def test_day_and_month_both_possible_is_said(tmp_path):
    lines = ["05/03/2026 08:00:10,q,answered", "05/03/2026 09:00:10,q,answered"]
    log = load_call_log(write(tmp_path, body(*lines, head="arrival,call_type,outcome")))
    (note,) = [n for n in log.notes if "also reads as" in n]
    assert "read as %m/%d/%Y %H:%M:%S; every value also reads as %d/%m/%Y %H:%M:%S" in note


def test_day_and_month_order_keeping_the_days_together_is_taken(tmp_path):
    # day first these are 1 to 3 March; month first, 3 January to 3 March
    lines = [f"0{d}/03/2026 08:00:10,q,answered" for d in (1, 2, 3)]
    log = load_call_log(write(tmp_path, body(*lines, head="arrival,call_type,outcome")))
    assert log.frame["arrival"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-03-01",
        "2026-03-02",
        "2026-03-03",
    ]


def test_a_placeholder_answer_time_is_not_known(tmp_path):
    head = "arrival,call_type,outcome,answer"
    lines = [
        "2026-03-05 08:00:10,q,answered,2026-03-05 08:00:40",
        "2026-03-05 08:01:00,q,abandoned,1900-01-01 00:00:00",
    ]
    log = load_call_log(write(tmp_path, body(*lines, head=head)))
    assert log.frame["wait_s"].tolist()[0] == 30 and pd.isna(log.frame["answer"].iloc[1])
    assert any("placeholder for no time" in n for n in log.notes)


def test_calls_across_midnight_keep_their_dates(tmp_path):
    lines = [
        "2026-03-05 23:59:50,q,answered,2026-03-06 00:00:20",
        "2026-03-06 00:00:05,q,answered,2026-03-06 00:00:30",
    ]
    df = read_call_log(write(tmp_path, body(*lines, head="arrival,call_type,outcome,answer")))
    assert df["wait_s"].tolist() == [30.0, 25.0]


def test_outcome_words_in_any_case_and_spacing(tmp_path):
    lines = ["2026-03-05 08:00:10,q, Answered ", "2026-03-05 08:00:11,q,ABANDONED"]
    df = read_call_log(write(tmp_path, body(*lines, head="arrival,call_type,outcome")))
    assert df["outcome"].tolist() == ["answered", "abandoned"]


def test_twelve_hour_clock_with_slashes(tmp_path):
    lines = ["2026/3/5 8:03:07 PM,q,answered", "2026/3/5 11:59:59 AM,q,answered"]
    df = read_call_log(write(tmp_path, body(*lines, head="arrival,call_type,outcome")))
    assert df["arrival"].dt.strftime("%H:%M:%S").tolist() == ["11:59:59", "20:03:07"]


def test_a_delimiter_ending_every_data_line_keeps_the_columns(tmp_path):
    lines = [c + "," for c in CALLS]
    log = load_call_log(write(tmp_path, body(*lines)))
    assert log.frame["call_type"].tolist() == ["billing", "billing", "fault", "fault"]
    assert log.frame["talk_s"].sum() == 515 and log.skipped == []


def test_a_row_with_more_fields_than_the_header_is_left_out(tmp_path):
    shifted = "2026-03-05 08:04:00,fault,answered,5,240,Smith, J,1385"
    log = load_call_log(write(tmp_path, body(*CALLS, shifted)))
    assert len(log.frame) == 4
    assert skipped(log) == {"more fields than the header (a delimiter inside a value?)": (1, [6])}


def test_answer_times_of_day_across_midnight(tmp_path):
    head = "arrival,call_type,outcome,answer"
    lines = [
        "2026-03-05 23:59:50,q,answered,00:00:20",
        "2026-03-05 08:00:00,q,answered,08:00:00",
        "2026-03-05 09:00:00,q,abandoned,",
    ]
    log = load_call_log(write(tmp_path, body(*lines, head=head)))
    wait = log.frame["wait_s"]  # sorted by arrival: 08:00, 09:00, 23:59:50
    assert wait.iloc[0] == 0.0 and pd.isna(wait.iloc[1]) and wait.iloc[2] == 30.0
    assert log.frame["answer"].iloc[2] == pd.Timestamp("2026-03-06 00:00:20")
    assert any("put on the arrival's date" in n for n in log.notes)


def test_an_answer_time_of_day_a_little_before_the_arrival_is_a_problem(tmp_path):
    head = "arrival,call_type,outcome,answer"
    (p,) = problems(write(tmp_path, body("2026-03-05 08:00:30,q,answered,08:00:00", head=head)))
    assert p == "line 2, answer: is before the arrival, got '2026-03-05 08:00:00'"


def test_parquet_timestamps_and_durations_keep_their_types(tmp_path):
    df = pd.DataFrame(
        {
            "arrival": pd.to_datetime(["2026-03-05 08:00:10", "2026-03-05 08:01:00"]).tz_localize(
                "Asia/Shanghai"
            ),
            "call_type": ["q", "q"],
            "outcome": ["answered", "abandoned"],
            "talk_s": pd.to_timedelta([195, None], unit="s"),
        }
    )
    df.to_parquet(tmp_path / "log.parquet")
    out = read_call_log(tmp_path / "log.parquet")
    assert out["arrival"].dt.strftime("%H:%M:%S").tolist() == ["08:00:10", "08:01:00"]
    assert out["talk_s"].tolist()[0] == 195.0 and pd.isna(out["talk_s"].iloc[1])


def test_outcome_words_in_chinese_are_read_and_said(tmp_path):
    lines = [
        f"2026-03-05 08:00:1{i},q,{w}" for i, w in enumerate(["已接听", "放弃", "占线", "Busy"])
    ]
    log = load_call_log(write(tmp_path, body(*lines, head="arrival,call_type,outcome")))
    assert log.frame["outcome"].tolist() == ["answered", "abandoned", "blocked", "blocked"]
    (note,) = [n for n in log.notes if n.startswith("outcome (column outcome): read")]
    assert "'已接听' as answered" in note and "'Busy' as blocked" in note


def test_ivr_words_in_any_spacing(tmp_path):
    head = "arrival,call_type,outcome,ivr_outcome"
    lines = ["2026-03-05 08:00:10,q,ivr,Self-Service", "2026-03-05 08:00:11,q,answered,To Agent"]
    df = read_call_log(write(tmp_path, body(*lines, head=head)))
    assert df["ivr_outcome"].tolist() == ["self_service", "to_agent"]


def test_a_word_with_two_meanings_is_still_a_problem(tmp_path):
    log = write(tmp_path, body("2026-03-05 08:00:10,q,connected", head="arrival,call_type,outcome"))
    (p,) = problems(log)
    assert "is not one of answered, abandoned, blocked, ivr, ignore" in p


def test_the_maps_words_come_before_the_common_ones(tmp_path):
    log = write(tmp_path, body("2026-03-05 08:00:10,q,busy", head="arrival,call_type,outcome"))
    m = write(tmp_path, "fields:\n  outcome: {column: outcome, values: {busy: ignore}}\n", "m.yaml")
    assert len(read_call_log(log, m)) == 0


def test_a_column_name_with_a_comma_in_a_semicolon_export(tmp_path):
    head = "CALL_DATE;TIME, local;SKILL;RESULT"
    log = write(tmp_path, head + "\n2026-03-05;08:00:00;q;answered\n")
    m = write(
        tmp_path,
        "fields:\n  arrival: {columns: [CALL_DATE, 'TIME, local']}\n  call_type: SKILL\n"
        "  outcome: RESULT\n",
        "m.yaml",
    )
    assert read_call_log(log, m)["arrival"].tolist() == [pd.Timestamp("2026-03-05 08:00")]


@pytest.mark.parametrize(
    ("text", "decimal", "seconds"),
    [
        ('"1,234.5"', ".", 1234.5),
        ('"12,345.0"', ".", 12345.0),
        ("1.234,5", ",", 1234.5),
        ("1.234", ",", 1234.0),
    ],
)
def test_thousands_separators_beside_the_decimal_mark(tmp_path, text, decimal, seconds):
    sep = "," if decimal == "." else ";"
    head = sep.join(["arrival", "call_type", "outcome", "talk_s"])
    log = write(tmp_path, f"{head}\n2026-03-05 08:00:10{sep}q{sep}answered{sep}{text}\n")
    m = write(tmp_path, f"csv: {{delimiter: '{sep}', decimal: '{decimal}'}}\n", "m.yaml")
    assert read_call_log(log, m)["talk_s"].tolist() == [seconds]


@pytest.mark.parametrize("dash", ["-", "--", "\u2014"])
def test_a_dash_is_not_known(tmp_path, dash):
    lines = [
        f"2026-03-05 08:00:10,q,abandoned,{dash},{dash}",
        "2026-03-05 08:00:11,q,answered,3,60",
    ]
    df = read_call_log(
        write(tmp_path, body(*lines, head="arrival,call_type,outcome,wait_s,talk_s"))
    )
    assert df["talk_s"].isna().tolist() == [True, False]


def test_durations_that_look_like_milliseconds_are_said(tmp_path):
    lines = [f"2026-03-05 08:00:1{i},q,answered,{t}" for i, t in enumerate([45000, 60000, 80000])]
    log = load_call_log(write(tmp_path, body(*lines, head="arrival,call_type,outcome,talk_s")))
    (note,) = [n for n in log.notes if "over an hour" in n]
    assert note == (
        "talk_s (column talk_s): half the values are over an hour (median 60,000 s): "
        "is the unit right (unit: ms, min)?"
    )


def test_report_title_lines_above_the_header_are_skipped_and_said(tmp_path):
    text = "Call detail report\nSite: Hangzhou, 2026-03-05\n\n" + body(*CALLS[:2], "Total,,2,,,,")
    log = load_call_log(write(tmp_path, text))
    assert len(log.frame) == 2
    assert skipped(log) == {"totals or summary line": (1, [7])}  # the file's own line
    assert any(n.startswith("the header is line 4: the 3 line(s) above") for n in log.notes)


def test_a_declared_skip_rows_is_not_second_guessed(tmp_path):
    log = write(tmp_path, "Call detail report\n" + body(*CALLS))
    m = write(tmp_path, "csv: {skip_rows: 0}\n", "m.yaml")
    assert any("is required" in p for p in problems(log, m))


@pytest.mark.parametrize(
    "written",
    [
        "05.03.2026 20:03:07",
        "2026年3月5日 20:03:07",
        "2026/3/5 8:03:07 PM",
        "3/5/2026 8:03:07 PM",
        "20260305200307",
        "2026-03-05T20:03:07+08:00",
    ],
)
def test_one_time_written_the_ways_exports_write_it(tmp_path, written):
    text = body(f"{written},q,answered", f"{written},q,abandoned", head="arrival,call_type,outcome")
    df = read_call_log(write(tmp_path, text))
    assert df["arrival"].tolist() == [pd.Timestamp("2026-03-05 20:03:07")] * 2


def test_seconds_too_large_for_a_time_are_a_problem(tmp_path):
    text = body("10,q,answered", "1e15,q,answered", head="arrival,call_type,outcome")
    (p,) = problems(write(tmp_path, text))
    assert p == (
        "line 3, arrival (column arrival): is not a number of seconds (over a hundred years), "
        "got 1000000000000000.0"
    )


def test_format_excel_with_a_number_no_spreadsheet_holds_is_a_problem(tmp_path):
    log = write(
        tmp_path, body("46086.5,q,answered", "1e15,q,answered", head="arrival,call_type,outcome")
    )
    m = write(tmp_path, "fields:\n  arrival: {column: arrival, format: excel}\n", "m.yaml")
    (p,) = problems(log, m)
    assert p.startswith("line 3, arrival (column arrival): is not an Excel serial date")


def test_a_numeric_id_too_long_for_a_whole_number_is_kept_as_written(tmp_path):
    text = body(
        "2026-03-05 08:00:10,q,answered,1e300",
        "2026-03-05 08:00:11,q,answered,17",
        head="arrival,call_type,outcome,caller_id",
    )
    df = read_call_log(write(tmp_path, text))
    assert df["caller_id"].tolist() == ["1e+300", "17"]


# --- found in review: each read as meant -----------------------------------------------


def test_a_clock_duration_with_a_decimal_comma_or_a_bad_part(tmp_path):
    """``0:01:05,5`` is 65.5 s (not 1 s); ``1:2:x`` is a problem (not 62 s)."""
    good = body(
        "2026-03-05 08:00:10,billing,answered,12,0:01:05.5,A1,1381",
        head=HEAD,
    ).replace("0:01:05.5", '"0:01:05,5"')
    log = load_call_log(write(tmp_path, good))
    assert log.frame["talk_s"].tolist() == [65.5]
    bad = body("2026-03-05 08:00:10,billing,answered,12,1:2:x,A1,1381")
    assert any("talk_s" in p and "'1:2:x'" in p for p in problems(write(tmp_path, bad, "b.csv")))


def test_dots_as_decimal_points_are_kept_whatever_the_decimal_mark(tmp_path):
    """With ``decimal: ','``, a column that also has 1.5 and 3.25 reads 12.345 as 12.345 s."""
    lines = [
        "2026-03-05 08:00:10;billing;answered;1;1.5;A1;1381",
        "2026-03-05 08:01:10;billing;answered;1;12.345;A1;1382",
        "2026-03-05 08:02:10;billing;answered;1;3.25;A1;1383",
    ]
    m = write(tmp_path, "csv: {delimiter: ';', decimal: ','}\n", "m.yaml")
    log = load_call_log(write(tmp_path, body(*lines, sep=";")), m)
    assert log.frame["talk_s"].tolist() == [1.5, 12.345, 3.25]
    # thousands groups alone still read as thousands
    lines = ["2026-03-05 08:00:10;billing;answered;1;1.234;A1;1381"]
    log = load_call_log(write(tmp_path, body(*lines, sep=";"), "t.csv"), m)
    assert log.frame["talk_s"].tolist() == [1234.0]


def test_a_zero_placeholder_keeps_excel_dates_detected(tmp_path):
    head = "arrival,call_type,outcome,talk_s,answer"
    lines = [
        "46086.3334,q,answered,100,46086.3335",
        "46086.40,q,abandoned,,0",
        "46087.41,q,answered,90,46087.4101",
    ]
    log = load_call_log(write(tmp_path, body(*lines, head=head)))
    assert log.frame["arrival"].dt.year.tolist() == [2026] * 3
    assert log.frame["answer"].isna().tolist() == [False, True, False]


def test_withheld_caller_ids_name_nobody(tmp_path):
    """Two blocked calls from withheld numbers in the same minute are two calls."""
    head = "arrival,call_type,outcome,caller_id"
    lines = ["2026-03-05 08:00,a,blocked,anonymous", "2026-03-05 08:00,a,blocked,anonymous"]
    log = load_call_log(write(tmp_path, body(*lines, head=head)))
    assert len(log.frame) == 2
    lines = ["2026-03-05 08:00,a,blocked,13800001111", "2026-03-05 08:00,a,blocked,13800001111"]
    log = load_call_log(write(tmp_path, body(*lines, head=head), "n.csv"))
    assert len(log.frame) == 1


def test_times_of_day_stay_within_twelve_hours_of_the_arrival(tmp_path):
    """00:00:00 is a placeholder; a clock a second behind at midnight is a problem, not a day."""
    head = "arrival,call_type,outcome,answer,talk_s"
    lines = [
        "2026-03-05 15:00:00,q,abandoned,00:00:00,",
        "2026-03-05 23:59:50,q,answered,00:00:05,30",
    ]
    log = load_call_log(write(tmp_path, body(*lines, head=head)))
    assert log.frame["answer"].isna().tolist() == [True, False]
    assert log.frame["answer"].iloc[1] == pd.Timestamp("2026-03-06 00:00:05")
    assert any("1 time of 00:00:00" in n for n in log.notes)
    skew = ["2026-03-06 00:00:01,q,answered,23:59:59,30"]
    found = problems(write(tmp_path, body(*skew, head=head), "skew.csv"))
    assert any("before the arrival" in p for p in found), found


def test_a_quoted_value_over_two_lines_keeps_the_later_lines_numbers(tmp_path):
    # an agent's note written over two lines: one row of two lines; the bad talk time
    # below it is on the file's line 5, not 4
    text = body(
        CALLS[0], CALLS[1] + ',"called back\nno answer"', CALLS[2].replace(",95,", ",xx,"),
        head=HEAD + ",note",
    )  # fmt: skip
    assert problems(write(tmp_path, text))[0].startswith("line 5, talk_s")
    gz = write(tmp_path, gzip.compress(text.encode()), name="log.csv.gz")
    assert problems(gz)[0].startswith("line 5, talk_s")


def test_a_quoted_value_over_lines_gives_skipped_rows_their_lines(tmp_path):
    text = body(
        '2026-03-05 08:00:10,billing,answered,12,180,A1,1381,"line one\nline two\nline three"',
        "Total,,,,,,,",
        *CALLS[1:],
        head=HEAD + ",note",
    )  # fmt: skip
    log = load_call_log(write(tmp_path, text))
    assert len(log.frame) == 4
    assert list(skipped(log).values()) == [(1, [5])]


def test_a_long_quoted_value_over_lines_keeps_the_line_numbers(tmp_path):
    # a pasted transcript longer than the csv module's default field limit (128 KiB)
    note = '"' + "x" * 200_000 + '\nend"'
    text = body(CALLS[0] + "," + note, CALLS[2].replace(",95,", ",xx,"), head=HEAD + ",note")
    assert problems(write(tmp_path, text))[0].startswith("line 4, talk_s")


def test_a_column_name_over_two_lines_keeps_the_line_numbers(tmp_path):
    # Excel wraps a long header cell: the header is lines 1-2, the rows start on line 3
    text = body(CALLS[0] + ",ok", CALLS[2].replace(",95,", ",xx,") + ",ok", head=HEAD + ',"agent note\n(free text)"')  # fmt: skip
    assert problems(write(tmp_path, text))[0].startswith("line 4, talk_s")


def test_a_title_over_two_quoted_lines_is_found_and_keeps_the_line_numbers(tmp_path):
    # pandas skips records, not lines: the title is one record of lines 1-2
    text = '"Daily report\neast centre"\n' + body(CALLS[0], CALLS[2].replace(",95,", ",xx,"))
    assert problems(write(tmp_path, text))[0].startswith("line 5, talk_s")
    log = load_call_log(write(tmp_path, body(*CALLS).replace(HEAD, '"Report\nnorth"\n' + HEAD)))
    assert len(log.frame) == 4
    assert any(
        n.startswith("the header is line 3: the 2 line(s) above it were skipped") for n in log.notes
    )


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_a_zipped_or_tarred_export_keeps_the_line_numbers(tmp_path, kind):
    import io
    import tarfile
    import zipfile

    text = body(CALLS[0] + ',"a\nnote"', CALLS[2].replace(",95,", ",xx,"), head=HEAD + ",note")
    p = tmp_path / f"log.csv.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(p, "w") as z:
            z.writestr("log.csv", text)
    else:
        with tarfile.open(p, "w:gz") as t:
            data = text.encode()
            info = tarfile.TarInfo("log.csv")
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    assert problems(p)[0].startswith("line 4, talk_s")
