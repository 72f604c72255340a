"""Errors that reach users: bad input (exit code 2) and failed checks (exit code 1).

Also how a run is ended from outside (SIGTERM as ``Terminated``, signals held around a
step that must not be cut, whether a process is still alive): the runner and the output
folders both need them, so they sit here, below every layer.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

_LINE = re.compile(r"^(.*) \(line (\d+)\)$", re.S)


def show_value(value: Any) -> str:
    """Render a user's value the way an error message quotes it."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dt.datetime):  # YAML reads 2026-01-01 10:00 unquoted as one
        return f"{value.isoformat(sep=' ')} (YAML reads it unquoted as a date and time)"
    if isinstance(value, dt.date):
        return f"{value.isoformat()} (YAML reads it unquoted as a date)"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return repr(value)
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where, what was given, which rule it breaks."""

    path: str
    rule: str
    value: Any = None
    has_value: bool = True
    #: the path with ids for list positions (as ``--set`` takes it), when it has any
    at: str | None = None

    def __str__(self) -> str:
        """Render as ``path: rule, got value`` (and ``(at id.path)`` when known)."""
        text = f"{self.path}: {self.rule}"
        if self.has_value:
            text += f", got {show_value(self.value)}"
        return text if self.at is None else f"{text} (at {self.at})"


class InputError(Exception):
    """Bad input: one or more problems, reported together; the CLI exits with code 2."""

    def __init__(self, problems: Iterable[Problem | str], source: str | None = None) -> None:
        self.problems: list[Problem | str] = list(problems)
        self.source = source
        #: set once a command has printed these problems as its ``--json`` document
        self.printed_json = False
        super().__init__(self.render())

    def problem_dicts(self) -> list[dict[str, Any]]:
        """The problems as JSON objects: ``{"path", "rule", "value"}``.

        With ``line`` where the file's line is known (the path then without it) and
        ``at`` where list positions have ids (``call_types.billing.handle_time``).
        """
        out: list[dict[str, Any]] = []
        for p in self.problems:
            if isinstance(p, str):
                out.append({"path": "", "rule": p, "value": None})
                continue
            d: dict[str, Any] = {"path": p.path, "rule": p.rule}
            d["value"] = p.value if p.has_value else None
            found = _LINE.match(p.path)
            if found:
                d["path"], d["line"] = found.group(1), int(found.group(2))
            if p.at is not None:
                d["at"] = p.at
            out.append(d)
        return out

    def render(self) -> str:
        """All problems, one per line, headed by the source when known."""
        lines = [str(p) for p in self.problems]
        if self.source and len(lines) > 1:
            return f"{self.source}: {len(lines)} problems\n" + "\n".join(f"  {x}" for x in lines)
        if self.source:
            return f"{self.source}: {lines[0]}" if lines else self.source
        return "\n".join(lines)


class CheckFailed(Exception):
    """A check the user asked for did not pass (targets with --strict, baseline drift)."""


class Terminated(BaseException):
    """The process was asked to stop (SIGTERM): unwinds like Ctrl-C, so temporary files go.

    A ``BaseException`` like ``KeyboardInterrupt``, so that no ``except Exception`` on
    the way swallows it; the CLI exits with 143 (128 + SIGTERM).
    """


HELD = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM (delivered on leaving) around a step that must not be cut.

    Only where the platform can (POSIX) and in the main thread; elsewhere a no-op.
    """
    can = (
        hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    )
    old = signal.pthread_sigmask(signal.SIG_BLOCK, HELD) if can else None
    try:
        yield
    finally:
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (someone else's counts: a reused id is alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
