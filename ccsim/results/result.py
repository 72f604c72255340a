"""What a simulation returns: counts of every replication and the tables built from them.

``SimulationResult`` is the one entry point; its tidy tables (``tables``), clock labels
(``clock``), work-order and campaign figures (``work_orders``, ``campaigns``) and the
summary document (``summary``) are built in modules of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled, compile_scenario
from ccsim.results import clock
from ccsim.results import kpis as K
from ccsim.results.aggregate import AGENT_COUNTERS, COUNTERS, RepCounts
from ccsim.results.campaigns import campaign_figures, campaign_kpis
from ccsim.results.estimators import mean_of_ratios_by, ratio_of_totals
from ccsim.results.lines import lines_kpis
from ccsim.results.summary import summary_document
from ccsim.results.tables import AGENT_DIMS, DIMENSIONS, agents_table, calls_table, cells_table
from ccsim.results.targets import TargetCheck, check_targets
from ccsim.results.transfers import transfer_kpis
from ccsim.results.views import RunViews
from ccsim.results.work_orders import work_order_figures, work_order_kpis
from ccsim.scenario.schema import Scenario


@dataclass(repr=False)
class SimulationResult(RunViews):
    """Results of ``ccsim.simulate``: per-replication counts and the KPI tables.

    Attributes
    ----------
    scenario : Scenario
        What was simulated.
    seed, replications : int
        The seed and number of replications used.
    wall_s : float
        Wall-clock seconds of the simulation.

    ``kpis()`` and the other accessors give DataFrames; ``save(folder)`` writes the
    folder and report of ``ccsim run --out``.
    """

    scenario: Scenario
    seed: int
    replications: int
    reps: list[RepCounts]
    wall_s: float
    compiled: Compiled = field(repr=False)

    @classmethod
    def from_reps(
        cls, scenario: Scenario, seed: int, reps: list[RepCounts], wall_s: float
    ) -> SimulationResult:
        """Wrap replication counts."""
        return cls(scenario, seed, len(reps), reps, wall_s, compile_scenario(scenario))

    # -- tidy tables ------------------------------------------------------------------

    @cached_property
    def cells(self) -> pd.DataFrame:
        """Counts per replication and cell (interval, call type, tier, network, group).

        Read only: the KPIs sum it once per roll-up and keep the sums (a new table, after
        ``del result.cells``, is summed afresh).
        """
        return cells_table(self.compiled, self.reps, self.interval_day)

    @cached_property
    def agents(self) -> pd.DataFrame:
        """Staffed, busy and logged-in agent-seconds per replication, interval and group."""
        return agents_table(self.compiled, self.reps, self.interval_day)

    def calls(self) -> pd.DataFrame:
        """Per-call records of every replication (needs ``keep_calls=True``)."""
        return calls_table(self.compiled, self.reps)

    # -- KPIs at any roll-up ---------------------------------------------------------------

    @property
    def counter_columns(self) -> list[str]:
        """The count columns of ``cells`` (the standard ones, then extra thresholds)."""
        extra = [c for c in self.cells.columns if "@" in c]
        return [*COUNTERS, *extra]

    def sums(self, by: Sequence[str] = ()) -> pd.DataFrame:
        """Counts summed per replication and ``by`` labels (every label in every replication)."""
        return self._sums(list(by)).copy()

    def _sums(self, by: Sequence[str]) -> pd.DataFrame:
        """Counts summed per replication and ``by`` labels, with every label in every replication.

        Kept per roll-up (the summary, targets and tables ask for the same ones many
        times); read only here, ``sums`` hands out copies.
        """
        cells = self.cells
        kept = self.__dict__.get("_sums_memo")
        if kept is None or kept[0] is not cells:  # kept for these cells only
            kept = self.__dict__["_sums_memo"] = (cells, {})
        memo: dict[tuple[str, ...], pd.DataFrame] = kept[1]
        key = tuple(by)
        if key not in memo:
            memo[key] = self._sum_cells(by)
        return memo[key]

    def _sum_cells(self, by: Sequence[str]) -> pd.DataFrame:
        keys = ["replication", *by]
        cells = self.cells
        sums = cells.groupby(keys, observed=False)[self.counter_columns].sum()
        levels = [[r.replication for r in self.reps]] + [self._labels(b) for b in by]
        full: pd.Index = (
            pd.Index(levels[0], name="replication")
            if len(keys) == 1
            else pd.MultiIndex.from_product(levels, names=keys)
        )
        return sums.reindex(full, fill_value=0.0)

    @cached_property
    def interval_day(self) -> NDArray[np.int64]:
        """Day of each interval: 1 for the first calendar day of the horizon (by the clock)."""
        return clock.interval_day(self.compiled)

    def day_label(self, day: int) -> str:
        """``day 2 (tue)``: a day of the horizon with its weekday."""
        return clock.day_label(self.scenario, day)

    def _first_interval(self) -> int:
        return self.compiled.warmup_intervals

    def _labels(self, dim: str) -> list[Any]:
        m = self.compiled
        if dim == "interval":
            return list(range(self._first_interval(), m.n_intervals))
        if dim == "day":
            return sorted(set(self.interval_day[self._first_interval() :].tolist()))
        return list(self.cells[dim].cat.categories)

    def kpi_values(self, by: Sequence[str] = ()) -> pd.DataFrame:
        """Per-replication KPI values at the roll-up ``by`` (index: replication, *by)."""
        by = list(by)
        bad = [b for b in by if b not in DIMENSIONS]
        if bad:
            raise ValueError(f"by must name dimensions among {', '.join(DIMENSIONS)}, got {bad}")
        sums, c, agents, period = self._count_inputs(by)
        vals = K.compute(c, self.scenario.sl.formula, agents, period)
        if by in ([], ["interval"], ["day"]):
            vals.update(self._queue_kpis(by, sums.index))
        if self.reps and self.reps[0].lines and by in ([], ["interval"], ["day"], ["center"]):
            vals.update(lines_kpis(self.compiled, self.reps, by, sums.index, self.interval_day))
        return pd.DataFrame(vals, index=sums.index.copy())  # not the kept sums' own index

    def _count_inputs(
        self, by: list[str]
    ) -> tuple[pd.DataFrame, dict[str, Any], dict[str, Any] | None, Any]:
        """What ``kpis.compute`` reads at the roll-up ``by``.

        Summed counts per replication and ``by`` labels, and agent time and the period
        where they apply.
        """
        sums = self._sums(by)
        agent_by = [b for b in by if b in AGENT_DIMS]
        agents = None
        period = None
        if len(agent_by) == len(by):
            a = self.agents.groupby(["replication", *agent_by], observed=False)[
                list(AGENT_COUNTERS)
            ].sum()
            a = a.reindex(sums.index, fill_value=0.0)
            agents = {k: a[k].to_numpy() for k in AGENT_COUNTERS}
            period = self._period_s(by)
            if "day" in by and "interval" not in by:  # days may be partial
                period = self._day_s()[sums.index.get_level_values("day").to_numpy()]
        c = {k: sums[k].to_numpy() for k in COUNTERS}
        return sums, c, agents, period

    def _ratio_of_totals(self, by: list[str]) -> pd.DataFrame:
        """KPIs of the counts summed over replications (``kpi.estimator: ratio_of_totals``).

        Columns ``(kpi, stat)`` as ``kpis`` gives them, one row per label of ``by`` (one
        row without ``by``). Only the KPIs of counts: queue and lines measures keep the
        mean over replications.
        """
        sums, c, agents, period = self._count_inputs(by)
        n = len(self.reps)
        width = len(sums) // n  # the index is every replication x every label, in order

        def grid(v: Any) -> np.ndarray:
            return np.asarray(v, dtype=float).reshape(n, width).T

        counts = {k: grid(v) for k, v in c.items()}
        if agents is not None:
            counts.update({"agent:" + k: grid(v) for k, v in agents.items()})
        per = None if period is None or np.ndim(period) == 0 else grid(period)[:, :1]
        formula = self.scenario.sl.formula

        def f(x: Any) -> Any:
            ag = {k[6:]: v for k, v in x.items() if k.startswith("agent:")} or None
            cc = {k: v for k, v in x.items() if not k.startswith("agent:")}
            return K.compute(cc, formula, ag, period if per is None else per)

        est = ratio_of_totals(f, counts)
        head = sums.index[:width]
        labels = (
            pd.Index([0])
            if not by
            else head.get_level_values(by[0])
            if len(by) == 1
            else pd.MultiIndex.from_arrays([head.get_level_values(b) for b in by], names=by)
        )
        out = {}
        for k, (mean, low, high) in est.items():
            out[(k, "mean")] = mean
            out[(k, "ci_low")] = low
            out[(k, "ci_high")] = high
        df = pd.DataFrame(out, index=labels)
        df.columns = pd.MultiIndex.from_tuples(list(out), names=["kpi", "stat"])
        return df

    def _queue_kpis(self, by: list[str], index: pd.Index) -> dict[str, np.ndarray]:
        """Average and maximum number of callers waiting, whole period or per interval."""
        avg, mx = [], []
        m = self.compiled
        n0 = m.warmup_intervals
        day = self.interval_day[n0:]
        days = np.asarray(self._labels("day"))
        for rep in self.reps:
            q = rep.queue
            if by == ["day"]:
                area = np.bincount(day, weights=q["queue_area_s"][n0:], minlength=days.max() + 1)
                top = np.zeros(days.max() + 1)
                np.maximum.at(top, day, q["queue_max"][n0:])
                avg.append(area[days] / self._day_s()[days])
                mx.append(top[days])
            elif by:
                avg.append(q["queue_area_s"][n0:] / m.interval_s)
                mx.append(q["queue_max"][n0:])
            else:
                avg.append(np.array([q["queue_area_s"].sum() / self._period_s([])]))
                mx.append(np.array([q["queue_max"].max()]))
        return {"avg_queue": np.concatenate(avg), "max_queue": np.concatenate(mx)}

    def _day_s(self) -> NDArray[np.float64]:
        """Measured seconds of each day (indexed by day number; partial first and last days)."""
        n0 = self._first_interval()
        day = self.interval_day[n0:]
        counts = np.bincount(day, minlength=int(day.max()) + 1).astype(np.float64)
        return counts * float(self.compiled.interval_s)

    def _period_s(self, by: Sequence[str]) -> float:
        m = self.compiled
        if "interval" in by:
            return m.interval_s
        return m.horizon_s - m.warmup_intervals * m.interval_s

    def kpis(self, by: str | Sequence[str] = ()) -> pd.DataFrame:
        """KPIs with 95 % confidence intervals over replications.

        Parameters
        ----------
        by : str or sequence of str
            Roll-up: any of ``interval``, ``day``, ``call_type``, ``tier``,
            ``network``, ``group``, ``center``. Empty for the whole period.

        Returns
        -------
        DataFrame
            Without ``by``: one row per KPI with ``mean``, ``ci_low``, ``ci_high``.
            With ``by``: one row per label, columns ``(kpi, stat)``.
        """
        by = [by] if isinstance(by, str) else list(by)
        vals = self.kpi_values(by)
        totals = (
            self._ratio_of_totals(by) if self.scenario.kpi.estimator == "ratio_of_totals" else None
        )
        if not by:
            rows = {k: K.estimate(vals[k].to_numpy(), *K.bounds(k)) for k in vals.columns}
            df = pd.DataFrame(
                {
                    "mean": [e.mean for e in rows.values()],
                    "ci_low": [e.low for e in rows.values()],
                    "ci_high": [e.high for e in rows.values()],
                },
                index=pd.Index(list(rows), name="kpi"),
            )
            if totals is not None:
                for k in totals.columns.get_level_values(0).unique():
                    for stat in ("mean", "ci_low", "ci_high"):
                        df.loc[k, stat] = float(totals[(k, stat)].iloc[0])
            return df
        df = mean_of_ratios_by(vals, by, len(self.reps))
        if totals is not None:
            t = totals.reindex(df.index)
            df[list(t.columns)] = t.to_numpy()
        return df

    def by_interval(self) -> pd.DataFrame:
        """Mean KPIs per interval (whole centre), with the interval's clock time."""
        df = self.kpis("interval")
        means = pd.DataFrame(df.xs("mean", axis=1, level="stat")).copy()
        means.insert(0, "start", [self.interval_label(int(i)) for i in means.index])
        return means

    def interval_label(self, i: int) -> str:
        """Clock time of interval ``i``'s start, with the day for multi-day runs."""
        return clock.interval_label(self.compiled, i)

    def callers(self) -> dict[str, K.Estimate]:
        """Figures by caller rather than by call (a caller who redials is one caller)."""
        c = np.asarray([r.callers["callers"].sum() for r in self.reps])
        a = np.asarray([r.callers["callers_answered"].sum() for r in self.reps])
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(c > 0, a / np.where(c > 0, c, 1), np.nan)
        return {
            "callers": K.estimate(c, 0.0),
            "callers_answered": K.estimate(a, 0.0),
            "callers_lost": K.estimate(c - a, 0.0),
            "caller_answer_rate": K.estimate(rate, 0.0, 1.0),
        }

    # -- cost and back office -----------------------------------------------------------

    def cost_values(self) -> dict[str, np.ndarray]:
        """Per replication: inbound agent-hours, back-office handler-hours, transfers and cost."""
        m = self.compiled
        rate = np.asarray(m.group_cost, dtype=float)
        bo_rate = np.asarray(m.bo_cost, dtype=float)
        tc = self.scenario.routing.transfer_cost
        sums = self.sums()
        out: dict[str, list[float]] = {"agent_hours": [], "back_office_hours": [], "cost": []}
        for rep in self.reps:
            staffed_h = rep.agents["staffed_s"].sum(axis=0) / 3600.0
            bo_h = (
                rep.back_office["on_duty_s"].sum(axis=0) / 3600.0
                if rep.back_office
                else np.zeros(0)
            )
            transfers = float(sums["transfers"].loc[rep.replication])
            out["agent_hours"].append(float(staffed_h.sum()))
            out["back_office_hours"].append(float(bo_h.sum()))
            out["cost"].append(float(staffed_h @ rate) + float(bo_h @ bo_rate) + transfers * tc)
        return {k: np.asarray(v) for k, v in out.items()}

    def work_order_values(self, by: str | None = None) -> dict[str, dict[str, np.ndarray]]:
        """Per replication work-order figures, overall (``by=None``) or per ``"type"``/``"center"``."""
        return work_order_figures(self.compiled, self.reps, by)

    def work_orders(self) -> dict[str, Any]:
        """Work-order KPIs with 95 % intervals: totals, backlog per day, by type and by centre."""
        return work_order_kpis(self.compiled, self.reps)

    def campaign_values(self, per_interval: bool = False) -> dict[str, dict[str, np.ndarray]]:
        """Per campaign and replication: attempts, contacts, successes, abandons, rates, lists.

        With ``per_interval``, the counts per interval of the dial (arrays replications x
        intervals).
        """
        return campaign_figures(self.scenario, self.compiled, self.reps, per_interval)

    def campaigns(self) -> dict[str, dict[str, Any]]:
        """Campaign figures with 95 % intervals, keyed by campaign id (the ``--json`` block)."""
        return campaign_kpis(self.campaign_values())

    def transfers(self) -> dict[str, Any]:
        """Transfers after the first talk, with 95 % intervals (the ``--json`` block)."""
        return transfer_kpis(self.compiled, self.reps, self.sums(["group", "call_type"]))

    def clock_label(self, t: float) -> str:
        """Day and clock time of simulated time ``t`` (e.g. ``d2 00:00``)."""
        return clock.clock_label(self.compiled, t)

    def targets(self) -> list[TargetCheck]:
        """Each target of the scenario with its value and whether it is met."""
        return check_targets(self)

    @property
    def all_targets_met(self) -> bool:
        """Whether every target is met (True when there are none)."""
        return all(t.met for t in self.targets())

    # -- the --json document ---------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """The ``ccsim run --json`` document."""
        return summary_document(self)
