"""Reading the time fields of a call log.

Text in a given or inferred format, numbers of seconds from a start, or Excel serial
dates; placeholder dates that mean "no time" are read as not known.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from ccsim.data.logmap import UNITS, FieldMap
from ccsim.data.parsing import RowIssues, missing_mask

#: ``format: excel``: numbers of days since 1899-12-30, as a spreadsheet stores times.
EXCEL = "excel"
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: Serial numbers of 1990-01-01 and 2099-12-31.
_EXCEL_RANGE = (32874.0, 73050.0)
#: Numbers read as Excel dates unasked must all lie within this many days of each other.
_EXCEL_SPAN_DAYS = 400.0
#: A date and time written as one number (``20260305200307``).
COMPACT = "%Y%m%d%H%M%S"
#: Times given as numbers of seconds beyond this (a hundred years) are problems.
MAX_SECONDS = 100 * 366 * 86400.0
#: Midnights an export writes for "no time" (Excel's and Unix's day zero).
PLACEHOLDERS = pd.DatetimeIndex(["1899-12-30", "1899-12-31", "1900-01-01", "1970-01-01"])


def read_time(
    raw: pd.Series,
    fm: FieldMap | None,
    start: pd.Timestamp,
    where: str,
    issues: RowIssues,
    notes: list[str] | None = None,
) -> tuple[pd.Series, str | None]:
    """Timestamps: text, numbers of seconds from ``start``, or Excel serial dates.

    Text is read in the field's format or an inferred one; Excel serial dates with
    ``format: excel``, or detected. What was inferred goes to ``notes``. Returns the times and the format used (None for numbers or ISO 8601).
    """
    said = notes if notes is not None else []
    miss = missing_mask(raw, fm)
    numeric = pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype)
    fmt = fm.format if fm is not None else None
    if fmt == EXCEL or (numeric and fmt is None and _looks_excel(raw, fm, miss)):
        if fmt is None:
            said.append(
                f"{where}: numbers read as Excel serial dates (days since 1899-12-30; "
                "give the field's unit to read them as seconds)"
            )
        return _placeholders(_excel(raw, miss, where, issues), where, said), EXCEL
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):  # Parquet timestamps
        return _placeholders(_naive(raw.where(~miss)), where, said), None
    if numeric and fmt is None and _looks_compact(raw, fm, miss):
        # 20260305200307: a date and time written as one number (0: not known)
        miss = miss | (raw.to_numpy(dtype=float, na_value=np.nan) == 0)
        raw = raw.astype("Int64").astype("str").where(~miss)
        fmt, numeric = COMPACT, False
    if numeric:
        unit = UNITS[fm.unit] if fm is not None else 1.0
        sec = raw.to_numpy(dtype=float, na_value=np.nan) * unit
        sec[miss] = np.nan
        bad = ~np.isfinite(sec) & ~miss
        issues.add(where, "is not a number of seconds", bad, raw)
        far = np.abs(np.where(bad, 0.0, np.nan_to_num(sec))) > MAX_SECONDS
        issues.add(where, "is not a number of seconds (over a hundred years)", far, raw)
        sec[bad | far] = np.nan
        return pd.Series(start + pd.to_timedelta(sec, unit="s"), index=raw.index), None
    text = raw.astype("str").str.strip().where(~miss)
    parsed, used, other = _parse_times(text, fmt)
    if other is not None:
        said.append(
            f"{where}: read as {used}; every value also reads as {other}: give the field's "
            "format if that is the order"
        )
    bad = (parsed.isna() & text.notna()).to_numpy()
    rule = "is not a time" + (
        f" in the format {used}" if used else " (give the field's format, e.g. '%d/%m/%Y %H:%M:%S')"
    )
    issues.add(where, rule, bad, raw)
    return (parsed if has_no_date(used) else _placeholders(parsed, where, said)), used


def _looks_compact(raw: pd.Series, fm: FieldMap | None, miss: np.ndarray) -> bool:
    """Whole numbers of 14 digits from 1990 to 2099: ``%Y%m%d%H%M%S`` written as a number."""
    if fm is not None and "unit" in fm.model_fields_set:
        return False
    v = raw.to_numpy(dtype=float, na_value=np.nan)[~miss]
    v = v[np.isfinite(v) & (v != 0)]  # 0: a placeholder for "no time"
    return bool(len(v)) and bool(
        (v >= 19900101000000).all() and (v <= 20991231235959).all() and (v % 1 == 0).all()
    )


def has_no_date(fmt: str | None) -> bool:
    """A format of times of day only (``%H:%M:%S``): the values carry no date."""
    return fmt not in (None, EXCEL) and not re.search(r"%[dmYyjbBUWaAcx]", str(fmt))


def on_arrival_date(times: pd.Series, arrival: pd.Series) -> tuple[pd.Series, int]:
    """Times of day put on their call's arrival date, within 12 hours of the arrival.

    The next day when the arrival's date puts them more than 12 hours before it (a call
    across midnight), the day before when more than 12 hours after it (a clock a second
    behind at midnight shows as a time before the arrival, a problem, not a wait of a
    day). ``00:00:00`` is an export's placeholder for "no time" and is not known; their
    number is returned for the notes.
    """
    clock = times - times.dt.normalize()
    placeholder = (clock == pd.Timedelta(0)).to_numpy()
    t = arrival.dt.normalize() + clock
    later = (arrival - t) > pd.Timedelta(hours=12)
    earlier = (t - arrival) > pd.Timedelta(hours=12)
    t = t.where(~later, t + pd.Timedelta(days=1))
    out: pd.Series = t.where(~earlier, t - pd.Timedelta(days=1)).where(~placeholder)
    return out, int((placeholder & times.notna().to_numpy()).sum())


def _looks_excel(raw: pd.Series, fm: FieldMap | None, miss: np.ndarray) -> bool:
    """Numbers that are Excel dates and implausible as seconds.

    1990 to 2099, a fraction of a day in most, all within ``_EXCEL_SPAN_DAYS`` (read as
    seconds: a log of a few minutes).
    """
    if fm is not None and "unit" in fm.model_fields_set:
        return False
    v = raw.to_numpy(dtype=float, na_value=np.nan)[~miss]
    # 0, 1 and 2 are the placeholder dates 1899-12-30 to 1900-01-01 ("no time")
    v = v[np.isfinite(v) & ((v < 0) | (v >= 3))]
    if len(v) == 0:
        return False
    lo, hi = float(v.min()), float(v.max())
    return (
        _EXCEL_RANGE[0] <= lo
        and hi <= _EXCEL_RANGE[1]
        and hi - lo <= _EXCEL_SPAN_DAYS
        and float(np.mean(v % 1 != 0)) >= 0.5
    )


def _excel(raw: pd.Series, miss: np.ndarray, where: str, issues: RowIssues) -> pd.Series:
    if pd.api.types.is_numeric_dtype(raw.dtype):
        days = raw.to_numpy(dtype=float, na_value=np.nan).copy()
    else:
        text = raw.astype("str").str.strip().str.replace(",", ".", regex=False)
        days = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan).copy()
    days[miss] = np.nan
    # 0 to 2958465: Excel's own range (1899-12-30 to 9999-12-31)
    bad = ~(np.isfinite(days) & (days >= 0) & (days <= 2958465)) & ~miss
    issues.add(where, "is not an Excel serial date (days since 1899-12-30)", bad, raw)
    days[bad] = np.nan
    # a spreadsheet's day fractions are binary: round to the second the export meant
    t = EXCEL_EPOCH + pd.to_timedelta(np.round(days * 86400.0), unit="s")
    return pd.Series(t, index=raw.index)


def _placeholders(times: pd.Series, where: str, notes: list[str]) -> pd.Series:
    zero = times.isin(PLACEHOLDERS).to_numpy()
    if zero.any():
        days = sorted({f"{t:%Y-%m-%d}" for t in times[zero]})
        notes.append(
            f"{where}: {int(zero.sum()):,} times at midnight of {', '.join(days)} (an export's "
            "placeholder for no time) read as not known"
        )
        return times.where(~zero)
    return times


def _parse_times(text: pd.Series, fmt: str | None) -> tuple[pd.Series, str | None, str | None]:
    """Parse with the given format, or one guessed from the values (day first too).

    Returns the times, the format, and another guessed format that reads every value too
    (day and month both 12 or less) when the two orders span the same days (month first
    is read then, day first for dates with dots); when they do not, the order keeping the
    calls closer together is taken.
    """
    if fmt is not None:
        return _to_datetime(text, fmt), fmt, None
    first = text.dropna()
    if first.empty:
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]"), None, None
    guesses = _guesses(first.iloc[:1])
    reads = [_read(text, guesses[0])]
    for g in guesses[1:]:
        # the other order is read in full only when it could read every value too: day
        # and month orders (not year first), and a sample of values reads
        if reads[0][0] == 0 and (
            str(g).startswith("%Y")
            or str(guesses[0]).startswith("%Y")
            or _read(first.iloc[:200], g)[0]
        ):
            continue
        reads.append(_read(text, g))
    if all(r[0] for r in reads):
        # pandas guesses nothing from some values ('2026/3/5 8:03:07 PM'): try more values
        # and the formats exports commonly write
        more = [g for g in _guesses(first.drop_duplicates().iloc[1:20]) if g not in guesses]
        more += [g for g in COMMON_FORMATS if g not in guesses and g not in more]
        # each on a sample first: read in full only where it reads the sample better than
        # the formats tried (one bad value in a long column costs one more read, not 15)
        sample = first.iloc[:500]
        best = min(_read(sample, r[2])[0] for r in reads)
        for g in more:
            n = _read(sample, g)[0]
            if n < best:
                reads.append(_read(text, g))
                best = n
    complete = [r for r in reads if r[0] == 0]
    # year first is followed by the month (no export writes year, day, month)
    if len(complete) == 2 and not any(str(r[2]).startswith("%Y") for r in complete):
        spans = [r[1].max() - r[1].min() for r in complete]
        if spans[0] != spans[1]:
            _, out, g = complete[int(np.argmin(spans))]
            return out, g, None
        if not complete[0][1].equals(complete[1][1]):
            # month first, as pandas reads; but dates with dots (05.03.2026) put the day first
            a, b = sorted(complete, key=lambda r: not str(r[2]).startswith("%d."))
            return a[1], a[2], b[2]
    _, out, g = min(reads, key=lambda r: r[0])
    return out, g, None


#: Formats tried when none guessed from the values reads them all.
COMMON_FORMATS = (
    "%Y/%m/%d %I:%M:%S %p",
    "%Y-%m-%d %I:%M:%S %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%d/%m/%Y %I:%M:%S %p",
    "%Y/%m/%d %I:%M %p",
    "%m/%d/%Y %I:%M %p",
    "%d.%m.%Y %H:%M:%S",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y%m%d%H%M%S",
    "%H:%M:%S",
    "%H:%M",
)


def _guesses(values: pd.Series) -> list[str | None]:
    out: list[str | None] = []
    for v in values:
        for dayfirst in (False, True):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "dayfirst=True was specified" for year first
                g = pd.tseries.api.guess_datetime_format(str(v), dayfirst=dayfirst)
            if g not in out:
                out.append(g)
    return out


def _read(text: pd.Series, g: str | None) -> tuple[int, pd.Series, str | None]:
    out = _to_datetime(text, g if g else "ISO8601")
    return int((out.isna() & text.notna()).sum()), out, g


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
