"""Reading a planner's CSV table (a spreadsheet export) into rows keyed by interval.

What exports look like is accepted: a byte-order mark (UTF-8 or UTF-16), ``,``, ``;``
or tab as separator (read from the header line), a decimal comma with ``;``, Windows
line ends, blank rows and trailing blank lines. Every problem is a ``Problem`` whose path
names the file, the row (as a spreadsheet numbers it: the header is row 1) and the
column (letter and name).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ccsim.errors import Problem
from ccsim.scenario.common import WEEKDAYS
from ccsim.scenario.document import MAX_FILE_BYTES
from ccsim.scenario.horizon import Horizon

DAY_S = 86_400.0

#: Most problems listed for one file; a wholly wrong file would otherwise print thousands.
MAX_FILE_PROBLEMS = 100

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_STAMP = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[ T](\d{1,2}:\d{2}(?::\d{2})?)$")


def column_letter(index: int) -> str:
    """Spreadsheet letter of a column: 0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


@dataclass
class Table:
    """A CSV file's header and data rows (blank rows left out), with their row numbers."""

    path: Path
    shown: str  # the path as messages show it
    columns: list[str]  # header names, stripped and lower-cased
    rows: list[tuple[int, list[str]]]  # (row number, cells)
    decimal_comma: bool = False
    found: list[tuple[float, Problem]] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        """The problems in the order of the file's rows (those of the whole file last)."""
        return [p for _, p in sorted(self.found, key=lambda x: x[0])]

    def where(self, row: int | None = None, column: str | None = None) -> str:
        """``file row 5, column C (calls_per_interval)``."""
        text = self.shown
        if row is not None:
            text += f" row {row}"
        if column is not None and column in self.columns:
            sep = ", " if row is not None else " "
            text += f"{sep}column {column_letter(self.columns.index(column))} ({column})"
        return text

    def add(self, row: int | None, column: str | None, rule: str, value: object = None) -> None:
        """Record a problem at a row and column (``value`` None: no value shown)."""
        at = float(row) if row is not None else math.inf
        self.found.append((at, Problem(self.where(row, column), rule, value, value is not None)))

    def cell(self, cells: list[str], column: str) -> str:
        """The stripped text of ``column`` in a row ('' when the row is short)."""
        i = self.columns.index(column)
        return cells[i].strip() if i < len(cells) else ""

    def number(self, row: int, cells: list[str], column: str, whole: bool = False) -> float | None:
        """A cell as a finite number >= 0 (a whole number with ``whole``), else a problem."""
        text = self.cell(cells, column)
        raw = text.replace(",", ".") if self.decimal_comma else text
        try:
            value = float(raw.replace("_", "x"))  # "1_000" is not a spreadsheet number
        except ValueError:
            self.add(row, column, "must be a whole number" if whole else "must be a number", text)
            return None
        if not math.isfinite(value):
            self.add(row, column, "must be a finite number", text)
            return None
        if value < 0:
            self.add(row, column, "must be >= 0", value)
            return None
        if whole and not value.is_integer():
            self.add(row, column, "must be a whole number", value)
            return None
        return value


def read_table(path: Path, shown: str, named_by: str) -> Table:
    """Read a CSV file; problems reading it are in the table's ``problems``.

    ``named_by``: where the scenario names the file (said when it cannot be read).
    """
    table = Table(path, shown, [], [])
    try:
        size = path.stat().st_size if path.is_file() else -1
        if size < 0:
            what = "is a folder, not a CSV file" if path.is_dir() else "file not found"
            table.add(None, None, f"{what} (named by {named_by})")
            return table
        if size > MAX_FILE_BYTES:
            table.add(None, None, f"is larger than {MAX_FILE_BYTES:,} bytes", size)
            return table
        data = path.read_bytes()
    except OSError as exc:
        table.add(None, None, f"cannot be read ({exc.strerror or exc})")
        return table
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        table.add(None, None, "is not UTF-8 text (save it as 'CSV UTF-8')")
        return table
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    if not first:
        table.add(None, None, "is empty (a header row is needed)")
        return table
    delimiter = max((",", ";", "\t"), key=first.count)  # ties: the comma, first
    table.decimal_comma = delimiter != ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip().lower() for c in cells]
                continue
            table.rows.append((reader.line_num, cells))
    except csv.Error as exc:
        table.add(reader.line_num, None, f"cannot be read as CSV ({exc})")
        return table
    table.columns = header or []
    return table


