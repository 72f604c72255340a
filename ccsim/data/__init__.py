"""From a centre's data to a scenario: reading call logs and fitting a scenario from them.

``read_call_log`` reads an ACD/IVR call-detail export (CSV, ``.csv.gz`` or Parquet) into
the canonical columns, through a column map for foreign exports; ``fit`` estimates a
scenario from it, with a confidence interval and a sample size for every figure.
"""

__all__ = [
    "FitReport",
    "ForecastReport",
    "History",
    "fit",
    "forecast",
    "read_call_log",
    "read_history",
]

_LAZY = {
    "FitReport": "ccsim.data.report",
    "ForecastReport": "ccsim.data.forecast",
    "History": "ccsim.data.history",
    "fit": "ccsim.data.fit",
    "forecast": "ccsim.data.forecast",
    "read_call_log": "ccsim.data.calllog",
    "read_history": "ccsim.data.history",
}


def __getattr__(name: str) -> object:
    # imported on first use: fitting brings statsmodels and scipy's optimisers
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ccsim.data' has no attribute {name!r}")
