"""The column map of a call log: which column of a foreign export holds each canonical field.

A map file is YAML::

    # map for the ACD export of the Hangzhou site
    csv: {delimiter: ";", encoding: gbk}      # optional: how the text file is written
    fields:
      arrival: {columns: [CALL_DATE, CALL_TIME], format: "%d/%m/%Y %H:%M:%S"}
      call_type: {column: SKILL, values: {"1": query, "2": billing}}
      wait_s: QUEUE_SECS                        # shorthand for {column: QUEUE_SECS}
      outcome: {column: RESULT, values: {AGENT: answered, HANG: abandoned, PHANTOM: ignore}}
      agent: {column: SERVER, missing: ["0", NO_SERVER]}
      talk_s: {column: TALK_MS, unit: ms}

Every canonical field is optional except ``arrival``, ``call_type`` and a way to know the
outcome (``outcome`` or ``ivr_outcome``). Fields the map leaves out are read from a
column of the canonical name when the log has one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from ccsim.errors import InputError, Problem
from ccsim.scenario.common import Model
from ccsim.scenario.document import read_document_file
from ccsim.scenario.problem_text import at_line, pydantic_problems

#: Canonical fields, what they hold, and their kind (time, duration, label, vocabulary).
FIELDS: dict[str, tuple[str, str]] = {
    "arrival": ("time", "when the call arrived (a timestamp, or seconds from a start)"),
    "call_type": ("label", "the business type of the call (the scenario's call type)"),
    "tier": ("label", "customer tier"),
    "network": ("label", "local network (city) of the caller"),
    "caller_id": ("label", "caller number or customer id (for redials)"),
    "ivr_s": ("duration", "seconds in the IVR"),
    "ivr_exit": ("time", "when the call left the IVR"),
    "ivr_outcome": ("vocabulary", "how the IVR ended: self_service, abandoned, to_agent"),
    "queue_entry": ("time", "when the call joined the agent queue"),
    "wait_s": ("duration", "seconds waited in the agent queue"),
    "answer": ("time", "when an agent answered"),
    "outcome": ("vocabulary", "answered, abandoned, blocked, ivr (ended in the IVR) or ignore"),
    "talk_s": ("duration", "talk seconds"),
    "wrap_s": ("duration", "after-call work seconds"),
    "agent": ("label", "agent who answered"),
    "group": ("label", "agent group (skill group) that answered"),
    "replication": ("label", "independent repetition of the same period (ccsim's own logs)"),
}

#: The words each vocabulary field takes after mapping.
VOCABULARY: dict[str, tuple[str, ...]] = {
    "outcome": ("answered", "abandoned", "blocked", "ivr", "ignore"),
    "ivr_outcome": ("self_service", "abandoned", "to_agent", "ignore"),
}

#: Seconds in one of each unit a duration column may be written in.
UNITS: dict[str, float] = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0}

_UNQUOTED_BOOL = (
    "YAML reads an unquoted yes, no, on, off, true or false as true/false, not as the word "
    'in the log: quote it ("NO")'
)

FieldName = Literal[
    "arrival",
    "call_type",
    "tier",
    "network",
    "caller_id",
    "ivr_s",
    "ivr_exit",
    "ivr_outcome",
    "queue_entry",
    "wait_s",
    "answer",
    "outcome",
    "talk_s",
    "wrap_s",
    "agent",
    "group",
    "replication",
]


class FieldMap(Model):
    """Where one canonical field comes from, and how its values read."""

    column: str | None = Field(None, min_length=1, description="Column of the log.")
    columns: list[str] | None = Field(
        None,
        min_length=2,
        max_length=2,
        description="Two columns joined by a space (a date column and a time-of-day column).",
    )
    value: str | None = Field(None, description="One value for every row (no column).")
    format: str | None = Field(
        None,
        description="Times: strptime format, e.g. '%d/%m/%Y %H:%M:%S' (else inferred), "
        "or 'excel' for serial day numbers.",
    )
    unit: Literal["ms", "s", "min", "h"] = Field(
        "s", description="Numbers in durations, and times given as numbers: their unit."
    )
    values: dict[str, str] | None = Field(
        None, description="The log's words mapped to the canonical ones (or renamed labels)."
    )
    missing: list[str] = Field(
        default_factory=list, description="Values that mean 'not known' (besides empty cells)."
    )

    @field_validator("values", mode="before")
    @classmethod
    def _keys_as_text(cls, v: Any) -> Any:
        # YAML reads `1: query` with an integer key: the log's cell is the text "1"
        if isinstance(v, dict):
            if any(isinstance(k, bool) for k in v):
                raise ValueError(_UNQUOTED_BOOL)
            return {str(k): w for k, w in v.items()}
        return v

    @field_validator("missing", mode="before")
    @classmethod
    def _missing_as_text(cls, v: Any) -> Any:
        if isinstance(v, list):
            if any(isinstance(x, bool) for x in v):
                raise ValueError(_UNQUOTED_BOOL)
            return [str(x) if isinstance(x, int | float) else x for x in v]
        return v

    @field_validator("format")
    @classmethod
    def _readable_format(cls, v: str | None) -> str | None:
        # a bad directive (%Q) would otherwise stop the reading with pandas' ValueError
        if v is not None and v != "excel":
            import pandas as pd

            try:
                pd.to_datetime(pd.Series(["0"]), format=v, errors="coerce")
            except ValueError as exc:
                raise ValueError(f"is not a strptime format ({exc})") from None
        return v

    @model_validator(mode="after")
    def _one_source(self) -> FieldMap:
        given = [k for k in ("column", "columns", "value") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "must give exactly one of column, columns (two joined) or value"
                + (f"; got {', '.join(given)}" if given else "")
            )
        return self

    def source_columns(self) -> list[str]:
        """The log's columns this field reads."""
        if self.column is not None:
            return [self.column]
        return list(self.columns or [])


