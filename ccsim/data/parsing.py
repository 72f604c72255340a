"""Reading one field of a call log: times, durations, labels and vocabularies, with problems.

Each reader takes the raw column (as the file gave it), returns the parsed column, and
appends the rows it cannot read to a list of ``RowIssue`` (gathered per rule, so a
million bad rows make one problem with examples, not a million lines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ccsim.data.logmap import UNITS, FieldMap
from ccsim.errors import Problem

#: Examples of bad rows quoted per rule.
EXAMPLES = 5


@dataclass
class RowIssues:
    """Bad rows gathered per (field, rule), with the line numbers users look up."""

    line_of: NDArray[np.int64]  # file line (CSV) or row (Parquet) of each frame row
    row_word: str = "line"
    found: dict[tuple[str, str], tuple[NDArray[np.int64], pd.Series]] = field(default_factory=dict)

    def add(self, where: str, rule: str, mask: NDArray[np.bool_], values: pd.Series) -> None:
        """Rows of ``mask`` break ``rule`` in ``where`` (a field and its column)."""
        if not mask.any():
            return
        idx = np.flatnonzero(mask)
        key = (where, rule)
        if key in self.found:
            old_idx, old_vals = self.found[key]
            idx = np.concatenate([old_idx, idx])
            values = pd.concat([old_vals, values])
        self.found[key] = (idx, values)

    def problems(self) -> list[Problem]:
        """One problem per example row, and one line saying how many more rows there are."""
        out: list[Problem] = []
        for (where, rule), (idx, values) in self.found.items():
            vals = values.to_numpy() if len(values) == len(self.line_of) else None
            for i in idx[:EXAMPLES]:
                v = vals[i] if vals is not None else None
                out.append(Problem(f"{self.row_word} {self.line_of[i]}, {where}", rule, _plain(v)))
            if len(idx) > EXAMPLES:
                out.append(
                    Problem(
                        f"{where}",
                        f"{rule}: {len(idx) - EXAMPLES:,} more {self.row_word}s like these "
                        f"({len(idx):,} in all)",
                        has_value=False,
                    )
                )
        return out


def _plain(v: object) -> object:
    if isinstance(v, np.generic):
        return v.item()
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return v


def raw_column(frame: pd.DataFrame, fm: FieldMap) -> pd.Series:
    """The field's raw values: one column, two joined by a space, or the constant value."""
    if fm.value is not None:
        return pd.Series(fm.value, index=frame.index, dtype="str")
    if fm.columns is not None:
        a, b = (frame[c].astype("str").where(frame[c].notna()) for c in fm.columns)
        return (a + " " + b).where(a.notna() & b.notna())
    assert fm.column is not None
    return frame[fm.column]


def missing_mask(raw: pd.Series, fm: FieldMap | None) -> NDArray[np.bool_]:
    """Rows whose value means "not known": empty cells and the field's declared markers."""
    # a copy: under copy-on-write (pandas 3) to_numpy() is a read-only view
    miss = raw.isna().to_numpy().copy()
    if fm is not None and fm.missing:
        miss |= raw.astype("str").str.strip().isin(fm.missing).to_numpy()
        if pd.api.types.is_numeric_dtype(raw.dtype):
            nums = pd.to_numeric(pd.Series(fm.missing), errors="coerce").dropna().to_numpy()
            if len(nums):
                miss |= np.isin(raw.to_numpy(dtype=float), nums)
    return miss


def read_label(raw: pd.Series, fm: FieldMap | None) -> pd.Series:
    """Text labels (call type, tier, agent, ...), renamed by ``values``; missing is NA."""
    miss = missing_mask(raw, fm)
    if pd.api.types.is_float_dtype(raw.dtype):
        # a numeric id column read as floats (because of empty cells): 17.0 -> "17"
        # (whole numbers only up to 2**53: beyond, a float no longer holds every digit)
        as_int = raw.where(raw.notna() & (raw % 1 == 0) & (raw.abs() < 2.0**53))
        text = as_int.astype("Int64").astype("str").where(as_int.notna(), raw.astype("str"))
    else:
        text = raw.astype("str").str.strip()
    if fm is not None and fm.values:
        text = text.replace(fm.values)
    out = text.astype("str").where(~miss)
    return out.where(out != "", None)


