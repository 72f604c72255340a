"""A foreign ACD export made from ccsim's per-call records (for the example under scenarios/logs).

The export looks as a city centre's ACD writes it: a date and a time-of-day column,
numeric skill codes, result words of its own (AGENT, HANG, BUSY, IVR, PHANTOM), queue
times as ``mm:ss``, talk in milliseconds, agent ids (``NO_SERVER`` or ``0`` when no agent
took the call), and a few phantom rows (test calls) that the map marks ``ignore``.

    python -m tests.helpers.acd_export     # rewrites scenarios/logs/acd_export.csv
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "logs" / "city_centre_truth.yaml"
EXPORT = ROOT / "scenarios" / "logs" / "acd_export.csv"
SKILLS = {"query": 1, "fault": 2}
DAY = pd.Timestamp("2026-11-02")  # a Monday


def agent_ids(calls: pd.DataFrame, staffed: dict[str, list[int]], interval_s: float) -> np.ndarray:
    """Give each answered call an agent on shift in its group, the one free longest.

    ``staffed`` holds the agents of each group per interval; agent k of a group is on
    shift in an interval with more than k agents (as ACD logins follow a roster).
    """
    out = np.full(len(calls), "NO_SERVER", dtype=object)
    ans = calls["outcome"].astype(str).eq("answered").to_numpy()
    start = (calls["t_queue"] + calls["wait"]).to_numpy(dtype=float)
    end = start + calls["talk"].to_numpy(dtype=float) + calls["wrap"].to_numpy(dtype=float)
    group = calls["group"].astype(str).to_numpy()
    for g, per in staffed.items():
        idx = np.flatnonzero(ans & (group == g))
        idx = idx[np.argsort(start[idx], kind="stable")]
        free = np.zeros(max(per))
        prefix = "".join(w[0] for w in g.split("_")).upper()
        for i in idx:
            n = max(1, per[min(int(start[i] // interval_s), len(per) - 1)])
            k = int(np.argmin(free[:n]))
            out[i] = f"{prefix}{k + 1:03d}"
            free[k] = end[i]
    return out


def make_export() -> pd.DataFrame:
    """Simulate the city centre for one day and write it the way its ACD would."""
    import ccsim

    sc = ccsim.load_scenario(SCENARIO)
    res = ccsim.simulate(sc, replications=1, keep_calls=True, workers=1)
    calls = res.calls()
    n = res.compiled.n_intervals
    staffed = {
        g.id: [g.agents] * n if isinstance(g.agents, int) else list(g.agents.per_interval)
        for c in sc.centers
        for g in c.groups
    }
    outcome = calls["outcome"].astype(str)
    t = DAY + pd.to_timedelta(calls["t_arrival"] + sc.horizon.start_s, unit="s")
    queued = outcome.isin(["answered", "abandoned"])
    wait = calls["wait"].where(queued)
    ivr = (calls["t_queue"] - calls["t_arrival"]).where(queued)
    result = outcome.map(
        {"answered": "AGENT", "abandoned": "HANG", "blocked": "BUSY", "contained": "IVR",
         "ivr_abandoned": "IVR", "disconnected": "IVR"}
    )  # fmt: skip
    ivr_result = outcome.map({"contained": "SELF", "ivr_abandoned": "HANGUP"}).where(
        ~queued, "AGENT"
    )
    agent = agent_ids(calls, staffed, sc.horizon.interval_min * 60.0)
    agent[outcome.isin(["abandoned"]).to_numpy()] = "0"
    export = pd.DataFrame(
        {
            "CALL_DATE": t.dt.strftime("%d/%m/%Y"),
            "CALL_TIME": t.dt.strftime("%H:%M:%S"),
            "ANI": "1385710" + calls["caller"].astype(str).str.zfill(4),
            "SKILL": calls["call_type"].astype(str).map(SKILLS),
            "CUST_LEVEL": calls["tier"].astype(str).map({"gold": "VIP", "regular": "STD"}),
            "IVR_RESULT": ivr_result,
            "IVR_SECS": ivr.round(0).astype("Int64"),
            "RESULT": result,
            "QUEUE_TIME": wait.map(
                lambda w: f"{int(w) // 60:02d}:{int(w) % 60:02d}", na_action="ignore"
            ),
            "TALK_MS": (calls["talk"] * 1000)
            .round(0)
            .astype("Int64")
            .where(outcome.eq("answered")),
            "ACW": calls["wrap"].round(0).astype("Int64").where(outcome.eq("answered")),
            "SERVER": agent,
            "SPLIT": calls["group"].astype(str).where(outcome.eq("answered"), ""),
        }
    )
    # a few test calls the ACD logs too: the map marks them ignore
    rng = np.random.default_rng(3)
    phantom = export.sample(6, random_state=rng).assign(RESULT="PHANTOM", SERVER="NO_SERVER")
    out = pd.concat([export, phantom]).sort_values(["CALL_DATE", "CALL_TIME"], kind="stable")
    return out.reset_index(drop=True)


if __name__ == "__main__":
    make_export().to_csv(EXPORT, sep=";", index=False)
    print(f"wrote {EXPORT}")
