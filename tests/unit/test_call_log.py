"""Reading call logs: a foreign export through a column map, every bad-row and map rule,
file kinds, derived fields, and ccsim's own per-call records."""

import gzip
import warnings

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ccsim.cli import cli
from ccsim.data.calllog import load_call_log, read_call_log
from ccsim.data.canonical import CANONICAL
from ccsim.errors import InputError

T0 = "2026-11-03 09:00:00"
CANON_HEAD = "arrival,call_type,outcome"
VOCAB = "is not one of answered, abandoned, blocked, ivr, ignore"


def write(tmp_path, text, name="log.csv"):
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def problems(log, map=None, **kw):
    """Every problem message of a log that does not read."""
    with pytest.raises(InputError) as exc:
        read_call_log(log, map, **kw)
    return [str(p) for p in exc.value.problems]


def rows(*lines, head=CANON_HEAD):
    return head + "\n" + "".join(line + "\n" for line in lines)


# --- a foreign export through a map ------------------------------------------------------

ACD_LOG = """\
CALL_DATE;CALL_TIME;SKILL;RESULT;SERVER;TALK_MS;QUEUE
03/11/2026;09:00:05;1;AGENT;A17;125500;00:12
03/11/2026;09:01:00;2;HANG;0;;01:05
03/11/2026;09:02:30;1;PHANTOM;NO_SERVER;;00:00
04/11/2026;08:59:59;2;AGENT;NO_SERVER;60000;2:00
03/11/2026;09:03:00;2;AGENT;A18;1000;10:00
"""

ACD_MAP = """\
# map for the ACD export
csv: {delimiter: ";"}
fields:
  arrival: {columns: [CALL_DATE, CALL_TIME], format: "%d/%m/%Y %H:%M:%S"}
  call_type: {column: SKILL, values: {1: query, 2: billing}}
  wait_s: QUEUE
  outcome: {column: RESULT, values: {AGENT: answered, HANG: abandoned, PHANTOM: ignore}}
  agent: {column: SERVER, missing: ["0", NO_SERVER]}
  talk_s: {column: TALK_MS, unit: ms}
"""


@pytest.fixture
def acd(tmp_path):
    return write(tmp_path, ACD_LOG), write(tmp_path, ACD_MAP, "map.yaml")


def test_foreign_export_reads_through_its_map_row_by_row(acd):
    df = read_call_log(*acd)
    assert list(df.columns) == CANONICAL
    assert list(df["arrival"]) == [
        pd.Timestamp("2026-11-03 09:00:05"),
        pd.Timestamp("2026-11-03 09:01:00"),
        pd.Timestamp("2026-11-03 09:03:00"),
        pd.Timestamp("2026-11-04 08:59:59"),
    ]
    assert list(df["call_type"]) == ["query", "billing", "billing", "billing"]
    assert list(df["outcome"]) == ["answered", "abandoned", "answered", "answered"]
    assert df["agent"].isna().tolist() == [False, True, False, True]
    assert list(df["agent"].dropna()) == ["A17", "A18"]
    assert df["talk_s"].tolist()[0] == 125.5
    assert np.isnan(df["talk_s"].iloc[1])
    assert df["talk_s"].tolist()[2:] == [1.0, 60.0]
    assert df["wait_s"].tolist() == [12.0, 65.0, 600.0, 120.0]
    # answered: answer = queue entry (= arrival, no IVR) + wait; abandoned: no answer
    assert df["answer"].iloc[0] == pd.Timestamp("2026-11-03 09:00:17")
    assert pd.isna(df["answer"].iloc[1])
    assert df["answer"].iloc[3] == pd.Timestamp("2026-11-04 09:01:59")
    assert (df["replication"] == 0).all()


def test_foreign_export_counts_the_ignored_row_with_its_line(acd):
    df = read_call_log(*acd)
    assert df.attrs["rows_read"] == 5
    assert df.attrs["skipped"] == [
        {"reason": "marked ignore in the log", "rows": 1, "examples": [4]}
    ]
    log = load_call_log(*acd)
    assert log.origin == "map"
    assert [(s.reason, s.rows, s.examples) for s in log.skipped] == [
        ("marked ignore in the log", 1, [4])
    ]


def test_a_loaded_map_object_reads_the_same(acd):
    from ccsim.data.logmap import load_map

    log, map_file = acd
    pd.testing.assert_frame_equal(read_call_log(log, load_map(map_file)), read_call_log(*acd))


