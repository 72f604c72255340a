"""One replication of a candidate plan reduced to what the staffing search reads.

The worker that simulates a replication also reduces it (``plan_replication``): the
KPIs per group and interval the model calibrates on, and each enforced target's value
in this replication (an array per interval for a per-interval target). The main
process then only stacks small arrays between plans instead of building KPI tables of
every replication; the replication's counts come back too, for the tables of the plan
that is finally given.

A KPI of one replication depends on that replication's counts alone, so the figures
are the rows the whole result's ``kpi_values`` would give for it: the same sums (to
rounding: summed in another order) and the same formulas (``ccsim.results.kpis``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ccsim.analytics.offered import expected_arrivals
from ccsim.engine.compile import Compiled
from ccsim.engine.draws import DrawTape
from ccsim.results import kpis as K
from ccsim.results.aggregate import CELL_KEYS, RepCounts
from ccsim.results.targets import sl_inputs
from ccsim.runner.pool import installed
from ccsim.runner.replications import Job, compiled, run_replication
from ccsim.scenario.schema import Scenario
from ccsim.staffing.checks import Check, enforced_checks

#: KPIs per group and interval the search reads (means over replications)
CELL_KPIS = (
    "offered",
    "answered",
    "service_level",
    "abandon_rate",
    "answer_rate",
    "asa_s",
    "aht_s",
    "occupancy",
)


@dataclass
class RepFigures:
    """One replication of a plan: its counts, cell KPIs and the enforced targets' values."""

    counts: RepCounts
    cells: dict[str, NDArray[np.float64]]  # KPI -> [group, interval]
    values: dict[str, Any]  # check name -> float (an [interval] array for a per-interval one)


def plan_replication(job: Job) -> RepFigures:
    """Simulate one replication of a plan and reduce it where it ran (a worker's task)."""
    return _figures(job, None)


def plan_replication_kept(job: Job) -> RepFigures:
    """``plan_replication`` reading the replication's per-call draws from earlier plans.

    Common random numbers: every plan's replication ``r`` has the same per-call draws,
    kept here from the first plan that ran it in this process (``ccsim.engine.draws``);
    the same numbers as ``plan_replication``. The search's local workers and its
    in-process runs use it (``drop_kept_draws`` at the end); a long-lived cluster
    worker would keep the draws after the search, so Dask runs ``plan_replication``.
    """
    return _figures(job, _kept_tapes(installed(job[0])))


def _figures(job: Job, tapes: dict[Any, DrawTape] | None) -> RepFigures:
    sc = installed(job[0])
    return reduce_replication(sc, run_replication(*job, tapes=tapes))


#: most rows of per-call draws a process keeps for the plans of one scenario (about
#: 500 bytes each: 300 MB; the province's 6 replications need about 450,000); a
#: scenario whose replications are expected to need more draws them afresh
TAPE_ROWS = 600_000

#: in this process: the scenario whose draws are kept, and its tapes (None: too many)
_TAPES: tuple[Any, dict[Any, DrawTape] | None] = (None, None)


def _kept_tapes(sc: Scenario) -> dict[Any, DrawTape] | None:
    """The tapes this process keeps of ``sc`` (another scenario's are dropped); None: none.

    Kept when every replication is expected to fit ``TAPE_ROWS``; if they turn out to
    need more, dropped once over it.
    """
    global _TAPES
    if _TAPES[0] is not sc:
        fits = sc.staffing.replications * rows_per_replication(sc) <= TAPE_ROWS
        _TAPES = (sc, {} if fits else None)
    tapes = _TAPES[1]
    if tapes is not None and sum(len(t.rows) for t in tapes.values()) > TAPE_ROWS:
        _TAPES = (sc, None)
    return _TAPES[1]


def rows_per_replication(sc: Scenario) -> float:
    """About how many rows of per-call draws a replication reads.

    Its expected fresh callers, and half as many repeat calls (redials, returns, chasers).
    """
    return 1.5 * sum(float(expected_arrivals(sc, ct).sum()) for ct in sc.call_types)


def drop_kept_draws() -> None:
    """Let go of the draws ``plan_replication_kept`` kept in this process."""
    global _TAPES
    _TAPES = (None, None)


def reduce_replication(sc: Scenario, counts: RepCounts) -> RepFigures:
    """The figures of one replication's counts (see the module's description).

    Summed here with ``np.bincount`` over the counts' cells: the sums and KPI formulas
    (``kpis.compute``) of ``SimulationResult.kpi_values``, without its tables (they took
    a tenth of a search replication's time). Agent time comes from the counts too.
    """
    one = OneReplication(sc, compiled(sc), counts)
    fixed = [not grp.skills for _, grp in sc.groups]
    return RepFigures(counts, one.cell_kpis(), one.check_values(enforced_checks(sc), fixed))