#: Words exports write for the canonical ones, read when the map does not map them (each
#: use is said in the notes). Only words with one meaning in a call log: not "connected"
#: (to the IVR, or to an agent?) nor 呼损 (lost: abandoned or blocked?).
SYNONYMS: dict[str, dict[str, str]] = {
    "outcome": {
        **dict.fromkeys(("answer", "handled", "已接听", "接听", "人工接听", "已应答"), "answered"),
        **dict.fromkeys(("abandon", "queue_abandon", "放弃", "排队放弃", "客户放弃"), "abandoned"),
        **dict.fromkeys(("busy", "占线", "忙", "系统忙"), "blocked"),
    },
    "ivr_outcome": {
        **dict.fromkeys(("selfservice", "自助", "自助服务"), "self_service"),
        **dict.fromkeys(("abandon", "ivr_abandon", "ivr放弃"), "abandoned"),
        **dict.fromkeys(("agent", "转人工"), "to_agent"),
    },
}


def read_vocabulary(
    raw: pd.Series,
    fm: FieldMap | None,
    words: tuple[str, ...],
    where: str,
    issues: RowIssues,
    notes: list[str] | None = None,
    synonyms: dict[str, str] | None = None,
) -> pd.Series:
    """A closed set of words (outcome, ivr_outcome), else a problem.

    A word is read as the map maps it, else as the canonical word in any case and
    spacing (``Self-Service``), else through ``synonyms`` (said in ``notes``).
    """
    text = read_label(raw, fm)
    # few distinct words in a long column: each is looked up once
    canonical: dict[str, str] = {}
    aliased: list[str] = []
    for w in pd.unique(text.dropna()):
        n = _norm(str(w))
        if n in words:
            canonical[w] = n
        elif synonyms and n in synonyms:
            canonical[w] = synonyms[n]
            aliased.append(str(w))
    word = text.map(canonical)
    known = word.notna()
    if aliased and notes is not None and synonyms:
        notes.append(
            f"{where}: read "
            + ", ".join(f"{w!r} as {synonyms[_norm(w)]}" for w in sorted(aliased)[:10])
            + " (common words; map them under values to read them otherwise)"
        )
    bad = (text.notna() & ~known).to_numpy()
    hint = f"is not one of {', '.join(words)}" + (
        " (map the log's words in values)" if fm is None or not fm.values else ""
    )
    issues.add(where, hint, bad, raw)
    return word


def _norm(w: str) -> str:
    return re.sub(r"[\s\-]+", "_", w.lower())


def read_duration(
    raw: pd.Series, fm: FieldMap | None, where: str, issues: RowIssues, decimal: str | None = None
) -> NDArray[np.float64]:
    """Seconds: numbers in the field's unit, ``[h:]mm:ss``, or text with units (``3m15s``).

    Negative and longer than ``MAX_DURATION_S`` are problems. ``decimal`` is the CSV's
    decimal mark: with ``.``, a comma before exactly three digits (``1,234``) could be a
    thousands separator or a decimal comma, and is a problem rather than a guess; the
    other mark in groups of three with the decimal one (``1,234.5``; ``1.234,5`` with
    ``,``) is a thousands separator.
    """
    miss = missing_mask(raw, fm)
    unit = UNITS[fm.unit] if fm is not None else 1.0
    if pd.api.types.is_timedelta64_dtype(raw.dtype):  # Parquet durations
        sec = np.array(raw.dt.total_seconds().to_numpy(dtype=float, na_value=np.nan))
    elif pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        sec = raw.to_numpy(dtype=float, na_value=np.nan) * unit
    else:
        text = raw.astype("str").str.strip().where(~miss)
        if decimal == ".":
            ambiguous = text.str.fullmatch(r"-?\d{1,3},\d{3}", na=False).to_numpy()
            issues.add(
                where,
                "has a comma before three digits: a thousands separator or a decimal comma? "
                "(set csv.decimal to ',' if it is a decimal comma)",
                ambiguous,
                raw,
            )
            text = text.where(~ambiguous)
        if decimal in (".", ","):
            # thousands separators, the other mark in groups of three: 1,234.5 or 1.234,5
            k = "," if decimal == "." else "."
            grouped = text.str.fullmatch(
                rf"-?\d{{1,3}}(?:{re.escape(k)}\d{{3}})+(?:{re.escape(decimal)}\d+)?", na=False
            )
            # a column whose dots also stand before fewer or more than three digits (1.5,
            # 3.25) uses them as decimal points, whatever the map says: 12.345 is 12.345 s
            dotted = (
                text.str.fullmatch(r"-?\d*\.(?:\d{1,2}|\d{4,})", na=False).any()
                if decimal == ","
                else False
            )
            if not dotted:
                text = text.where(~grouped, text.str.replace(k, "", regex=False))
        num = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
        sec = num.to_numpy(dtype=float, na_value=np.nan) * unit
        clock = text.str.contains(":", regex=False, na=False).to_numpy() & np.isnan(sec)
        if clock.any():
            sec[clock] = _clock_seconds(text[clock])
        worded = np.isnan(sec) & text.notna().to_numpy()
        if worded.any():
            sec[worded] = _worded_seconds(text[worded])
        bad = np.isnan(sec) & text.notna().to_numpy()
        issues.add(where, "is not a duration (seconds, or h:mm:ss)", bad, raw)
    sec[miss] = np.nan
    neg = sec < 0
    issues.add(where, "is negative", neg, raw)
    long = sec > MAX_DURATION_S
    issues.add(where, "is longer than a day: no call lasts that long (a wrong unit?)", long, raw)
    sec[neg | long | ~np.isfinite(sec)] = np.nan
    return sec


