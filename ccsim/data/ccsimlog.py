"""ccsim's own per-call records (``calls.csv.gz`` of ``ccsim run --calls``) as a call log.

They read with no map. In a run folder, ``scenario.yaml`` gives the clock time and the
weekday of second 0, and ``agents.csv`` the staffing that was simulated (the observed
staffing a backtest needs: ccsim's records name groups, not agents).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ccsim.data.canonical import DEFAULT_START, CallLog, Skipped, finish

#: The columns of calls.csv.gz the reading uses.
CCSIM_COLUMNS = (
    "caller",
    "call_type",
    "tier",
    "network",
    "t_arrival",
    "outcome",
    "group",
    "t_queue",
    "wait",
    "talk",
    "wrap",
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SKIP = {
    "waiting_at_end": "still waiting for an agent when the run stopped",
    "ivr_at_end": "still in the IVR when the run stopped",
}


def run_folder_start(folder: Path) -> pd.Timestamp:
    """Second 0 of a run: the scenario's start clock time on a Monday-based week."""
    import yaml

    doc = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8")) or {}
    horizon = doc.get("horizon") or {}
    start = str(horizon.get("start", "00:00"))
    day = _WEEKDAYS.index(str(horizon.get("start_day", "mon")))
    hh, mm = (int(x) for x in start.split(":"))
    return pd.Timestamp("2024-01-01") + pd.Timedelta(days=day, hours=hh, minutes=mm)


def from_ccsim_log(
    frame: pd.DataFrame, source: str, base: pd.Timestamp | None, folder: Path | None
) -> CallLog:
    """The canonical log of ccsim's per-call records."""
    notes = ["ccsim's own per-call records (no map needed)"]
    if base is None:
        if folder is not None:
            base = run_folder_start(folder)
            notes.append(f"second 0 from {folder / 'scenario.yaml'}: {base:%a %H:%M}")
        else:
            base = DEFAULT_START
            notes.append(f"second 0 taken as {base:%a %H:%M} (give --start)")
    n = len(frame)
    outcome = frame["outcome"].astype("category")
    t_arr = frame["t_arrival"].to_numpy(dtype=float)
    t_q = frame["t_queue"].to_numpy(dtype=float)
    queued = outcome.isin(["answered", "abandoned"]).to_numpy()
    ctype = frame["call_type"].astype("category")
    in_ivr = outcome.isin(["contained", "ivr_abandoned", "disconnected"])
    # a call type has an IVR if some call ended there or spent time before the queue
    ivr_types = ctype[in_ivr | pd.Series(t_q - t_arr > 0, index=frame.index)].unique()
    with_ivr = ctype.isin(ivr_types).to_numpy()
    ivr_s = np.where(queued & with_ivr, t_q - t_arr, np.nan)
    ivr_out = np.full(n, None, dtype=object)
    ivr_out[queued & with_ivr] = "to_agent"
    ivr_out[(outcome == "contained").to_numpy()] = "self_service"
    ivr_out[(outcome.isin(["ivr_abandoned", "disconnected"])).to_numpy()] = "abandoned"
    words = {"contained": "ivr", "ivr_abandoned": "ivr", "disconnected": "ivr"}
    cats = [words.get(str(c), str(c)) for c in outcome.cat.categories]
    canon = np.asarray(cats, dtype=object)[outcome.cat.codes.to_numpy()]
    answered = (outcome == "answered").to_numpy()
    rep = frame["replication"] if "replication" in frame else pd.Series(0, index=frame.index)
    sec = pd.to_timedelta(t_arr, unit="s")
    q_time = base + pd.to_timedelta(np.where(queued, t_q, np.nan), unit="s")
    wait = frame["wait"].to_numpy(dtype=float)
    df = pd.DataFrame(
        {
            "replication": rep.to_numpy(),
            "arrival": base + sec,
            "call_type": ctype,
            "tier": frame["tier"].astype("category"),
            "network": frame["network"].astype("category"),
            "caller_id": frame["caller"].to_numpy(),  # integers: ids within a replication
            "ivr_s": ivr_s,
            "ivr_outcome": pd.Categorical(ivr_out),
            "queue_entry": q_time,
            "wait_s": np.where(queued, wait, np.nan),
            "answer": q_time + pd.to_timedelta(np.where(answered, wait, np.nan), unit="s"),
            "outcome": pd.Categorical(canon),
            "talk_s": np.where(answered, frame["talk"].to_numpy(dtype=float), np.nan),
            "wrap_s": np.where(answered, frame["wrap"].to_numpy(dtype=float), np.nan),
            "agent": pd.Categorical([None] * n),
            "group": frame["group"].astype("category").where(answered),
        }
    )
    skipped = []
    keep = np.ones(n, dtype=bool)
    for word, reason in _SKIP.items():
        m = (outcome == word).to_numpy()
        if m.any():
            skipped.append(
                Skipped(reason, int(m.sum()), [int(i) + 2 for i in np.flatnonzero(m)[:5]])
            )
            keep &= ~m
    fields = [
        "replication", "arrival", "call_type", "tier", "network", "caller_id", "ivr_s",
        "ivr_outcome", "queue_entry", "wait_s", "answer", "outcome", "talk_s", "wrap_s", "group",
    ]  # fmt: skip
    return CallLog(finish(df[keep]), source, n, skipped, fields, "ccsim", notes, run_folder=folder)
