"""Quirks of real ACD exports: each read as meant, or its rows left out and counted per reason."""

import gzip

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
    assert any(n.startswith("1 rows repeat an earlier row") for n in log.notes)


def test_an_answered_repeat_by_the_same_agent_is_left_out(tmp_path):
    head = "arrival,call_type,outcome,talk_s,agent"
    line = "2026-03-05 08:00:10,q,answered,30,A1"
    log = load_call_log(write(tmp_path, body(line, line, head=head)))
    assert len(log.frame) == 1


def test_an_arrival_far_from_every_other_call_is_left_out(tmp_path):
    far = "1970-01-01 00:00:00,billing,answered,12,180,A9,1399"
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
