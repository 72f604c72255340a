"""What the Erlang models return: ``QueueMetrics`` and the service-level formulas.

Also the array conventions the models share: scalars or numpy arrays in (broadcast
together), floats for scalar input and arrays otherwise out, and the range checks of
their inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray: TypeAlias = NDArray[np.float64]
FloatLike: TypeAlias = float | FloatArray

SLFormula = Literal["offered", "answered", "excl_short_abandons", "abandons_within_met"]
SL_FORMULAS: tuple[str, ...] = (
    "offered",
    "answered",
    "excl_short_abandons",
    "abandons_within_met",
)
"""Service-level formulas in use (R = A + Ab requests, A answered, Ab abandoned, T threshold).

``offered``: A_T / (A + Ab), the default. ``answered``: A_T / A.
``excl_short_abandons``: A_T / (A + Ab - Ab_T). ``abandons_within_met``: (A_T + Ab_T) / (A + Ab).
"""


def _arr(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=float)


def _out(x: FloatArray, scalar: bool) -> FloatLike:
    return float(x) if scalar else x


def _is_scalar(*xs: ArrayLike) -> bool:
    return all(np.ndim(x) == 0 for x in xs)


@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state performance of one queue and one agent pool.

    Probabilities are per call; all waits in seconds. Fields are floats for scalar
    input, arrays (broadcast shape of the inputs) otherwise.

    Attributes
    ----------
    model : str
        ``"erlang_c"`` (M/M/n) or ``"erlang_a"`` (M/M/n+M).
    agents : float or array
        Agents on the queue.
    traffic_erlangs : float or array
        Offered load ``lambda * aht``.
    p_wait : float or array
        Probability that a caller must wait (finds every agent busy).
    p_abandon : float or array
        Probability that a caller hangs up before being answered (0 for Erlang C).
    answered_within : float or array
        A_T / R: share of callers answered within ``threshold_s``.
    abandoned_within : float or array
        Ab_T / R: share of callers who hang up within ``threshold_s``.
    service_level : float or array
        Service level under ``sl_formula``.
    asa_s : float or array
        Average speed of answer: mean wait of answered calls (``inf`` if unstable).
    mean_wait_s : float or array
        Mean time in queue of all callers, answered and abandoned.
    occupancy : float or array
        Share of agents' time spent handling calls.
    stable : bool or array
        False where an Erlang C queue is overloaded (``traffic >= agents``).
    threshold_s : float
        Service-level threshold T, seconds.
    sl_formula : str
        The service-level formula (see ``SL_FORMULAS``).
    """

    model: str
    agents: FloatLike
    traffic_erlangs: FloatLike
    p_wait: FloatLike
    p_abandon: FloatLike
    answered_within: FloatLike
    abandoned_within: FloatLike
    service_level: FloatLike
    asa_s: FloatLike
    mean_wait_s: FloatLike
    occupancy: FloatLike
    stable: bool | NDArray[np.bool_]
    threshold_s: float
    sl_formula: str

    def service_level_as(self, formula: str) -> FloatLike:
        """Service level of the same queue under another formula (see ``SL_FORMULAS``)."""
        return _out(
            _sl_by_formula(
                formula,
                _arr(self.answered_within),
                _arr(self.abandoned_within),
                _arr(self.p_abandon),
            ),
            np.ndim(self.answered_within) == 0,
        )


def _check_formula(formula: str) -> None:
    if formula not in SL_FORMULAS:
        raise ValueError(f"sl_formula must be one of {', '.join(SL_FORMULAS)}, got {formula!r}")


def _sl_by_formula(formula: str, at: FloatArray, abt: FloatArray, pab: FloatArray) -> FloatArray:
    _check_formula(formula)
    with np.errstate(divide="ignore", invalid="ignore"):
        if formula == "offered":
            sl = at
        elif formula == "answered":
            ans = 1.0 - pab
            sl = np.where(ans > 0, at / np.where(ans > 0, ans, 1.0), 0.0)
        elif formula == "excl_short_abandons":
            den = 1.0 - abt
            sl = np.where(den > 0, at / np.where(den > 0, den, 1.0), 0.0)
        else:  # abandons_within_met
            sl = at + abt
    return np.clip(sl, 0.0, 1.0)


def _validate(name: str, value: FloatArray, *, minimum: float, strict: bool = False) -> None:
    bad = ~(value > minimum) if strict else ~(value >= minimum)
    if np.any(bad):
        got = value[bad].flat[0] if value.ndim else float(value)
        rule = ">" if strict else ">="
        raise ValueError(f"{name} must be {rule} {minimum:g}, got {got!r}")
