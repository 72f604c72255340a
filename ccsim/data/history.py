"""Volume history for forecasting: calls (and handle time) per interval and call type.

Two inputs read into the same ``History``:

* a call log (as ``ccsim fit`` reads it, with a map for foreign exports), counted per
  interval of ``interval_min``; with ``caller_id``, redials and returns are left out, so
  the history counts first calls (what a scenario's arrivals are);
* a table of counts, CSV or Parquet: ``timestamp, call_type, calls[, aht_s]``, one row per
  interval and call type, on a regular grid (its step is the interval).

The history must be whole days on a regular grid with no gap: a missing interval is not
a zero. Gaps, negative counts and unreadable rows are problems (exit 2), all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ccsim.errors import InputError, Problem

#: Problems quoted per rule.
EXAMPLES = 5


@dataclass
class History:
    """Calls per interval (rows: interval starts on a regular grid; columns: call types)."""

    counts: pd.DataFrame
    aht: pd.DataFrame | None  # mean handle seconds (talk + wrap), NaN where no call
    interval_min: float
    source: str
    notes: list[str] = field(default_factory=list)

    @property
    def slots_per_day(self) -> int:
        """Intervals in a day."""
        return round(1440 / self.interval_min)

    @property
    def days(self) -> int:
        """Whole days of history."""
        return len(self.counts) // self.slots_per_day

    def matrix(self, call_type: str) -> np.ndarray:
        """Calls of one type as days x slots."""
        return self.counts[call_type].to_numpy(dtype=float).reshape(self.days, self.slots_per_day)

    def day_index(self) -> pd.DatetimeIndex:
        """Midnight of each day of history."""
        return pd.DatetimeIndex(self.counts.index[:: self.slots_per_day])


def read_history(
    path: str | Path | pd.DataFrame,
    map: str | Path | None = None,
    start: str | None = None,
    interval_min: float | None = None,
    special_days: tuple[str, ...] | list[str] = (),
) -> History:
    """Read a counts table or a call log into a ``History``; raise ``InputError`` on bad input.

    Intervals missing on ``special_days`` (dates) are not gaps: those days are left out
    of the forecast anyway.
    """
    special = {f"{pd.Timestamp(d):%Y-%m-%d}" for d in special_days if _is_date(d)}
    if isinstance(path, pd.DataFrame):
        return _from_counts(path, "<DataFrame>", interval_min, special)
    p = Path(path)
    if not p.is_file():
        raise InputError([Problem("HISTORY", "no such file", str(path))])
    header, sep = _header(p)
    if {"timestamp", "call_type", "calls"} <= set(header) and map is None:
        if p.suffix.lower() in (".parquet", ".pq"):
            table = pd.read_parquet(p)
        else:
            try:
                table = pd.read_csv(p, sep=sep)
            except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
                raise InputError(
                    [Problem("HISTORY", f"cannot be read as CSV ({exc})", str(p))]
                ) from None
        return _from_counts(table, str(p), interval_min, special)
    return _from_log(p, map, start, interval_min or 30.0)


def _header(p: Path) -> tuple[list[str], str]:
    """The columns, and the delimiter of a CSV (``;``, tab or ``|`` detected as a log's)."""
    from ccsim.data.exports import sniff_delimiter

    if p.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(p).names), ","
        except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
            raise InputError(
                [Problem("HISTORY", f"is not a Parquet file ({exc})", str(p))]
            ) from None
    try:
        header = [str(c).strip() for c in pd.read_csv(p, nrows=0).columns]
        sep = sniff_delimiter(header) or ","
        if sep != ",":
            header = [str(c).strip() for c in pd.read_csv(p, nrows=0, sep=sep).columns]
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError):
        return [], ","
    return header, sep


def _is_date(d: str) -> bool:
    try:
        pd.Timestamp(d)
    except (ValueError, TypeError):
        return False
    return True


