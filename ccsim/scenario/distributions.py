"""How scenario files write a random duration: one form everywhere.

``{dist: NAME, mean_s: M, cv: C}`` or ``{dist: NAME, mean_s: M, shape: K}``:

============  ==========================================  ===========================
dist          parameters                                  notes
============  ==========================================  ===========================
exponential   mean_s                                      cv is 1
lognormal     mean_s, cv                                  handle times (empirical fact)
gamma         mean_s, cv or shape                         cv = 1/sqrt(shape)
weibull       mean_s, shape or cv                         patience (shape < 1: hazard falls)
uniform       mean_s, cv; or min_s, max_s                 symmetric around the mean
constant      mean_s                                      the value itself (may be 0)
empirical     values_s, optional weights                  resampled with replacement
============  ==========================================  ===========================
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

DistName = Literal[
    "exponential", "lognormal", "gamma", "weibull", "uniform", "constant", "empirical"
]

_ALLOWED: dict[str, set[str]] = {
    "exponential": {"mean_s"},
    "lognormal": {"mean_s", "cv"},
    "gamma": {"mean_s", "cv", "shape"},
    "weibull": {"mean_s", "cv", "shape"},
    "uniform": {"mean_s", "cv", "min_s", "max_s"},
    "constant": {"mean_s"},
    "empirical": {"values_s", "weights"},
}
#: Largest coefficient of variation a duration may have: far beyond any observed handle
#: time or patience (2 to 3 at most), and small enough for every sampler to stay finite.
MAX_CV = 100.0
#: Weibull shapes (and the cv they give) the samplers solve for: shape 0.1 to 1000.
WEIBULL_SHAPE = (0.1, 1000.0)
WEIBULL_MIN_CV = 0.002
#: Smallest gamma shape: cv 100.
GAMMA_MIN_SHAPE = 1e-4

_PARAMS = ("mean_s", "cv", "shape", "min_s", "max_s", "values_s", "weights")


class Dist(BaseModel):
    """A random duration in seconds (talk, wrap-up, patience, IVR time, delays)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)

    dist: DistName = Field(description="Distribution family.")
    mean_s: float | None = Field(None, ge=0, description="Mean, seconds.")
    cv: float | None = Field(
        None, ge=0, le=MAX_CV, description="Coefficient of variation (sd / mean), at most 100."
    )
    shape: float | None = Field(None, gt=0, description="Shape parameter (gamma, weibull).")
    min_s: float | None = Field(None, ge=0, description="Uniform: lower end, seconds.")
    max_s: float | None = Field(None, ge=0, description="Uniform: upper end, seconds.")
    values_s: list[float] | None = Field(None, description="Empirical: observed values, seconds.")
    weights: list[float] | None = Field(None, description="Empirical: relative weights.")

    @model_validator(mode="after")
    def _check(self) -> Dist:
        given = {p for p in _PARAMS if getattr(self, p) is not None}
        extra = given - _ALLOWED[self.dist]
        if extra:
            raise PydanticCustomError(
                "dist_params",
                "{dist} does not take {extra} (it takes {allowed})",
                {
                    "dist": self.dist,
                    "extra": ", ".join(sorted(extra)),
                    "allowed": ", ".join(sorted(_ALLOWED[self.dist])),
                },
            )
        d = self.dist
        if d == "empirical":
            if not self.values_s:
                raise _err("empirical needs values_s, a non-empty list of seconds")
            if any(not (v >= 0 and math.isfinite(v)) for v in self.values_s):
                raise _err("empirical values_s must all be >= 0")
            if self.weights is not None:
                if len(self.weights) != len(self.values_s):
                    raise _err("empirical weights must have one value per item of values_s")
                if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                    raise _err("empirical weights must be >= 0 with a positive sum")
            return self
        if d == "uniform" and (self.min_s is not None or self.max_s is not None):
            if self.min_s is None or self.max_s is None or self.mean_s is not None:
                raise _err("uniform takes either mean_s and cv, or min_s and max_s")
            if self.max_s < self.min_s:
                raise _err("uniform needs min_s <= max_s")
            return self
        if self.mean_s is None:
            raise _err(f"{d} needs mean_s")
        if d != "constant" and self.mean_s <= 0:
            raise _err(f"{d} needs mean_s > 0 (use dist: constant for a fixed 0)")
        if d == "lognormal" and self.cv is None:
            raise _err("lognormal needs cv (sd / mean)")
        if d in ("gamma", "weibull"):
            if (self.cv is None) == (self.shape is None):
                raise _err(f"{d} needs exactly one of cv or shape")
            if self.cv is not None and self.cv <= 0:
                raise _err(f"{d} needs cv > 0")
            if d == "weibull" and self.cv is not None and self.cv < WEIBULL_MIN_CV:
                raise _err(
                    f"weibull cv must be >= {WEIBULL_MIN_CV} (use dist: constant for a fixed value)"
                )
            lo, hi = WEIBULL_SHAPE
            if d == "weibull" and self.shape is not None and not lo <= self.shape <= hi:
                raise _err(f"weibull shape must be between {lo:g} and {hi:g}")
            if d == "gamma" and self.shape is not None and self.shape < GAMMA_MIN_SHAPE:
                raise _err(f"gamma shape must be >= {GAMMA_MIN_SHAPE:g} (cv at most 100)")
        if d == "uniform":
            if self.cv is None:
                raise _err("uniform takes either mean_s and cv, or min_s and max_s")
            if self.cv > 1 / math.sqrt(3):
                raise _err("uniform cv must be <= 0.577 (1/sqrt 3) so that values stay >= 0")
        return self

    @property
    def mean(self) -> float:
        """Mean in seconds."""
        if self.dist == "empirical":
            assert self.values_s is not None
            w = self.weights or [1.0] * len(self.values_s)
            return sum(v * x for v, x in zip(self.values_s, w, strict=True)) / sum(w)
        if self.dist == "uniform" and self.min_s is not None and self.max_s is not None:
            return (self.min_s + self.max_s) / 2.0
        assert self.mean_s is not None
        return self.mean_s

    def describe(self) -> str:
        """A short human description, e.g. ``lognormal(mean 180 s, cv 1)``."""
        if self.dist == "empirical":
            return f"empirical({len(self.values_s or [])} values, mean {self.mean:g} s)"
        if self.dist == "uniform" and self.min_s is not None:
            return f"uniform({self.min_s:g}-{self.max_s:g} s)"
        parts = [f"mean {self.mean:g} s"]
        if self.cv is not None:
            parts.append(f"cv {self.cv:g}")
        if self.shape is not None:
            parts.append(f"shape {self.shape:g}")
        return f"{self.dist}({', '.join(parts)})"


def _err(message: str) -> PydanticCustomError:
    return PydanticCustomError("dist_params", message)


class Patience(Dist):
    """Caller patience: a duration, plus callers who hang up at once or almost.

    ``balk_share`` of callers who must wait give up within ``balk_within_s`` seconds
    (uniformly; 0 means at once); the rest follow the distribution.
    """

    balk_share: float = Field(
        0.0, ge=0, le=1, description="Share of callers who hang up almost at once."
    )
    balk_within_s: float = Field(
        0.0, ge=0, description="Those callers hang up within this many seconds."
    )


def dist_from(value: Any) -> Dist:
    """Build a ``Dist`` from a mapping (for code that constructs scenarios)."""
    return Dist.model_validate(value)
