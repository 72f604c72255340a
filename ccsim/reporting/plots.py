"""Plots of a simulation result for notebooks: each returns a matplotlib Figure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ccsim.reporting import figures
from ccsim.reporting.outputs import agents_table, interval_table

if TYPE_CHECKING:
    from ccsim.results.result import SimulationResult


def service_level(res: SimulationResult, ax: Any = None) -> Any:
    """Service level per interval with its 95 % band and the targets."""
    return figures.service_level_figure(interval_table(res), res.summary(), ax)


def traffic(res: SimulationResult, ax: Any = None) -> Any:
    """Calls offered to agents per interval, answered and abandoned."""
    return figures.traffic_figure(interval_table(res), ax)


def agents(res: SimulationResult, ax: Any = None) -> Any:
    """Agents staffed and busy per interval, with occupancy."""
    return figures.agents_figure(agents_table(res), ax)
