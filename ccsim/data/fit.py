"""``fit``: a scenario estimated from a call log, with a report of every estimate.

The order of work: read the log; find the period and its intervals; tell redials from
first calls (with ``caller_id``); then per call type the daily volume and profile of first
calls, the IVR, talk and wrap-up times, patience and redials; the tier and network mix;
the groups, their skills and the staffing the log shows. The scenario is written with
each estimate's sample size and interval as a comment (``scenario_text``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ccsim.data.calllog import load_call_log
from ccsim.data.canonical import CANONICAL, CallLog
from ccsim.data.durations import DurationFit, fit_duration
from ccsim.data.ivr import IvrFit, fit_ivr
from ccsim.data.logmap import LogMap
from ccsim.data.observed import observed_kpis, skills, staffing
from ccsim.data.patience import PatienceFit, fit_patience
from ccsim.data.period import period_of
from ccsim.data.redials import RedialFit, find_redials, fit_redials
from ccsim.data.report import FitReport
from ccsim.data.returns import ReturnFit, find_returns, fit_returns
from ccsim.data.routing_fit import fit_routing
from ccsim.data.scenario_text import build_scenario
from ccsim.data.stats import share_ci
from ccsim.data.volumes import VolumeFit, fit_demand, fit_volume
from ccsim.errors import InputError, Problem
from ccsim.scenario.schema import Scenario

#: A group's mean talk time "differs" from its call type's when this many standard errors apart.
DIFFERS_Z = 3.0


def fit(
    log: str | Path | pd.DataFrame | CallLog,
    *,
    map: str | Path | LogMap | None = None,
    start: str | None = None,
    interval_min: float = 30,
    threshold_s: float = 20.0,
    redial_window_min: float = 120.0,
    repeat_window_h: float = 24.0,
    name: str | None = None,
    seed: int = 1,
    replications: int = 10,
    agents: pd.DataFrame | None = None,
) -> tuple[Scenario, FitReport]:
    """Fit a scenario from a call log.

    Parameters
    ----------
    log
        A call-log file, a DataFrame from ``read_call_log`` (canonical columns), or a
        ``CallLog``.
    map, start
        As ``read_call_log`` takes them (files only).
    interval_min
        Interval of the profile, the staffing and the backtest, minutes (divides a day).
    threshold_s
        Service-level threshold for the observed KPIs and the scenario.
    redial_window_min
        A caller's next call within this many minutes of a failed attempt is its redial.
    repeat_window_h
        A caller's next call within this many hours after an answered call is a return
        (the matter was not resolved at first contact).
    agents
        Known staffing (columns ``interval``, ``group``, ``agents``), used instead of the
        staffing the log shows.

    Returns
    -------
    (Scenario, FitReport)
    """
    cl = _as_log(log, map, start)
    problems = _option_problems(interval_min, threshold_s, redial_window_min, repeat_window_h)
    if problems:
        raise InputError(problems)
    df = cl.frame
    if df.empty:
        from ccsim.data.exports import no_call

        raise InputError([Problem("LOG", no_call(cl.rows_read, cl.skipped, "fit"), cl.source)])
    # replications coded 0, 1, ... (independent copies of the period)
    df = df.assign(replication=pd.factorize(df["replication"], sort=True)[0].astype(np.int64))
    period = period_of(df["arrival"], interval_min, int(df["replication"].max()) + 1, cl.run_folder)
    t = period.seconds(df["arrival"])
    reps = df["replication"].to_numpy(dtype=np.int64)
    notes = list(cl.notes)
    window_s = redial_window_min * 60.0
    is_redial, failures = find_redials(df, t, period.duration_s, window_s)
    if df["caller_id"].isna().all():
        notes.append(
            "no caller_id: redials cannot be told from first calls and count as first calls"
        )
    t_answer = period.seconds(df["answer"])
    is_return, answered = find_returns(df, t, t_answer, period.duration_s, repeat_window_h * 3600.0)
    fresh = ~is_redial & ~is_return
    demand = fit_demand(period, t[fresh], reps[fresh])
    codes, uniques = pd.factorize(df["call_type"])
    types = [str(u) for u in uniques]
    volumes: dict[str, VolumeFit] = {}
    ivr: dict[str, IvrFit] = {}
    talk: dict[str, DurationFit] = {}
    wrap: dict[str, DurationFit] = {}
    patience: dict[str, PatienceFit] = {}
    redials: dict[str, RedialFit] = {}
    returns: dict[str, ReturnFit] = {}
    outcome = df["outcome"].to_numpy(dtype=object)
    for code, k in enumerate(types):
        of_k = codes == code
        volumes[k] = fit_volume(k, period, t[fresh & of_k], reps[fresh & of_k], demand)
        iv = fit_ivr(k, df[fresh & of_k])
        if iv is not None:
            ivr[k] = iv
        ans = of_k & (outcome == "answered")
        talk_s = df["talk_s"].to_numpy(dtype=float)[ans]
        f = fit_duration(talk_s[np.isfinite(talk_s)], name=f"talk time of {k}")
        if f is not None:
            talk[k] = f
        wrap_s = df["wrap_s"].to_numpy(dtype=float)[ans]
        wrap_s = wrap_s[np.isfinite(wrap_s)]
        if len(wrap_s) and wrap_s.max() > 0:
            w = fit_duration(wrap_s, name=f"wrap-up time of {k}")
            if w is not None:
                wrap[k] = w
        queued = of_k & np.isin(outcome, ["answered", "abandoned"])
        wait = df["wait_s"].to_numpy(dtype=float)[queued]
        ok = np.isfinite(wait)
        if ok.any():
            patience[k] = fit_patience(
                wait[ok], (outcome[queued] == "abandoned")[ok], name=f"patience of {k}"
            )
        fk = failures[failures["call_type"] == k]
        if len(fk) and not df["caller_id"].isna().all():
            redials[k] = fit_redials(k, fk, window_s)
        ak = answered[answered["call_type"] == k]
        if len(ak):
            returns[k] = fit_returns(k, ak)
    staff, method = staffing(df, period, cl.run_folder)
    if agents is not None:
        staff = _given_agents(staff, agents)
        method = "the staffing given (--staffing)"
    rules, routing_table = fit_routing(df)
    report = FitReport(
        source=cl.source,
        rows_read=cl.rows_read,
        calls=len(df),
        skipped=cl.skipped_dict(),
        notes=[*notes, demand.day_factors_note, demand.busyness_note],
        period=period,
        threshold_s=threshold_s,
        redial_window_s=window_s,
        volumes=volumes,
        demand=demand,
        mix=_mix(df[fresh]),
        ivr=ivr,
        talk=talk,
        wrap=wrap,
        talk_by_group=_talk_by_group(df),
        patience=patience,
        redials=redials,
        returns=returns,
        repeat_window_s=repeat_window_h * 3600.0,
        staffing=staff,
        staffing_method=method,
        skills=skills(df),
        routing=rules,
        routing_table=routing_table,
        observed=observed_kpis(df, period, threshold_s, staff),
    )
    for k in types:
        if k not in talk:
            report.warnings.append(
                f"{k}: no answered call with a talk time: its handle time is a placeholder "
                "(the mean of the other call types, else 180 s)"
            )
        if k not in patience:
            report.warnings.append(
                f"{k}: the log gives no waits (wait_s, or answer and queue entry): patience "
                "cannot be estimated and the fitted callers never hang up"
            )
    if not staff["agents"].any():
        report.warnings.append(
            "the log shows no staffing (no agent column, no talk times): the groups have "
            "0 agents; give the staffing with --staffing"
        )
    scenario, text = build_scenario(report, name or _name(cl.source), seed, replications)
    report.scenario_text = text
    return scenario, report


def _as_log(log: str | Path | pd.DataFrame | CallLog, map: Any, start: str | None) -> CallLog:
    if isinstance(log, CallLog):
        return log
    if isinstance(log, pd.DataFrame):
        missing = [c for c in CANONICAL if c not in log.columns]
        if missing:
            raise InputError(
                [Problem("log", f"lacks canonical columns {', '.join(missing)}", has_value=False)]
            )
        a = log.attrs
        return CallLog(
            log.copy(),
            str(a.get("source", "<DataFrame>")),
            int(a.get("rows_read", len(log))),
            [],
            list(a.get("fields", CANONICAL)),
            "canonical",
            list(a.get("notes", [])),
        )
    return load_call_log(log, map, start)


def _option_problems(
    interval_min: float, threshold_s: float, window_min: float, repeat_h: float
) -> list[Problem]:
    out = []
    if not (interval_min > 0 and (1440 / interval_min).is_integer()):
        out.append(
            Problem("--interval-min", "must divide a day (5, 10, 15, 30, 60, ...)", interval_min)
        )
    if not threshold_s >= 0:
        out.append(Problem("--sl-threshold-s", "must be >= 0", threshold_s))
    if not window_min > 0:
        out.append(Problem("--redial-window-min", "must be > 0", window_min))
    if not repeat_h > 0:
        out.append(Problem("--repeat-window-h", "must be > 0", repeat_h))
    return out


def _mix(fresh: pd.DataFrame) -> pd.DataFrame:
    """Tier and network shares of first calls with their Wilson intervals."""
    rows = []
    for dim in ("tier", "network"):
        col = fresh[dim].dropna()
        if col.empty:
            continue
        n = len(col)
        for value, k in col.value_counts().items():
            lo, hi = share_ci(int(k), n)
            rows.append(
                {
                    "dimension": dim,
                    "id": str(value),
                    "calls": int(k),
                    "n": n,
                    "share": k / n,
                    "ci_low": lo,
                    "ci_high": hi,
                }
            )
    return pd.DataFrame(
        rows, columns=["dimension", "id", "calls", "n", "share", "ci_low", "ci_high"]
    )


def _talk_by_group(df: pd.DataFrame) -> pd.DataFrame:
    """Mean talk time per call type and group, and whether it differs from the type's."""
    ans = df[df["outcome"].eq("answered") & df["talk_s"].notna() & df["group"].notna()]
    if ans.empty:
        return pd.DataFrame(columns=["call_type", "group", "n", "mean_talk_s", "se_s", "differs"])
    g = (
        ans.groupby(["call_type", "group"], observed=True)["talk_s"]
        .agg(["count", "mean", "std"])
        .reset_index()
    )
    overall = ans.groupby("call_type", observed=True)["talk_s"].mean()
    g["se"] = g["std"].fillna(0.0) / np.sqrt(g["count"])
    z = (g["mean"] - g["call_type"].astype(object).map(overall).astype(float)).abs() / g[
        "se"
    ].replace(0.0, np.nan)
    g["differs"] = (z > DIFFERS_Z).fillna(False)
    return g.rename(columns={"count": "n", "mean": "mean_talk_s", "se": "se_s"})[
        ["call_type", "group", "n", "mean_talk_s", "se_s", "differs"]
    ]


def _given_agents(staff: pd.DataFrame, agents: pd.DataFrame) -> pd.DataFrame:
    a = agents[["interval", "group", "agents"]].astype({"interval": np.int64, "agents": float})
    out = staff.drop(columns=["agents"]).merge(a, on=["interval", "group"], how="outer")
    out["agents"] = out["agents"].fillna(0.0)
    out["busy_agents"] = out["busy_agents"].fillna(0.0)
    return out


def _name(source: str) -> str:
    stem = Path(source).name.split(".")[0] or "calls"
    return "fitted-" + (re.sub(r"[^A-Za-z0-9_-]", "-", stem).strip("-") or "calls")
