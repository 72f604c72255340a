"""Simulated adds: where one more agent goes when simulation says a target fails.

The search's fallback where the calibrated model sees nothing to add (tier targets)
and the source of the shortfalls' reasons (a target that only cells at their limits
could fix).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ccsim.staffing.checks import Check
from ccsim.staffing.evaluation import Evaluation


def simulated_adds(self: Any, ev: Evaluation) -> tuple[list[tuple[int, int]], list[dict[str, Any]]]:
    """Cells to give one more agent, and the failures no cell can fix (at a limit).

    ``self`` is the search (its limits, evaluator and scenario). For a failing
    per-interval target, the group of the interval that misses it by most calls; for a
    period or tier target, the worst 5 % of the cells with calls against it.
    """
    plan = ev.plan
    want: dict[tuple[int, int], float] = {}
    blocked: list[dict[str, Any]] = []
    G, n = plan.shape

    def deficit(mat: dict[str, NDArray[np.float64]], c: Check) -> NDArray[np.float64]:
        """Calls (or seconds) lost against target ``c``, per [group, interval]."""
        off = np.nan_to_num(mat["offered"])
        if c.kpi == "service_level":
            return off * np.clip(c.target - np.nan_to_num(mat["service_level"], nan=1.0), 0.0, None)
        if c.kpi == "abandon_rate":
            return off * np.nan_to_num(mat["abandon_rate"])
        if c.kpi == "answer_rate":
            return off * (1.0 - np.nan_to_num(mat["answer_rate"], nan=1.0))
        if c.kpi == "asa_s":
            return np.nan_to_num(mat["answered"]) * np.nan_to_num(mat["asa_s"])
        if c.kpi == "occupancy" and "occupancy" in mat:
            return np.clip(np.nan_to_num(mat["occupancy"]) - c.target, 0.0, None) * 1000.0
        return np.zeros((G, n))

    active = int((np.nan_to_num(ev.cells["offered"]) > 0).sum())
    for c, detail in ev.failures:
        if c.scope == "interval":
            d = deficit(ev.cells, c)
            # where no group misses the target, the group with most unanswered calls
            backup = (
                np.nan_to_num(ev.cells["offered"])
                * (1.0 - np.nan_to_num(ev.cells["service_level"], nan=1.0))
                * 1e-3
            )
            for i in detail:
                score = np.where(d[:, i] > 0, d[:, i], backup[:, i])
                for g in np.argsort(-score, kind="stable"):
                    if score[g] <= 0:
                        break
                    if self._room(plan, int(g), i):
                        want[(int(g), i)] = want.get((int(g), i), 0.0) + float(score[g])
                        break
                else:
                    blocked.append(
                        {
                            "target": c.name,
                            "interval": i,
                            "reason": "every group of the interval is at its limit",
                        }
                    )
            continue
        mat = ev.cells
        if c.scope.startswith("tier:"):
            tier = c.scope.split(":", 1)[1]
            per_tier = ev.result.kpi_values(["interval", "group", "tier"])
            mat = self.evaluator.matrices(pd.DataFrame(per_tier.xs(tier, level="tier")))
        d = deficit(mat, c)
        order = np.argsort(-d, axis=None, kind="stable")
        k = max(1, math.ceil(0.05 * max(active, 1)))
        taken = 0
        for flat in order:
            g, i = divmod(int(flat), n)
            if d[g, i] <= 0 or taken >= k:
                break
            if self._room(plan, g, i):
                want[(g, i)] = want.get((g, i), 0.0) + float(d[g, i])
                taken += 1
        if taken == 0:
            blocked.append(
                {
                    "target": c.name,
                    "reason": "the cells that lose most against it are at their limits",
                }
            )
    return sorted(want, key=lambda x: -want[x]), blocked
