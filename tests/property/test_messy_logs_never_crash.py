"""Whatever cells an export holds, reading it gives a log (rows left out counted) or
problems (exit 2), never a crash: each call read keeps the values written for it."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccsim.data.calllog import load_call_log
from ccsim.errors import InputError

HEAD = ["arrival", "call_type", "outcome", "wait_s", "talk_s", "answer", "agent", "caller_id"]
ROW = ["2026-03-05 08:00:{s:02d}", "q", "answered", "4", "60", "2026-03-05 08:01:{s:02d}", "A1"]

#: What turns up in exports' cells: empty, dashes, words, odd numbers and times, delimiters.
JUNK = st.sampled_from(
    [
        "", "-", "NULL", "Total", "合计", "abc", "0", "-5", "1e9", "1,234", "12,5", "3m15s",
        "0:00:20", "25:61:61", "1900-01-01 00:00:00", "46086.33", "2026-13-45 99:00:00",
        "Answered", "已接听", "connected", "ignore", "nan", "inf", '"', "a;b", "a,b", " ",
        "\t", "arrival", "2062-03-05 08:00:00", "8:03:07 PM", "1e15", "1e300", "-1e15",
        "20260305200307", "99999999999999999999",
    ]
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(st.tuples(st.integers(0, 11), st.integers(0, len(HEAD) - 1), JUNK), max_size=6),
    sep=st.sampled_from([",", ";", "\t"]),
    column=st.none() | st.tuples(st.integers(0, len(HEAD) - 1), JUNK),
)
def test_junk_cells_give_a_log_or_problems(tmp_path, edits, sep, column):
    rows = [[v.format(s=i) for v in ROW] + [f"138{i:04d}"] for i in range(12)]
    if column is not None:  # a whole column of one value: its type is that value's
        for r in rows:
            r[column[0]] = column[1]
    for r, c, junk in edits:
        rows[r][c] = junk
    text = sep.join(HEAD) + "\n" + "".join(sep.join(r) + "\n" for r in rows)
    path = tmp_path / "log.csv"
    path.write_text(text, encoding="utf-8")
    try:
        log = load_call_log(path)
    except InputError as exc:
        assert exc.problems
        return
    assert len(log.frame) + sum(s.rows for s in log.skipped) <= log.rows_read
    kept = log.frame.dropna(subset=["talk_s"])
    assert ((kept["talk_s"] >= 0) & (kept["talk_s"] <= 86400)).all()