def test_rows_without_arrival_call_type_or_outcome_are_skipped_per_reason(tmp_path):
    log = write(
        tmp_path,
        rows(
            f"{T0},q,answered",
            ",q,answered",
            f"{T0},,answered",
            f"{T0},q,",
            f"{T0},q,ignore",
            ",q,abandoned",
        ),
    )
    df = read_call_log(log)
    assert len(df) == 1
    assert df.attrs["skipped"] == [
        {"reason": "marked ignore in the log", "rows": 1, "examples": [6]},
        {"reason": "no arrival time", "rows": 2, "examples": [3, 7]},
        {"reason": "no call type", "rows": 1, "examples": [4]},
        {"reason": "no outcome", "rows": 1, "examples": [5]},
    ]


# --- bad rows: one test per rule ---------------------------------------------------------


def test_arrival_not_a_time_in_the_inferred_format(tmp_path):
    log = write(tmp_path, rows(f"{T0},q,answered", "yesterday,q,answered"))
    assert problems(log) == [
        "line 3, arrival (column arrival): is not a time in the format %Y-%m-%d %H:%M:%S, "
        "got 'yesterday'"
    ]


def test_arrival_not_a_time_when_no_format_can_be_guessed_asks_for_one(tmp_path):
    log = write(tmp_path, rows("yesterday,q,answered", f"{T0},q,answered"))
    assert problems(log) == [
        "line 2, arrival (column arrival): is not a time (give the field's format, "
        "e.g. '%d/%m/%Y %H:%M:%S'), got 'yesterday'"
    ]


def test_arrival_not_a_time_in_the_maps_format(tmp_path):
    log = write(tmp_path, rows("03/11/2026 09:00,q,answered", "2026-11-03 09:00,q,answered"))
    m = write(
        tmp_path, "fields:\n  arrival: {column: arrival, format: '%d/%m/%Y %H:%M'}\n", "m.yaml"
    )
    assert problems(log, m) == [
        "line 3, arrival (column arrival): is not a time in the format %d/%m/%Y %H:%M, "
        "got '2026-11-03 09:00'"
    ]


def test_a_format_with_a_bad_directive_is_a_map_problem(tmp_path):
    log = write(tmp_path, rows("03/11/2026 09:00,q,answered"))
    m = write(tmp_path, "fields:\n  arrival: {column: arrival, format: '%d/%m/%Y %Q'}\n", "m.yaml")
    (p,) = problems(log, m)
    assert p.startswith("fields.arrival.format (line 2): is not a strptime format (")
    assert "'Q' is a bad directive" in p and p.endswith("got '%d/%m/%Y %Q'")


def test_duration_not_a_duration(tmp_path):
    log = write(
        tmp_path,
        rows(f"{T0},q,answered,abc", f"{T0},q,answered,1:xx", head=CANON_HEAD + ",talk_s"),
    )
    rule = "talk_s (column talk_s): is not a duration (seconds, or h:mm:ss)"
    assert problems(log) == [f"line 2, {rule}, got 'abc'", f"line 3, {rule}, got '1:xx'"]


def test_duration_negative(tmp_path):
    log = write(
        tmp_path, rows(f"{T0},q,answered,30", f"{T0},q,answered,-5", head=CANON_HEAD + ",talk_s")
    )
    assert problems(log) == ["line 3, talk_s (column talk_s): is negative, got -5"]


def test_duration_negative_in_text_keeps_the_written_value(tmp_path):
    log = write(
        tmp_path, rows(f"{T0},q,answered,-0:05", f"{T0},q,answered,x", head=CANON_HEAD + ",wait_s")
    )
    assert problems(log) == [
        "line 3, wait_s (column wait_s): is not a duration (seconds, or h:mm:ss), got 'x'",
        "line 2, wait_s (column wait_s): is negative, got '-0:05'",
    ]


def test_durations_as_clock_text(tmp_path):
    log = write(
        tmp_path,
        rows(f"{T0},q,answered,0:45", f"{T0},q,answered,1:02:03", head=CANON_HEAD + ",talk_s"),
    )
    assert read_call_log(log)["talk_s"].tolist() == [45.0, 3723.0]


def test_a_negative_clock_duration_is_negative_as_a_whole(tmp_path):
    # -1:30 is -90 s, and -0:05 is -5 s (it used to read as +5 s, and pass)
    log = write(
        tmp_path,
        rows(f"{T0},q,answered,-1:30", f"{T0},q,answered,-0:05", head=CANON_HEAD + ",talk_s"),
    )
    rule = "talk_s (column talk_s): is negative"
    assert problems(log) == [f"line 2, {rule}, got '-1:30'", f"line 3, {rule}, got '-0:05'"]


