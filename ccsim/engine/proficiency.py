"""Proficiency in the engine: a group's own talk, wrap and resolution for a call type.

``table`` gives, per group and call type, a ``Skill`` or None (the call type's own
figures). Without any proficiency in the scenario it is None as a whole, so answering a
call pays one check. A factor scales the call's own draws (common random numbers across
compared scenarios); a distribution of its own draws from a stream named after the
group and call type, so other draws do not move.
"""

from __future__ import annotations

from ccsim.engine.distributions import sampler
from ccsim.engine.streams import Buffered, Streams
from ccsim.scenario.proficiency import Proficiency, proficiency_of
from ccsim.scenario.schema import Scenario


class Skill:
    """How one group handles one call type."""

    __slots__ = ("factor", "fcr", "fcr_factor", "talk", "wrap")

    def __init__(
        self,
        p: Proficiency,
        talk: Buffered | None,
        wrap: Buffered | None,
    ) -> None:
        self.factor = p.time_factor if p.time_factor is not None else 1.0
        self.talk = talk
        self.wrap = wrap
        self.fcr = p.fcr
        self.fcr_factor = p.fcr_factor if p.fcr_factor is not None else 1.0

    def apply(self, talk: float, wrap: float, fcr: float) -> tuple[float, float, float]:
        """The call's talk and wrap (s) and resolution probability when this group answers."""
        f = self.factor
        talk = self.talk() if self.talk is not None else talk * f
        wrap = self.wrap() if self.wrap is not None else wrap * f
        fcr = self.fcr if self.fcr is not None else min(1.0, fcr * self.fcr_factor)
        return talk, wrap, fcr


def table(
    sc: Scenario, group_names: list[str], streams: Streams
) -> list[list[Skill | None]] | None:
    """Per group and call type: its ``Skill``, or None; None if no group has proficiency."""
    groups = sc.groups
    if not any(g.proficiency for _, g in groups):
        return None
    out: list[list[Skill | None]] = []
    for name, (_, g) in zip(group_names, groups, strict=True):
        row: list[Skill | None] = []
        for ct in sc.call_types:
            p = proficiency_of(g.proficiency, g.skills, ct.id) if ct.id in g.skills else None
            if p is None:
                row.append(None)
                continue
            talk = wrap = None
            if p.handle_time is not None:
                talk = streams.buffered(f"proficiency/{name}/{ct.id}/talk", sampler(p.handle_time))
            if p.wrap_time is not None:
                wrap = streams.buffered(f"proficiency/{name}/{ct.id}/wrap", sampler(p.wrap_time))
            row.append(Skill(p, talk, wrap))
        out.append(row)
    return out
