"""The CLI's commands, one module each, imported only when used.

``ccsim --help`` lists the commands from this table without importing any of them (their
modules bring numpy, scipy and pandas); ``ccsim run`` imports the run command alone.
Each entry's one-line help is its command's docstring's first line (a test checks it).
"""

from __future__ import annotations

import importlib
from typing import Any

#: name -> (module under ccsim.commands, command object, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "erlang": ("erlang", "erlang_command",
               "Closed-form staffing: Erlang C, or Erlang A with --patience-s; lines by Erlang B."),
    "validate": ("scenario", "validate_command",
                 "Check a scenario file; every problem is listed with its path, value and rule."),
    "run": ("run", "run_command",
            "Simulate a scenario: KPIs against targets, and an output folder with tables and a report."),
    "staff": ("staff", "staff_command",
              "Staffing plan per interval and group: Erlang estimate, then simulation-verified."),
    "compare": ("compare", "compare_command",
                "Run scenarios with common random numbers and show KPIs, agent-hours, cost and work "
                "orders side by side."),
    "sweep": ("sweep", "sweep_command",
              "Simulate a grid of what-ifs of one scenario, every point with the same random numbers."),
    "report": ("report", "report_command",
               "Re-render an output folder's report (figures, report.html) from its files, without "
               "re-running."),
    "fit": ("fit", "fit_command",
            "Fit a scenario from a call log: arrivals, IVR, handle times, patience, redials, staffing."),
    "forecast": ("forecast", "forecast_command",
                 "Forecast calls (and handle time) per interval and call type, with a backtest."),
    "intraday": ("intraday", "intraday_command",
                 "Re-simulate the rest of the day from its live state; projected KPIs and the "
                 "call-ins that restore the targets."),
    "schema": ("scenario", "schema_command",
               "Print the JSON Schema of scenario files (for editors' autocompletion and checks)."),
}  # fmt: skip


def load_command(name: str) -> Any:
    """The click command ``name`` (its module imported now)."""
    module, attr, _ = COMMANDS[name]
    return getattr(importlib.import_module(f"ccsim.commands.{module}"), attr)
