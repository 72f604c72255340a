"""Work-order KPIs over replications: totals, timeliness, callback reach, backlog per day."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ccsim.engine.compile import Compiled
from ccsim.results import kpis as K
from ccsim.results.aggregate import RepCounts
from ccsim.results.clock import clock_label
from ccsim.results.work_order_counts import ORDER_COUNTERS


def work_order_figures(
    m: Compiled, reps: Sequence[RepCounts], by: str | None = None
) -> dict[str, dict[str, np.ndarray]]:
    """Per replication work-order figures, overall (``by=None``) or per ``"type"``/``"center"``."""
    if not m.order_ids:
        return {}
    stack = np.stack([r.work_orders["counts"] for r in reps])  # reps x counters x O x C
    if by is None:
        groups = {"all": stack.sum(axis=(2, 3))}
    elif by == "type":
        groups = {oid: stack[:, :, i, :].sum(axis=2) for i, oid in enumerate(m.order_ids)}
    elif by == "center":
        used = sorted(set(m.bo_center_index))
        groups = {m.center_ids[c]: stack[:, :, :, c].sum(axis=2) for c in used}
    else:
        raise ValueError(f"by must be None, 'type' or 'center', got {by!r}")
    out: dict[str, dict[str, np.ndarray]] = {}
    for label, arr in groups.items():
        d = {name: arr[:, i] for i, name in enumerate(ORDER_COUNTERS)}
        with np.errstate(invalid="ignore", divide="ignore"):
            d["timeliness"] = np.where(
                d["due"] > 0, d["on_time"] / np.where(d["due"] > 0, d["due"], 1), np.nan
            )
            fin = d["callbacks_finished"]
            d["callback_reach"] = np.where(
                fin > 0, d["callbacks_reached"] / np.where(fin > 0, fin, 1), np.nan
            )
        out[label] = d
    return out


def work_order_kpis(m: Compiled, reps: Sequence[RepCounts]) -> dict[str, Any]:
    """Work-order KPIs with 95 % intervals: totals, backlog per day, by type and by centre."""
    if not m.order_ids:
        return {}

    def est(d: dict[str, np.ndarray]) -> dict[str, Any]:
        return {k: K.estimate(v, *K.bounds(k)).as_dict() for k, v in d.items()}

    doc = est(work_order_figures(m, reps)["all"])
    backlog = np.stack([r.work_orders["backlog"] for r in reps])
    at = reps[0].work_orders["backlog_at"]
    doc["backlog_by_day"] = [
        {"at": clock_label(m, float(t)), **K.estimate(backlog[:, j], 0.0).as_dict()}
        for j, t in enumerate(at)
    ]
    doc["by_type"] = {k: est(v) for k, v in work_order_figures(m, reps, "type").items()}
    doc["by_center"] = {k: est(v) for k, v in work_order_figures(m, reps, "center").items()}
    return doc
