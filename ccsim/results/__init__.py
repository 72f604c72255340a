"""Results: counts per cell, KPIs at any roll-up, confidence intervals over replications.

Simulations are started by ``ccsim.runner``; this package only reads what they return.
"""

from __future__ import annotations

from ccsim.results.kpis import KPIS, Estimate, estimate
from ccsim.results.result import SimulationResult
from ccsim.results.targets import TargetCheck

__all__ = ["KPIS", "Estimate", "SimulationResult", "TargetCheck", "estimate"]
