"""What a simulation returns: counts of every replication and the tables built from them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ccsim._version import __version__
from ccsim.engine.compile import Compiled, compile_scenario
from ccsim.results import kpis as K
from ccsim.results.aggregate import AGENT_COUNTERS, COUNTERS, RepCounts
from ccsim.results.targets import TargetCheck, check_targets
from ccsim.scenario.common import WEEKDAYS
from ccsim.scenario.loader import scenario_hash
from ccsim.scenario.schema import Scenario


def _categorical(codes: Any, categories: Sequence[str]) -> pd.Categorical[str]:
    """Categorical labels from integer codes (one place for pandas' strict stub types)."""
    return pd.Categorical.from_codes(
        np.asarray(codes, dtype=np.int64), categories=pd.Index(list(categories))
    )


DIMENSIONS = ("interval", "day", "call_type", "tier", "network", "group", "center")
AGENT_DIMS = ("interval", "day", "group", "center")


@dataclass
class SimulationResult:
    """Results of ``ccsim.simulate``: per-replication counts and the KPI tables.

    Attributes
    ----------
    scenario : Scenario
        What was simulated.
    seed, replications : int
        The seed and number of replications used.
    wall_s : float
        Wall-clock seconds of the simulation.
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
        """Counts per replication and cell (interval, call type, tier, network, group)."""
        m = self.compiled
        frames = []
        for rep in self.reps:
            df = pd.DataFrame({k: np.asarray(v) for k, v in rep.cells.items()})
            df.insert(0, "replication", rep.replication)
            frames.append(df)
        df = (
            pd.concat(frames, ignore_index=True)
            if frames
            else pd.DataFrame(columns=["replication", "interval", *DIMENSIONS[2:-1], *COUNTERS])
        )
        df.insert(2, "day", self.interval_day[df["interval"].to_numpy(dtype=np.int64)])
        groups = ["(none)", *m.group_ids]
        centers = ["(none)", *m.group_center]
        gidx = df["group"].to_numpy(dtype=np.int64) + 1
        df["call_type"] = _categorical(df["call_type"].to_numpy(dtype=np.int64), m.type_ids)
        df["tier"] = _categorical(df["tier"].to_numpy(dtype=np.int64), m.tier_ids)
        df["network"] = _categorical(df["network"].to_numpy(dtype=np.int64), m.network_ids)
        df["group"] = _categorical(gidx, groups)
        df["center"] = pd.Categorical(
            np.asarray(centers, dtype=object)[gidx], categories=list(dict.fromkeys(centers))
        )
        return df

    @cached_property
    def agents(self) -> pd.DataFrame:
        """Staffed, busy and logged-in agent-seconds per replication, interval and group."""
        m = self.compiled
        n, G = m.n_intervals, len(m.group_ids)
        rows = []
        for rep in self.reps:
            d = {
                "replication": np.full(n * G, rep.replication),
                "interval": np.repeat(np.arange(n), G),
                "group": np.tile(np.arange(G), n),
            }
            for k in AGENT_COUNTERS:
                d[k] = rep.agents[k].reshape(-1)
            rows.append(pd.DataFrame(d))
        df = pd.concat(rows, ignore_index=True)
        df.insert(2, "day", self.interval_day[df["interval"].to_numpy()])
        centers = np.asarray(m.group_center, dtype=object)[df["group"].to_numpy()]
        df["group"] = _categorical(df["group"].to_numpy(), m.group_ids)
        df["center"] = pd.Categorical(centers, categories=list(dict.fromkeys(m.group_center)))
        return df

    def calls(self) -> pd.DataFrame:
        """Per-call records of every replication (needs ``keep_calls=True``)."""
        from ccsim.engine.records import Kind, Outcome

        m = self.compiled
        frames = []
        for rep in self.reps:
            if rep.calls is None:
                raise ValueError("per-call records were not kept: simulate(..., keep_calls=True)")
            df = pd.DataFrame({k: np.asarray(v) for k, v in rep.calls.items()})
            df.insert(0, "replication", rep.replication)
            frames.append(df)
        df = pd.concat(frames, ignore_index=True)
        df["call_type"] = _categorical(df["call_type"].astype(np.int64), m.type_ids)
        df["tier"] = _categorical(df["tier"].astype(np.int64), m.tier_ids)
        df["network"] = _categorical(df["network"].astype(np.int64), m.network_ids)
        df["group"] = _categorical(df["group"].astype(np.int64) + 1, ["(none)", *m.group_ids])
        df["outcome"] = _categorical(
            df["outcome"].astype(np.int64), [o.name.lower() for o in Outcome]
        )
        df["kind"] = _categorical(df["kind"].astype(np.int64), [k.name.lower() for k in Kind])
        df["interval"] = np.minimum(
            (df["t_arrival"] // m.interval_s).astype(np.int64), m.n_intervals - 1
        )
        return df

    # -- KPIs at any roll-up ---------------------------------------------------------------

    @property
    def counter_columns(self) -> list[str]:
        """The count columns of ``cells`` (the standard ones, then extra thresholds)."""
        extra = [c for c in self.cells.columns if "@" in c]
        return [*COUNTERS, *extra]

    def sums(self, by: Sequence[str] = ()) -> pd.DataFrame:
        """Counts summed per replication and ``by`` labels (every label in every replication)."""
        return self._sums(list(by))

    def _sums(self, by: Sequence[str]) -> pd.DataFrame:
        """Counts summed per replication and ``by`` labels, with every label in every replication."""
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
        m = self.compiled
        t = m.scenario.horizon.start_s + np.arange(m.n_intervals) * m.interval_s
        return (np.floor(np.round(t) / 86_400.0) + 1).astype(np.int64)

    def day_label(self, day: int) -> str:
        """``day 2 (tue)``: a day of the horizon with its weekday."""
        hz = self.scenario.horizon
        return f"day {day} ({WEEKDAYS[(WEEKDAYS.index(hz.start_day) + day - 1) % 7]})"

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
        vals = K.compute(c, self.scenario.sl.formula, agents, period)
        if by in ([], ["interval"], ["day"]):
            vals.update(self._queue_kpis(by, sums.index))
        return pd.DataFrame(vals, index=sums.index)

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
        if not by:
            rows = {k: K.estimate(vals[k].to_numpy(), *K.bounds(k)) for k in vals.columns}
            return pd.DataFrame(
                {
                    "mean": [e.mean for e in rows.values()],
                    "ci_low": [e.low for e in rows.values()],
                    "ci_high": [e.high for e in rows.values()],
                },
                index=pd.Index(list(rows), name="kpi"),
            )
        grouped = vals.groupby(level=by, observed=False)
        out = {}
        for k in vals.columns:
            lo, hi = K.bounds(k)

            def one(s: pd.Series, lo: float = lo, hi: float = hi) -> K.Estimate:
                return K.estimate(s.to_numpy(), lo, hi)

            est = grouped[k].apply(one)
            out[(k, "mean")] = est.map(lambda e: e.mean)
            out[(k, "ci_low")] = est.map(lambda e: e.low)
            out[(k, "ci_high")] = est.map(lambda e: e.high)
        df = pd.DataFrame(out)
        df.columns = pd.MultiIndex.from_tuples(list(out), names=["kpi", "stat"])
        return df

    def by_interval(self) -> pd.DataFrame:
        """Mean KPIs per interval (whole centre), with the interval's clock time."""
        df = self.kpis("interval")
        means = pd.DataFrame(df.xs("mean", axis=1, level="stat")).copy()
        means.insert(0, "start", [self.interval_label(int(i)) for i in means.index])
        return means

    def interval_label(self, i: int) -> str:
        """Clock time of interval ``i``'s start, with the day for multi-day runs."""
        m = self.compiled
        t = m.scenario.horizon.start_s + i * m.interval_s
        day, rem = divmod(round(t), 86_400)
        hhmm = f"{rem // 3600:02d}:{(rem % 3600) // 60:02d}"
        return hhmm if m.horizon_s + m.scenario.horizon.start_s <= 86_400 else f"d{day + 1} {hhmm}"

    def callers(self) -> dict[str, K.Estimate]:
        """Figures by caller rather than by call (a caller who redials is one caller)."""
        c = np.asarray([r.callers["callers"].sum() for r in self.reps])
        a = np.asarray([r.callers["callers_answered"].sum() for r in self.reps])
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(c > 0, a / np.where(c > 0, c, 1), np.nan)
        return {
            "callers": K.estimate(c),
            "callers_answered": K.estimate(a),
            "callers_lost": K.estimate(c - a),
            "caller_answer_rate": K.estimate(rate),
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
        from ccsim.results.aggregate import ORDER_COUNTERS

        m = self.compiled
        if not m.order_ids:
            return {}
        stack = np.stack([r.work_orders["counts"] for r in self.reps])  # reps x counters x O x C
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

    def work_orders(self) -> dict[str, Any]:
        """Work-order KPIs with 95 % intervals: totals, backlog per day, by type and by centre."""
        if not self.compiled.order_ids:
            return {}

        def est(d: dict[str, np.ndarray]) -> dict[str, Any]:
            return {k: K.estimate(v, *K.bounds(k)).as_dict() for k, v in d.items()}

        doc = est(self.work_order_values()["all"])
        backlog = np.stack([r.work_orders["backlog"] for r in self.reps])
        at = self.reps[0].work_orders["backlog_at"]
        doc["backlog_by_day"] = [
            {"at": self.clock_label(float(t)), **K.estimate(backlog[:, j], 0.0).as_dict()}
            for j, t in enumerate(at)
        ]
        doc["by_type"] = {k: est(v) for k, v in self.work_order_values("type").items()}
        doc["by_center"] = {k: est(v) for k, v in self.work_order_values("center").items()}
        return doc

    def campaign_values(self, per_interval: bool = False) -> dict[str, dict[str, np.ndarray]]:
        """Per campaign and replication: attempts, contacts, successes, abandons, rates, lists.

        With ``per_interval``, the counts per interval of the dial (arrays replications x
        intervals).
        """
        from ccsim.results.aggregate import CAMPAIGN_COUNTERS, LIST_COUNTERS

        sc = self.scenario
        if not sc.campaigns:
            return {}
        counts = np.stack([r.outbound["counts"] for r in self.reps])  # reps x counter x K x n
        lists = np.stack([r.outbound["lists"] for r in self.reps])  # reps x counter x K
        completion = np.stack([r.outbound["completion"] for r in self.reps])  # reps x K x days
        n0 = self.compiled.warmup_intervals
        out: dict[str, dict[str, np.ndarray]] = {}
        for k, c in enumerate(sc.campaigns):
            if per_interval:
                out[c.id] = {name: counts[:, i, k, n0:] for i, name in enumerate(CAMPAIGN_COUNTERS)}
                continue
            d = {name: counts[:, i, k, :].sum(axis=1) for i, name in enumerate(CAMPAIGN_COUNTERS)}
            d["agent_hours"] = d.pop("agent_s") / 3600.0
            d.update({name: lists[:, i, k] for i, name in enumerate(LIST_COUNTERS)})
            with np.errstate(invalid="ignore", divide="ignore"):
                d["contact_rate"] = np.where(
                    d["attempts"] > 0, d["contacts"] / np.maximum(d["attempts"], 1), np.nan
                )
                d["success_rate"] = np.where(
                    d["contacts"] > 0, d["successes"] / np.maximum(d["contacts"], 1), np.nan
                )
                reached = d["contacts"] + d["abandons"]
                d["abandon_rate"] = np.where(
                    reached > 0, d["abandons"] / np.maximum(reached, 1), np.nan
                )
                comp = completion[:, k, :]
                has = ~np.isnan(comp)
                d["list_completion"] = np.where(
                    has.any(axis=1),
                    np.nansum(comp, axis=1) / np.maximum(has.sum(axis=1), 1),
                    np.nan,
                )
            out[c.id] = d
        return out

    def campaigns(self) -> dict[str, dict[str, Any]]:
        """Campaign figures with 95 % intervals, keyed by campaign id (the ``--json`` block)."""
        return {
            cid: {k: K.estimate(v, *K.bounds(k)).as_dict() for k, v in d.items()}
            for cid, d in self.campaign_values().items()
        }

    def clock_label(self, t: float) -> str:
        """Day and clock time of simulated time ``t`` (e.g. ``d2 00:00``)."""
        m = self.compiled
        c = m.scenario.horizon.start_s + t
        day, rem = divmod(round(c), 86_400)
        return f"d{day + 1} {rem // 3600:02d}:{(rem % 3600) // 60:02d}"

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
        m = self.compiled
        sc = self.scenario
        total = self.kpis()

        def block(df: pd.DataFrame) -> dict[str, dict[str, Any]]:
            out: dict[str, dict[str, Any]] = {}
            for label in df.index:
                row = df.loc[label]
                out[str(label)] = {
                    k: {"mean": row[(k, "mean")], "ci95": [row[(k, "ci_low")], row[(k, "ci_high")]]}
                    for k in df.columns.get_level_values(0).unique()
                }
            return out

        def with_occupancy_null(d: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
            for v in d.values():
                v.setdefault("occupancy", {"mean": None, "ci95": [None, None]})
            return d

        kp = {
            k: {
                "mean": total.loc[k, "mean"],
                "ci95": [total.loc[k, "ci_low"], total.loc[k, "ci_high"]],
            }
            for k in total.index
        }
        by_day = self.kpis("day")
        days = [
            {"day": int(d), "label": self.day_label(int(d)), "kpis": kpis}
            for d, kpis in zip(by_day.index, block(by_day).values(), strict=True)
        ]
        groups = block(self.kpis("group"))
        groups.pop("(none)", None)
        centers = block(self.kpis("center"))
        centers.pop("(none)", None)
        doc: dict[str, Any] = {
            "scenario": sc.name,
            "seed": self.seed,
            "replications": self.replications,
            "ccsim_version": __version__,
            "scenario_hash": scenario_hash(sc),
            "horizon": {
                "duration_h": sc.horizon.duration_h,
                "interval_min": sc.horizon.interval_min,
                "warmup_h": sc.horizon.warmup_h,
                "intervals": m.n_intervals,
            },
            "service_level_definition": {
                "threshold_s": sc.sl.threshold_s,
                "formula": sc.sl.formula,
            },
            "kpis": kp,
            "call_types": with_occupancy_null(block(self.kpis("call_type"))),
            "groups": groups,
            "centers": centers,
            "days": days,
            "tiers": with_occupancy_null(block(self.kpis("tier"))),
            "networks": with_occupancy_null(block(self.kpis("network"))),
            "callers": {k: e.as_dict() for k, e in self.callers().items()},
            **{k: K.estimate(v, 0.0).as_dict() for k, v in self.cost_values().items()},
            "targets": {t.name: t.as_dict() for t in self.targets()},
            "all_targets_met": self.all_targets_met,
            **({"work_orders": self.work_orders()} if self.compiled.order_ids else {}),
            **({"campaigns": self.campaigns()} if sc.campaigns else {}),
            "wall_s": self.wall_s,
        }
        return doc