#: A call's durations longer than this are problems (a wrong unit, or a broken record).
MAX_DURATION_S = 86400.0
#: Seconds of each unit word a duration may be written with (``195s``, ``3 min``, ``3分15秒``).
_UNIT_WORDS = {
    **dict.fromkeys(("ms", "msec", "毫秒"), 0.001),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds", "秒", "秒钟"), 1.0),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes", "分", "分钟"), 60.0),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "时", "小时"), 3600.0),
}
_WORDED_PART = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*([a-z\u4e00-\u9fff]+)", re.IGNORECASE)


def _worded_seconds(text: pd.Series) -> NDArray[np.float64]:
    """``195s``, ``3m15s``, ``1 h 2 min``, ``3分15秒``: numbers each followed by a unit word."""
    out = np.full(len(text), np.nan)
    cache: dict[str, float] = {}
    for i, v in enumerate(text.to_numpy()):
        if v not in cache:
            cache[v] = _worded(str(v))
        out[i] = cache[v]
    return out


def _worded(v: str) -> float:
    total, pos = 0.0, 0
    for m in _WORDED_PART.finditer(v):
        word = m.group(2).lower()
        if m.start() != pos or word not in _UNIT_WORDS:
            return np.nan
        total += float(m.group(1).replace(",", ".")) * _UNIT_WORDS[word]
        pos = m.end()
    return total if pos and v[pos:].strip() == "" else np.nan


def _clock_seconds(text: pd.Series) -> NDArray[np.float64]:
    # the sign belongs to the whole duration: -0:05 is -5 s (not -0 min + 5 s)
    sign = np.where(text.str.startswith("-").to_numpy(dtype=bool), -1.0, 1.0)
    bare = text.str.lstrip("-")
    # the number of parts written, not of parts that read: 1:2:x is no duration (not 62 s)
    n = (bare.str.count(":") + 1).to_numpy()
    # a decimal comma in the seconds (0:01:05,5)
    parts = bare.str.replace(",", ".", regex=False).str.split(":", expand=True)
    parts = parts.apply(pd.to_numeric, errors="coerce")
    written = parts.notna().sum(axis=1).to_numpy()
    n = np.where(written == n, n, 0)  # a part that does not read: not a duration
    vals = parts.to_numpy(dtype=float, na_value=np.nan)
    out = np.full(len(text), np.nan)
    two = n == 2
    three = n == 3
    if vals.shape[1] >= 2:
        out[two] = vals[two, 0] * 60 + vals[two, 1]
    if vals.shape[1] >= 3:
        out[three] = vals[three, 0] * 3600 + vals[three, 1] * 60 + vals[three, 2]
    return out * sign
