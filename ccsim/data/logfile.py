"""Opening a call log file: Parquet, or CSV text (plain or compressed) with its options.

Returns the header and a function reading the given columns, with the line number of
the first row (``line_offset``) and, in ``notes``, what was detected rather than declared
(a delimiter).
"""

from __future__ import annotations

import csv
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ccsim.data.exports import DELIMITERS, refuse_workbook, sniff_delimiter
from ccsim.data.logmap import LogMap
from ccsim.errors import InputError, Problem

#: Lines searched for the header when the first line is not it.
HEADER_SEARCH = 30
#: Cells that mean "not known" besides pandas' defaults.
DASHES = ("-", "--", "\u2014")


def open_log(p: Path, m: LogMap | None) -> tuple[list[str], Any]:
    """The log's header and a function reading the given columns."""
    source = str(p)
    if not p.is_file():
        raise InputError([Problem("LOG", "no such file", source)])
    parquet = p.suffix.lower() in (".parquet", ".pq")
    if parquet:
        import pyarrow.parquet as pq

        try:
            header = list(pq.read_schema(p).names)
        except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
            raise InputError([Problem("LOG", f"is not a Parquet file ({exc})", source)]) from None

        def read_parquet(cols: list[str], dtype: dict[str, str] | None = None) -> pd.DataFrame:
            df = pd.read_parquet(p, columns=cols)
            df.attrs["line_offset"] = 1
            df.attrs["row_word"] = "row"
            return df

        return header, read_parquet
    refuse_workbook(p)
    opts = m.csv if m is not None else LogMap().csv
    kw: dict[str, Any] = {
        "sep": opts.delimiter,
        "encoding": opts.encoding,
        "decimal": opts.decimal,
        "skiprows": opts.skip_rows,
        # a blank line stays a row (left out as "no arrival time"), so that the line
        # numbers of the rows after it are the file's
        "skip_blank_lines": False,
        # a dash is how many exports write "none" (besides pandas' NA, NULL, N/A, ...)
        "na_values": list(DASHES),
        # a delimiter ending every data line but not the header must not make the first
        # column the index
        "index_col": False,
    }
    notes: list[str] = []
    header = _header(p, kw, opts.encoding)
    sniffed = sniff_delimiter(header) if "delimiter" not in opts.model_fields_set else None
    if sniffed is not None:
        kw["sep"] = sniffed
        header = _header(p, kw, opts.encoding)
        shown = "tab" if sniffed == "\t" else repr(sniffed)
        notes.append(f"columns separated by {shown} (detected from the header line)")

    def read_csv(cols: list[str], dtype: dict[str, str] | None = None) -> pd.DataFrame:
        try:
            df: pd.DataFrame = pd.read_csv(
                p, usecols=lambda c: str(c).strip() in cols, low_memory=False, dtype=dtype, **kw
            )
        except UnicodeDecodeError as exc:  # a bad byte past the header line
            raise _encoding_error(opts.encoding, exc, source) from None
        except (pd.errors.ParserError, OSError, EOFError, ValueError) as exc:
            raise InputError([Problem("LOG", f"cannot be read as CSV ({exc})", source)]) from None
        df.columns = [str(c).strip() for c in df.columns]
        df.attrs["line_offset"] = opts.skip_rows + 2  # the header is line skip_rows + 1
        df.attrs["row_word"] = "line"
        df.attrs["notes"] = notes
        df.attrs["decimal"] = opts.decimal
        df.attrs["extra_fields"] = _extra_fields(p, kw, len(header), len(df))
        lines = record_lines(p, kw, opts.encoding, len(df))
        if lines is not None:
            df.attrs["line_of"] = lines
        return df

    return header, read_csv


def header_line(p: Path, m: LogMap | None, wanted: set[str]) -> tuple[int, int] | None:
    """Records before the header, and its line, when the first line is not it (a report title).

    The header is the first of the file's first ``HEADER_SEARCH`` lines holding every
    ``wanted`` column; None when the first line holds them, or no line does, or the map
    declares ``skip_rows`` or the file is Parquet.
    """
    opts = m.csv if m is not None else LogMap().csv
    if p.suffix.lower() in (".parquet", ".pq") or "skip_rows" in opts.model_fields_set:
        return None
    try:
        lines = pd.read_csv(
            p,
            header=None,
            sep="\x1f",
            quoting=3,
            nrows=HEADER_SEARCH,
            dtype="str",
            encoding=opts.encoding,
            skip_blank_lines=False,
            keep_default_na=False,
        )[0].tolist()
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        ValueError,
        UnicodeDecodeError,
        OSError,
        EOFError,
    ):
        return None
    seps = [opts.delimiter] if "delimiter" in opts.model_fields_set else [",", *DELIMITERS]
    found: list[tuple[int, int]] = []  # (line, records before it) per delimiter
    for sep in seps:
        try:  # records, not lines: a quoted title may hold a line break
            reader = csv.reader([str(x) for x in lines], delimiter=sep, quotechar='"')
            start = 0
            for k, cells in enumerate(reader):
                if k > 0 and wanted <= {c.strip() for c in cells}:
                    found.append((start, k))
                    break
                start = reader.line_num
        except (csv.Error, TypeError):
            continue
    if not found:
        return None
    line, records = min(found)
    return records, line + 1


