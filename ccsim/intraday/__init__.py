"""The live day: a state read or taken from a run, the rest of the day simulated from it.

``read_state`` reads a state file against a scenario; ``intraday`` reforecasts the rest of
the day, simulates it from the state and searches the smallest call-in that brings the
targets back; ``snapshot`` takes a state from a simulated day.
"""

import sys
from types import ModuleType
from typing import Any

from ccsim.intraday.run import IntradayResult, intraday
from ccsim.intraday.snapshot import snapshot
from ccsim.intraday.state import parse_state, read_state
from ccsim.intraday.state_model import LiveState

__all__ = ["IntradayResult", "LiveState", "intraday", "parse_state", "read_state", "snapshot"]


class _Package(ModuleType):
    """The package, callable as the function it is named after.

    ``ccsim.intraday`` is the function (``ccsim.intraday(sc, state)``), but importing
    anything from this package (``ccsim.read_state`` does) makes Python bind the name to
    the package instead: calling the package calls the function, whichever came first.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> IntradayResult:
        return intraday(*args, **kwargs)


sys.modules[__name__].__class__ = _Package