class CsvOptions(Model):
    """How a text log is written."""

    delimiter: str = Field(",", min_length=1, max_length=1, description="Column separator.")
    encoding: str = Field("utf-8", description="Text encoding (utf-8, gbk, latin-1, ...).")
    decimal: str = Field(".", min_length=1, max_length=1, description="Decimal mark.")
    skip_rows: int = Field(0, ge=0, description="Lines before the header line.")


class LogMap(Model):
    """A column map: canonical field -> where it is in the log."""

    csv: CsvOptions = Field(default_factory=CsvOptions)
    start: str | None = Field(
        None,
        description="Arrival given in seconds: the date and time of second 0 ('2026-11-02 00:00').",
    )
    fields: dict[FieldName, FieldMap] = Field(default_factory=dict)

    @field_validator("fields", mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {k: {"column": c} if isinstance(c, str) else c for k, c in v.items()}
        return v


def vocabulary_problems(m: LogMap) -> list[Problem]:
    """Mapped words that are not the canonical words of their field."""
    problems = []
    for name, words in VOCABULARY.items():
        fm = m.fields.get(name)  # type: ignore[call-overload]
        if fm is None or fm.values is None:
            continue
        for raw, word in fm.values.items():
            if word not in words:
                problems.append(
                    Problem(
                        f"fields.{name}.values.{raw}", f"must be one of {', '.join(words)}", word
                    )
                )
    return problems


def load_map(path: str | Path) -> LogMap:
    """Read and validate a map file; raise ``InputError`` listing every problem."""
    source = str(path)
    data, lines = read_document_file(path, "--map")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError([Problem("(top level)", "must be a mapping", type(data).__name__)], source)
    try:
        m = LogMap.model_validate(data)
    except ValidationError as exc:
        problems = pydantic_problems(exc.errors(), lines, LogMap)
        rest = _valid_part(data, exc.errors())  # its words are checked too: one message
        words = [] if rest is None else vocabulary_problems(rest)
        raise InputError(problems + [at_line(q, lines) for q in words], source) from None
    bad = vocabulary_problems(m)
    if bad:
        raise InputError([at_line(q, lines) for q in bad], source)
    return m


def _valid_part(data: dict[str, Any], errors: list[Any]) -> LogMap | None:
    """The map without the fields (or top-level keys) that have schema problems."""
    fields = dict(data.get("fields") or {}) if isinstance(data.get("fields"), dict) else None
    drop: set[Any] = set()
    for e in errors:
        loc = e["loc"]
        if len(loc) >= 2 and loc[0] == "fields" and fields is not None:
            fields.pop(loc[1], None)
        elif loc:
            drop.add(loc[0])
    rest = {k: v for k, v in data.items() if k not in drop}
    if fields is not None and "fields" not in drop:
        rest["fields"] = fields
    try:
        return LogMap.model_validate(rest)
    except ValidationError:
        return None
