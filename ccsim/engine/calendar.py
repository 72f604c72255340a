"""Working calendars now live with the scenario (``ccsim.scenario.calendar``)."""

from ccsim.scenario.calendar import DAYS, WEEK_S, Calendar

__all__ = ["DAYS", "WEEK_S", "Calendar"]
