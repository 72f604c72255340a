"""What the log shows of the centre itself: staffing, skills, and its KPIs per interval.

Staffing. A call log shows agents only while they work: an agent is busy from the answer
to the end of talk and wrap-up. Two estimators are stated beside each figure:

* ``agents_seen``: distinct agents with some busy time in the interval (needs ``agent``).
  A lower bound of the agents logged in: an agent idle for a whole interval leaves no
  trace.
* ``busy_agents``: busy seconds / interval length (always available): the average number
  of agents busy.

ccsim's own records come from a run folder whose ``agents.csv`` holds the staffing that
was simulated; that is used as it is (``staffed``).

KPIs are those of the scenario format (section 10), per interval of arrival:
R = answered + abandoned, service level = answered within T / R, abandon rate = Ab / R,
ASA = mean wait of answered calls, occupancy = busy time / staffed time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ccsim.data.period import Period


def busy_spells(
    df: pd.DataFrame, period: Period
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Start and end (seconds) of each answered call's busy time, and which calls have one."""
    ans = df["outcome"].eq("answered").to_numpy() & df["answer"].notna().to_numpy()
    start = period.seconds(df["answer"])
    talk = np.nan_to_num(df["talk_s"].to_numpy(dtype=float))
    wrap = np.nan_to_num(df["wrap_s"].to_numpy(dtype=float))
    end = start + talk + wrap
    return start, end, ans & np.isfinite(start)


def busy_seconds(
    start: NDArray[np.float64], end: NDArray[np.float64], period: Period
) -> NDArray[np.float64]:
    """Busy seconds per interval of the period (time after the period not counted)."""
    edges = np.arange(period.n_intervals + 1) * period.interval_s
    s = np.sort(start)
    e = np.sort(end)
    cs = np.concatenate([[0.0], np.cumsum(s)])
    ce = np.concatenate([[0.0], np.cumsum(e)])
    ks = np.searchsorted(s, edges, side="left")
    ke = np.searchsorted(e, edges, side="left")
    # integral of the number busy up to each edge: sum of (t - s) over started minus ended
    area = (edges * ks - cs[ks]) - (edges * ke - ce[ke])
    out: NDArray[np.float64] = np.diff(area) / period.replications
    return out


def staffing(df: pd.DataFrame, period: Period, folder: Path | None) -> tuple[pd.DataFrame, str]:
    """Agents per interval and group as the log shows them, and the estimator used.

    Columns: ``interval``, ``clock``, ``group``, ``agents`` (the estimate used), ``busy_agents``,
    and ``agents_seen`` when the log names agents.
    """
    start, end, ans = busy_spells(df, period)
    groups = df["group"].astype(object).where(df["group"].notna(), "agents").to_numpy(dtype=object)
    names = sorted(set(groups[ans].tolist())) or ["agents"]
    rows = []
    for g in names:
        sel = ans & (groups == g)
        busy = busy_seconds(start[sel], end[sel], period) / period.interval_s
        rows.append(
            pd.DataFrame(
                {"interval": np.arange(period.n_intervals), "group": g, "busy_agents": busy}
            )
        )
    out = pd.concat(rows, ignore_index=True)
    labels = np.asarray(period.labels(), dtype=object)
    out.insert(1, "clock", labels[out["interval"].to_numpy(dtype=np.int64)])
    staffed = _run_staffing(folder, period) if folder is not None else None
    if staffed is not None:
        out = out.merge(staffed, on=["interval", "group"], how="outer").fillna(
            {"busy_agents": 0.0, "staffed": 0.0}
        )
        out["clock"] = labels[out["interval"].to_numpy(dtype=np.int64)]
        out["agents"] = out["staffed"]
        return out.sort_values(["group", "interval"]).reset_index(drop=True), (
            "staffed agents of the run (agents.csv of its folder)"
        )
    if df["agent"].notna().any():
        seen = _agents_seen(df["agent"].to_numpy(dtype=object), groups, start, end, ans, period)
        out = out.merge(seen, on=["interval", "group"], how="left").fillna({"agents_seen": 0.0})
        out["agents"] = out["agents_seen"]
        return out, (
            "agents seen working: distinct agents with busy time in the interval "
            "(a lower bound: agents idle all interval leave no trace)"
        )
    out["agents"] = np.ceil(out["busy_agents"] - 1e-9)
    return out, (
        "busy agents rounded up: the log names no agents, so this is a lower bound "
        "(idle agents leave no trace); give the real staffing with --staffing"
    )