def test_unknown_outcome_word_hints_at_values_when_the_map_gives_none(tmp_path):
    log = write(tmp_path, rows(f"{T0},q,answered", f"{T0},q,SERVED"))
    assert problems(log) == [
        f"line 3, outcome (column outcome): {VOCAB} (map the log's words in values), got 'SERVED'"
    ]


def test_unknown_outcome_word_without_the_hint_when_the_map_has_words(tmp_path):
    log = write(tmp_path, rows(f"{T0},q,AGENT", f"{T0},q,WHAT", head="arrival,call_type,R"))
    m = write(tmp_path, "fields:\n  outcome: {column: R, values: {AGENT: answered}}\n", "m.yaml")
    assert problems(log, m) == [f"line 3, outcome (column R): {VOCAB}, got 'WHAT'"]


def test_unknown_ivr_outcome_word(tmp_path):
    log = write(tmp_path, rows(f"{T0},q,menu", head="arrival,call_type,ivr_outcome"))
    assert problems(log) == [
        "line 2, ivr_outcome (column ivr_outcome): is not one of self_service, abandoned, "
        "to_agent, ignore (map the log's words in values), got 'menu'"
    ]


def test_answer_before_arrival(tmp_path):
    log = write(tmp_path, rows(f"{T0},q,answered,2026-11-03 08:59:00", head=CANON_HEAD + ",answer"))
    assert problems(log) == ["line 2, answer: is before the arrival, got '2026-11-03 08:59:00'"]


def test_answer_before_queue_entry(tmp_path):
    log = write(
        tmp_path,
        rows(
            f"{T0},q,answered,2026-11-03 09:00:10,2026-11-03 09:00:40",
            f"{T0},q,answered,2026-11-03 09:01:00,2026-11-03 09:00:30",
            head=CANON_HEAD + ",queue_entry,answer",
        ),
    )
    assert problems(log) == ["line 3, answer: is before the queue entry, got '2026-11-03 09:00:30'"]


def test_queue_entry_before_arrival(tmp_path):
    log = write(
        tmp_path, rows(f"{T0},q,answered,2026-11-03 08:59:00", head=CANON_HEAD + ",queue_entry")
    )
    assert problems(log) == [
        "line 2, queue_entry: is before the arrival, got '2026-11-03 08:59:00'"
    ]


def test_ivr_exit_before_arrival(tmp_path):
    log = write(
        tmp_path, rows(f"{T0},q,answered,2026-11-03 08:59:00", head=CANON_HEAD + ",ivr_exit")
    )
    assert problems(log) == ["line 2, ivr_exit: is before the arrival, got '2026-11-03 08:59:00'"]


def test_times_within_the_rounding_tolerance_are_not_early(tmp_path):
    log = write(
        tmp_path,
        rows(f"2026-11-03 09:00:00.0005,q,answered,{T0}", head=CANON_HEAD + ",answer"),
    )
    assert len(read_call_log(log)) == 1


def test_outcome_and_ivr_outcome_disagree(tmp_path):
    log = write(
        tmp_path,
        rows(
            f"{T0},q,answered,to_agent",
            f"{T0},q,abandoned,self_service",
            head=CANON_HEAD + ",ivr_outcome",
        ),
    )
    assert problems(log) == [
        "line 3, outcome and ivr_outcome: disagree: a call answered or abandoned in the queue "
        "cannot end in the IVR, got 'abandoned / self_service'"
    ]


def test_outcome_ivr_needs_an_ivr_ending(tmp_path):
    log = write(
        tmp_path,
        rows(
            f"{T0},q,ivr,self_service",
            f"{T0},q,ivr,to_agent",
            f"{T0},q,ivr,",
            head=CANON_HEAD + ",ivr_outcome",
        ),
    )
    rule = "ivr_outcome: must be self_service or abandoned when the outcome is ivr"
    assert problems(log) == [f"line 3, {rule}, got 'to_agent'", f"line 4, {rule}, got ''"]


def test_outcome_ivr_with_no_ivr_outcome_column(tmp_path):
    log = write(tmp_path, rows(f"{T0},q,ivr"))
    assert problems(log) == [
        "line 2, ivr_outcome: must be self_service or abandoned when the outcome is ivr, got ''"
    ]


def test_every_problem_of_a_file_is_reported_together(tmp_path):
    log = write(
        tmp_path,
        rows(
            f"{T0},q,answered,30",
            "soon,q,answered,30",
            f"{T0},q,served,30",
            f"{T0},q,answered,-1",
            head=CANON_HEAD + ",talk_s",
        ),
    )
    with pytest.raises(InputError) as exc:
        read_call_log(log)
    found = [str(p) for p in exc.value.problems]
    assert len(found) == 3, found
    assert found[0].startswith("line 3, arrival (column arrival): is not a time")
    assert found[1].startswith(f"line 4, outcome (column outcome): {VOCAB}")
    assert found[2] == "line 5, talk_s (column talk_s): is negative, got -1"
    assert exc.value.source == str(log)
    assert str(exc.value).startswith(f"{log}: 3 problems\n")


