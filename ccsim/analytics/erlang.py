"""Erlang B, Erlang C (M/M/n) and Erlang A (M/M/n+M) performance measures.

All functions accept scalars or numpy arrays (broadcast together) and return floats
for scalar input, arrays otherwise. Times are in seconds, traffic in Erlangs.

Assumptions common to all models: Poisson arrivals at a constant rate, exponential
handling times (talk + after-call work) with mean ``aht_s``, ``agents`` identical
agents, first-come first-served, an unlimited queue, a stationary (steady-state) system.
Erlang C adds: callers never hang up. Erlang A adds: each caller hangs up after an
exponential patience with mean ``patience_s`` if not answered by then.

The models live in ``erlang_c`` (Erlang B and C) and ``erlang_a`` (Erlang A), their
result type and service-level formulas in ``metrics``. This module sits above them:
``queue_metrics`` picks the model, and the names of all three are importable from here.
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from ccsim.analytics.erlang_a import MAX_PATIENCE_AHT, erlang_a_metrics
from ccsim.analytics.erlang_c import erlang_b, erlang_c, erlang_c_metrics, traffic_erlangs
from ccsim.analytics.metrics import (
    SL_FORMULAS,
    FloatArray,
    FloatLike,
    QueueMetrics,
    SLFormula,
    _check_formula,
)

__all__ = [
    "MAX_PATIENCE_AHT",
    "SL_FORMULAS",
    "FloatArray",
    "FloatLike",
    "QueueMetrics",
    "SLFormula",
    "_check_formula",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "queue_metrics",
    "traffic_erlangs",
]


def queue_metrics(
    agents: ArrayLike,
    traffic: ArrayLike,
    aht_s: ArrayLike,
    threshold_s: float = 20.0,
    patience_s: ArrayLike | None = None,
    sl_formula: str = "offered",
    with_asa: bool = True,
) -> QueueMetrics:
    """Erlang A when ``patience_s`` is given, Erlang C otherwise (see those functions)."""
    if patience_s is None:
        return erlang_c_metrics(agents, traffic, aht_s, threshold_s, sl_formula)
    return erlang_a_metrics(
        agents, traffic, aht_s, patience_s, threshold_s, sl_formula, with_asa=with_asa
    )
