"""Staffing many intervals at once: a day, a week or a year of half-hours."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.analytics.erlang import queue_metrics
from ccsim.analytics.sizing import Targets, required_agents, scheduled_agents
from ccsim.errors import InputError, Problem

REQUIRED_COLUMNS = ("interval", "calls", "aht_s")
OPTIONAL_COLUMNS = ("patience_s",)


@dataclass(frozen=True)
class IntervalPlan:
    """Agents needed per interval, with the measures they achieve.

    Every array has one value per interval. ``required_agents`` is what must be on the
    phones; ``scheduled_agents`` adds shrinkage.
    """

    model: str
    interval: list[str]
    calls: NDArray[np.float64]
    aht_s: NDArray[np.float64]
    patience_s: NDArray[np.float64] | None
    interval_s: float
    traffic_erlangs: NDArray[np.float64]
    required_agents: NDArray[np.int64]
    scheduled_agents: NDArray[np.int64]
    p_wait: NDArray[np.float64]
    service_level: NDArray[np.float64]
    asa_s: NDArray[np.float64]
    occupancy: NDArray[np.float64]
    p_abandon: NDArray[np.float64] | None
    extra: dict[str, Any] = field(default_factory=dict)

    def rows(self) -> list[dict[str, Any]]:
        """One dict per interval, in order (for CSV and JSON output)."""
        out = []
        for i, name in enumerate(self.interval):
            row: dict[str, Any] = {
                "interval": name,
                "calls": float(self.calls[i]),
                "aht_s": float(self.aht_s[i]),
            }
            if self.patience_s is not None:
                row["patience_s"] = float(self.patience_s[i])
            row.update(
                traffic_erlangs=float(self.traffic_erlangs[i]),
                required_agents=int(self.required_agents[i]),
                scheduled_agents=int(self.scheduled_agents[i]),
                p_wait=float(self.p_wait[i]),
                service_level=float(self.service_level[i]),
                asa_s=float(self.asa_s[i]),
                occupancy=float(self.occupancy[i]),
            )
            if self.p_abandon is not None:
                row["p_abandon"] = float(self.p_abandon[i])
            out.append(row)
        return out


def plan_intervals(
    interval: list[str],
    calls: NDArray[np.float64],
    aht_s: NDArray[np.float64],
    targets: Targets,
    interval_s: float = 1800.0,
    patience_s: NDArray[np.float64] | None = None,
    shrinkage: float = 0.0,
) -> IntervalPlan:
    """Staff every interval independently by inverse Erlang C (or A with patience).

    Parameters
    ----------
    interval : list of str
        Interval labels, passed through.
    calls, aht_s : arrays
        Calls offered and average handling time (seconds) per interval.
    targets : Targets
        Service targets every interval must meet.
    interval_s : float
        Interval length, seconds.
    patience_s : array, optional
        Mean patience per interval (seconds); switches to Erlang A.
    shrinkage : float
        Share of paid time not available for calls.
    """
    traffic = calls * aht_s / interval_s
    req = np.asarray(required_agents(traffic, aht_s, targets, patience_s), dtype=np.int64)
    sched = np.asarray(scheduled_agents(req, shrinkage), dtype=np.int64)
    m = queue_metrics(
        np.maximum(req, 0),
        traffic,
        aht_s,
        threshold_s=targets.threshold_s,
        patience_s=patience_s,
        sl_formula=targets.sl_formula,
    )
    return IntervalPlan(
        model=m.model,
        interval=interval,
        calls=calls,
        aht_s=aht_s,
        patience_s=patience_s,
        interval_s=interval_s,
        traffic_erlangs=traffic,
        required_agents=req,
        scheduled_agents=sched,
        p_wait=np.asarray(m.p_wait),
        service_level=np.asarray(m.service_level),
        asa_s=np.asarray(m.asa_s),
        occupancy=np.asarray(m.occupancy),
        p_abandon=None if patience_s is None else np.asarray(m.p_abandon),
    )


def read_intervals_csv(
    path: str | Path,
    aht_s: float | None = None,
    patience_s: float | None = None,
) -> tuple[list[str], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]:
    """Read an intervals file: columns ``interval``, ``calls``, ``aht_s``, optional ``patience_s``.

    ``aht_s`` (``patience_s``) gives one value for every row instead of the column; a
    file that has the column as well is refused rather than one of the two ignored.

    Raises
    ------
    InputError
        Unreadable file, missing column, or a value out of range; every bad cell is
        reported with its row (1 = first data row) and column.
    """
    import pandas as pd

    name = str(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError:
        raise InputError([Problem("--intervals", "file not found", name)]) from None
    except Exception as exc:  # pandas raises several parser error types
        raise InputError(
            [Problem("--intervals", f"not a readable CSV file ({type(exc).__name__})", name)]
        ) from None
    df.columns = [str(c).strip() for c in df.columns]
    both = [
        Problem(option, f"{name} has a {col} column too: give one or the other", value)
        for option, col, value in (
            ("--aht-s", "aht_s", aht_s),
            ("--patience-s", "patience_s", patience_s),
        )
        if value is not None and col in df.columns
    ]
    if both:
        raise InputError(both)
    needed = [c for c in REQUIRED_COLUMNS if not (c == "aht_s" and aht_s is not None)]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise InputError(
            [
                Problem(f"{name}", f"missing column {c!r} (columns: {', '.join(df.columns)})")
                for c in missing
            ]
        )
    if len(df) == 0:
        raise InputError([Problem(name, "has no data rows", has_value=False)])
    problems: list[Problem] = []

    def column(col: str, *, strict: bool) -> NDArray[np.float64]:
        values = np.empty(len(df))
        for i, raw in enumerate(df[col].tolist()):
            where = f"{name} row {i + 1}, column {col}"
            try:
                v = float(raw)
            except ValueError:
                problems.append(Problem(where, "must be a number", raw))
                values[i] = np.nan
                continue
            if not np.isfinite(v) or (v <= 0 if strict else v < 0):
                problems.append(Problem(where, "must be > 0" if strict else "must be >= 0", raw))
            values[i] = v
        return values

    calls = column("calls", strict=False)
    aht = column("aht_s", strict=True) if aht_s is None else np.full(len(df), float(aht_s))
    patience = column("patience_s", strict=True) if "patience_s" in df.columns else None
    if patience_s is not None:
        patience = np.full(len(df), float(patience_s))
    if problems:
        shown: list[Problem | str] = list(problems[:50])
        if len(problems) > 50:
            shown.append(f"... and {len(problems) - 50} more")
        raise InputError(shown)
    return [str(x) for x in df["interval"].tolist()], calls, aht, patience