def test_many_bad_rows_of_one_rule_give_five_examples_and_a_count(tmp_path):
    log = write(tmp_path, rows(*[f"{T0},q,X{i}" for i in range(12)]))
    found = problems(log)
    rule = f"outcome (column outcome): {VOCAB} (map the log's words in values)"
    assert found == [f"line {i + 2}, {rule}, got 'X{i}'" for i in range(5)] + [
        f"{rule}: 7 more lines like these (12 in all)"
    ]


# --- map problems -------------------------------------------------------------------------


def map_problems(tmp_path, map_text, log_text=None):
    log = write(tmp_path, log_text or rows(f"{T0},q,answered"))
    return problems(log, write(tmp_path, map_text, "m.yaml"))


def test_map_naming_a_missing_column_lists_the_columns_and_a_close_name(tmp_path):
    found = map_problems(
        tmp_path,
        "fields:\n  outcome: RESULTS\n",
        rows(f"{T0},q,AGENT", head="arrival,call_type,RESULT"),
    )
    assert found == [
        "fields.outcome: names a column the log does not have (did you mean 'RESULT'?); "
        "its columns: arrival, call_type, RESULT, got 'RESULTS'"
    ]


def test_map_missing_the_required_fields(tmp_path):
    found = map_problems(tmp_path, "fields: {}\n", rows("1,2,3", head="a,b,c"))
    assert found == [
        "fields.arrival: is required: map it to a column of the log (its columns: a, b, c)",
        "fields.call_type: is required: map it to a column of the log (its columns: a, b, c)",
        "fields.outcome: is required (or ivr_outcome): map it to a column",
    ]


def test_ivr_outcome_alone_is_enough_for_the_outcome(tmp_path):
    log = write(tmp_path, rows(f"{T0},q,self_service", head="arrival,call_type,ivr_outcome"))
    assert read_call_log(log)["outcome"].tolist() == ["ivr"]


def test_map_field_with_both_column_and_value(tmp_path):
    found = map_problems(tmp_path, "fields:\n  outcome: {column: outcome, value: answered}\n")
    assert found == [
        "fields.outcome (line 2): must give exactly one of column, columns (two joined) or "
        "value; got column, value"
    ]


def test_map_field_with_no_source(tmp_path):
    found = map_problems(tmp_path, "fields:\n  outcome: {unit: s}\n")
    assert found == [
        "fields.outcome (line 2): must give exactly one of column, columns (two joined) or value"
    ]


def test_map_unknown_field_name(tmp_path):
    (p,) = map_problems(tmp_path, "fields:\n  outcomes: outcome\n")
    assert p.startswith(
        "fields.outcomes (line 2): unknown key (did you mean 'outcome'?); known keys: arrival, "
        "call_type, "
    )


def test_map_vocabulary_word_that_is_not_canonical(tmp_path):
    found = map_problems(
        tmp_path,
        "fields:\n  outcome: {column: outcome, values: {AGENT: served, HANG: abandoned}}\n",
    )
    assert found == [
        "fields.outcome.values.AGENT (line 2): must be one of answered, abandoned, blocked, ivr, "
        "ignore, got 'served'"
    ]


def test_map_object_with_a_non_canonical_word_is_refused_too(tmp_path):
    from ccsim.data.logmap import FieldMap, LogMap

    m = LogMap(fields={"ivr_outcome": FieldMap(column="x", values={"1": "menu"})})
    log = write(tmp_path, rows(f"{T0},q,answered"))
    with pytest.raises(InputError) as exc:
        read_call_log(log, m)
    assert [str(p) for p in exc.value.problems] == [
        "fields.ivr_outcome.values.1: must be one of self_service, abandoned, to_agent, ignore, "
        "got 'menu'"
    ]


QUOTE_IT = (
    "YAML reads an unquoted yes, no, on, off, true or false as true/false, not as the word "
    'in the log: quote it ("NO")'
)


def test_unquoted_no_in_missing_says_to_quote_it(tmp_path):
    found = map_problems(tmp_path, "fields:\n  agent: {column: outcome, missing: [NO]}\n")
    assert found == [f"fields.agent.missing (line 2): {QUOTE_IT}, got [False]"]


