"""Who calls: local networks (本地网), customer tiers (分级服务) and dialect preferences."""

from __future__ import annotations

from pydantic import Field

from ccsim.scenario.common import Id, Model, Share
from ccsim.scenario.targets import TierTargets


class Network(Model):
    """A local network (本地网): the callers of one city."""

    id: Id
    share: Share = Field(description="Share of all calls from this network.")
    dialect_share: Share = Field(
        0.0, description="Share of its callers who prefer an agent speaking their dialect (方言)."
    )


class Tier(Model):
    """A customer tier (分级服务): diamond, gold, silver, regular, or any names."""

    id: Id
    share: Share = Field(description="Share of callers in this tier.")
    priority: int = Field(0, description="Queue priority: higher is served first.")
    patience_factor: float = Field(1.0, gt=0, description="Multiplies the call type's patience.")
    targets: TierTargets | None = None


class DialectSettings(Model):
    """Callers who prefer a dialect: how long they wait for one, and what it costs without."""

    overflow_after_s: float = Field(
        20.0,
        ge=0,
        description="Seconds a dialect caller waits for a dialect agent before any agent may answer.",
    )
    handle_time_factor: float = Field(
        1.0, gt=0, description="Talk time multiplier when served without the dialect."
    )
    fcr_factor: float = Field(
        1.0,
        ge=0,
        description="First-contact resolution multiplier when served without the dialect.",
    )
