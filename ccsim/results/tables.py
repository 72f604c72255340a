"""Tidy tables of a result: counts per replication and cell, agent time, per-call records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled
from ccsim.engine.records import Kind, Outcome
from ccsim.results.aggregate import AGENT_COUNTERS, COUNTERS, RepCounts

DIMENSIONS = ("interval", "day", "call_type", "tier", "network", "group", "center")
AGENT_DIMS = ("interval", "day", "group", "center")


def categorical(codes: Any, categories: Sequence[str]) -> pd.Categorical[str]:
    """Categorical labels from integer codes (one place for pandas' strict stub types)."""
    return pd.Categorical.from_codes(
        np.asarray(codes, dtype=np.int64), categories=pd.Index(list(categories))
    )


def cells_table(
    m: Compiled, reps: Sequence[RepCounts], interval_day: NDArray[np.int64]
) -> pd.DataFrame:
    """Counts per replication and cell (interval, call type, tier, network, group)."""
    frames = []
    for rep in reps:
        df = pd.DataFrame({k: np.asarray(v) for k, v in rep.cells.items()})
        df.insert(0, "replication", rep.replication)
        frames.append(df)
    df = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["replication", "interval", *DIMENSIONS[2:-1], *COUNTERS])
    )
    df.insert(2, "day", interval_day[df["interval"].to_numpy(dtype=np.int64)])
    groups = ["(none)", *m.group_ids]
    centers = ["(none)", *m.group_center]
    gidx = df["group"].to_numpy(dtype=np.int64) + 1
    df["call_type"] = categorical(df["call_type"].to_numpy(dtype=np.int64), m.type_ids)
    df["tier"] = categorical(df["tier"].to_numpy(dtype=np.int64), m.tier_ids)
    df["network"] = categorical(df["network"].to_numpy(dtype=np.int64), m.network_ids)
    df["group"] = categorical(gidx, groups)
    df["center"] = pd.Categorical(
        np.asarray(centers, dtype=object)[gidx], categories=list(dict.fromkeys(centers))
    )
    return df


def agents_table(
    m: Compiled, reps: Sequence[RepCounts], interval_day: NDArray[np.int64]
) -> pd.DataFrame:
    """Staffed, busy and logged-in agent-seconds per replication, interval and group."""
    n, G = m.n_intervals, len(m.group_ids)
    rows = []
    for rep in reps:
        d = {
            "replication": np.full(n * G, rep.replication),
            "interval": np.repeat(np.arange(n), G),
            "group": np.tile(np.arange(G), n),
        }
        for k in AGENT_COUNTERS:
            d[k] = rep.agents[k].reshape(-1)
        rows.append(pd.DataFrame(d))
    df = pd.concat(rows, ignore_index=True)
    df.insert(2, "day", interval_day[df["interval"].to_numpy()])
    centers = np.asarray(m.group_center, dtype=object)[df["group"].to_numpy()]
    df["group"] = categorical(df["group"].to_numpy(), m.group_ids)
    df["center"] = pd.Categorical(centers, categories=list(dict.fromkeys(m.group_center)))
    return df


def calls_table(m: Compiled, reps: Sequence[RepCounts]) -> pd.DataFrame:
    """Per-call records of every replication (needs ``keep_calls=True``)."""
    frames = []
    for rep in reps:
        if rep.calls is None:
            raise ValueError("per-call records were not kept: simulate(..., keep_calls=True)")
        df = pd.DataFrame({k: np.asarray(v) for k, v in rep.calls.items()})
        df.insert(0, "replication", rep.replication)
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    df["call_type"] = categorical(df["call_type"].astype(np.int64), m.type_ids)
    df["tier"] = categorical(df["tier"].astype(np.int64), m.tier_ids)
    df["network"] = categorical(df["network"].astype(np.int64), m.network_ids)
    df["group"] = categorical(df["group"].astype(np.int64) + 1, ["(none)", *m.group_ids])
    df["outcome"] = categorical(df["outcome"].astype(np.int64), [o.name.lower() for o in Outcome])
    df["kind"] = categorical(df["kind"].astype(np.int64), [k.name.lower() for k in Kind])
    df["interval"] = np.minimum(
        (df["t_arrival"] // m.interval_s).astype(np.int64), m.n_intervals - 1
    )
    return df
