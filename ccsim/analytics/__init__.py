"""Closed-form queueing analytics: Erlang B, C and A, and staffing by inverse Erlang."""

from ccsim.analytics.deterministic import MaxWaitMetrics, mmn_max_wait
from ccsim.analytics.erlang import (
    SL_FORMULAS,
    QueueMetrics,
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    queue_metrics,
    traffic_erlangs,
)
from ccsim.analytics.finite import mmnk_blocking, required_lines
from ccsim.analytics.sizing import Targets, meets, required_agents, scheduled_agents

__all__ = [
    "SL_FORMULAS",
    "MaxWaitMetrics",
    "QueueMetrics",
    "Targets",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "meets",
    "mmn_max_wait",
    "mmnk_blocking",
    "queue_metrics",
    "required_agents",
    "required_lines",
    "scheduled_agents",
    "traffic_erlangs",
]