def _from_counts(
    table: pd.DataFrame, source: str, interval_min: float | None, special: set[str]
) -> History:
    problems: list[Problem] = []
    need = [c for c in ("timestamp", "call_type", "calls") if c not in table.columns]
    if need:
        raise InputError(
            [Problem("HISTORY", f"lacks the columns {', '.join(need)}", has_value=False)], source
        )
    t = pd.to_datetime(table["timestamp"], errors="coerce", format="mixed")
    calls = pd.to_numeric(table["calls"], errors="coerce")
    line = np.arange(len(table)) + 2
    _rows(problems, line, t.isna().to_numpy(), "timestamp", "is not a time", table["timestamp"])
    _rows(problems, line, calls.isna().to_numpy(), "calls", "is not a number", table["calls"])
    _rows(problems, line, (calls < 0).to_numpy(), "calls", "is negative", table["calls"])
    ctype = table["call_type"].astype("str").str.strip()
    empty = (ctype == "").to_numpy() | table["call_type"].isna().to_numpy()
    _rows(problems, line, empty, "call_type", "is empty", table["call_type"])
    frame = pd.DataFrame({"t": t, "call_type": ctype, "calls": calls.astype(float)})
    read = ~(t.isna().to_numpy() | calls.isna().to_numpy() | (calls < 0).to_numpy() | empty)
    # a time twice for a type, among the rows that read: listed with the rows' problems
    placed = ~(t.isna().to_numpy() | empty)  # a time and a type, whatever the count
    dup = np.zeros(len(frame), dtype=bool)
    dup[placed] = frame[placed].duplicated(["t", "call_type"], keep=False).to_numpy()
    _rows(
        problems, line, dup, "timestamp", "appears twice for the same call type", table["timestamp"]
    )
    a = None
    if "aht_s" in table.columns:
        a = pd.to_numeric(table["aht_s"], errors="coerce")
        _rows(problems, line, (a.notna() & (a < 0)).to_numpy(), "aht_s", "is negative", table["aht_s"])  # fmt: skip
    if problems:
        # the step and gaps of the times, listed too (one message for the table): when
        # every time reads, a bad count or a repeated time leaves no gap of its own
        if t.notna().all() and not empty.any():
            check = frame.assign(calls=frame["calls"].where(read, 0.0))
            check = check.drop_duplicates(["t", "call_type"])
            try:
                _regular_counts(check, None, interval_min, source, special)
            except InputError as exc:
                problems += [q for q in exc.problems if isinstance(q, Problem)]
        raise InputError(problems, source)
    return _regular_counts(frame, a, interval_min, source, special)


def _regular_counts(
    frame: pd.DataFrame,
    a: pd.Series | None,
    interval_min: float | None,
    source: str,
    special: set[str],
) -> History:
    """The checked rows as a regular history: the step, the counts and AHT per call type."""
    step_min = _step(frame["t"], interval_min, source)
    counts = frame.pivot(index="t", columns="call_type", values="calls").sort_index()
    aht = None
    if a is not None:
        aht = frame.assign(aht=a).pivot(index="t", columns="call_type", values="aht").sort_index()
    return _regular(counts, aht, step_min, source, [], special)


