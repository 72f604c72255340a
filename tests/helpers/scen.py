"""Small scenarios built in code for tests."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from ccsim.engine.model import Simulation
from ccsim.engine.records import Outcome
from ccsim.scenario import parse_scenario


def const(x: float) -> dict[str, Any]:
    return {"dist": "constant", "mean_s": x}


def campaign(**over: Any) -> dict[str, Any]:
    """A progressive campaign on group ``out``: two records, two 10-minute windows."""
    c: dict[str, Any] = {
        "id": "care",
        "list": {"daily_size": 2, "release": "00:00"},
        "windows": ["00:00-00:10", "00:20-00:30"],
        "max_attempts": 3,
        "retry_after": const(100),
        "contact_prob": 0.0,
        "ring_time": const(30),
        "talk_time": const(60),
        "groups": ["out"],
    }
    c.update(over)
    return c


def orders_called_back(d: dict[str, Any], window: str) -> dict[str, Any]:
    """``d`` with an outbound team ``out`` whose campaign calls worked orders back in ``window``."""
    d["centers"][0]["groups"].append({"id": "out", "skills": [], "agents": 1})
    feed = {"source": "work_orders"}
    d["campaigns"] = [campaign(list=None, feed=feed, windows=[window], contact_prob=1.0)]
    return d


def base(**over: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "name": "t",
        "seed": 1,
        "replications": 1,
        "horizon": {"duration_h": 1, "interval_min": 1},
        "call_types": [{"id": "a", "arrivals": {"times_s": [0.0]}, "handle_time": const(10)}],
        "centers": [{"id": "c", "groups": [{"id": "g", "skills": ["a"], "agents": 1}]}],
    }
    for k, v in over.items():
        d[k] = copy.deepcopy(v)
    return d


def trace(data: dict[str, Any], seed: int | None = None) -> list[dict[str, Any]]:
    """Per-call rows of one replication, sorted by arrival then caller."""
    sc = parse_scenario(data)
    rec = Simulation(sc, 0, seed).run()
    c = rec.calls
    rows = []
    for i in range(len(c["outcome"])):
        rows.append(
            {
                "caller": int(c["caller"][i]),
                "type": sc.call_types[int(c["call_type"][i])].id,
                "t": float(c["t_arrival"][i]),
                "outcome": Outcome(int(c["outcome"][i])).name.lower(),
                "group": int(c["group"][i]),
                "wait": None if np.isnan(c["wait"][i]) else round(float(c["wait"][i]), 9),
                "kind": int(c["kind"][i]),
                "tier": int(c["tier"][i]),
            }
        )
    rows.sort(key=lambda r: (r["t"], r["caller"]))
    return rows


def orders_case(handlers=1, reach=1.0, attempts=3, calendar=None, chaser=None, limit_h=1.0):
    wo = {
        "id": "complaint_order",
        "raised_by": [{"call_type": "a", "probability": 1.0}],
        "handle_time": const(100),
        "limit_h": limit_h,
        "callback": {
            "reach_prob": reach,
            "attempts": attempts,
            "spacing": const(50),
            "talk_time": const(20),
            "attempt_time": const(5),
        },
    }
    if chaser:
        wo["chaser"] = chaser
    bo = {"id": "bo", "order_types": ["complaint_order"], "handlers": handlers}
    if calendar:
        bo["calendar"] = "office"
    d = base(
        horizon={"duration_h": 24, "interval_min": 60},
        call_types=[{"id": "a", "arrivals": {"times_s": [0]}, "handle_time": const(10)}],
        centers=[
            {"id": "c", "groups": [{"id": "g", "skills": ["a"], "agents": 1}], "back_office": [bo]}
        ],
        work_orders=[wo],
    )
    if calendar:
        d["calendars"] = [{"id": "office", "every_day": [calendar]}]
    return d