def test_unquoted_no_as_a_log_word_says_to_quote_it(tmp_path):
    found = map_problems(
        tmp_path, "fields:\n  outcome: {column: outcome, values: {NO: abandoned}}\n"
    )
    assert found == [f"fields.outcome.values (line 2): {QUOTE_IT}"]


def test_quoted_no_is_a_missing_marker(tmp_path):
    log = write(
        tmp_path, rows(f"{T0},q,answered,NO", f"{T0},q,answered,A1", head=CANON_HEAD + ",agent")
    )
    m = write(tmp_path, "fields:\n  agent: {column: agent, missing: ['NO']}\n", "m.yaml")
    assert read_call_log(log, m)["agent"].isna().tolist() == [True, False]


def test_map_that_is_not_yaml(tmp_path):
    log = write(tmp_path, rows(f"{T0},q,answered"))
    m = write(tmp_path, "fields: [arrival: a\n  : {\n", "m.yaml")
    with pytest.raises(InputError) as exc:
        read_call_log(log, m)
    assert exc.value.source == str(m)
    assert [str(p) for p in exc.value.problems] == [
        "line 2, column 3: is not valid YAML (did not find expected ',' or ']')"
    ]


def test_map_that_is_not_a_mapping(tmp_path):
    assert map_problems(tmp_path, "just some text\n") == [
        "(top level): must be a mapping, got 'str'"
    ]


def test_map_that_does_not_exist(tmp_path):
    log = write(tmp_path, rows(f"{T0},q,answered"))
    missing = tmp_path / "nowhere.yaml"
    assert problems(log, missing) == [f"--map: no such file, got '{missing}'"]


def test_map_start_that_is_not_a_time(tmp_path):
    found = map_problems(tmp_path, "start: someday\n", rows("0,q,answered"))
    assert found == ["map start: must be a date and time ('2026-11-02 00:00'), got 'someday'"]


# --- files --------------------------------------------------------------------------------

LOG5 = rows(
    f"{T0},query,answered,12,30.5",
    "2026-11-03 09:00:40,billing,abandoned,40,",
    "2026-11-03 09:01:00,query,ignore,,",
    "2026-11-03 09:02:00,query,answered,0,200",
    head=CANON_HEAD + ",wait_s,talk_s",
)


def test_parquet_reads_the_same_as_the_csv(tmp_path):
    csv = write(tmp_path, LOG5)
    pq = tmp_path / "log.parquet"
    pd.read_csv(csv).to_parquet(pq)
    a, b = read_call_log(csv), read_call_log(pq)
    pd.testing.assert_frame_equal(a, b)
    # Parquet has no lines: the first data row is row 1
    assert a.attrs["skipped"] == [
        {"reason": "marked ignore in the log", "rows": 1, "examples": [4]}
    ]
    assert b.attrs["skipped"] == [
        {"reason": "marked ignore in the log", "rows": 1, "examples": [3]}
    ]


def test_parquet_problems_name_rows(tmp_path):
    pq = tmp_path / "log.parquet"
    pd.DataFrame(
        {"arrival": pd.to_datetime([T0, T0]), "call_type": ["q", "q"], "outcome": ["answered", "x"]}
    ).to_parquet(pq)
    assert problems(pq) == [
        f"row 2, outcome (column outcome): {VOCAB} (map the log's words in values), got 'x'"
    ]


def test_a_file_that_is_not_parquet(tmp_path):
    pq = write(tmp_path, b"PAR1 not really", "log.parquet")
    (p,) = problems(pq)
    assert p.startswith("LOG: is not a Parquet file (") and p.endswith(f"got '{pq}'")


def test_gzipped_csv_reads_like_the_plain_file(tmp_path):
    gz = tmp_path / "log.csv.gz"
    gz.write_bytes(gzip.compress(LOG5.encode()))
    pd.testing.assert_frame_equal(read_call_log(gz), read_call_log(write(tmp_path, LOG5)))


def test_an_empty_file(tmp_path):
    log = write(tmp_path, "")
    assert problems(log) == [f"LOG: is empty (no header line), got '{log}'"]


def test_a_header_alone_is_an_empty_log(tmp_path):
    df = read_call_log(write(tmp_path, rows()))
    assert len(df) == 0 and list(df.columns) == CANONICAL


def test_a_log_that_does_not_exist(tmp_path):
    missing = tmp_path / "nowhere.csv"
    assert problems(missing) == [f"LOG: no such file, got '{missing}'"]


def test_a_file_not_in_its_declared_encoding_past_the_header(tmp_path):
    log = write(tmp_path, rows(f"{T0},caf\u00e9,answered").encode("latin-1"))
    (p,) = problems(log)
    assert p.startswith("LOG: cannot be read as utf-8 text (")
    assert p.endswith(f"; set csv.encoding, got '{log}'")


