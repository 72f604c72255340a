"""Erlang calibrated on the last simulated plan: where the next plan should add and remove.

Each simulated plan tells, per cell (group x interval), the calls the group was really
offered (with overflow, repeat calls and priorities) and what they got. Erlang on
those calls gives the *slope*: how much one agent more or less changes the cell's
service level, abandonment and speed of answer. The simulated value is the *level*.
A KPI with ``k`` agents is predicted as

    simulated(plan) + Erlang(k) - Erlang(plan)

cell by cell, and summed with the cells' call weights into the interval and period
KPIs the targets are judged on. The margin each target needs is the one the search's
check will apply: the one-sided confidence half-width of the KPI over the plan's
replications (``z * sd / sqrt(R)``).

``propose`` first adds, where a target is predicted to fail, the agent that gains most
per unit of cost, and stops for an interval where more agents no longer gain anything
(a quiet interval whose few calls cannot reach the bound, or calls that wait for a
reason agents do not fix); then removes, cheapest loss first, every agent whose
removal keeps every modelled target predicted met. Tier targets are not modelled:
simulation checks them, as it checks every proposal.
"""

from __future__ import annotations

import heapq
import math
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ccsim.analytics.erlang import queue_metrics
from ccsim.staffing.checks import Check

IntMatrix = NDArray[np.int64]
FloatMatrix = NDArray[np.float64]

_ASA_CAP_S = 3600.0  # an unstable cell's ASA, so that sums stay finite
_GAIN_EPS = 1e-7  # gains below this are no gains (saturated service level)
#: the most of a cell's agents one step removes (at least one)
SHRINK = 0.25
_LEARN_MIN = 0.002  # predicted changes smaller than this are noise to learn from


@dataclass
class Calibration:
    """One simulated plan's cells and replication figures, as the model reads them."""

    plan: IntMatrix  # [G, n]
    offered: FloatMatrix  # [G, n] calls offered per interval (mean over replications)
    answered: FloatMatrix  # [G, n]
    aht_s: FloatMatrix  # [G, n]
    patience_s: NDArray[np.float64]  # [G] mean patience (inf: none)
    interval_sl: FloatMatrix  # [R, n] service level per replication and interval
    period: dict[str, NDArray[np.float64]]  # KPI -> per-replication values
    occupancy_time_s: float  # logged-in seconds of the planned groups (measured period)


@dataclass
class Tables:
    """Erlang KPIs per cell for k = lo .. lo + width - 1 agents."""

    lo: IntMatrix  # [G, n]
    sl: NDArray[np.float64]  # [G, n, W]
    abandon: NDArray[np.float64]
    asa: NDArray[np.float64]

    def at(self, table: NDArray[np.float64], g: int, i: int, k: int) -> float:
        """The table's value for cell (g, i) with k agents (clamped to the table's range)."""
        j = min(max(k - int(self.lo[g, i]), 0), table.shape[2] - 1)
        return float(table[g, i, j])


def erlang_tables(
    cal: Calibration, lo: IntMatrix, hi: IntMatrix, interval_s: float, threshold_s: float,
    formula: str, with_asa: bool = True,
) -> Tables:  # fmt: skip
    """Erlang service level, abandonment and ASA (when asked) per cell for every k in [lo, hi].

    The table is as wide as the widest cell's range; a cell's entries beyond its ``hi``
    are not computed and repeat its value at ``hi`` (nothing reads them).
    """
    width = int(max(1, (hi - lo).max() + 1))
    k = lo[:, :, None] + np.arange(width)[None, None, :]
    calls = np.broadcast_to(cal.offered[:, :, None], k.shape)
    aht = np.broadcast_to(cal.aht_s[:, :, None], k.shape)
    live = (calls > 0) & (k > 0) & (k <= hi[:, :, None])
    sl = np.where(calls > 0, 0.0, 1.0)
    abandon = np.where(calls > 0, 1.0, 0.0)
    asa = np.where(calls > 0, _ASA_CAP_S, 0.0)
    sl, abandon, asa = (np.array(x, dtype=float) for x in (sl, abandon, asa))
    pat = np.broadcast_to(cal.patience_s[:, None, None], k.shape)
    for finite in (True, False):
        sel = live & (np.isfinite(pat) == finite)
        if not sel.any():
            continue
        traffic = calls[sel] * aht[sel] / interval_s
        qm = queue_metrics(
            k[sel].astype(float), traffic, aht[sel], threshold_s,
            pat[sel] if finite else None, formula if finite else "offered", with_asa=with_asa,
        )  # fmt: skip
        sl[sel] = np.nan_to_num(np.asarray(qm.service_level, dtype=float), nan=0.0)
        if not finite:  # Erlang C: nobody hangs up; an unstable queue serves nobody in time
            abandon[sel] = 0.0
        else:
            abandon[sel] = np.nan_to_num(np.asarray(qm.p_abandon, dtype=float), nan=1.0)
        if not with_asa:
            continue
        asa[sel] = np.minimum(
            np.nan_to_num(np.asarray(qm.asa_s, dtype=float), nan=_ASA_CAP_S, posinf=_ASA_CAP_S),
            _ASA_CAP_S,
        )
    # service level never falls and abandonment never rises with agents (guard rounding)
    sl = np.maximum.accumulate(sl, axis=2)
    abandon = np.minimum.accumulate(abandon, axis=2)
    asa = np.minimum.accumulate(asa, axis=2)
    return Tables(lo, sl, abandon, asa)


