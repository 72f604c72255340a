"""The writers behind ``save(folder)`` of a result, a comparison and a staffing plan.

Each writes what the matching command writes with ``--out`` (same files, same report),
through the same functions; the results find them by kind in ``ccsim.results.saving``,
where this module registers them. Problems with the folder name the ``folder``
argument, not the command line's ``--out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccsim.reporting.outputs import write_comparison_folder, write_run_folder
from ccsim.reporting.plan_folder import write_plan_folder
from ccsim.results import saving
from ccsim.results.comparison import Comparison
from ccsim.results.result import SimulationResult

#: What problems with the target folder name: ``save``'s argument.
ARGUMENT = "folder"


def save_run(
    res: SimulationResult, folder: Path, keep_calls: bool = False, figures: bool = True
) -> Path:
    """``ccsim run --out``'s folder for a result."""
    return write_run_folder(
        res, folder, res.summary(), keep_calls=keep_calls, figures=figures, option=ARGUMENT
    )


def save_comparison(cmp: Comparison, folder: Path, figures: bool = True) -> Path:
    """``ccsim compare --out``'s folder for a comparison."""
    return write_comparison_folder(
        cmp.results, folder, cmp.to_dict(), figures=figures, option=ARGUMENT
    )


def save_plan(plan: Any, folder: Path, figures: bool = True) -> Path:
    """``ccsim staff --out``'s folder for a staffing plan."""
    return write_plan_folder(folder, plan, plan.summary(), figures=figures, option=ARGUMENT)


saving.register("run", save_run)
saving.register("comparison", save_comparison)
saving.register("staffing plan", save_plan)
