"""KPI definitions and targets: service level, answer and abandon rates, occupancy, FCR."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ccsim.scenario.common import Model

SLFormula = Literal["offered", "answered", "excl_short_abandons", "abandons_within_met"]


class KpiSettings(Model):
    """How the KPIs that need a definition are computed."""

    short_abandon_s: float = Field(
        5.0, ge=0, description="Abandons within this many seconds are 'short' (reported apart)."
    )
    fcr_window_h: float = Field(
        24.0,
        gt=0,
        description="First-contact resolution: no further answered call within this many hours.",
    )
    repeat_caller_calls: int = Field(
        4, ge=2, description="Repeat caller: at least this many answered calls ..."
    )
    repeat_caller_window_days: float = Field(
        7.0, gt=0, description="... within a period of this many days."
    )
    queue_sample_s: float | None = Field(
        None,
        gt=0,
        description="Also sample the queue length this often (seconds), as a check on the exact figures (default: no sampling).",
    )


class SLSpec(Model):
    """Service level: its definition and, optionally, its target."""

    threshold_s: float = Field(20.0, ge=0, description="Threshold T, seconds.")
    target: float | None = Field(
        None, gt=0, le=1, description="Minimum service level over the period."
    )
    formula: SLFormula = Field(
        "offered", description="How abandoned calls count (offered = A_T/(A+Ab))."
    )
    interval_target: float | None = Field(
        None, gt=0, le=1, description="Minimum service level in every interval."
    )


class TierSL(Model):
    """A tier's service-level target; threshold and formula default to the scenario's."""

    threshold_s: float | None = Field(
        None, ge=0, description="Threshold T, seconds (default: the scenario's)."
    )
    target: float = Field(gt=0, le=1, description="Minimum service level of this tier.")
    formula: SLFormula | None = Field(None, description="Formula (default: the scenario's).")


class TierTargets(Model):
    """Targets for one customer tier."""

    service_level: TierSL | None = None
    answer_rate: float | None = Field(None, gt=0, le=1)
    abandon_rate: float | None = Field(None, ge=0, le=1)
    asa_s: float | None = Field(None, gt=0)


class Targets(Model):
    """KPI targets of the scenario; each is checked and reported met or missed."""

    service_level: SLSpec | None = None
    answer_rate: float | None = Field(None, gt=0, le=1)
    abandon_rate: float | None = Field(None, ge=0, le=1)
    asa_s: float | None = Field(None, gt=0)

    max_occupancy: float | None = Field(None, gt=0, le=1, description="Maximum agent occupancy.")
    min_occupancy: float | None = Field(None, ge=0, le=1, description="Minimum agent occupancy.")
    ivr_self_service: float | None = Field(
        None, ge=0, le=1, description="Minimum IVR self-service share."
    )
    fcr: float | None = Field(None, ge=0, le=1, description="Minimum first-contact resolution.")
    repeat_caller_rate: float | None = Field(
        None, ge=0, le=1, description="Maximum repeat-caller rate."
    )
