"""ccsim: a discrete-event simulator and Erlang calculator for telecom contact centres.

Typical use::

    import ccsim
    sc = ccsim.load_scenario("scenarios/province_10000.yaml")
    res = ccsim.simulate(sc, replications=10)
    res.kpis()                      # DataFrame: mean and 95 % interval per KPI
    res.kpis("call_type")           # any roll-up: interval, call_type, tier, network, group, center
    ccsim.erlang_c_metrics(agents=14, traffic=10.0, aht_s=180, threshold_s=20)
"""

__version__ = "0.1.0"

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
from ccsim.errors import InputError
from ccsim.results import SimulationResult, simulate
from ccsim.scenario import Scenario, json_schema, load_scenario, parse_scenario

__all__ = [
    "SL_FORMULAS",
    "InputError",
    "QueueMetrics",
    "Scenario",
    "SimulationResult",
    "Targets",
    "__version__",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "json_schema",
    "load_scenario",
    "parse_scenario",
    "queue_metrics",
    "required_agents",
    "scheduled_agents",
    "simulate",
    "traffic_erlangs",
]
