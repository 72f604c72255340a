"""The canonical call log: its columns, and the object a read log becomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ccsim.data.logmap import FIELDS

#: The columns of a canonical call log, in order: the fields (``ivr_exit`` becomes ``ivr_s``).
CANONICAL = ["replication", *(f for f in FIELDS if f not in ("replication", "ivr_exit"))]
#: Canonical columns held as categories (few distinct values; caller ids are not).
CATEGORIES = ("call_type", "tier", "network", "ivr_outcome", "outcome", "agent", "group")
#: Second 0 of a log whose times are seconds, when nothing says otherwise: a Monday.
DEFAULT_START = pd.Timestamp("2024-01-01 00:00")
#: Times may disagree by this much (rounding in exports) before "answer before arrival".
TOLERANCE_S = 0.001


@dataclass(frozen=True)
class Skipped:
    """Rows left out of the log, for one reason."""

    reason: str
    rows: int
    examples: list[int]  # line numbers (CSV) or row numbers (Parquet)


@dataclass
class CallLog:
    """A call log in canonical columns, with what was left out and how it was read."""

    frame: pd.DataFrame
    source: str
    rows_read: int
    skipped: list[Skipped]
    fields: list[str]  # canonical fields the log gives (read or derived)
    origin: str  # "ccsim", "map" or "canonical"
    notes: list[str] = field(default_factory=list)
    run_folder: Path | None = None  # ccsim's own log inside a run folder

    @property
    def replications(self) -> int:
        """Independent repetitions of the period the log holds (1 for a real centre)."""
        return int(self.frame["replication"].nunique()) if len(self.frame) else 1

    def skipped_dict(self) -> list[dict[str, Any]]:
        """JSON-ready list of the skipped rows per reason."""
        return [{"reason": s.reason, "rows": s.rows, "examples": s.examples} for s in self.skipped]


def finish(df: pd.DataFrame) -> pd.DataFrame:
    """Canonical columns in order, every one present (all missing where the log has none)."""
    out = pd.DataFrame(index=df.index)
    for c in CANONICAL:
        if c in df:
            out[c] = df[c]
        elif c == "replication":
            out[c] = 0
        elif FIELDS[c][0] in ("time",) or c in ("answer", "queue_entry"):
            out[c] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]")
        elif FIELDS[c][0] == "duration":
            out[c] = np.nan
        else:
            out[c] = pd.Series(None, index=df.index, dtype="str")
    for c in ("ivr_s", "wait_s", "talk_s", "wrap_s"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    out["replication"] = (
        pd.to_numeric(out["replication"], errors="coerce").fillna(0).astype(np.int64)
    )
    # labels with few distinct values as categories: a month of calls stays small and fast
    for c in CATEGORIES:
        out[c] = out[c].astype("category")
    out = out.sort_values(["replication", "arrival"], kind="stable").reset_index(drop=True)
    return out
