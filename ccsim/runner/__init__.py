"""Running simulations: the one place that starts replications (local processes or Dask).

``run``, ``compare`` and ``staff`` all come here; ``results`` turns what the replications
return into KPIs and never starts a simulation itself.
"""

from ccsim.runner.compare import compare_scenarios
from ccsim.runner.replications import Progress, default_workers, run_replication, run_replications
from ccsim.runner.simulate import simulate

__all__ = [
    "Progress",
    "compare_scenarios",
    "default_workers",
    "run_replication",
    "run_replications",
    "simulate",
]