def check_columns(
    table: Table, required: tuple[str, ...], optional: tuple[str, ...], hints: dict[str, str]
) -> bool:
    """Columns known, none twice, the required ones present; False when the table is unusable."""
    ok = True
    seen: set[str] = set()
    for name in table.columns:
        if name in seen:
            table.add(1, None, "names a column twice", name)
            ok = False
        seen.add(name)
        if name in required or name in optional:
            continue
        rule = hints.get(name) or "is not a known column; known: " + ", ".join(
            (*required, *optional)
        )
        table.add(1, name, rule)
        ok = False
    for name in required:
        if name not in seen:
            table.add(1, None, f"lacks the column {name!r} (columns: {', '.join(table.columns)})")
            ok = False
    return ok


def clock_s(text: str) -> float | None:
    """``"08:30"`` or ``"8:30:00"`` -> seconds after midnight; None if not a clock time."""
    m = _TIME.match(text)
    if not m:
        return None
    h, mi, s = int(m[1]), int(m[2]), int(m[3] or 0)
    if h > 23 or mi > 59 or s > 59:
        return None
    return h * 3600.0 + mi * 60.0 + s


def parse_date(text: str) -> dt.date | None:
    """``"2026-12-03"`` -> a date; None if not an ISO date."""
    m = _DATE.match(text)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def split_stamp(text: str) -> tuple[str, str] | None:
    """``"2026-12-03 08:30"`` -> (date text, time text); None if not a date and time."""
    m = _STAMP.match(text)
    return (m[1], m[2]) if m else None


Key = tuple[int | None, float]  # (day of the period or None for every day, clock seconds)


def row_keys(t: Table, hz: Horizon) -> tuple[list[tuple[int, list[str], Key | None]], bool]:
    """Each row with its interval key (None: a problem); whether rows carry a day."""
    has_date, has_day = "date" in t.columns, "day" in t.columns
    if has_date and has_day:
        t.add(1, None, "give date or day, not both")
        return [], False
    step = hz.interval_s
    dates: list[tuple[int, list[str], dt.date | None, float]] = []
    bad: list[tuple[int, list[str], Key | None]] = []
    for row, cells in t.rows:
        text = t.cell(cells, "interval_start")
        date_text = t.cell(cells, "date") if has_date else ""
        stamp = split_stamp(text)
        if stamp is not None:
            date_text, text = (date_text or stamp[0]), stamp[1]
        clock = clock_s(text)
        if clock is None:
            t.add(row, "interval_start", "must be a clock time HH:MM", text)
            bad.append((row, cells, None))
            continue
        off = (clock - hz.start_s) / step
        if abs(off - round(off)) > 1e-6:
            t.add(
                row,
                "interval_start",
                f"is not on the scenario's grid (intervals of {hz.interval_min:g} min from {hz.start})",
                text,
            )
            bad.append((row, cells, None))
            continue
        date = None
        if date_text:
            date = parse_date(date_text)
            if date is None:
                t.add(
                    row,
                    "date" if has_date else "interval_start",
                    "must be a date YYYY-MM-DD",
                    date_text,
                )
                bad.append((row, cells, None))
                continue
        dates.append((row, cells, date, clock))
    dated = has_date or any(d is not None for _, _, d, _ in dates)
    if dated and any(d is None for _, _, d, _ in dates):
        t.add(None, None, "gives a date on some rows but not on others")
        return [], False
    out = bad
    if dated:
        first = min(d for _, _, d, _ in dates if d is not None) if dates else None
        if first is not None and WEEKDAYS[first.weekday()] != hz.start_day:
            t.add(
                None,
                None,
                f"starts on {first} ({WEEKDAYS[first.weekday()]}): the first date is the "
                f"period's first day, a {hz.start_day} (horizon.start_day)",
            )
        for row, cells, d, clock in dates:
            assert d is not None and first is not None
            out.append((row, cells, ((d - first).days, clock)))
        return out, True
    for row, cells, _, clock in dates:
        if has_day:
            n = t.number(row, cells, "day", whole=True)
            if n is not None and n < 1:
                t.add(row, "day", "must be >= 1 (1 = the period's first day)", n)
            if n is None or n < 1:
                out.append((row, cells, None))
                continue
            out.append((row, cells, (int(n) - 1, clock)))
        else:
            out.append((row, cells, (None, clock)))
    return out, has_day


def hhmm(clock: float) -> str:
    """Seconds after midnight as ``HH:MM``."""
    return f"{int(clock // 3600):02d}:{int(clock % 3600 // 60):02d}"


def period_keys(hz: Horizon, dated: bool) -> list[Key]:
    """The key of each interval of the period (with its day when ``dated``)."""
    keys: list[Key] = []
    for i in range(hz.n_intervals):
        t = hz.start_s + i * hz.interval_s
        day = math.floor(t / DAY_S + 1e-9)
        keys.append((day if dated else None, round(t - day * DAY_S, 6)))
    return keys
