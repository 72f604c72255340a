"""Transfers to another group after the first talk: blind, or consult (warm, conference).

A group's ``transfers`` entries send a share of the calls it answers, per call type, on
to another group (a specialist desk, possibly in another centre) once the first talk
ends::

    transfers:
      - {call_types: [complaint], share: 0.3, to: complaint_desk, kind: blind}
      - call_types: [fault]
        share: 0.2
        to: province/broadband_desk
        kind: consult
        conference_time: {dist: constant, mean_s: 30}

``blind``: the first agent goes to its wrap-up at once and the caller waits in a queue
of the second group (and may hang up there). ``consult``: the first agent stays with
the caller until the second answers, then both stay ``conference_time``; then the first
wraps up. The second agent talks for the call type's talk time (or ``talk_time``) and
wraps up, both under its group's proficiency.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ccsim.scenario.common import Id, Model
from ccsim.scenario.distributions import Dist

TransferKind = Literal["blind", "consult"]


class Transfer(Model):
    """Calls of this group sent on to another group after the first talk."""

    call_types: list[Id] | None = Field(
        None, description="Call types this entry applies to (default: every skill of the group)."
    )
    share: float = Field(
        gt=0, le=1, description="Share of the calls this group answers that it transfers."
    )
    to: str = Field(description="The group that takes them: a group id or 'centre/group'.")
    kind: TransferKind = Field(
        "blind",
        description="blind: the first agent lets go at once, the caller queues again; consult: "
        "the first agent stays until the second answers, then for conference_time.",
    )
    conference_time: Dist | None = Field(
        None, description="Consult: time both agents stay with the caller (default 0)."
    )
    priority: int | None = Field(
        None,
        description="Blind: priority of the caller in the second group's queue (default: its tier's).",
    )
    talk_time: Dist | None = Field(
        None, description="Talk with the second agent (default: the call type's handle_time)."
    )
    wrap_time: Dist | None = Field(
        None, description="Wrap-up of the second agent (default: the call type's wrap_time)."
    )


def transfers_of(entries: list[Transfer], skills: list[str], call_type: str) -> list[Transfer]:
    """The entries of a group (its ``transfers`` and ``skills``) that apply to ``call_type``."""
    return [
        t for t in entries if call_type in (t.call_types if t.call_types is not None else skills)
    ]