def test_a_file_not_in_its_declared_encoding_in_the_header(tmp_path):
    log = write(
        tmp_path,
        rows(f"{T0},cafe,answered,1", head="arrival,call_type,outcome,r\u00e9").encode("latin-1"),
    )
    (p,) = problems(log)
    assert p.startswith("LOG: cannot be read as utf-8 text (")
    assert p.endswith(f"; set csv.encoding, got '{log}'")


def test_the_declared_encoding_reads_the_file(tmp_path):
    log = write(tmp_path, rows(f"{T0},caf\u00e9,answered").encode("latin-1"))
    m = write(tmp_path, "csv: {encoding: latin-1}\n", "m.yaml")
    assert read_call_log(log, m)["call_type"].tolist() == ["caf\u00e9"]


def test_skip_rows_shifts_the_line_numbers(tmp_path):
    text = "ACD export\nsite: Hangzhou\n" + rows(f"{T0},q,answered", f"{T0},q,x", f"{T0},q,ignore")
    log = write(tmp_path, text)
    m = write(tmp_path, "csv: {skip_rows: 2, decimal: ','}\n", "m.yaml")
    assert problems(log, m) == [
        f"line 5, outcome (column outcome): {VOCAB} (map the log's words in values), got 'x'"
    ]
    write(tmp_path, text.replace(",x", ",abandoned"))
    df = read_call_log(log, m)
    assert df.attrs["skipped"] == [
        {"reason": "marked ignore in the log", "rows": 1, "examples": [6]}
    ]


def test_blank_lines_keep_the_line_numbers_of_the_rows_after_them(tmp_path):
    log = write(tmp_path, rows(f"{T0},q,answered", "", f"{T0},q,bogus"))
    assert problems(log) == [
        f"line 4, outcome (column outcome): {VOCAB} (map the log's words in values), got 'bogus'"
    ]
    write(tmp_path, rows(f"{T0},q,answered", "", f"{T0},q,ignore"))
    df = read_call_log(log)
    assert len(df) == 1
    assert df.attrs["skipped"] == [
        {"reason": "blank line", "rows": 1, "examples": [3]},
        {"reason": "marked ignore in the log", "rows": 1, "examples": [4]},
    ]


def test_decimal_comma_and_semicolons(tmp_path):
    log = write(tmp_path, f"arrival;call_type;outcome;talk_s\n{T0};q;answered;12,5\n")
    m = write(tmp_path, "csv: {delimiter: ';', decimal: ','}\n", "m.yaml")
    assert read_call_log(log, m)["talk_s"].tolist() == [12.5]


# --- derivations --------------------------------------------------------------------------


def test_wait_derived_from_answer_minus_queue_entry(tmp_path):
    log = write(
        tmp_path,
        rows(
            f"{T0},q,answered,2026-11-03 09:00:10,2026-11-03 09:00:40",
            f"{T0},q,abandoned,2026-11-03 09:00:05,",
            head=CANON_HEAD + ",queue_entry,answer",
        ),
    )
    df = read_call_log(log)
    assert df["wait_s"].iloc[0] == 30.0
    assert np.isnan(df["wait_s"].iloc[1])
    # the IVR time is what came before the queue, and those calls went on to an agent
    assert df["ivr_s"].tolist() == [10.0, 5.0]
    assert df["ivr_outcome"].tolist() == ["to_agent", "to_agent"]
    assert "wait_s" in df.attrs["fields"] and "ivr_s" in df.attrs["fields"]


def test_queue_entry_derived_from_arrival_plus_ivr_time(tmp_path):
    log = write(
        tmp_path,
        rows(
            f"{T0},q,answered,30,5",
            f"{T0},q,abandoned,20,50",
            f"{T0},q,answered,0,7",
            head=CANON_HEAD + ",ivr_s,wait_s",
        ),
    )
    df = read_call_log(log)
    assert df["queue_entry"].tolist() == [
        pd.Timestamp("2026-11-03 09:00:30"),
        pd.Timestamp("2026-11-03 09:00:20"),
        pd.Timestamp(T0),
    ]
    assert df["answer"].iloc[0] == pd.Timestamp("2026-11-03 09:00:35")
    assert pd.isna(df["answer"].iloc[1])
    # to_agent where there was IVR time; none where the call went straight to the queue
    assert df["ivr_outcome"].tolist()[:2] == ["to_agent", "to_agent"]
    assert pd.isna(df["ivr_outcome"].iloc[2])