def _agents_seen(
    agent: NDArray[np.object_],
    groups: NDArray[np.object_],
    start: NDArray[np.float64],
    end: NDArray[np.float64],
    ans: NDArray[np.bool_],
    period: Period,
) -> pd.DataFrame:
    sel = ans & pd.notna(agent)
    i0 = period.interval_of(start[sel])
    i1 = period.interval_of(np.maximum(start[sel], end[sel] - 1e-6))
    span = i1 - i0 + 1
    rep = np.repeat(np.arange(len(i0)), span)
    offset = np.arange(len(rep)) - np.repeat(np.cumsum(span) - span, span)
    frame = pd.DataFrame(
        {
            "interval": i0[rep] + offset,
            "group": groups[sel][rep],
            "agent": agent[sel][rep],
        }
    ).drop_duplicates()
    seen = (
        frame.groupby(["interval", "group"], observed=True)
        .size()
        .rename("agents_seen")
        .reset_index()
    )
    seen["agents_seen"] = seen["agents_seen"].astype(float) / period.replications
    return seen


def _run_staffing(folder: Path, period: Period) -> pd.DataFrame | None:
    """Staffed agents per interval and group from a run folder's ``agents.csv``."""
    path = folder / "agents.csv"
    if not path.is_file():
        return None
    a = pd.read_csv(path)
    if not {"interval", "group", "staffed_agents"} <= set(a.columns):
        return None
    labels = a["group"].astype("str")
    if "center" in a.columns:
        # results label a group "centre/group" when the same id is in two centres
        dup = a.groupby("group")["center"].transform("nunique") > 1
        labels = labels.where(~dup, a["center"].astype("str") + "/" + labels)
    # the run's intervals may be finer or coarser than the fit's: spread by time
    run_iv = _run_interval_s(folder)
    t = a["interval"].to_numpy(dtype=float) * run_iv
    iv = np.clip((t // period.interval_s).astype(np.int64), 0, period.n_intervals - 1)
    out = pd.DataFrame(
        {"interval": iv, "group": labels, "staffed": a["staffed_agents"].astype(float)}
    )
    return out.groupby(["interval", "group"], as_index=False).agg(staffed=("staffed", "mean"))


def _run_interval_s(folder: Path) -> float:
    import yaml

    doc = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8")) or {}
    return float((doc.get("horizon") or {}).get("interval_min", 30)) * 60.0


def skills(df: pd.DataFrame) -> pd.DataFrame:
    """Call types each group answered, most frequent first: group, call_type, answered, share."""
    ans = df[df["outcome"].eq("answered") & df["group"].notna()]
    if ans.empty:
        return pd.DataFrame(columns=["group", "call_type", "answered", "share"])
    t = ans.groupby(["group", "call_type"], observed=True).size().rename("answered").reset_index()
    t["share"] = t["answered"] / t.groupby("group", observed=True)["answered"].transform("sum")
    return t.sort_values(["group", "answered"], ascending=[True, False]).reset_index(drop=True)


def observed_kpis(
    df: pd.DataFrame, period: Period, threshold_s: float, staff: pd.DataFrame
) -> pd.DataFrame:
    """The log's KPIs per interval of arrival, and for the whole period (``interval`` -1)."""
    t = period.seconds(df["arrival"])
    iv = period.interval_of(t)
    outcome = df["outcome"].to_numpy(dtype=object)
    wait = df["wait_s"].to_numpy(dtype=float)
    ans = outcome == "answered"
    ab = outcome == "abandoned"
    known = np.isfinite(wait)
    frame = pd.DataFrame(
        {
            "interval": iv,
            "R": (ans | ab).astype(float),
            "A": ans.astype(float),
            "Ab": ab.astype(float),
            # the service level and ASA need waits: only calls whose wait the log gives
            "R_w": ((ans | ab) & known).astype(float),
            "A_w": (ans & known).astype(float),
            "A_T": (ans & known & (np.nan_to_num(wait, nan=np.inf) <= threshold_s)).astype(float),
            "wait_A": np.where(ans & known, np.nan_to_num(wait), 0.0),
        }
    )
    per = frame.groupby("interval").sum().reindex(range(period.n_intervals), fill_value=0.0)
    start, end, has = busy_spells(df, period)
    busy = busy_seconds(start[has], end[has], period)
    staffed = (
        staff.groupby("interval")["agents"].sum().reindex(range(period.n_intervals), fill_value=0.0)
    )
    per["busy_s"] = busy
    per["staffed_s"] = staffed.to_numpy() * period.interval_s
    per.loc[-1] = per.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "interval": per.index,
                "offered": per["R"] / period.replications,
                "service_level": per["A_T"] / per["R_w"],
                "abandon_rate": per["Ab"] / per["R"],
                "asa_s": per["wait_A"] / per["A_w"],
                # no talk times in the log: its occupancy is unknown, not 0
                "occupancy": per["busy_s"] / np.maximum(per["staffed_s"], per["busy_s"])
                if has.any()
                else np.nan,
            }
        )
    out = out.replace([np.inf, -np.inf], np.nan)
    out.insert(
        1, "clock", ["whole period" if i < 0 else period.label(int(i)) for i in out["interval"]]
    )
    return out.reset_index(drop=True)
