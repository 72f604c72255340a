"""The bridge from a simulated plan to the calibrated model of ``ccsim.staffing.guided``.

``Guide`` reads what the model needs from a simulated plan (offered calls, handling
times, the replications' KPIs), builds the Erlang tables over the range one step may
move, asks the model for the next plan, and keeps the slope corrections that
simulation teaches from one proposal to the next.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled
from ccsim.scenario.schema import Scenario
from ccsim.staffing.erlang_step import group_loads
from ccsim.staffing.evaluation import Evaluation, PlanEvaluator
from ccsim.staffing.guided import (
    _LEARN_MIN,
    Calibration,
    IntMatrix,
    Model,
    Proposal,
    erlang_tables,
    removable,
)


class Guide:
    """Turns a simulated plan into the calibrated model and the model's next proposal."""

    def __init__(
        self, sc: Scenario, m: Compiled, evaluator: PlanEvaluator, low: IntMatrix,
        cap: IntMatrix, frozen: NDArray[np.bool_], cost: NDArray[np.float64],
    ) -> None:  # fmt: skip
        self.sc, self.m, self.evaluator = sc, m, evaluator
        self.low, self.cap, self.frozen = low, cap, frozen
        self.cost = np.maximum(np.asarray(cost, dtype=float), 1e-9)
        base = group_loads(sc)
        # patience per call: each group's first-guess mix (simulation does not report it);
        # a group with no first-guess load takes the overall mix
        with np.errstate(invalid="ignore", divide="ignore"):
            per_group = base.patience_work.sum(axis=1) / base.calls.sum(axis=1)
            overall = (
                base.patience_work.sum() / base.calls.sum() if base.calls.sum() > 0 else np.inf
            )
            self.patience = np.where(np.isnan(per_group), overall, per_group)
            aht = base.work_s.sum(axis=1) / base.calls.sum(axis=1)
            overall_aht = base.work_s.sum() / base.calls.sum() if base.calls.sum() > 0 else 300.0
        self.aht = np.where(np.isfinite(aht), aht, overall_aht)
        self.planned = ~np.asarray(evaluator.fixed, dtype=bool)
        #: secant corrections: what simulation showed over what the model predicted
        self.scale_interval = np.ones(m.n_intervals)
        self.scale_period: dict[str, float] = {}

    def calibration(self, ev: Evaluation) -> Calibration:
        """What the model reads from a simulated plan."""
        off = np.nan_to_num(ev.cells["offered"])
        aht = ev.cells["aht_s"]
        aht = np.where(np.isfinite(aht) & (aht > 0), aht, self.aht[:, None])
        n0 = self.sc.horizon.warmup_intervals
        logged = float(ev.plan[self.planned, n0:].sum()) * self.m.interval_s
        R = ev.result.replications
        isl = ev.interval_sl if ev.interval_sl is not None else np.zeros((R, 0))
        return Calibration(
            ev.plan, off, np.nan_to_num(ev.cells["answered"]), aht, self.patience, isl,
            ev.period or {}, logged,
        )  # fmt: skip

    def propose(
        self, ev: Evaluation, locked: NDArray[np.bool_], max_removals: int,
        interval_cap: NDArray[np.int64] | None = None,
    ) -> Proposal:  # fmt: skip
        """The model's next plan from ``ev`` (locked intervals and frozen cells unmoved).

        At most ``max_removals`` agents go, and at most ``interval_cap[i]`` in interval ``i``.
        """
        cal = self.calibration(ev)
        P = ev.plan
        # the model moves a cell by at most a quarter down (see Model.propose) and by
        # at most half up in one step: the tables cover that range
        lo = np.maximum(np.minimum(self.low, P), P - removable(P) - 1)
        hi = np.maximum(np.minimum(self.cap, P + np.maximum(8, (P + 1) // 2)), P)
        sl = self.sc.sl
        with_asa = any(c.kpi == "asa_s" for c in self.evaluator.checks)
        tables = erlang_tables(cal, lo, hi, self.m.interval_s, sl.threshold_s, sl.formula, with_asa)
        model = Model(
            cal, tables, self.evaluator.checks, self.evaluator.z, self.m.interval_s,
            self.scale_interval, self.scale_period, self.evaluator.reps,
        )  # fmt: skip
        movable = ~self.frozen & ~locked[None, :]
        return model.propose(
            self.low, hi, self.cost, movable, max_removals, interval_cap=interval_cap
        )

    def learn(self, base: Evaluation, trial: Evaluation, proposal: Proposal) -> None:
        """Correct the slopes by what simulation showed: actual change over predicted change.

        Only changes the model predicted to matter (at least ``_LEARN_MIN``) count; each
        correction is kept within [1/4, 10] of the last and the scale within [1/2, 50].
        A trial rejected on its first replications is compared with the same first
        replications of the base (common random numbers).
        """
        r = trial.result.replications

        def update(old: float, actual: float, predicted: float) -> float:
            if not (abs(predicted) >= _LEARN_MIN and math.isfinite(actual)):
                return old
            ratio = min(max(actual / predicted, 0.25), 10.0)
            return min(max(old * ratio, 0.5), 50.0)

        if (
            proposal.interval_delta is not None
            and base.interval_sl is not None
            and trial.interval_sl is not None
        ):
            with np.errstate(invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                actual = np.nanmean(trial.interval_sl, axis=0) - np.nanmean(
                    base.interval_sl[:r], axis=0
                )
            for i, (a, p) in enumerate(zip(actual, proposal.interval_delta, strict=True)):
                self.scale_interval[i] = update(float(self.scale_interval[i]), float(a), float(p))
        for kpi, p in proposal.period_delta.items():
            if base.period and trial.period and kpi in base.period and kpi in trial.period:
                a = float(np.nanmean(trial.period[kpi]) - np.nanmean(base.period[kpi][:r]))
                self.scale_period[kpi] = update(self.scale_period.get(kpi, 1.0), a, p)
