"""Transfer KPIs with 95 % intervals: per transferring group and call type, per desk, total.

``transfer_rate`` is the share of the calls a group answered (of a call type) that it
transferred; ``two_agent_calls`` those a second agent answered; ``lost_after_transfer``
those who hung up waiting for the second agent; ``asa_after_transfer_s`` the mean wait
after the transfer of the answered ones. The caller's service level and ASA stay those
of the first queue (the cells). Per receiving group: calls taken on and their AHT.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled
from ccsim.results import kpis as K
from ccsim.results.aggregate import RepCounts
from ccsim.scenario.transfers import transfers_of

KPI_NAMES = (
    "transferred",
    "transfer_rate",
    "two_agent_calls",
    "lost_after_transfer",
    "waiting_after_transfer",
    "asa_after_transfer_s",
    "mean_hold_s",
)


def _ratio(num: NDArray[np.float64], den: NDArray[np.float64]) -> NDArray[np.float64]:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _figures(c: dict[str, NDArray[np.float64]], answered: NDArray[np.float64]) -> dict[str, Any]:
    """KPI values per replication from counts summed over any axes but the first."""
    return {
        "transferred": c["transferred"],
        "transfer_rate": _ratio(c["transferred"], answered),
        "two_agent_calls": c["answered_after"],
        "lost_after_transfer": c["abandoned_after"],
        "waiting_after_transfer": c["waiting_after"],
        "asa_after_transfer_s": _ratio(c["wait_after_s"], c["answered_after"]),
        "mean_hold_s": _ratio(c["hold_s"], c["consult"]),
    }


def _estimates(values: dict[str, NDArray[np.float64]]) -> dict[str, Any]:
    return {k: K.estimate(v, *K.bounds(k)).as_dict() for k, v in values.items()}


def transfer_kpis(m: Compiled, reps: Sequence[RepCounts], sums: pd.DataFrame) -> dict[str, Any]:
    """The ``agent_transfers`` block of ``ccsim run --json``.

    ``sums`` are the counts per replication, group and call type (for the calls each
    group answered).
    """
    G, T = len(m.group_ids), len(m.type_ids)
    names = list(m.group_ids)
    answered = np.zeros((len(reps), G, T))
    s = sums["answered"]
    for ri, r in enumerate(reps):
        for gi, g in enumerate(names):
            for k, t in enumerate(m.type_ids):
                key = (r.replication, g, t)
                answered[ri, gi, k] = float(s.get(key, 0.0))
    stack = {
        k: np.stack([r.transfers[k] for r in reps]) if reps and reps[0].transfers else None
        for k in (*_FROM, *_TO)
    }
    if any(v is None for v in stack.values()):
        return {}
    c: dict[str, NDArray[np.float64]] = {k: v for k, v in stack.items() if v is not None}
    total = {k: c[k].sum(axis=(1, 2)) for k in _FROM}
    # the total rate is over the calls of the (group, call type) pairs that transfer
    pairs = np.asarray(
        [
            [ct in g.skills and bool(transfers_of(g.transfers, g.skills, ct)) for ct in m.type_ids]
            for _, g in m.scenario.groups
        ]
    )
    from_answered = (answered * pairs).sum(axis=(1, 2))
    out: dict[str, Any] = {"total": _estimates(_figures(total, from_answered)), "by_group": {}}
    for gi, g in enumerate(names):
        for k, t in enumerate(m.type_ids):
            if not pairs[gi, k]:
                continue
            cell = {x: c[x][:, gi, k] for x in _FROM}
            out["by_group"].setdefault(g, {})[t] = _estimates(_figures(cell, answered[:, gi, k]))
    desks: dict[str, Any] = {}
    for gi, g in enumerate(names):
        for k, t in enumerate(m.type_ids):
            taken = c["taken_on"][:, gi, k]
            if not taken.any():
                continue
            work = c["talk_in_s"][:, gi, k] + c["wrap_in_s"][:, gi, k]
            desks.setdefault(g, {})[t] = _estimates(
                {"taken_on": taken, "aht_s": _ratio(work, taken)}
            )
    out["desks"] = desks
    return out


_FROM = (
    "transferred",
    "blind",
    "consult",
    "answered_after",
    "abandoned_after",
    "waiting_after",
    "wait_after_s",
    "hold_s",
)
_TO = ("taken_on", "talk_in_s", "wrap_in_s")
