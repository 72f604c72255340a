"""Work orders of one replication: counts per order type and back-office centre, and the backlog."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled

ORDER_COUNTERS = (
    "created",
    "closed",
    "open_at_end",
    "due",  # deadline within the horizon
    "on_time",  # due, and closed and called back (closed, without callback) by the deadline
    "callback_attempts",
    "callbacks_reached",
    "callbacks_finished",  # reached, or every attempt used
    "chasers",
)


def work_order_counts(m: Compiled, o: dict[str, NDArray[Any]]) -> dict[str, NDArray[np.float64]]:
    """Work-order counts per (order type, back-office centre), and the backlog at each day's end.

    Orders created in the warm-up are left out. The backlog is the number of orders
    created but not yet worked at each midnight within the horizon and at its end.
    """
    sc = m.scenario
    n_orders, n_centres = len(m.order_ids), len(m.center_ids)
    created_t = o["t_created"]
    keep = created_t >= m.warmup_s
    otype = o["order_type"].astype(np.int64)
    centre = np.asarray(m.bo_center_index, dtype=np.int64)[o["bo_group"].astype(np.int64)]
    key = (otype * n_centres + centre)[keep]
    closed = ~np.isnan(o["t_closed"])
    done = ~np.isnan(o["t_done"])
    due = o["deadline"] <= m.horizon_s
    attempts = o["attempts"].astype(np.int64)
    reached = o["reached"].astype(bool)
    values = {
        "created": np.ones(otype.size),
        "closed": closed,
        "open_at_end": ~closed,
        "due": due,
        "on_time": due & done & (o["t_done"] <= o["deadline"]),
        "callback_attempts": attempts,
        "callbacks_reached": reached,
        "callbacks_finished": o["called"].astype(bool),
        "chasers": o["chasers"].astype(np.int64),
    }
    counts = np.zeros((len(ORDER_COUNTERS), n_orders, n_centres))
    for i, name in enumerate(ORDER_COUNTERS):
        counts[i] = np.bincount(
            key, weights=np.asarray(values[name], dtype=float)[keep], minlength=n_orders * n_centres
        ).reshape(n_orders, n_centres)
    # backlog at each midnight in the horizon and at its end
    start = sc.horizon.start_s
    ends = [
        d * 86_400.0 - start
        for d in range(1, m.n_days + 1)
        if 0 < d * 86_400.0 - start < m.horizon_s
    ]
    ends.append(m.horizon_s)
    t_closed = np.where(closed, o["t_closed"], np.inf)
    backlog = np.asarray([float(((created_t <= e) & (t_closed > e) & keep).sum()) for e in ends])
    return {"counts": counts, "backlog": backlog, "backlog_at": np.asarray(ends)}
