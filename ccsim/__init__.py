"""ccsim: a discrete-event simulator and Erlang calculator for telecom contact centres.

Typical use::

    import ccsim
    sc = ccsim.load_scenario("scenarios/province_10000.yaml")
    res = ccsim.simulate(sc, replications=10)
    res.kpis()                      # DataFrame: mean and 95 % interval per KPI
    res.kpis("call_type")           # any roll-up: interval, call_type, tier, network, group, center
    ccsim.erlang_c_metrics(agents=14, traffic=10.0, aht_s=180, threshold_s=20)
    res.save("outputs/run")         # the folder and report.html of ``ccsim run --out``
    plan = ccsim.staff(sc)          # agents per group and interval: Erlang, then simulation
    plan.agents()                   # DataFrame interval x group; .required(), .targets()
    cmp = ccsim.compare([sc_a, sc_b])   # designs side by side, common random numbers
    cmp.kpis()                      # DataFrame design x KPI; .differences(), .met()
    log = ccsim.read_call_log("calls.csv.gz")     # a call log in canonical columns
    fitted, report = ccsim.fit(log)                # a scenario estimated from it
"""

from typing import TYPE_CHECKING

from ccsim._version import __version__
from ccsim.errors import InputError

if TYPE_CHECKING:  # the names below, for type checkers; at run time imported on first use
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
    from ccsim.data.calllog import read_call_log
    from ccsim.data.fit import fit
    from ccsim.data.forecast import ForecastReport, forecast
    from ccsim.data.report import FitReport
    from ccsim.intraday.run import IntradayResult, intraday
    from ccsim.intraday.state import read_state
    from ccsim.results import SimulationResult
    from ccsim.results.comparison import Comparison
    from ccsim.runner import compare_scenarios as compare
    from ccsim.runner import simulate
    from ccsim.scenario import Scenario, json_schema, load_scenario, parse_scenario
    from ccsim.staffing import StaffingPlan, staff

__all__ = [
    "SL_FORMULAS",
    "Comparison",
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

# Everything is imported on first use: ``import ccsim`` (and so the ``ccsim`` command's
# start-up, ``ccsim --help`` included) does not pay for numpy, scipy and pandas until a
# name that needs them is used; the data road brings statsmodels too.
_LAZY = {
    **{
        name: ("ccsim.analytics", name)
        for name in (
            "SL_FORMULAS",
            "QueueMetrics",
            "Targets",
            "erlang_a_metrics",
            "erlang_b",
            "erlang_c",
            "erlang_c_metrics",
            "queue_metrics",
            "required_agents",
            "scheduled_agents",
            "traffic_erlangs",
        )
    },
    "SimulationResult": ("ccsim.results", "SimulationResult"),
    "Comparison": ("ccsim.results.comparison", "Comparison"),
    "compare": ("ccsim.runner", "compare_scenarios"),
    "simulate": ("ccsim.runner", "simulate"),
    "Scenario": ("ccsim.scenario", "Scenario"),
    "json_schema": ("ccsim.scenario", "json_schema"),
    "load_scenario": ("ccsim.scenario", "load_scenario"),
    "parse_scenario": ("ccsim.scenario", "parse_scenario"),
    "StaffingPlan": ("ccsim.staffing", "StaffingPlan"),
    "staff": ("ccsim.staffing", "staff"),
    "FitReport": ("ccsim.data.report", "FitReport"),
    "ForecastReport": ("ccsim.data.forecast", "ForecastReport"),
    "IntradayResult": ("ccsim.intraday.run", "IntradayResult"),
    "fit": ("ccsim.data.fit", "fit"),
    "forecast": ("ccsim.data.forecast", "forecast"),
    "intraday": ("ccsim.intraday.run", "intraday"),
    "read_call_log": ("ccsim.data.calllog", "read_call_log"),
    "read_state": ("ccsim.intraday.state", "read_state"),
}


# Names that hand out results with a ``save(folder)``: their folder writers sit in the
# reporting layer and are registered when ccsim.reporting.saving is imported.
_SAVES = {"Comparison", "SimulationResult", "StaffingPlan", "compare", "simulate", "staff"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        if name in _SAVES:
            import ccsim.reporting.saving  # noqa: F401  (registers the folder writers)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ccsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