def _extra_fields(p: Path, kw: dict[str, Any], width: int, rows: int) -> Any:
    """Rows with a value beyond the header's last column (a delimiter inside a value).

    Reading only the columns a map names, pandas drops such values silently; the shifted
    row would then be read with its fields in the wrong columns.
    """
    opts = {**kw, "skiprows": kw["skiprows"] + 1, "index_col": False}
    try:
        extra = pd.read_csv(
            p, header=None, names=list(range(width + 1)), usecols=[width], dtype="str", **opts
        )[width]
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError, OSError, EOFError):
        return None
    if len(extra) != rows:
        return None
    return extra.notna().to_numpy()


class RowLines:
    """The file line of each row, kept in a frame's ``attrs`` without being copied.

    pandas deep-copies ``attrs`` into every frame it derives; the lines of a large log
    would be copied each time.
    """

    __slots__ = ("lines",)

    def __init__(self, lines: NDArray[np.int64]) -> None:
        self.lines = lines

    def __deepcopy__(self, memo: dict[int, Any]) -> RowLines:
        return self


def record_lines(p: Path, kw: dict[str, Any], encoding: str, rows: int) -> RowLines | None:
    """The file line each row starts on, when a quoted value holds a line break; else None.

    Without such values row ``k`` is line ``k + skip_rows + 2`` (``line_offset``). A
    quoted comment written over two lines makes one row of two lines, and every later
    row's line number would be one short; here the rows are counted as the ``csv``
    module reads them. The file is read in pieces, opened as ``read_csv`` opens it (plain,
    gzip, bz2, xz, zip, tar, ...): a first pass counts line breaks and quotes, and only a
    file with more lines than rows is read again row by row. None too when the file
    cannot be read again, or its rows do not come out as many.
    """
    from pandas.io.common import get_handle  # type: ignore[import-not-found]  # as read_csv opens files

    def opener() -> Any:
        return get_handle(p, "r", encoding=encoding, compression="infer", errors="strict")

    first = int(kw["skiprows"]) + 1  # lines before the first row (the header's included)
    limit = csv.field_size_limit()
    try:
        with opener() as h:
            f = h.handle
            breaks, quoted, last = 0, False, ""
            while chunk := f.read(1 << 20):
                breaks += chunk.count("\n")
                quoted = quoted or '"' in chunk
                last = chunk[-1]
        if not quoted or breaks + (last not in ("\n", "")) - first == rows:
            return None  # no quoted value, or one line per row
        csv.field_size_limit(sys.maxsize)  # a long note is still one value
        starts = np.empty(rows, dtype=np.int64)
        with opener() as h:
            reader = csv.reader(h.handle, delimiter=kw["sep"], quotechar='"')
            for _ in range(first):  # the records skipped (a title), then the header: as
                next(reader, None)  # pandas reads them, over several lines if quoted so
            line, k = reader.line_num + 1, 0
            for _ in reader:
                if k == rows:
                    return None
                starts[k] = line
                k += 1
                line = reader.line_num + 1
        return RowLines(starts) if k == rows else None
    except (
        OSError, EOFError, UnicodeDecodeError, LookupError, csv.Error, TypeError, ValueError,
        zipfile.BadZipFile, tarfile.TarError,
    ):  # fmt: skip
        return None  # TypeError: a delimiter the csv module does not take
    finally:
        csv.field_size_limit(limit)


def _header(p: Path, kw: dict[str, Any], encoding: str) -> list[str]:
    source = str(p)
    try:
        return [str(c).strip() for c in pd.read_csv(p, nrows=0, **kw).columns]
    except pd.errors.EmptyDataError:
        raise InputError([Problem("LOG", "is empty (no header line)", source)]) from None
    except (UnicodeDecodeError, LookupError) as exc:
        raise _encoding_error(encoding, exc, source) from None
    except (pd.errors.ParserError, OSError, EOFError, ValueError) as exc:
        raise InputError([Problem("LOG", f"cannot be read as CSV ({exc})", source)]) from None


def _encoding_error(encoding: str, exc: Exception, source: str) -> InputError:
    return InputError(
        [
            Problem(
                "LOG",
                f"cannot be read as {encoding} text ({exc}; Chinese Windows exports are "
                "often gb18030 or gbk, Western ones cp1252); set csv.encoding",
                source,
            )
        ]
    )