def test_ivr_outcome_given_is_not_overwritten(tmp_path):
    log = write(
        tmp_path,
        rows(
            f"{T0},q,answered,30,ignore",
            f"{T0},q,answered,30,",
            head=CANON_HEAD + ",ivr_s,ivr_outcome",
        ),
    )
    df = read_call_log(log)
    assert len(df) == 1 and df["ivr_outcome"].tolist() == ["to_agent"]
    assert df.attrs["skipped"][0]["examples"] == [2]


def test_outcome_ivr_derived_from_the_ivr_ending(tmp_path):
    log = write(
        tmp_path,
        rows(
            f"{T0},q,,self_service,40",
            f"{T0},q,,abandoned,10",
            f"{T0},q,answered,to_agent,20",
            head=CANON_HEAD + ",ivr_outcome,ivr_s",
        ),
    )
    df = read_call_log(log)
    assert df["outcome"].tolist() == ["ivr", "ivr", "answered"]
    assert df["ivr_outcome"].tolist() == ["self_service", "abandoned", "to_agent"]
    # a call that ended in the IVR never joined the queue
    assert df["queue_entry"].isna().tolist() == [True, True, False]
    assert "outcome" in df.attrs["fields"]


def test_time_zones_become_local_wall_clock_times(tmp_path):
    log = write(
        tmp_path,
        rows(
            "2026-11-03T09:00:00+08:00,q,answered,2026-11-03T09:00:20+08:00",
            "2026-11-03T10:00:00+08:00,q,answered,2026-11-03T10:00:05+08:00",
            head=CANON_HEAD + ",answer",
        ),
    )
    df = read_call_log(log)
    assert df["arrival"].dtype == "datetime64[us]"
    assert df["arrival"].tolist() == [pd.Timestamp(T0), pd.Timestamp("2026-11-03 10:00:00")]
    assert df["wait_s"].tolist() == [20.0, 5.0]


