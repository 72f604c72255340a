"""Plots of a simulation result for notebooks: each returns a matplotlib Figure.

In Jupyter the Figure a cell returns is displayed once, as the cell's output: a figure
these functions draw is handed over to the caller and not also kept by pyplot (which
would show it a second time at the end of the cell). Elsewhere it stays with pyplot as
usual. Given ``ax``, they draw into it and return its figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ccsim.reporting import figures
from ccsim.reporting.figure_base import _plt, in_ipython
from ccsim.reporting.outputs import agents_table, interval_table

if TYPE_CHECKING:
    from ccsim.results.result import SimulationResult


def _returned(fig: Any, ax: Any) -> Any:
    if ax is None and in_ipython():
        fig.tight_layout()
        _plt().close(fig)  # displayed as the cell's value, not once more by pyplot
    return fig


def service_level(res: SimulationResult, ax: Any = None) -> Any:
    """Service level per interval with its 95 % band and the targets."""
    return _returned(figures.service_level_figure(interval_table(res), res.summary(), ax), ax)


def traffic(res: SimulationResult, ax: Any = None) -> Any:
    """Calls offered to agents per interval, answered and abandoned."""
    return _returned(figures.traffic_figure(interval_table(res), ax), ax)


def agents(res: SimulationResult, ax: Any = None) -> Any:
    """Agents staffed and busy per interval, with occupancy."""
    return _returned(figures.agents_figure(agents_table(res), ax), ax)
