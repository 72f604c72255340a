"""From a centre's data to a scenario: reading call logs and fitting a scenario from them.

``read_call_log`` reads an ACD/IVR call-detail export (CSV, ``.csv.gz`` or Parquet) into
the canonical columns, through a column map for foreign exports; ``fit`` estimates a
scenario from it, with a confidence interval and a sample size for every figure.
"""

from ccsim.data.calllog import read_call_log
from ccsim.data.fit import fit
from ccsim.data.forecast import ForecastReport, forecast
from ccsim.data.history import History, read_history
from ccsim.data.report import FitReport

__all__ = [
    "FitReport",
    "ForecastReport",
    "History",
    "fit",
    "forecast",
    "read_call_log",
    "read_history",
]
