"""Staffing plans: Erlang first guess, simulation-based correction, shift rostering, baselines."""

from ccsim.staffing.erlang_step import erlang_plan, group_loads
from ccsim.staffing.plan import StaffingPlan, staff
from ccsim.staffing.shifts import Roster, candidate_shifts, roster

__all__ = [
    "Roster",
    "StaffingPlan",
    "candidate_shifts",
    "erlang_plan",
    "group_loads",
    "roster",
    "staff",
]
