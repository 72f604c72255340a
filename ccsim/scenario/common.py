"""Types shared by every part of the scenario format: ids, shares, weekdays, clock times."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Id = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$",
        description="Identifier: letters, digits, '_' and '-'.",
    ),
]
Share = Annotated[float, Field(ge=0, le=1)]
CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def normalize_clock(value: Any) -> Any:
    """Accept what YAML makes of a clock time: ``10:30`` unquoted (YAML 1.1 reads 630) or ``"9:00"``."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return f"{value // 60:02d}:{value % 60:02d}"
    if isinstance(value, str) and re.fullmatch(r"\d:\d\d", value.strip()):
        return "0" + value.strip()
    return value


#: Most agents (or handlers) one group may have in an interval: a bound that catches
#: typos (an extra zero or three) long before they exhaust memory.
MAX_AGENTS = 100_000
#: Most replications of one run (a file's ``replications`` or ``--replications``).
MAX_REPLICATIONS = 100_000
#: Agents or handlers in one group and interval.
Headcount = Annotated[int, Field(ge=0, le=MAX_AGENTS)]

Clock = Annotated[str, BeforeValidator(normalize_clock), Field(description="Clock time HH:MM.")]

_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_range(text: str) -> tuple[float, float]:
    """``"08:00-18:00"`` -> (28800, 64800) seconds after midnight; end may be 24:00."""
    m = _RANGE.match(text)
    if not m:
        raise ValueError(f"must look like HH:MM-HH:MM, got {text!r}")
    h1, m1, h2, m2 = (int(x) for x in m.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
        raise ValueError(f"has a clock time out of range, got {text!r}")
    start, end = h1 * 3600.0 + m1 * 60.0, h2 * 3600.0 + m2 * 60.0
    if start == end:
        raise ValueError(f"is empty (start equals end), got {text!r}")
    return start, end


def check_ranges(texts: Iterable[str], what: str) -> None:
    """Raise ``ValueError`` naming ``what`` (e.g. "calling window") for a bad time range."""
    for text in texts:
        try:
            parse_range(text)
        except ValueError as exc:
            raise ValueError(f"{what} {exc}") from None


class Model(BaseModel):
    """Base of every scenario model: frozen, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