@dataclass
class Proposal:
    """The model's next plan and what it expects of it."""

    plan: IntMatrix
    stuck: list[int]  # intervals predicted short that no agent can help
    interval_delta: NDArray[np.float64] | None  # predicted change of each interval's SL
    period_delta: dict[str, float]  # predicted change of each modelled period KPI
    removals: list[tuple[int, int]]  # cells that lost an agent, cheapest predicted loss first


class Model:
    """The calibrated prediction of every modelled target for a candidate allocation."""

    def __init__(
        self, cal: Calibration, tables: Tables, checks: list[Check], z: float, interval_s: float,
        scale_interval: NDArray[np.float64] | None = None, scale_period: dict[str, float] | None = None,
        reps: int | None = None,
    ) -> None:  # fmt: skip
        """``reps``: the replications the check judges a plan on (default: the calibration's)."""
        self.cal, self.t = cal, tables
        n_ = cal.plan.shape[1]
        self.scale_i = np.ones(n_) if scale_interval is None else scale_interval
        self.scale_p = scale_period or {}
        self.interval_s = interval_s
        self._moved_s = 0.0  # agent-seconds added (+) or removed (-) so far by ``propose``
        n = cal.plan.shape[1]
        R = cal.interval_sl.shape[0]
        off = cal.offered
        self.off_i = off.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.w = np.where(self.off_i > 0, off / np.where(self.off_i > 0, self.off_i, 1.0), 0.0)
        total_off = float(off.sum())
        total_ans = float(cal.answered.sum())
        self.w_off = off / total_off if total_off > 0 else np.zeros_like(off)
        self.w_ans = cal.answered / total_ans if total_ans > 0 else np.zeros_like(off)

        self.z, self.R = z, R
        #: the margin a target needs is the check's, over the replications it will use
        self.n_check = R if reps is None else reps
        # the check's bound is mean -/+ z sd / sqrt(R), and sd grows as a rate leaves 0 or 1:
        # sd^2 = c p (1 - p), c from this plan's replications, at least the binomial 1 / N
        self.interval: tuple[FloatMatrix, float, FloatMatrix] | None = None
        # KPI -> (value now, target, sign (+1: >=), dispersion c or None, fixed half-width)
        self.period: dict[str, tuple[float, float, int, float | None, float]] = {}
        for c in checks:
            if c.scope == "interval" and c.kpi == "service_level" and R >= 1:
                isl = cal.interval_sl
                with np.errstate(invalid="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    now = np.nan_to_num(np.nanmean(isl, axis=0), nan=0.0)
                disp = np.array([_dispersion(isl[:, i], float(self.off_i[i])) for i in range(n)])
                self.interval = (np.asarray(now, dtype=float), c.target, disp)
            elif c.scope == "period" and c.kpi in cal.period:
                v = cal.period[c.kpi]
                v = v[~np.isnan(v)]
                if v.size == 0:
                    continue
                sign = 1 if c.rule == ">=" else -1
                n_check = v.size if reps is None else reps
                fixed = z * float(v.std(ddof=1)) / math.sqrt(n_check) if v.size >= 2 else 0.0
                rate = c.kpi in ("service_level", "abandon_rate", "answer_rate")
                disp_p = _dispersion(v, total_off) if rate else None
                self.period[c.kpi] = (float(v.mean()), c.target, sign, disp_p, fixed)

    def _half(self, p: float, disp: float | None, fixed: float) -> float:
        if disp is None or self.R < 2:
            return fixed if self.R >= 2 else 0.0
        q = min(max(p, 0.0), 1.0)
        return self.z * math.sqrt(disp * q * (1.0 - q) / self.n_check)

    def ok_interval(self, i: int, value: float) -> bool:
        """Whether interval ``i`` with service level ``value`` passes the check's bound."""
        assert self.interval is not None
        _, target, disp = self.interval
        return value - self._half(value, float(disp[i]), 0.0) >= target - 1e-12

    def ok_period(self, kpi: str, value: float) -> bool:
        """Whether period KPI ``kpi`` at ``value`` passes the check's bound."""
        _, target, sign, disp, fixed = self.period[kpi]
        bound = value - sign * self._half(value, disp, fixed)
        return sign * (bound - target) >= -1e-12

    # -- deltas of one agent more (+1) or less (-1) in cell (g, i) from k ---------------------

    def deltas(self, g: int, i: int, k: int, step: int) -> dict[str, float]:
        """Predicted change of every modelled KPI when cell (g, i) goes from k to k + step."""
        t = self.t
        d_sl = t.at(t.sl, g, i, k + step) - t.at(t.sl, g, i, k)
        d_ab = t.at(t.abandon, g, i, k + step) - t.at(t.abandon, g, i, k)
        d_asa = t.at(t.asa, g, i, k + step) - t.at(t.asa, g, i, k)
        out = {"interval": float(self.w[g, i]) * d_sl * float(self.scale_i[i])}
        for kpi in self.period:
            f = self.scale_p.get(kpi, 1.0)
            wo, wa = f * float(self.w_off[g, i]), f * float(self.w_ans[g, i])
            if kpi == "service_level":
                out[kpi] = wo * d_sl
            elif kpi == "abandon_rate":
                out[kpi] = wo * d_ab
            elif kpi == "answer_rate":
                out[kpi] = -wo * d_ab
            elif kpi == "asa_s":
                out[kpi] = wa * d_asa
            elif kpi == "occupancy":
                out[kpi] = self._occupancy_delta(step)
        return out

    def gains(self, k: IntMatrix, kpi: str) -> FloatMatrix:
        """Predicted change of period KPI ``kpi`` from one agent more in each cell at ``k``."""
        t = self.t
        if kpi == "occupancy":
            return np.full(k.shape, self._occupancy_delta(1))
        table = t.abandon if kpi in ("abandon_rate", "answer_rate") else t.sl
        if kpi == "asa_s":
            table = t.asa
        width = table.shape[2]
        j0 = np.clip(k - t.lo, 0, width - 1)[:, :, None]
        j1 = np.clip(k + 1 - t.lo, 0, width - 1)[:, :, None]
        d = (np.take_along_axis(table, j1, axis=2) - np.take_along_axis(table, j0, axis=2))[:, :, 0]
        w = self.w_ans if kpi == "asa_s" else self.w_off
        f = self.scale_p.get(kpi, 1.0)
        return f * w * (-d if kpi == "answer_rate" else d)

    def _occupancy_delta(self, step: int) -> float:
        now = self.period["occupancy"][0]
        L = self.cal.occupancy_time_s + self._moved_s
        if L + step * self.interval_s <= 0:
            return math.inf
        return now * self.cal.occupancy_time_s * (1.0 / (L + step * self.interval_s) - 1.0 / L)

    def propose(
        self, lo: IntMatrix, hi: IntMatrix, cost: NDArray[np.float64], movable: NDArray[np.bool_],
        max_removals: int, shrink: float = SHRINK, interval_cap: NDArray[np.int64] | None = None,
    ) -> Proposal:  # fmt: skip
        """The next plan: adds where a target is predicted short, then safe removals.

        At most ``max_removals`` agents are removed (and at most ``interval_cap[i]`` in
        interval ``i``, when given), and no cell loses more than a share
        ``shrink`` of its agents (at least one) in one step: the slopes are Erlang's,
        and Erlang is trusted near the simulated plan, not far from it.
        Returns the plan, the intervals predicted short that no agent can help, and the
        predicted changes of the KPIs (to compare with what simulation then says).
        """
        P = self.cal.plan
        k = P.copy()
        lo = np.maximum(lo, P - removable(P, shrink))
        G, n = k.shape
        now_i = self.interval[0].copy() if self.interval is not None else None
        now_p = {kpi: v[0] for kpi, v in self.period.items()}
        self._moved_s = 0.0

        def apply(g: int, i: int, step: int) -> None:
            d = self.deltas(g, i, int(k[g, i]), step)
            if now_i is not None:
                now_i[i] += d["interval"]
            for kpi in now_p:
                now_p[kpi] += d[kpi]
            k[g, i] += step
            self._moved_s += step * self.interval_s

        stuck: list[int] = []
        # 1. adds: interval targets, then period ones
        if self.interval is not None and now_i is not None:
            for i in range(n):
                if self.off_i[i] <= 0:
                    continue
                while not self.ok_interval(i, float(now_i[i])):
                    best, bg = 0.0, -1
                    for g in range(G):
                        if movable[g, i] and k[g, i] < hi[g, i]:
                            gain = self.deltas(g, i, int(k[g, i]), 1)["interval"] / cost[g]
                            if gain > best:
                                best, bg = gain, g
                    if bg < 0 or best < _GAIN_EPS:
                        stuck.append(i)
                        break
                    apply(bg, i, 1)
        for kpi in list(self.period):
            sign = self.period[kpi][2]
            open_ = movable & (self.off_i[None, :] > 0)
            while not self.ok_period(kpi, now_p[kpi]):
                gain = sign * self.gains(k, kpi) / cost[:, None]
                gain[~open_ | (k >= hi)] = 0.0
                flat = int(np.argmax(gain))
                g, i = divmod(flat, n)
                if gain[g, i] < _GAIN_EPS:
                    break
                apply(g, i, 1)
        # 2. removals, the cheapest predicted loss per unit of cost first
        heap: list[tuple[float, int, int]] = []

        def push(g: int, i: int) -> None:
            if movable[g, i] and k[g, i] > lo[g, i]:
                d = self.deltas(g, i, int(k[g, i]), -1)
                loss = -d["interval"] if now_i is not None else 0.0
                loss += sum(-v[2] * d[kpi] for kpi, v in self.period.items())
                heapq.heappush(heap, (loss / cost[g], g, i))

        for g in range(G):
            for i in range(n):
                push(g, i)
        removed = 0
        per_interval = np.zeros(n, dtype=np.int64)
        order: list[tuple[int, int]] = []
        while heap and removed < max_removals:
            _, g, i = heapq.heappop(heap)
            if k[g, i] <= lo[g, i]:
                continue
            if interval_cap is not None and per_interval[i] >= interval_cap[i]:
                continue
            d = self.deltas(g, i, int(k[g, i]), -1)
            if now_i is not None and self.off_i[i] > 0:
                if not self.ok_interval(i, float(now_i[i] + d["interval"])):
                    continue
            if not all(self.ok_period(kpi, now_p[kpi] + d[kpi]) for kpi in self.period):
                continue
            apply(g, i, -1)
            removed += 1
            per_interval[i] += 1
            order.append((g, i))
            push(g, i)
        d_i = now_i - self.interval[0] if now_i is not None and self.interval is not None else None
        d_p = {kpi: now_p[kpi] - v[0] for kpi, v in self.period.items()}
        return Proposal(k, stuck, d_i, d_p, order)


def _dispersion(values: NDArray[np.float64], calls: float) -> float:
    """C in sd^2 = c p (1 - p) for a rate over replications: observed, at least binomial."""
    v = values[~np.isnan(values)]
    floor = 1.0 / max(calls, 1.0)
    if v.size < 2:
        return floor
    p = float(v.mean())
    spread = p * (1.0 - p)
    if spread < 1e-6:
        return floor
    return max(float(v.var(ddof=1)) / spread, floor)


def removable(P: IntMatrix, shrink: float = SHRINK) -> IntMatrix:
    """Agents one step may remove from each cell: a share ``shrink``, at least one."""
    out: IntMatrix = np.maximum(1, np.floor(P * shrink)).astype(np.int64)
    return out
