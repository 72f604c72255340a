"""The live day: a state read or taken from a run, the rest of the day simulated from it.

``read_state`` reads a state file against a scenario; ``intraday`` reforecasts the rest of
the day, simulates it from the state and searches the smallest call-in that brings the
targets back; ``snapshot`` takes a state from a simulated day.
"""

from ccsim.intraday.run import IntradayResult, intraday
from ccsim.intraday.snapshot import snapshot
from ccsim.intraday.state import parse_state, read_state
from ccsim.intraday.state_model import LiveState

__all__ = ["IntradayResult", "LiveState", "intraday", "parse_state", "read_state", "snapshot"]
