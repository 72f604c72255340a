"""ccsim: a discrete-event simulator and Erlang calculator for telecom contact centres.

Typical use::

    import ccsim
    sc = ccsim.load_scenario("scenarios/province_10000.yaml")
    res = ccsim.simulate(sc, replications=10)
    res.kpis()                      # DataFrame: mean and 95 % interval per KPI
    res.kpis("call_type")           # any roll-up: interval, call_type, tier, network, group, center
    ccsim.erlang_c_metrics(agents=14, traffic=10.0, aht_s=180, threshold_s=20)
    plan = ccsim.staff(sc)          # agents per group and interval: Erlang, then simulation
    ccsim.compare([sc_a, sc_b])     # designs side by side, common random numbers
    log = ccsim.read_call_log("calls.csv.gz")     # a call log in canonical columns
    fitted, report = ccsim.fit(log)                # a scenario estimated from it
"""

from ccsim._version import __version__
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
from ccsim.data import FitReport, ForecastReport, fit, forecast, read_call_log
from ccsim.errors import InputError
from ccsim.intraday import IntradayResult, read_state
from ccsim.intraday import intraday as intraday
from ccsim.results import SimulationResult
from ccsim.runner import compare_scenarios as compare
from ccsim.runner import simulate
from ccsim.scenario import Scenario, json_schema, load_scenario, parse_scenario
from ccsim.staffing import StaffingPlan, staff

__all__ = [
    "SL_FORMULAS",
    "FitReport",
    "ForecastReport",
    "InputError",
    "IntradayResult",
    "QueueMetrics",
    "Scenario",
    "SimulationResult",
    "StaffingPlan",
    "Targets",
    "__version__",
    "compare",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "fit",
    "forecast",
    "intraday",
    "json_schema",
    "load_scenario",
    "parse_scenario",
    "queue_metrics",
    "read_call_log",
    "read_state",
    "required_agents",
    "scheduled_agents",
    "simulate",
    "staff",
    "traffic_erlangs",
]
