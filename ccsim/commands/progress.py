"""Progress of long commands on stderr: a bar with what is done and the time left.

Drawn only when stderr is a terminal (a redirected or captured stderr stays clean), and
left out by the commands under ``-q`` and ``--json``. One bar can span several stages
(``compare``: each design's replications in turn) with the stage in its label.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

Progress = Callable[[int, int], None]


class Bar:
    """A rich progress bar over ``total`` steps: done / total, elapsed and time left."""

    def __init__(self, total: int, label: str, unit: str = "replications") -> None:
        """Start the bar on stderr."""
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        from ccsim.reporting.text import console

        self.total = total
        self.offset = 0
        self._bar = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(unit),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=console(err=True),
            transient=True,
        )
        self._task = self._bar.add_task(label, total=total)
        self._bar.start()

    def __call__(self, done: int, n: int) -> None:
        """``done`` of the current stage's ``n`` steps are finished."""
        completed = self.offset + done
        self._bar.update(self._task, completed=completed)
        if completed >= self.total:
            self._bar.stop()

    def stage(self, offset: int, label: str) -> Progress:
        """The callback of a stage whose steps start at ``offset``, shown as ``label``."""
        self.offset = offset
        self._bar.update(self._task, description=label, completed=offset)
        return self

    def close(self) -> None:
        """Remove the bar (also after an error)."""
        self._bar.stop()


def progress_reporter(total: int, label: str, unit: str = "replications") -> Any:
    """A progress bar on stderr when it is a terminal and there is more than one step."""
    if total <= 1 or not sys.stderr.isatty():
        return None
    return Bar(total, label, unit)


class Steps:
    """One line per stage on stderr, with the time so far (``staff``'s style)."""

    def __init__(self, label: str) -> None:
        """Start the clock."""
        import time

        self._clock = time.perf_counter
        self._t0 = self._clock()
        self.label = label

    def __call__(self, what: str) -> None:
        """Say which stage starts now."""
        import click

        el = self._clock() - self._t0
        click.echo(f"{self.label}: {what} ({el:.0f} s so far)", err=True)


def step_reporter(label: str, quiet: bool) -> Steps | None:
    """Stage lines on stderr when it is a terminal, unless ``quiet``."""
    if quiet or not sys.stderr.isatty():
        return None
    return Steps(label)
