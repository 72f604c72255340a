"""A live state taken from a simulation (``ccsim run --snapshot-at HH:MM --snapshot FILE``).

From one replication's per-call records: the first calls that arrived before ``at`` per
interval; callers in the queue at ``at`` (queue entry before it, answer or hang-up after)
with their waits so far; calls in talk or wrap-up at ``at`` with their time so far; the
agents staffed in that interval; and the calls finished before ``at`` (answered, within
the threshold, abandoned). This is how a planner rehearses a bad day, and how intraday is
tested: the same format as a centre's live state.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ccsim.results import SimulationResult


def snapshot(res: SimulationResult, at: str, day: int = 1, replication: int = 0) -> dict[str, Any]:
    """The state of ``replication`` at clock time ``at`` as state-file data."""
    sc = res.scenario
    h, mnt = (int(x) for x in at.split(":"))
    t = (day - 1) * 86400.0 + h * 3600.0 + mnt * 60.0 - sc.horizon.start_s
    calls = res.calls()
    c = calls[calls["replication"] == replication]
    iv = sc.horizon.interval_min * 60.0
    current = int(t // iv)
    outcome = c["outcome"].astype(str)
    kind = c["kind"].astype(str)
    t_arr = c["t_arrival"].to_numpy(dtype=float)
    t_q = c["t_queue"].to_numpy(dtype=float)
    wait = c["wait"].to_numpy(dtype=float)
    answered = (outcome == "answered").to_numpy()
    abandoned = (outcome == "abandoned").to_numpy()
    queued = answered | abandoned | (outcome == "waiting_at_end").to_numpy()
    t_ans = t_q + wait
    so_far: dict[str, list[float]] = {}
    fresh = (kind == "fresh").to_numpy() & (t_arr < t)
    for k in sc.call_types:
        sel = fresh & (c["call_type"].astype(str) == k.id).to_numpy()
        counts = np.bincount((t_arr[sel] // iv).astype(np.int64), minlength=current + 1)[
            : current + 1
        ]
        so_far[k.id] = [int(x) for x in counts]
    in_queue = queued & (t_q <= t) & (t_ans > t)
    waiting = [
        {
            "call_type": str(ct),
            "tier": str(tr),
            "network": str(nw),
            "waited_s": round(float(t - tq), 3),
        }
        for ct, tr, nw, tq in zip(
            c["call_type"][in_queue],
            c["tier"][in_queue],
            c["network"][in_queue],
            t_q[in_queue],
            strict=True,
        )
    ]
    talk_end = t_ans + c["transfer"].to_numpy(dtype=float) + c["talk"].to_numpy(dtype=float)
    busy_end = talk_end + c["wrap"].to_numpy(dtype=float)
    talking = answered & (t_ans <= t) & (busy_end > t)
    in_progress = []
    for g, ct, tr, nw, kd, ta, te in zip(
        c["group"][talking],
        c["call_type"][talking],
        c["tier"][talking],
        c["network"][talking],
        kind[talking],
        t_ans[talking],
        talk_end[talking],
        strict=True,
    ):
        row: dict[str, Any] = {
            "group": str(g), "call_type": str(ct), "tier": str(tr), "network": str(nw),
        }  # fmt: skip
        if kd == "chaser":  # simulated as a new matter: the intraday notes say so
            row["kind"] = "chaser"
        if te <= t:  # in wrap-up: the talk (and the order it raises) is over
            row.update(stage="wrap", elapsed_s=round(float(t - te), 3))
        else:
            row["elapsed_s"] = round(float(t - ta), 3)
        in_progress.append(row)
    m = res.compiled
    agents_now = {g: int(m.staffing[i, current]) for i, g in enumerate(m.group_ids)}
    T = sc.sl.threshold_s
    done_ans = answered & (t_ans <= t)
    done_ab = abandoned & (t_ans <= t)
    out = {
        "at": at,
        "day": day,
        "calls_so_far": so_far,
        "kpis_so_far": {
            "answered": int(done_ans.sum()),
            "answered_within_threshold": int((done_ans & (wait <= T)).sum()),
            "abandoned": int(done_ab.sum()),
        },
        "waiting": waiting,
        "in_progress": in_progress,
    }
    out.update(in_flight(res, t, replication))
    out["agents_now"] = agents_now
    return out


def in_flight(res: SimulationResult, t: float, replication: int) -> dict[str, Any]:
    """Callers in the IVR at ``t``, redials and returns due, orders open, list records left.

    The per-call records do not hold them (an IVR visit that ends in self-service leaves
    no time of its end; a redial's decision time is its predecessor's end): the
    replication is run again, with the same streams, and looked at when it passes ``t``.
    Empty lists when the scenario has neither an IVR nor repeat calls.
    """
    sc = res.scenario
    if (
        not sc.work_orders
        and not sc.campaigns
        and not any(ct.ivr or ct.redial or ct.return_delay for ct in sc.call_types)
    ):
        return {}
    from ccsim.engine.live import capture
    from ccsim.engine.model import Simulation

    m = res.compiled
    sim = Simulation(m, replication, res.seed)
    seen = capture(sim, t)
    sim.run()
    kinds = {0: "fresh", 1: "redial", 2: "return", 3: "redial"}

    def row(r: dict[str, Any], key: str, value: float) -> dict[str, Any]:
        d: dict[str, Any] = {
            "call_type": m.type_ids[r["call_type"]],
            "tier": m.tier_ids[r["tier"]],
            "network": m.network_ids[r["network"]],
            "kind": kinds[r["kind"]],
            "attempt": r["attempt"],
            key: round(value, 3),
        }
        if r["dialect"]:
            d["dialect"] = True
        return d

    orders = []
    for o in seen["orders"]:
        d: dict[str, Any] = {
            "order_type": m.order_ids[o["order_type"]],
            "call_type": m.type_ids[o["call_type"]],
            "tier": m.tier_ids[o["tier"]],
            "network": m.network_ids[o["network"]],
            "age_s": round(o["age_s"], 3),
            "stage": o["stage"],
        }
        if o["stage"] == "in_work":
            d["work_s"] = round(o["work_s"], 3)
        if o["attempts"]:
            d["attempts"] = o["attempts"]
        orders.append(d)
    return {
        "in_ivr": [row(r, "spent_s", r["spent_s"]) for r in seen["in_ivr"]],
        "calls_due": [row(r, "due_in_s", r["due_s"]) for r in seen["due"]],
        "open_orders": orders,
        **(
            {"campaigns": {c: {"remaining": n} for c, n in seen["campaigns"].items()}}
            if seen["campaigns"]
            else {}
        ),
    }


def state_yaml(data: dict[str, Any], source: str) -> str:
    """The state as YAML, with a header saying where it came from."""
    import yaml

    head = f"# live state taken from {source} at {data['at']} (ccsim run --snapshot-at)\n"
    return head + yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=120)
