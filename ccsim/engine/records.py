"""Columnar per-call records: one typed array per field, filled during the run."""

from __future__ import annotations

import struct
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray


class Outcome(IntEnum):
    """How a call ended."""

    ANSWERED = 0
    ABANDONED = 1  # hung up while waiting for an agent
    CONTAINED = 2  # finished in IVR self-service
    IVR_ABANDONED = 3  # hung up in the IVR
    BLOCKED = 4  # no IVR port free: heard busy
    DISCONNECTED = 5  # cut off by the IVR (password failures)
    WAITING_AT_END = 6  # still waiting for an agent when the run stopped
    IVR_AT_END = 7  # still in the IVR when the run stopped
    LINES_BUSY = 8  # no line (trunk) free at arrival: heard busy
    QUEUE_FULL = 9  # asked for an agent, but the call type's queue was full: heard busy
    TIMED_OUT = 10  # cut off at the call type's maximum wait
    MESSAGE = 11  # left a message (at the maximum wait, or at closing time)
    CALLBACK = 12  # accepted a callback offered at the maximum wait
    CLOSED = 13  # cut off at closing time (in the IVR or waiting)
    VIRTUAL_HOLD = 14  # accepted a callback offered on joining the queue (long expected wait)


class Kind(IntEnum):
    """Why the call was made."""

    FRESH = 0
    REDIAL = 1  # after abandoning or hearing busy
    RETURN = 2  # the matter was not resolved: the caller calls again
    CHASER = 3  # a work order is still open past its limit: the customer chases it


COLUMNS: dict[str, str] = {
    "caller": "q",
    "call_type": "h",
    "tier": "h",
    "network": "h",
    "kind": "b",
    "attempt": "h",
    "t_arrival": "d",
    "outcome": "b",
    "group": "h",  # answering group, or first group of the plan (-1: never queued)
    "t_queue": "d",  # entry to the agent queue (NaN: never queued)
    "wait": "d",  # time in the agent queue (NaN: never queued)
    "talk": "d",
    "wrap": "d",
    "resolved": "b",  # answered: 1 resolved, 0 caller calls again, 2 return after the horizon
    "dialect": "b",  # the caller prefers a dialect
    "order": "h",  # work-order type raised (-1: none)
    "transfer": "d",  # seconds of transfer to another site before the talk
    "transferred": "b",  # answered at another site than the first of the caller's plan
}


Sink = Callable[[dict[str, NDArray[Any]], float, NDArray[np.float64]], None]
"""Takes rows recorded so far, the time, and the queue-entry times of callers still waiting."""


ROW = struct.Struct("=" + "".join(COLUMNS.values()))
"""One row packed as bytes: the fields of ``COLUMNS`` in order, each in its column's type."""
_ROW_DTYPE = np.dtype([(k, t) for k, t in COLUMNS.items()])  # the same layout, for numpy


class Recorder:
    """Appends one row per finished call, packed (``ROW``), moved into typed columns.

    Packing a row checks and converts each value as ``array.append`` would (a value
    that does not fit its column raises) and costs far less than 18 typed appends.

    With a ``sink``, the simulation hands the rows over at interval boundaries once
    ``every`` rows have gathered (``flush``), and the recorder starts afresh: the rows
    of a long run never sit in memory together.
    """

    def __init__(self, sink: Sink | None = None, every: int = 250_000) -> None:
        self.sink = sink
        self.every = every
        self.flushed = False  # rows were handed to the sink at least once
        # rows not yet in the columns: ``rows.append(ROW.pack(...))`` in the inner loop
        self.rows: list[bytes] = []
        self._start()

    def _start(self) -> None:
        self.cols: dict[str, array[Any]] = {k: array(t) for k, t in COLUMNS.items()}

    def add(
        self,
        caller: int,
        call_type: int,
        tier: int,
        network: int,
        kind: int,
        attempt: int,
        t_arrival: float,
        outcome: int,
        group: int,
        t_queue: float,
        wait: float,
        talk: float,
        wrap: float,
        resolved: int,
        dialect: int,
        order: int,
        transfer: float,
        transferred: int,
    ) -> None:
        """One row."""
        self.rows.append(
            ROW.pack(
                caller, call_type, tier, network, kind, attempt, t_arrival, outcome, group,
                t_queue, wait, talk, wrap, resolved, dialect, order, transfer, transferred,
            )
        )  # fmt: skip

    def compact(self) -> None:
        """Move the rows packed so far into the typed columns.

        The simulation calls this at each interval boundary, so packed rows never pile up.
        """
        rows = self.rows
        if rows:
            block = np.frombuffer(b"".join(rows), dtype=_ROW_DTYPE)
            for k, col in self.cols.items():
                col.frombytes(block[k].tobytes())
            rows.clear()  # the same list: bound ``rows.append`` stay valid

    def __len__(self) -> int:
        return len(self.cols["caller"]) + len(self.rows)

    def flush(self, now: float, waiting: NDArray[np.float64]) -> None:
        """Hand the rows so far to the sink, with ``now`` and the open queue entries."""
        assert self.sink is not None
        rows = self.arrays()
        self._start()
        self.flushed = True
        self.sink(rows, now, waiting)

    def arrays(self) -> dict[str, NDArray[Any]]:
        """The columns as numpy arrays (zero-copy views of the typed arrays)."""
        self.compact()
        return {
            k: np.frombuffer(v, dtype=np.dtype(v.typecode))
            if len(v)
            else np.empty(0, dtype=np.dtype(v.typecode))
            for k, v in self.cols.items()
        }


@dataclass
class RunRecord:
    """Everything a replication leaves behind, for the results layer."""

    calls: dict[str, NDArray[Any]]
    end_s: float  # simulation time when the run stopped
    replication: int
    seed: int
    samples: dict[str, NDArray[Any]]  # queue length ("waiting") at times "t"
    orders: dict[str, NDArray[Any]]  # work orders (empty without a back office)
    bo_tasks: dict[str, NDArray[Any]]  # back-office tasks: group, start, end
    outbound: dict[str, dict[str, NDArray[Any]]]  # campaign attempts and records (empty without)
    lines: dict[str, NDArray[Any]] = field(default_factory=dict)  # line seizures (empty without)
    transfers: dict[str, NDArray[Any]] = field(default_factory=dict)  # second legs (empty without)
