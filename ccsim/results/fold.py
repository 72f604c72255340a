"""Folding a replication's per-call rows into its counts as the run goes.

A long run hands its rows over in chunks (the recorder's sink, every ``FOLD_ROWS`` rows
or so, at an interval boundary) so that its memory is bounded by what it reports, not
by the calls it simulates. Each chunk goes through the same rows-to-cells code as a
whole run (``cell_counts``): a counter added there folds with no extra work. What is
not a sum over rows has a place of its own:

- busy and logged-in agent time: ``agent_time.BusyWindows`` (window by window, with
  the calls still in talk carried over);
- queue area and maximum: ``queue_length.QueueWindows`` (with the callers still waiting);
- callers per call type: ``callers.CallerBits`` (a bit per caller and call type);
- first-contact resolution and repeat callers: answered calls wait here, ``pending``,
  until ``callers.flags_settled``.

Counts equal those of ``aggregate`` over the whole run; seconds up to the order of
floating-point sums. Work orders, back-office time and queue samples are reduced at
the end as in ``aggregate``. Runs with outbound campaigns and runs that keep per-call
records are not folded.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.compile import Compiled
from ccsim.engine.records import COLUMNS, Outcome, RunRecord
from ccsim.results.agent_time import BusyWindows
from ccsim.results.aggregate import RepCounts, agent_requests, cell_counts
from ccsim.results.back_office_time import back_office_time
from ccsim.results.callers import CallerBits, caller_flags, flags_settled
from ccsim.results.cell_store import CellStore
from ccsim.results.lines import lines_in_use
from ccsim.results.queue_length import QueueWindows
from ccsim.results.work_order_counts import work_order_counts

FOLD_ROWS = 250_000
"""Rows gathered before they are folded: about 3.7 days of the default province (18 MB).

Each fold holds the chunk, the answered calls still waiting for their caller flags (up
to the repeat-caller block and the FCR window: about 8 days of answered calls of the
province) and the transient arrays of counting them; a smaller chunk lowers the peak,
a larger one lets more runs take the unfolded path.
"""

Rows = dict[str, NDArray[Any]]


def can_fold(m: Compiled, keep_calls: bool) -> bool:
    """Whether a run may fold its rows.

    Not when they are kept, nor with outbound campaigns, agent transfers, or occupancy
    counted until the last call. Campaign attempts occupy agents too and are recorded apart; such runs keep all rows.
    """
    # occupancy until the last call counts agent time after the horizon, which the
    # folding windows (that stop at the horizon) do not
    sc = m.scenario
    transfers = any(grp.transfers for _, grp in sc.groups)  # second legs are recorded apart
    return (
        not keep_calls
        and not sc.campaigns
        and not transfers
        and sc.kpi.occupancy != "until_last_call"
    )


class Fold:
    """The recorder's sink: folds chunks of rows into counts; ``counts`` after the run.

    Parameters
    ----------
    m : Compiled
        The compiled scenario of the replication.
    """

    def __init__(self, m: Compiled) -> None:
        self.m = m
        self.cells = CellStore(m)
        self.busy = BusyWindows(m)
        self.queue = QueueWindows(m)
        self.callers = CallerBits(m)
        self.pending: Rows | None = None  # answered rows whose caller flags may still change
        self.empty: Rows = {}  # the cells of no rows: the columns, for a run with none

    def __call__(self, rows: Rows, now: float, waiting: NDArray[np.float64]) -> None:
        """Fold the rows recorded since the last call; ``waiting``: queue entries still open."""
        outcome = rows["outcome"]
        answered = outcome == Outcome.ANSWERED
        requests = agent_requests(rows)
        self.busy.add(rows, answered, now)
        self.queue.add(rows, now, waiting)
        self.callers.add(rows, requests, answered, rows["t_arrival"] >= self.m.warmup_s)
        del outcome, answered, requests
        self._count(rows, now)

    def _count(self, rows: Rows, now: float) -> None:
        # columns are replaced one at a time in ``rows`` (the recorder's only copy): a
        # chunk is never held twice
        m = self.m
        if self.pending is not None:
            for k in rows:
                rows[k] = np.concatenate([self.pending.pop(k), rows[k]])
            self.pending = None
        answered = rows["outcome"] == Outcome.ANSWERED
        fcr_ok, repeat = caller_flags(m, rows, answered)
        ready = ~answered | flags_settled(m, rows, now)
        del answered
        if not ready.all():
            self.pending = {}
            for k in rows:
                self.pending[k] = rows[k][~ready]
                rows[k] = rows[k][ready]
            fcr_ok, repeat = fcr_ok[ready], repeat[ready]
        del ready
        cells = cell_counts(m, rows, fcr_ok, repeat)
        if not self.empty:
            self.empty = {k: v[:0] for k, v in cells.items()}
        self.cells.add(cells)

    def counts(self, run: RunRecord) -> RepCounts:
        """The replication's counts, once the run has ended and handed over its last rows."""
        m = self.m
        # the windows reach the horizon even if the run's last event came before it
        none = {k: np.empty(0, dtype=np.dtype(t)) for k, t in COLUMNS.items()}
        end = max(run.end_s, m.horizon_s)
        self.busy.add(none, np.zeros(0, dtype=bool), end)
        self.queue.add(none, end, np.empty(0))
        if self.pending is not None:  # no call is answered after the run: all flags settled
            self._count({k: v[:0] for k, v in self.pending.items()}, np.inf)
        cells = self.cells.result() or self.empty
        return RepCounts(
            run.replication,
            cells,
            self.busy.result(),
            self.callers.result(),
            self.queue.result(run.samples),
            work_order_counts(m, run.orders) if run.orders else {},
            back_office_time(m, run.bo_tasks) if m.bo_ids else {},
            {},
            run.end_s,
            None,
            lines_in_use(m, run.lines) if run.lines else {},
        )