class OneReplication:
    """KPIs of one replication's counts at the roll-ups the search reads.

    Each roll-up sums the counters of the counts' cells (warm-up calls are not in them)
    per label, every label present (an empty one has zero counts and NaN ratios), as
    ``SimulationResult.kpi_values`` does; agent time is summed from the intervals x
    groups arrays, the warm-up intervals included, as there.
    """

    def __init__(self, sc: Scenario, m: Compiled, counts: RepCounts) -> None:
        self.sc, self.m, self.counts = sc, m, counts
        cells = counts.cells
        self._counters = {
            k: np.asarray(v, dtype=float) for k, v in cells.items() if k not in CELL_KEYS
        }
        self._key = {k: np.asarray(cells[k], dtype=np.int64) for k in CELL_KEYS}
        self._agents = {k: np.asarray(v, dtype=float) for k, v in counts.agents.items()}

    def _sums(self, key: NDArray[np.int64], size: int) -> dict[str, NDArray[np.float64]]:
        """Each counter summed per label (``key``: each cell's label, below ``size``)."""
        return {
            k: np.bincount(key, weights=v, minlength=size).astype(np.float64, copy=False)
            for k, v in self._counters.items()
        }

    @cached_property
    def _total(self) -> dict[str, Any]:
        """KPIs of the whole measured period (index 0)."""
        m = self.m
        a = {k: np.atleast_1d(v.sum()) for k, v in self._agents.items()}
        period = m.horizon_s - m.warmup_intervals * m.interval_s
        sums = {k: np.atleast_1d(v.sum()) for k, v in self._counters.items()}
        return K.compute(sums, self.sc.sl.formula, a, period)

    @cached_property
    def _tier_sums(self) -> dict[str, NDArray[np.float64]]:
        return self._sums(self._key["tier"], len(self.m.tier_ids))

    def cell_kpis(self) -> dict[str, NDArray[np.float64]]:
        """``CELL_KPIS`` per [group, interval]: NaN in the warm-up intervals and without calls."""
        m = self.m
        n, G = m.n_intervals, len(m.group_ids)
        key = self._key["interval"] * (G + 1) + self._key["group"] + 1  # group -1: none
        c = {k: v.reshape(n, G + 1)[:, 1:] for k, v in self._sums(key, n * (G + 1)).items()}
        vals = K.compute(c, self.sc.sl.formula, self._agents, m.interval_s)
        out = {}
        for kpi in CELL_KPIS:
            v = np.array(vals[kpi], dtype=float)
            v[: m.warmup_intervals] = np.nan  # not measured
            out[kpi] = v.T.copy()
        return out

    def check_values(self, checks: list[Check], fixed: list[bool]) -> dict[str, Any]:
        """Each check's value in this replication (per interval: an array over every interval)."""
        sc, m = self.sc, self.m
        out: dict[str, Any] = {}
        for c in checks:
            if c.scope == "period" and c.kpi == "occupancy" and any(fixed):
                out[c.name] = self._inbound_occupancy(fixed)
            elif c.scope == "period":
                out[c.name] = float(np.asarray(self._total[c.kpi])[0])
            elif c.scope == "interval":
                sums = self._sums(self._key["interval"], m.n_intervals)
                per = np.array(K.service_level(sums, sc.sl.formula), dtype=float)
                per[: m.warmup_intervals] = np.nan  # not measured
                out[c.name] = per
            else:
                tier = m.tier_ids.index(c.scope.split(":", 1)[1])
                if c.kpi == "service_level":  # at the tier's own threshold and formula
                    spec = sc.tier_list[tier].targets
                    assert spec is not None and spec.service_level is not None
                    sl = spec.service_level
                    counts = sl_inputs(sc, self._tier_sums, sl.threshold_s)
                    v = K.service_level(counts, sl.formula or sc.sl.formula)
                else:
                    v = K.compute(self._tier_sums, sc.sl.formula)[c.kpi]
                out[c.name] = float(np.asarray(v, dtype=float)[tier])
        return out

    def _inbound_occupancy(self, fixed: list[bool]) -> float:
        """Occupancy of the groups the plan staffs (outbound-only groups are not planned)."""
        keep = ~np.asarray(fixed, dtype=bool)
        busy, logged = (float(self._agents[k][:, keep].sum()) for k in ("busy_s", "logged_in_s"))
        return busy / logged if logged > 0 else math.nan  # as kpis.compute's occupancy


def cell_matrices(m: Compiled, per_rep: pd.DataFrame) -> dict[str, NDArray[np.float64]]:
    """Mean over replications of each KPI per (interval, group), as [group, interval] arrays."""
    means = per_rep.groupby(level=["interval", "group"], observed=False).mean()
    n = m.n_intervals
    out = {}
    for kpi in CELL_KPIS:
        if kpi not in means:
            continue
        wide = means[kpi].unstack("group").reindex(index=range(n), columns=m.group_ids)
        out[kpi] = wide.to_numpy(dtype=float).T
    return out