def _from_log(p: Path, map: str | Path | None, start: str | None, interval_min: float) -> History:
    from ccsim.data.calllog import load_call_log
    from ccsim.data.exports import no_call, skipped_notes
    from ccsim.data.period import period_of
    from ccsim.data.redials import find_redials
    from ccsim.data.returns import find_returns

    log = load_call_log(p, map, start)
    df = log.frame
    if df.empty:
        why = no_call(log.rows_read, log.skipped, "forecast from")
        raise InputError([Problem("HISTORY", why, str(p))])
    log.notes.extend(skipped_notes(log.skipped))
    if df["replication"].nunique() > 1:
        df = df[df["replication"] == df["replication"].min()]
        log.notes.append(
            "ccsim's records of several replications: the first replication is the history"
        )
    notes = list(log.notes)
    first = df["arrival"].min().normalize()
    days = int((df["arrival"].max().normalize() - first).days) + 1
    period = period_of(df["arrival"], interval_min, 1)
    t = period.seconds(df["arrival"])
    keep = np.ones(len(df), dtype=bool)
    if df["caller_id"].notna().any():
        is_redial, _ = find_redials(df, t, period.duration_s, 7200.0)
        is_return, _ = find_returns(df, t, period.seconds(df["answer"]), period.duration_s, 86400.0)
        keep = ~is_redial & ~is_return
        notes.append(
            f"first calls counted: {int((~keep).sum()):,} redials and returns left out "
            "(the scenario's redial and fcr add them back)"
        )
    sel = df[keep]
    grid = pd.date_range(
        first, periods=days * round(1440 / interval_min), freq=f"{interval_min:g}min"
    )
    slot = ((sel["arrival"] - first).dt.total_seconds() // (interval_min * 60)).astype(np.int64)
    counts = (
        pd.crosstab(slot, sel["call_type"].astype("str"))
        .reindex(range(len(grid)), fill_value=0)
        .astype(float)
    )
    counts.index = grid
    answered = sel[sel["outcome"].eq("answered") & sel["talk_s"].notna()]
    aht = None
    if len(answered):
        s2 = ((answered["arrival"] - first).dt.total_seconds() // (interval_min * 60)).astype(
            np.int64
        )
        handle = answered["talk_s"] + answered["wrap_s"].fillna(0.0)
        aht = (
            pd.DataFrame(
                {"slot": s2, "call_type": answered["call_type"].astype("str"), "h": handle}
            )
            .pivot_table(index="slot", columns="call_type", values="h", aggfunc="mean")
            .reindex(index=range(len(grid)), columns=counts.columns)
        )
        aht.index = grid
    empty_days = [
        d
        for d in range(days)
        if counts.iloc[d * round(1440 / interval_min) : (d + 1) * round(1440 / interval_min)]
        .to_numpy()
        .sum()
        == 0
    ]
    if empty_days:
        names = ", ".join(f"{first + pd.Timedelta(days=d):%Y-%m-%d}" for d in empty_days[:10])
        raise InputError(
            [
                Problem(
                    "HISTORY",
                    f"has days without a single call ({names}): a gap in the export, not a quiet day; leave them out of the log or list them with --special-days",
                    has_value=False,
                )
            ],
            str(p),
        )
    return History(counts, aht, interval_min, str(p), notes)


def _step(t: pd.Series, interval_min: float | None, source: str) -> float:
    u = np.sort(t.drop_duplicates().to_numpy())
    if len(u) < 2:
        raise InputError(
            [
                Problem(
                    "HISTORY",
                    "holds a single interval: a history needs whole days",
                    has_value=False,
                )
            ],
            source,
        )
    diffs = np.diff(u).astype("timedelta64[s]").astype(np.int64)
    step = float(np.min(diffs)) / 60.0
    if interval_min is not None and abs(interval_min - step) > 1e-9:
        raise InputError(
            [
                Problem(
                    "--interval-min",
                    f"differs from the history's step of {step:g} min",
                    interval_min,
                )
            ],
            source,
        )
    if step <= 0 or not (1440 / step).is_integer():
        raise InputError(
            [Problem("timestamp", f"steps of {step:g} min do not divide a day", has_value=False)],
            source,
        )
    return step


def _regular(
    counts: pd.DataFrame,
    aht: pd.DataFrame | None,
    step_min: float,
    source: str,
    notes: list[str],
    special: set[str],
) -> History:
    """Check the grid: whole days from midnight, no missing interval; NaN cells are gaps."""
    per_day = round(1440 / step_min)
    first = counts.index[0]
    problems: list[Problem] = []
    if first != first.normalize():
        problems.append(
            Problem("timestamp", "the history must start at midnight (whole days)", f"{first}")
        )
    grid = pd.date_range(
        first.normalize(),
        counts.index[-1].normalize() + pd.Timedelta(days=1),
        freq=f"{step_min:g}min",
        inclusive="left",
    )
    full = counts.reindex(grid)
    missing = full.isna().any(axis=1).to_numpy().copy()
    missing &= ~np.isin(np.asarray(grid.strftime("%Y-%m-%d")), sorted(special))
    if missing.any():
        runs = _runs(grid, missing, step_min)
        problems.append(
            Problem(
                "HISTORY",
                f"has gaps ({int(missing.sum()):,} intervals missing): {'; '.join(runs[:EXAMPLES])}"
                + (f"; and {len(runs) - EXAMPLES} more" if len(runs) > EXAMPLES else "")
                + ". Give 0 for intervals without calls; list the days of an outage as special days",
                has_value=False,
            )
        )
    if problems:
        raise InputError(problems, source)
    if len(full) // per_day < 1:
        raise InputError(
            [Problem("HISTORY", "holds less than one whole day", has_value=False)], source
        )
    return History(full, aht.reindex(grid) if aht is not None else None, step_min, source, notes)


def _runs(grid: pd.DatetimeIndex, missing: np.ndarray, step_min: float) -> list[str]:
    out = []
    i = 0
    while i < len(missing):
        if missing[i]:
            j = i
            while j + 1 < len(missing) and missing[j + 1]:
                j += 1
            out.append(
                f"{grid[i]:%Y-%m-%d %H:%M} to {grid[j] + pd.Timedelta(minutes=step_min):%Y-%m-%d %H:%M}"
            )
            i = j + 1
        else:
            i += 1
    return out


def _rows(
    problems: list[Problem],
    line: np.ndarray,
    mask: np.ndarray,
    col: str,
    rule: str,
    values: pd.Series,
) -> None:
    idx = np.flatnonzero(mask)
    for i in idx[:EXAMPLES]:
        v = values.iloc[i]
        problems.append(
            Problem(
                f"line {line[i]}, column {col}", rule, v.item() if isinstance(v, np.generic) else v
            )
        )
    if len(idx) > EXAMPLES:
        problems.append(
            Problem(col, f"{rule}: {len(idx) - EXAMPLES:,} more lines like these", has_value=False)
        )
