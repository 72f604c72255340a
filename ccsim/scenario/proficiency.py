"""Proficiency: how an agent group handles some of its call types.

By default every group handles a call type alike: the call type's talk time, wrap time
and first-contact resolution. A group's ``proficiency`` entries change that for the
call types they name (specialists faster, new hires slower, a desk that resolves
more), either by factors on the call type's own figures or by figures of their own::

    proficiency:
      - {call_types: [complaint], time_factor: 0.8, fcr: 0.95}
      - {call_types: [fault], handle_time: {dist: lognormal, mean_s: 150, cv: 1}}

The helpers here give the resulting means for the analytic side (Erlang staffing).
"""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from ccsim.scenario.common import Id, Model, Share
from ccsim.scenario.demand import CallType
from ccsim.scenario.distributions import Dist

#: Largest time factor: far beyond any real difference between agents, small enough to
#: catch a typo (a percentage written as a factor is at most 100).
MAX_TIME_FACTOR = 100.0


class Proficiency(Model):
    """Handling of some call types by one group: factors, or figures of its own.

    ``time_factor`` multiplies the call type's talk and wrap times (each call keeps its
    own draw, scaled); ``handle_time`` and ``wrap_time`` replace them with distributions
    of their own (drawn when the group answers). ``fcr`` replaces the call type's
    first-contact resolution; ``fcr_factor`` multiplies it (capped at 1).
    """

    call_types: list[Id] | None = Field(
        None, description="Call types this entry applies to (default: every skill of the group)."
    )
    time_factor: float | None = Field(
        None,
        gt=0,
        le=MAX_TIME_FACTOR,
        description="Talk and wrap times x this factor (0.8: 20 % faster; 1.3: 30 % slower).",
    )
    handle_time: Dist | None = Field(
        None, description="Talk time of its own when this group answers (instead of a factor)."
    )
    wrap_time: Dist | None = Field(
        None,
        description="After-call work of its own when this group answers (instead of a factor).",
    )
    fcr: Share | None = Field(
        None, description="First-contact resolution of its own when this group answers."
    )
    fcr_factor: float | None = Field(
        None,
        gt=0,
        le=MAX_TIME_FACTOR,
        description="The call type's first-contact resolution x this factor (at most 1).",
    )

    @model_validator(mode="after")
    def _one_form(self) -> Proficiency:
        if self.time_factor is not None and (
            self.handle_time is not None or self.wrap_time is not None
        ):
            raise PydanticCustomError(
                "proficiency",
                "give time_factor or handle_time/wrap_time of its own, not both",
            )
        if self.fcr is not None and self.fcr_factor is not None:
            raise PydanticCustomError("proficiency", "give fcr or fcr_factor, not both")
        if all(
            getattr(self, k) is None
            for k in ("time_factor", "handle_time", "wrap_time", "fcr", "fcr_factor")
        ):
            raise PydanticCustomError(
                "proficiency",
                "give at least one of time_factor, handle_time, wrap_time, fcr or fcr_factor",
            )
        return self

    def talk_mean(self, ct: CallType) -> float:
        """Mean talk time (s) of ``ct`` when this group answers."""
        if self.handle_time is not None:
            return self.handle_time.mean
        return ct.handle_time.mean * (self.time_factor or 1.0)

    def wrap_mean(self, ct: CallType) -> float:
        """Mean wrap time (s) of ``ct`` when this group answers."""
        if self.wrap_time is not None:
            return self.wrap_time.mean
        base = ct.wrap_time.mean if ct.wrap_time is not None else 0.0
        return base * (self.time_factor or 1.0)

    def resolution(self, ct: CallType) -> float:
        """First-contact resolution probability of ``ct`` when this group answers."""
        if self.fcr is not None:
            return self.fcr
        return min(1.0, ct.fcr * (self.fcr_factor or 1.0))


def proficiency_of(
    entries: list[Proficiency], skills: list[str], call_type: str
) -> Proficiency | None:
    """The entry of a group (its ``proficiency`` and ``skills``) for ``call_type``, if any."""
    for p in entries:
        if call_type in (p.call_types if p.call_types is not None else skills):
            return p
    return None


def handling_mean(ct: CallType, p: Proficiency | None) -> float:
    """Mean handling time (talk + wrap, s) of ``ct`` under proficiency ``p`` (None: the type's)."""
    if p is None:
        return ct.handle_time.mean + (ct.wrap_time.mean if ct.wrap_time is not None else 0.0)
    return p.talk_mean(ct) + p.wrap_mean(ct)