def test_times_on_both_sides_of_a_summer_time_change_keep_their_wall_clock(tmp_path):
    # pandas will not hold two UTC offsets in one column: this used to stop with a ValueError
    log = write(
        tmp_path,
        rows(
            "2026-03-29T01:30:00+01:00,q,answered",
            "2026-03-29T03:30:00+02:00,q,answered",
            "2026-03-29T04:00:00+0200,q,answered",
        ),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no warning about day-first guesses either
        df = read_call_log(log)
    assert df["arrival"].tolist() == [
        pd.Timestamp("2026-03-29 01:30"),
        pd.Timestamp("2026-03-29 03:30"),
        pd.Timestamp("2026-03-29 04:00"),
    ]


def test_a_given_format_with_offsets_across_a_summer_time_change(tmp_path):
    log = write(
        tmp_path,
        rows(
            "29/03/2026 01:30 +0100,q,answered", "29/03/2026 03:30 +0200,q,answered", "x,q,answered"
        ),
    )
    m = write(
        tmp_path, "fields:\n  arrival: {column: arrival, format: '%d/%m/%Y %H:%M %z'}\n", "m.yaml"
    )
    assert problems(log, m) == [
        "line 4, arrival (column arrival): is not a time in the format %d/%m/%Y %H:%M %z, got 'x'"
    ]


def test_arrival_in_seconds_from_the_maps_start(tmp_path):
    log = write(tmp_path, rows("0,q,answered", "90.5,q,answered", "3600,q,answered"))
    m = write(tmp_path, "start: '2026-11-04 08:00'\n", "m.yaml")
    df = read_call_log(log, m)
    assert df["arrival"].tolist() == [
        pd.Timestamp("2026-11-04 08:00:00"),
        pd.Timestamp("2026-11-04 08:01:30.5"),
        pd.Timestamp("2026-11-04 09:00:00"),
    ]
    assert df.attrs["notes"] == ["arrival times are seconds: second 0 is 2026-11-04 08:00 (Wed)"]


def test_arrival_in_minutes(tmp_path):
    log = write(tmp_path, rows("0,q,answered", "2,q,answered", head="t,call_type,outcome"))
    m = write(tmp_path, "fields:\n  arrival: {column: t, unit: min}\n", "m.yaml")
    assert read_call_log(log, m)["arrival"].tolist()[1] == pd.Timestamp("2024-01-01 00:02")


def test_arrival_in_seconds_defaults_to_a_monday(tmp_path):
    log = write(tmp_path, rows("0,q,answered", "3600,q,answered"))
    df = read_call_log(log)
    assert df["arrival"].tolist() == [
        pd.Timestamp("2024-01-01 00:00"),
        pd.Timestamp("2024-01-01 01:00"),
    ]
    assert df["arrival"].iloc[0].day_name() == "Monday"
    assert df.attrs["notes"] == ["arrival times are seconds: second 0 is 2024-01-01 00:00 (Mon)"]


def test_the_start_argument_overrides_the_maps(tmp_path):
    log = write(tmp_path, rows("60,q,answered"))
    m = write(tmp_path, "start: '2026-11-04 08:00'\n", "m.yaml")
    df = read_call_log(log, m, start="2026-11-06 07:00")
    assert df["arrival"].tolist() == [pd.Timestamp("2026-11-06 07:01")]
    assert problems(log, m, start="nope") == [
        "--start: must be a date and time ('2026-11-02 00:00'), got 'nope'"
    ]


def test_rows_are_sorted_by_arrival(tmp_path):
    log = write(tmp_path, rows("2026-11-03 10:00:00,late,answered", f"{T0},early,answered"))
    assert read_call_log(log)["call_type"].tolist() == ["early", "late"]


# --- ccsim's own records ------------------------------------------------------------------

SHORT_MMN = """\
name: mmn-short
seed: 7
replications: 2
horizon: {duration_h: 1, interval_min: 30}
call_types:
  - id: general
    arrivals: {rate_per_h: 252}
    handle_time: {dist: exponential, mean_s: 120}
    patience: {dist: exponential, mean_s: 60}
centers:
  - id: main
    kind: provincial
    groups:
      - id: agents
        skills: [general]
        agents: 12
"""


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("ccsim-run")
    scen = d / "mmn.yaml"
    scen.write_text(SHORT_MMN)
    out = d / "out"
    result = CliRunner().invoke(
        cli, ["run", str(scen), "--calls", "--out", str(out), "--no-figures"], prog_name="ccsim"
    )
    assert result.exit_code == 0, result.output
    return out


def test_ccsim_records_read_with_no_map(run_folder):
    raw = pd.read_csv(run_folder / "calls.csv.gz")
    df = read_call_log(run_folder / "calls.csv.gz")
    assert list(df.columns) == CANONICAL
    assert df.attrs["rows_read"] == len(raw)
    assert len(df) + sum(s["rows"] for s in df.attrs["skipped"]) == len(raw)
    assert set(df["outcome"]) <= {"answered", "abandoned", "blocked", "ivr"}
    assert set(df["replication"]) == {0, 1}
    answered = df[df["outcome"].eq("answered")]
    abandoned = df[df["outcome"].eq("abandoned")]
    assert len(answered) > 0 and len(abandoned) > 0
    assert answered["talk_s"].notna().all() and (answered["talk_s"] > 0).all()
    assert abandoned["wait_s"].notna().all() and (abandoned["wait_s"] > 0).all()
    assert abandoned["talk_s"].isna().all() and abandoned["answer"].isna().all()
    # answer = queue entry + wait, exactly
    pd.testing.assert_series_equal(
        answered["answer"],
        answered["queue_entry"] + pd.to_timedelta(answered["wait_s"], unit="s"),
        check_names=False,
    )
    assert df.attrs["notes"] == [
        "ccsim's own per-call records (no map needed)",
        f"second 0 from {run_folder / 'scenario.yaml'}: Mon 00:00",
    ]
    log = load_call_log(run_folder / "calls.csv.gz")
    assert log.origin == "ccsim" and log.run_folder == run_folder and log.replications == 2


def test_ccsim_records_outside_their_run_folder(run_folder, tmp_path):
    moved = tmp_path / "calls.csv.gz"
    moved.write_bytes((run_folder / "calls.csv.gz").read_bytes())
    df = read_call_log(moved)
    assert df.attrs["notes"][1] == "second 0 taken as Mon 00:00 (give --start)"
    assert df["arrival"].min() >= pd.Timestamp("2024-01-01")
    later = read_call_log(moved, start="2026-11-04 08:00")
    assert (
        (later["arrival"] - df["arrival"])
        .eq(pd.Timestamp("2026-11-04 08:00") - pd.Timestamp("2024-01-01"))
        .all()
    )


def test_map_schema_problems_and_bad_words_come_together(tmp_path):
    # a mistyped field used to hide the words of the fields that read
    found = map_problems(
        tmp_path,
        "fields:\n  call_typ: call_type\n  outcome:\n    column: outcome\n    values: {Done: finished}\n",
    )
    assert found[0].startswith("fields.call_typ (line 2): unknown key (did you mean 'call_type'?)")
    assert found[1] == (
        "fields.outcome.values.Done (line 5): must be one of answered, abandoned, blocked, ivr, "
        "ignore, got 'finished'"
    )
