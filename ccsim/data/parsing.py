"""Reading one field of a call log: times, durations, labels and vocabularies, with problems.

Each reader takes the raw column (as the file gave it), returns the parsed column, and
appends the rows it cannot read to a list of ``RowIssue`` (gathered per rule, so a
million bad rows make one problem with examples, not a million lines).
"""

from __future__ import annotations

import warnings
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
        as_int = raw.where(raw.notna() & (raw % 1 == 0))
        text = as_int.astype("Int64").astype("str").where(as_int.notna(), raw.astype("str"))
    else:
        text = raw.astype("str").str.strip()
    if fm is not None and fm.values:
        text = text.replace(fm.values)
    out = text.astype("str").where(~miss)
    return out.where(out != "", None)


def read_vocabulary(
    raw: pd.Series, fm: FieldMap | None, words: tuple[str, ...], where: str, issues: RowIssues
) -> pd.Series:
    """A closed set of words (outcome, ivr_outcome): mapped, case-insensitive, else a problem."""
    text = read_label(raw, fm)
    lower = text.str.lower()
    known = lower.isin(words)
    bad = (text.notna() & ~known).to_numpy()
    hint = f"is not one of {', '.join(words)}" + (
        " (map the log's words in values)" if fm is None or not fm.values else ""
    )
    issues.add(where, hint, bad, raw)
    return lower.where(known)


def read_duration(
    raw: pd.Series, fm: FieldMap | None, where: str, issues: RowIssues
) -> NDArray[np.float64]:
    """Seconds: numbers in the field's unit, or ``[h:]mm:ss`` text; negative is a problem."""
    miss = missing_mask(raw, fm)
    unit = UNITS[fm.unit] if fm is not None else 1.0
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        sec = raw.to_numpy(dtype=float, na_value=np.nan) * unit
        bad = np.zeros(len(raw), dtype=bool)
    else:
        text = raw.astype("str").str.strip().where(~miss)
        num = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
        sec = num.to_numpy(dtype=float, na_value=np.nan) * unit
        clock = text.str.contains(":", regex=False, na=False).to_numpy() & np.isnan(sec)
        if clock.any():
            sec[clock] = _clock_seconds(text[clock])
        bad = np.isnan(sec) & ~miss
        issues.add(where, "is not a duration (seconds, or h:mm:ss)", bad, raw)
    sec[miss] = np.nan
    neg = sec < 0
    issues.add(where, "is negative", neg, raw)
    sec[neg | ~np.isfinite(sec)] = np.nan
    return sec


def _clock_seconds(text: pd.Series) -> NDArray[np.float64]:
    # the sign belongs to the whole duration: -0:05 is -5 s (not -0 min + 5 s)
    sign = np.where(text.str.startswith("-").to_numpy(dtype=bool), -1.0, 1.0)
    parts = text.str.lstrip("-").str.split(":", expand=True)
    parts = parts.apply(pd.to_numeric, errors="coerce")
    n = parts.notna().sum(axis=1).to_numpy()
    vals = parts.to_numpy(dtype=float, na_value=np.nan)
    out = np.full(len(text), np.nan)
    two = n == 2
    three = n == 3
    if vals.shape[1] >= 2:
        out[two] = vals[two, 0] * 60 + vals[two, 1]
    if vals.shape[1] >= 3:
        out[three] = vals[three, 0] * 3600 + vals[three, 1] * 60 + vals[three, 2]
    return out * sign


def read_time(
    raw: pd.Series,
    fm: FieldMap | None,
    start: pd.Timestamp,
    where: str,
    issues: RowIssues,
) -> tuple[pd.Series, str | None]:
    """Timestamps: text (format given or inferred), or numbers = seconds from ``start``.

    Returns the times and the format used (None for numbers or ISO 8601).
    """
    miss = missing_mask(raw, fm)
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        unit = UNITS[fm.unit] if fm is not None else 1.0
        sec = raw.to_numpy(dtype=float, na_value=np.nan) * unit
        sec[miss] = np.nan
        bad = ~np.isfinite(sec) & ~miss
        issues.add(where, "is not a number of seconds", bad, raw)
        sec[bad] = np.nan
        return pd.Series(start + pd.to_timedelta(sec, unit="s"), index=raw.index), None
    text = raw.astype("str").str.strip().where(~miss)
    fmt = fm.format if fm is not None else None
    parsed, used = _parse_times(text, fmt)
    bad = (parsed.isna() & text.notna()).to_numpy()
    rule = "is not a time" + (
        f" in the format {used}" if used else " (give the field's format, e.g. '%d/%m/%Y %H:%M:%S')"
    )
    issues.add(where, rule, bad, raw)
    return parsed, used


def _parse_times(text: pd.Series, fmt: str | None) -> tuple[pd.Series, str | None]:
    """Parse with the given format, or the format guessed from the first value (day first too)."""
    if fmt is not None:
        return _to_datetime(text, fmt), fmt
    first = text.dropna()
    if first.empty:
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]"), None
    best: tuple[pd.Series, str | None] | None = None
    guesses: list[str | None] = []
    for dayfirst in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "dayfirst=True was specified" for a year-first value
            g = pd.tseries.api.guess_datetime_format(str(first.iloc[0]), dayfirst=dayfirst)
        if g not in guesses:
            guesses.append(g)
    for g in guesses:
        out = _to_datetime(text, g if g else "ISO8601")
        fails = int((out.isna() & text.notna()).sum())
        if best is None or fails < int((best[0].isna() & text.notna()).sum()):
            best = (out, g)
        if fails == 0:
            break
    assert best is not None
    return best


#: A UTC offset ending a time: Z, +08:00, -0500.
_OFFSET = r"\s*(?:Z|[+-]\d{2}:?\d{2})$"


def _to_datetime(text: pd.Series, fmt: str) -> pd.Series:
    """Local wall-clock times read with ``fmt``; unreadable values are NaT."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _naive(pd.to_datetime(text, format=fmt, errors="coerce"))
        except ValueError:
            # several UTC offsets in one log (summer time began or ended): pandas will not
            # mix them in one column, so each time keeps its wall clock and drops its offset
            wall = text.str.replace(_OFFSET, "", regex=True)
            plain = fmt if fmt == "ISO8601" else fmt.replace("%z", "").rstrip()
            out: pd.Series = pd.to_datetime(wall, format=plain, errors="coerce")
            return out


def _naive(times: pd.Series) -> pd.Series:
    """Local wall-clock times: a time zone, if the log gives one, is dropped after conversion."""
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        out: pd.Series = times.dt.tz_localize(None)
        return out
    return times
