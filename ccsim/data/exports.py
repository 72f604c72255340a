"""What real ACD exports do besides holding calls, recognised so that it is read or counted.

A delimiter other than the one declared (none declared: detected from the header line),
an Excel workbook instead of text, the header line repeated where two exports were
concatenated, a totals line at the end, rows repeated by an overlapping export, and an
arrival whose date is far from every other call's (a typing error). Each is either read
as meant or left out and counted with its reason (``Skipped``), never read silently.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ccsim.data.canonical import Skipped
from ccsim.errors import InputError, Problem

#: Delimiters tried, in order, when the map declares none.
DELIMITERS = (";", "\t", "|")
#: First bytes of Excel workbooks: .xlsx (a zip archive) and .xls (an OLE2 compound file).
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
#: A cell opening a totals or summary line: Total, Grand total, Sum, 合计, 总计, 小计, 汇总.
TOTAL_WORD = re.compile(
    r"^\s*(?:grand\s+)?(?:totals?|sub-?totals?|sum|summary|合计|总计|小计|汇总|总数)(?:\b|\s|:|$)",
    re.IGNORECASE,
)
#: Days without a single call that cut off a far group of arrivals (a wrong date).
FAR_DAYS = 28
#: At most this share of the rows (and 10 rows) may be far and be left out as wrong dates.
FAR_SHARE = 0.01


def refuse_workbook(p: Path) -> None:
    """An Excel workbook is not text: say so, and how to export it, before reading it as CSV."""
    with open(p, "rb") as fh:
        head = fh.read(4)
    suffix = p.suffix.lower()
    if suffix in _WORKBOOK_SUFFIXES or (suffix != ".zip" and head in _WORKBOOK_MAGIC):
        raise InputError(
            [
                Problem(
                    "LOG",
                    "is a spreadsheet workbook, not a CSV or Parquet file: save the sheet as "
                    "CSV (UTF-8) and read that (ccsim does not install openpyxl, which reading "
                    ".xlsx would need)",
                    str(p),
                )
            ]
        )


def sniff_delimiter(header: list[str]) -> str | None:
    """The delimiter of a header read with commas, when another one splits it more.

    ``header`` is the header line as read with ``,`` (its pieces joined back give the line).
    """
    line = ",".join(header)
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > len(header) - 1 else None


def artifact_rows(
    frame: pd.DataFrame, arrival_columns: list[str]
) -> list[tuple[str, NDArray[np.bool_]]]:
    """Rows that are part of the export's layout, not calls: repeated headers, totals lines.

    ``arrival_columns`` are the columns the arrival is read from. A totals line has no
    arrival time, or a word such as Total in its place, and a cell opening with such a
    word (in any column read, the file's first column included).
    """
    n = len(frame)
    if n == 0 or not arrival_columns:
        return []
    out: list[tuple[str, NDArray[np.bool_]]] = []
    first = arrival_columns[0]
    arrival = frame[first]
    textual = pd.api.types.is_object_dtype(arrival.dtype) or pd.api.types.is_string_dtype(
        arrival.dtype
    )
    # a header or a totals word can only stand in a text column (not in numbers or times)
    header = _text(arrival).eq(first).to_numpy() if textual else np.zeros(n, dtype=bool)
    if header.any():
        out.append(("repeated header line (exports joined together)", header))
    # a totals line has no arrival time, or a total word in its place: only rows whose
    # arrival does not open with a digit are looked at further (a cheap test first)
    rows = arrival.isna().to_numpy().copy()
    if textual:
        text = _text(arrival)
        rows |= ~text.str.slice(0, 1).isin(list("0123456789")).to_numpy()
        some = np.flatnonzero(rows & text.notna().to_numpy())
        if len(some):
            word = text.iloc[some].str.match(TOTAL_WORD, na=False).to_numpy()
            rows[some[~word]] = False
    total = np.zeros(n, dtype=bool)
    if rows.any():
        cand = frame[rows]
        hit = np.zeros(len(cand), dtype=bool)
        for c in cand.columns:
            if not pd.api.types.is_numeric_dtype(cand[c].dtype):
                hit |= _text(cand[c]).str.match(TOTAL_WORD, na=False).to_numpy()
        total[np.flatnonzero(rows)[hit]] = True
    total &= ~header
    if total.any():
        out.append(("totals or summary line", total))
    extra = frame.attrs.get("extra_fields")
    if extra is not None and len(extra) == n:
        extra = extra & ~header & ~total
        if extra.any():
            out.append(("more fields than the header (a delimiter inside a value?)", extra))
    return out


def _text(col: pd.Series) -> pd.Series:
    return col.astype("str").str.strip().where(col.notna())


def without_rows(frame: pd.DataFrame, drop: NDArray[np.bool_], columns: list[str]) -> pd.DataFrame:
    """The frame without ``drop``; ``columns`` that were text only because of them made numbers."""
    kept = frame[~drop].copy()
    kept.attrs = frame.attrs
    for c in columns:
        col = kept[c]
        if pd.api.types.is_numeric_dtype(col.dtype) or col.dtype.kind == "M":
            continue
        nums = pd.to_numeric(col, errors="coerce")
        if bool((nums.notna() | col.isna()).all()):
            kept[c] = nums
    return kept


def duplicate_rows(df: pd.DataFrame, fields: list[str]) -> tuple[NDArray[np.bool_], int]:
    """Rows repeating an earlier row in every field read, when they name who took part.

    A row with a caller id (one holding a digit other than 0: a withheld number written
    ``anonymous``, ``Unknown`` or ``0`` names nobody), or answered by a named agent,
    cannot happen twice at the same instant: its repeat is the same call exported twice and is left out. Repeats naming
    neither could be two calls alike (two hang-ups in the same second): they are kept and
    their number returned for a note.
    """
    cols = [c for c in fields if c in df.columns]
    if not cols or len(df) < 2:
        return np.zeros(len(df), dtype=bool), 0
    call = (df["arrival"].notna() & df["outcome"].notna() & df["outcome"].ne("ignore")).to_numpy()
    # repeats agree on the times and durations first (cheap to compare); the text fields
    # are compared on those rows only
    cheap = [c for c in cols if df[c].dtype.kind in "fiuM"]
    cand = df.duplicated(subset=cheap, keep=False).to_numpy() if cheap else np.ones(len(df), bool)
    dup = np.zeros(len(df), dtype=bool)
    if cand.any():
        dup[cand] = df[cand].duplicated(subset=cols, keep="first").to_numpy()
    dup &= call
    if not dup.any():
        return dup, 0
    named = np.zeros(len(df), dtype=bool)
    if "caller_id" in cols:
        # a number names a caller; a withheld one (anonymous, Unknown, Private, 0) does not
        ids = df["caller_id"].astype("str").str.strip().where(df["caller_id"].notna())
        real = ids.str.contains(r"[1-9]", regex=True, na=False)
        named |= real.to_numpy()
    if "agent" in cols:
        named |= (df["agent"].notna() & df["outcome"].eq("answered")).to_numpy()
    return dup & named, int((dup & ~named).sum())


def far_arrivals(arrival: pd.Series) -> NDArray[np.bool_]:
    """Arrivals cut off from the other calls by ``FAR_DAYS`` without a call: a few wrong dates.

    Only a small group (at most ``FAR_SHARE`` of the rows, at most 10 and at least 1 row)
    counts as far, and only when one run of calls holds nearly all the others; two large
    groups apart are two periods of a real log and are both kept.
    """
    t = arrival.to_numpy(dtype="datetime64[ns]")
    ok = ~np.isnat(t)
    n = int(ok.sum())
    far = np.zeros(len(t), dtype=bool)
    if n < 2:
        return far
    order = np.argsort(t[ok], kind="stable")
    ts = t[ok][order]
    gaps = np.flatnonzero(np.diff(ts) > np.timedelta64(FAR_DAYS, "D"))
    if not len(gaps):
        return far
    limit = max(1, min(10, int(FAR_SHARE * n)))
    # the largest run of calls between gaps is the log; small runs elsewhere are far
    bounds = np.concatenate([[0], gaps + 1, [n]])
    sizes = np.diff(bounds)
    main = int(np.argmax(sizes))
    if sizes[main] < (1 - FAR_SHARE) * n - limit:
        return far  # no run holds nearly every call: periods of a real log, not typing errors
    far_sorted = np.zeros(n, dtype=bool)
    for k, size in enumerate(sizes):
        if k != main and size <= limit:
            far_sorted[bounds[k] : bounds[k + 1]] = True
    idx = np.flatnonzero(ok)[order]
    far[idx[far_sorted]] = True
    return far


def no_call(rows_read: int, skipped: list[Skipped], what: str) -> str:
    """Why a log holds no call: no row under its header, or every row left out (and why)."""
    if rows_read == 0:
        return f"holds no call to {what}: the file has a header line and no rows"
    why = "; ".join(f"{s.reason}: {s.rows:,}" for s in skipped)
    return f"holds no call to {what}: every row was left out ({why})"


def skipped_notes(skipped: list[Skipped], row_word: str = "line") -> list[str]:
    """One note per reason rows were left out, with the first lines as examples."""
    return [
        f"left out: {s.rows:,} row{'' if s.rows == 1 else 's'} ({s.reason}), e.g. {row_word} "
        + ", ".join(str(x) for x in s.examples[:3])
        for s in skipped
    ]
