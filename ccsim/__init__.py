"""ccsim: a discrete-event simulator and Erlang calculator for telecom contact centres."""

from ccsim.analytics import (
    SL_FORMULAS,
    QueueMetrics,
    Targets,
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    queue_metrics,
    required_agents,
    scheduled_agents,
    traffic_erlangs,
)

__version__ = "0.1.0"

__all__ = [
    "SL_FORMULAS",
    "QueueMetrics",
    "Targets",
    "__version__",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "queue_metrics",
    "required_agents",
    "scheduled_agents",
    "traffic_erlangs",
]
