"""Inverse Erlang: the fewest agents that meet a set of service targets.

Every measure used as a target is monotone in the number of agents (service level
rises, ASA and abandonment fall, occupancy falls), so "meets every target" switches
from false to true exactly once as agents are added. The search brackets that switch
between 0 agents and a doubling upper bound, then bisects; its answer is the one a
linear scan from one agent up would give. It never starts from the offered load: with
impatient callers (Erlang A) fewer agents than Erlangs can meet the targets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ccsim.analytics.erlang import FloatArray, QueueMetrics, _check_formula, queue_metrics

IntArray = NDArray[np.int64]

_MAX_DOUBLINGS = 40


@dataclass(frozen=True)
class Targets:
    """Service targets for sizing one queue; ``None`` means "no such target".

    Attributes
    ----------
    service_level : float, optional
        Minimum service level (0 < target < 1) under ``sl_formula`` at ``threshold_s``.
    threshold_s : float
        Service-level threshold T, seconds.
    sl_formula : str
        Service-level formula (see ``ccsim.analytics.SL_FORMULAS``).
    asa_s : float, optional
        Maximum average speed of answer, seconds (> 0).
    abandon_rate : float, optional
        Maximum share of callers who abandon (0 < target <= 1); Erlang A only.
    max_occupancy : float, optional
        Maximum agent occupancy (0 < cap <= 1). No cap unless set.
    """

    service_level: float | None = None
    threshold_s: float = 20.0
    sl_formula: str = "offered"
    asa_s: float | None = None
    abandon_rate: float | None = None
    max_occupancy: float | None = None

    def __post_init__(self) -> None:
        """Check ranges; raise ``ValueError`` naming the field and the value."""
        _check_formula(self.sl_formula)
        if self.service_level is not None and not 0 < self.service_level < 1:
            raise ValueError(
                f"service_level target must be > 0 and < 1, got {self.service_level!r}"
            )
        if not self.threshold_s >= 0:
            raise ValueError(f"threshold_s must be >= 0, got {self.threshold_s!r}")
        if self.asa_s is not None and not self.asa_s > 0:
            raise ValueError(f"asa_s target must be > 0, got {self.asa_s!r}")
        if self.abandon_rate is not None and not 0 < self.abandon_rate <= 1:
            raise ValueError(f"abandon_rate target must be > 0 and <= 1, got {self.abandon_rate!r}")
        if self.max_occupancy is not None and not 0 < self.max_occupancy <= 1:
            raise ValueError(f"max_occupancy must be > 0 and <= 1, got {self.max_occupancy!r}")
        if self.service_level is None and self.asa_s is None and self.abandon_rate is None:
            if self.max_occupancy is None:
                raise ValueError(
                    "give at least one target: service_level, asa_s, abandon_rate or max_occupancy"
                )


def meets(m: QueueMetrics, targets: Targets) -> NDArray[np.bool_]:
    """Elementwise: whether the queue described by ``m`` meets every target."""
    ok = np.asarray(m.stable, dtype=bool).copy()
    if targets.service_level is not None:
        # a tiny tolerance so that a target equal to an exact value counts as met
        ok &= np.asarray(m.service_level) >= targets.service_level - 1e-12
    if targets.asa_s is not None:
        ok &= np.asarray(m.asa_s) <= targets.asa_s + 1e-12
    if targets.abandon_rate is not None:
        ok &= np.asarray(m.p_abandon) <= targets.abandon_rate + 1e-12
    if targets.max_occupancy is not None:
        ok &= np.asarray(m.occupancy) <= targets.max_occupancy + 1e-12
    if m.model == "erlang_a" and targets.service_level is None and targets.asa_s is None:
        if targets.abandon_rate is None:
            # an occupancy cap alone is met by zero agents under Erlang A; ask for one
            ok &= np.asarray(m.agents) >= 1
    return np.asarray(ok, dtype=bool)


def required_agents(
    traffic: ArrayLike,
    aht_s: ArrayLike,
    targets: Targets,
    patience_s: ArrayLike | None = None,
) -> IntArray | int:
    """Fewest agents meeting every target, Erlang C or (with ``patience_s``) Erlang A.

    Parameters
    ----------
    traffic : float or array
        Offered load in Erlangs (>= 0). Zero load needs zero agents.
    aht_s : float or array
        Average handling time, seconds.
    targets : Targets
        What must hold.
    patience_s : float or array, optional
        Mean patience, seconds; switches to Erlang A.

    Returns
    -------
    int or array of int
        Agents per element (``-1`` where no number of agents below about a million
        meets the targets, which valid targets never cause).
    """
    scalar = all(np.ndim(v) == 0 for v in (traffic, aht_s, 0 if patience_s is None else patience_s))
    arrays = [np.asarray(traffic, dtype=float), np.asarray(aht_s, dtype=float)]
    if patience_s is not None:
        arrays.append(np.asarray(patience_s, dtype=float))
    b = np.broadcast_arrays(*arrays)
    a = np.array(b[0], dtype=float).ravel()
    h = np.array(b[1], dtype=float).ravel()
    p = np.array(b[2], dtype=float).ravel() if patience_s is not None else None
    shape = b[0].shape

    def ok(n: FloatArray, idx: NDArray[np.intp]) -> NDArray[np.bool_]:
        m = queue_metrics(
            n,
            a[idx],
            h[idx],
            threshold_s=targets.threshold_s,
            patience_s=None if p is None else p[idx],
            sl_formula=targets.sl_formula,
            with_asa=targets.asa_s is not None,
        )
        return meets(m, targets)

    result = np.zeros(a.shape, dtype=np.int64)
    todo = np.flatnonzero(a > 0)
    if todo.size:
        if p is None:
            lo = np.floor(a[todo])  # at or below the load an M/M/n queue is unstable
        else:
            lo = np.zeros(todo.size)  # zero agents never meet a service target
        hi = np.maximum(lo + 1.0, np.ceil(a[todo]))
        good = ok(hi, todo)
        for _ in range(_MAX_DOUBLINGS):
            if good.all():
                break
            bad = ~good
            lo[bad] = hi[bad]
            hi[bad] = hi[bad] * 2.0
            good[bad] = ok(hi[bad], todo[bad])
        infeasible = ~good
        # bisect: lo fails, hi meets
        active = ~infeasible & (hi - lo > 1)
        while active.any():
            idx = np.flatnonzero(active)
            mid = np.floor((lo[idx] + hi[idx]) / 2.0)
            mok = ok(mid, todo[idx])
            hi[idx[mok]] = mid[mok]
            lo[idx[~mok]] = mid[~mok]
            active[idx] = hi[idx] - lo[idx] > 1
        res = hi.astype(np.int64)
        res[infeasible] = -1
        result[todo] = res
    if scalar:
        return int(result[0])
    return result.reshape(shape)


def scheduled_agents(required: ArrayLike, shrinkage: float = 0.0) -> IntArray | int:
    """Agents to schedule so that ``required`` remain after ``shrinkage``.

    ``ceil(required / (1 - shrinkage))``; shrinkage is the share of paid time agents are
    not available for calls (breaks, meetings, training, absence), in [0, 1).
    """
    if not 0 <= shrinkage < 1:
        raise ValueError(f"shrinkage must be >= 0 and < 1, got {shrinkage!r}")
    req = np.asarray(required, dtype=float)
    out = np.where(req < 0, -1, np.ceil(req / (1.0 - shrinkage) - 1e-9)).astype(np.int64)
    if out.ndim == 0:
        return int(out)
    return out


def table_around(
    required: int,
    extra: int | None = None,
    span: int = 3,
) -> list[int]:
    """Agent counts for a small table around ``required`` (plus ``extra`` when given)."""
    rows = set(range(max(0, required - span), required + span + 1))
    if extra is not None and extra >= 0:
        rows.add(extra)
    return sorted(rows)
