"""Reading a call log (CSV, ``.csv.gz`` or Parquet) into canonical columns.

One row per call. The canonical columns (``CANONICAL``) are described in ``logmap.FIELDS``;
a foreign export is read through a column map (``logmap.LogMap``), ccsim's own
``calls.csv.gz`` (``ccsim run --calls``) and logs already in canonical names with none.

Every row that cannot be read is a problem (unparseable time or number, unknown outcome
word, answer before arrival, negative duration or one over a day, contradicting
outcomes); they are all reported together (``InputError``). Rows that can be left out
(the export's layout: repeated headers, totals lines, shifted fields; marked ``ignore``,
no arrival time, no call type, no outcome; the same call exported twice; an arrival
weeks away from every other call) are counted per reason in ``CallLog.skipped``, never
dropped silently. What was detected rather than declared is said in ``CallLog.notes``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ccsim.data.canonical import DEFAULT_START, TOLERANCE_S, CallLog, Skipped, finish
from ccsim.data.ccsimlog import CCSIM_COLUMNS, from_ccsim_log
from ccsim.data.exports import FAR_DAYS, artifact_rows, duplicate_rows, far_arrivals, without_rows
from ccsim.data.logfile import header_line, open_log
from ccsim.data.logmap import FIELDS, VOCABULARY, LogMap, load_map, vocabulary_problems
from ccsim.data.parsing import (
    SYNONYMS,
    RowIssues,
    raw_column,
    read_duration,
    read_label,
    read_vocabulary,
)
from ccsim.data.times import EXCEL, has_no_date, on_arrival_date, read_time
from ccsim.errors import InputError, Problem

#: A duration field whose median is longer than this is said in the notes (a wrong unit?).
LONG_MEDIAN_S = 3600.0


def read_call_log(
    path: str | Path, map: str | Path | LogMap | None = None, start: str | None = None
) -> pd.DataFrame:
    """Read a call log into a DataFrame with the canonical columns (``CANONICAL``).

    Parameters
    ----------
    path
        CSV (plain or ``.gz``) or Parquet file, one row per call.
    map
        Column map (a YAML file or a ``LogMap``); not needed for ccsim's own
        ``calls.csv.gz`` or for a log already in canonical column names.
    start
        Date and time of second 0 when arrival times are numbers of seconds.

    Returns
    -------
    pandas.DataFrame
        Sorted by arrival. ``attrs`` holds ``skipped`` (rows left out per reason),
        ``rows_read``, ``fields`` and ``notes``.

    Raises
    ------
    ccsim.InputError
        Every problem of the file and the map, together (line numbers and values).
    """
    log = load_call_log(path, map, start)
    df = log.frame
    df.attrs = {
        "source": log.source,
        "rows_read": log.rows_read,
        "skipped": log.skipped_dict(),
        "fields": log.fields,
        "notes": log.notes,
    }
    return df


def load_call_log(
    path: str | Path, map: str | Path | LogMap | None = None, start: str | None = None
) -> CallLog:
    """Read a call log; the ``CallLog`` behind ``read_call_log``."""
    p = Path(path)
    source = str(path)
    m = load_map(map) if isinstance(map, str | Path) else map
    if m is not None:
        bad = vocabulary_problems(m)
        if bad:
            raise InputError(bad, "map")
    header, reader = open_log(p, m)
    if m is None and not _canonical(header) and set(CCSIM_COLUMNS) <= set(header):
        # ccsim's labels have few values: read as categories (a month of calls stays small)
        labels = {c: "category" for c in ("call_type", "tier", "network", "outcome", "group")}
        frame = reader(
            list(CCSIM_COLUMNS) + (["replication"] if "replication" in header else []), labels
        )
        folder = p.parent if (p.parent / "scenario.yaml").is_file() else None
        base = _start(start, None) if start is not None else None
        return from_ccsim_log(frame, source, base, folder)
    if m is None:
        m = LogMap()
    wanted = {c for fm in m.fields.values() for c in fm.source_columns()} or {
        "arrival",
        "call_type",
    }
    title = None
    if not wanted <= set(header):
        title = header_line(p, m, wanted)
        if title is not None:
            m = m.model_copy(update={"csv": m.csv.model_copy(update={"skip_rows": title[0]})})
            header, reader = open_log(p, m)
    fields = _resolve(m, header, source)
    needed = sorted({c for fm in fields.values() for c in fm.source_columns()} | {header[0]})
    frame = reader(needed)
    if title is not None:
        frame.attrs["notes"].append(
            f"the header is line {title[1]}: the {title[1] - 1} line(s) above it were skipped "
            f"(a report title; set csv.skip_rows: {title[0]} to say so)"
        )
    base = _start(start, m.start)
    return _canonical_log(frame, fields, base, source, "map" if m.fields else "canonical", p)


def _canonical(header: list[str]) -> bool:
    return "arrival" in header and "call_type" in header


def _start(cli: str | None, mapped: str | None) -> pd.Timestamp:
    text = cli if cli is not None else mapped
    if text is None:
        return DEFAULT_START
    try:
        ts = pd.Timestamp(text)
    except (ValueError, TypeError):
        where = "--start" if cli is not None else "map start"
        raise InputError(
            [Problem(where, "must be a date and time ('2026-11-02 00:00')", text)]
        ) from None
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


def _resolve(m: LogMap, header: list[str], source: str) -> dict[str, Any]:
    """Each canonical field's source: the map's, else a column of the canonical name."""
    from ccsim.data.logmap import FieldMap

    fields: dict[str, Any] = {}
    problems: list[Problem] = []
    known = set(header)
    for name in FIELDS:
        fm = m.fields.get(name)  # type: ignore[call-overload]
        if fm is None and name in known:
            fm = FieldMap(column=name)
        if fm is None:
            continue
        for c in fm.source_columns():
            if c not in known:
                import difflib

                close = difflib.get_close_matches(c, header, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(
                    Problem(
                        f"fields.{name}",
                        f"names a column the log does not have{hint}; its columns: "
                        + ", ".join(header[:40])
                        + (" ..." if len(header) > 40 else ""),
                        c,
                    )
                )
        fields[name] = fm
    for need in ("arrival", "call_type"):
        if need not in fields:
            problems.append(
                Problem(
                    f"fields.{need}",
                    f"is required: map it to a column of the log (its columns: {', '.join(header[:40])})",
                    has_value=False,
                )
            )
    if "outcome" not in fields and "ivr_outcome" not in fields:
        problems.append(
            Problem(
                "fields.outcome",
                "is required (or ivr_outcome): map it to a column",
                has_value=False,
            )
        )
    if problems:
        raise InputError(problems, source)
    return fields


def _canonical_log(
    frame: pd.DataFrame,
    fields: dict[str, Any],
    base: pd.Timestamp,
    source: str,
    origin: str,
    path: Path,
) -> CallLog:
    n = len(frame)
    offset = int(frame.attrs.get("line_offset", 2))
    # the file line of each row: a quoted value over several lines moves the later rows
    kept = frame.attrs.get("line_of")
    row_line = np.arange(n, dtype=np.int64) + offset if kept is None else kept.lines
    notes: list[str] = list(frame.attrs.get("notes", []))
    artifacts = artifact_rows(frame, fields["arrival"].source_columns())
    layout: list[Skipped] = []
    if artifacts:
        drop = np.zeros(n, dtype=bool)
        for reason, mask in artifacts:
            lines = row_line[np.flatnonzero(mask)]
            layout.append(Skipped(reason, int(mask.sum()), [int(x) for x in lines[:5]]))
            drop |= mask
        typed = [
            c for f, fm in fields.items() if FIELDS[f][0] != "label" for c in fm.source_columns()
        ]
        frame = without_rows(frame, drop, typed)
    line_of = row_line[frame.index.to_numpy(dtype=np.int64)]
    issues = RowIssues(line_of, str(frame.attrs.get("row_word", "line")))
    out: dict[str, Any] = {}

    def where(name: str) -> str:
        fm = fields[name]
        cols = fm.source_columns()
        return f"{name} (column {' + '.join(cols)})" if cols else name

    for name, (kind, _) in FIELDS.items():
        if name not in fields:
            continue
        fm = fields[name]
        raw = raw_column(frame, fm)
        if kind == "time":
            out[name], fmt = read_time(raw, fm, base, where(name), issues, notes)
            seconds = fmt is None and pd.api.types.is_numeric_dtype(raw.dtype)
            if name == "arrival" and seconds and raw.notna().any():
                notes.append(
                    f"arrival times are seconds: second 0 is {base:%Y-%m-%d %H:%M} ({base:%a})"
                )
            elif fmt not in (None, EXCEL) and fm.format is None and name == "arrival":
                notes.append(f"arrival times read with the format {fmt} (inferred)")
            if has_no_date(fmt) and name == "arrival":
                notes.append(
                    "arrival times have no date (read as 1900-01-01): map the date column "
                    "too, with columns: [DATE, TIME]"
                )
            elif has_no_date(fmt):
                out[name], zeros = on_arrival_date(out[name], out["arrival"])
                notes.append(
                    f"{where(name)}: times of day, put on the arrival's date (the next day "
                    "for a call across midnight)"
                )
                if zeros:
                    notes.append(
                        f"{where(name)}: {zeros:,} time{'' if zeros == 1 else 's'} of "
                        "00:00:00 (an export's placeholder for no time) read as not known"
                    )
        elif kind == "duration":
            decimal = frame.attrs.get("decimal")
            out[name] = read_duration(raw, fm, where(name), issues, decimal)
            seen = out[name][np.isfinite(out[name])]
            if len(seen) and float(np.median(seen)) > LONG_MEDIAN_S:
                notes.append(
                    f"{where(name)}: half the values are over an hour (median "
                    f"{float(np.median(seen)):,.0f} s): is the unit right (unit: ms, min)?"
                )
        elif kind == "vocabulary":
            words = VOCABULARY[name]
            syn = SYNONYMS.get(name)
            out[name] = read_vocabulary(raw, fm, words, where(name), issues, notes, syn)
        else:
            out[name] = read_label(raw, fm)
    df = pd.DataFrame(out, index=frame.index)
    known = [f for f in FIELDS if f in fields]
    df, derived = _derive(df, issues)
    problems = issues.problems()
    if problems:
        raise InputError(problems, source)
    dup, alike = duplicate_rows(df, known)
    if alike:
        notes.append(
            f"{alike:,} row{' repeats' if alike == 1 else 's repeat'} an earlier row in every "
            "field but name no caller nor "
            "agent: kept, as two calls may look alike (map caller_id to tell)"
        )
    df, skipped = _skip(df, line_of, frame.isna().all(axis=1).to_numpy(), dup)
    return CallLog(
        finish(df), source, n, layout + skipped, sorted(set(known) | set(derived)), origin, notes
    )


def _derive(df: pd.DataFrame, issues: RowIssues) -> tuple[pd.DataFrame, list[str]]:
    """Fill what follows from other fields, and check the times against each other."""
    derived: list[str] = []
    outcome = df["outcome"] if "outcome" in df else pd.Series(None, index=df.index, dtype="str")
    ivr_out = (
        df["ivr_outcome"] if "ivr_outcome" in df else pd.Series(None, index=df.index, dtype="str")
    )
    ended_in_ivr = ivr_out.isin(["self_service", "abandoned"])
    if "outcome" not in df or outcome.isna().any():
        outcome = outcome.where(outcome.notna() | ~ended_in_ivr, "ivr")
        derived.append("outcome")
    queued = outcome.isin(["answered", "abandoned"])
    contra = (queued & ended_in_ivr).to_numpy()
    issues.add(
        "outcome and ivr_outcome",
        "disagree: a call answered or abandoned in the queue cannot end in the IVR",
        contra,
        outcome.astype("str") + " / " + ivr_out.astype("str"),
    )
    no_ivr_end = (outcome.eq("ivr") & ~ended_in_ivr & ivr_out.ne("ignore")).to_numpy()
    issues.add(
        "ivr_outcome",
        "must be self_service or abandoned when the outcome is ivr",
        no_ivr_end,
        ivr_out.astype("str"),
    )
    arrival = df["arrival"]
    if "ivr_exit" in df:
        early = ((df["ivr_exit"] - arrival).dt.total_seconds() < -TOLERANCE_S).to_numpy()
        issues.add("ivr_exit", "is before the arrival", early, df["ivr_exit"].astype("str"))
        if "ivr_s" not in df:
            df["ivr_s"] = (df["ivr_exit"] - arrival).dt.total_seconds()
            derived.append("ivr_s")
    if "queue_entry" in df:
        early = ((df["queue_entry"] - arrival).dt.total_seconds() < -TOLERANCE_S).to_numpy()
        issues.add("queue_entry", "is before the arrival", early, df["queue_entry"].astype("str"))
        if "ivr_s" not in df:
            df["ivr_s"] = (df["queue_entry"] - arrival).dt.total_seconds().where(queued)
            derived.append("ivr_s")
    else:
        ivr = df["ivr_s"] if "ivr_s" in df else 0.0
        df["queue_entry"] = (arrival + pd.to_timedelta(ivr, unit="s")).where(queued)
    if "answer" in df:
        early = ((df["answer"] - arrival).dt.total_seconds() < -TOLERANCE_S).to_numpy()
        issues.add("answer", "is before the arrival", early, df["answer"].astype("str"))
        wait = (df["answer"] - df["queue_entry"]).dt.total_seconds()
        before_q = (wait < -TOLERANCE_S).to_numpy() & ~early
        issues.add("answer", "is before the queue entry", before_q, df["answer"].astype("str"))
        if "wait_s" not in df:
            df["wait_s"] = wait.clip(lower=0.0).where(outcome.eq("answered"))
            derived.append("wait_s")
    elif "wait_s" in df:
        df["answer"] = (df["queue_entry"] + pd.to_timedelta(df["wait_s"], unit="s")).where(
            outcome.eq("answered")
        )
    if "ivr_s" in df:
        has_ivr = pd.Series(df["ivr_s"], index=df.index).gt(0)
        fill = has_ivr & queued & ivr_out.isna()
        ivr_out = ivr_out.where(~fill, "to_agent")
    df["outcome"] = outcome
    df["ivr_outcome"] = ivr_out
    return df, derived


def _skip(
    df: pd.DataFrame, line_of: np.ndarray, blank: np.ndarray, dup: np.ndarray
) -> tuple[pd.DataFrame, list[Skipped]]:
    """Leave out rows that cannot count as a call, counted per reason."""
    reasons = [
        ("blank line", pd.Series(blank, index=df.index)),
        ("marked ignore in the log", df["outcome"].eq("ignore") | df["ivr_outcome"].eq("ignore")),
        ("no arrival time", df["arrival"].isna()),
        ("no call type", df["call_type"].isna()),
        ("no outcome", df["outcome"].isna()),
        (
            "repeats an earlier row (same caller or agent, time and result)",
            pd.Series(dup, index=df.index),
        ),
        (
            f"arrival over {FAR_DAYS} days from every other call (a wrong date?)",
            pd.Series(far_arrivals(df["arrival"]), index=df.index),
        ),
    ]
    keep = np.ones(len(df), dtype=bool)
    skipped = []
    for reason, mask in reasons:
        m = mask.to_numpy(dtype=bool) & keep
        if m.any():
            skipped.append(Skipped(reason, int(m.sum()), [int(x) for x in line_of[m][:5]]))
            keep &= ~m
    return df[keep], skipped
