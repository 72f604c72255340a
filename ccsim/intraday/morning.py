"""What the morning leaves running at ``at``: callers in the IVR, and redials and returns due.

```yaml
in_ivr:                          # callers in the IVR now, with the time spent there so far
  - {call_type: query, tier: gold, network: city01, spent_s: 35}
  - {call_type: query, count: 80, spent_s: [0, 120]}      # 80 spread evenly over 0-120 s
  - {call_type: fault, kind: redial, attempt: 1, spent_s: 12}
calls_due:                       # redials and returns of the morning's callers, still to come
  - {call_type: query, kind: redial, attempt: 1, due_in_s: 240}
  - {call_type: consult, kind: return, count: 12, due_in_s: [0, 3600]}
open_orders:                     # work orders open in the back office
  - {order_type: complaint, call_type: complaint, age_s: 5400}            # queued
  - {order_type: fault_repair, call_type: fault, stage: in_work, age_s: 3000, work_s: 600}
  - {order_type: complaint, call_type: complaint, stage: callback, attempts: 1, age_s: 9000}
  - {order_type: fault_repair, call_type: fault, count: 30, age_s: [0, 7200]}
```

``kind`` is ``fresh`` (default), ``redial`` or ``return`` in the IVR (a repeat call goes
through the IVR to an agent), ``redial`` (default) or ``return`` when due. ``attempt``
counts the caller's redials so far (the next redial's probability depends on it; default
1 for a redial, 0 otherwise). A tier or network left out takes the most common one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field

from ccsim.engine.records import Kind
from ccsim.errors import Problem
from ccsim.scenario.common import Model
from ccsim.scenario.schema import Scenario

KINDS = {"fresh": Kind.FRESH, "redial": Kind.REDIAL, "return": Kind.RETURN}


class InIvr(Model):
    """Callers in the IVR: one, or ``count`` spread evenly over a band of times spent."""

    call_type: str
    tier: str | None = None
    network: str | None = None
    spent_s: float | list[float] = Field(
        description="Seconds spent in the IVR so far, or [low, high] with count."
    )
    kind: Literal["fresh", "redial", "return"] = "fresh"
    attempt: int | None = Field(None, ge=0, description="Redials so far (default: 1 for a redial).")
    dialect: bool = False
    count: int = Field(1, ge=1)


class CallDue(Model):
    """Redials or returns due: one, or ``count`` spread evenly over a band of due times."""

    call_type: str
    tier: str | None = None
    network: str | None = None
    due_in_s: float | list[float] = Field(
        description="Seconds from `at` until the call arrives, or [low, high] with count."
    )
    kind: Literal["redial", "return"] = "redial"
    attempt: int | None = Field(None, ge=0, description="Redials so far (default: 1 for a redial).")
    dialect: bool = False
    count: int = Field(1, ge=1)


class OpenOrder(Model):
    """Work orders open: one, or ``count`` spread evenly over a band of ages."""

    order_type: str
    call_type: str = Field(description="The call type of the call that raised it.")
    tier: str | None = None
    network: str | None = None
    age_s: float | list[float] = Field(
        description="Seconds since the order was created, or [low, high] with count."
    )
    stage: Literal["queued", "in_work", "callback"] = Field(
        "queued",
        description="Waiting for a handler, being worked, or worked and waiting for its "
        "callback (by the back office, or by the campaign that calls its type back).",
    )
    work_s: float = Field(0.0, ge=0, description="Seconds of work so far (in_work).")
    attempts: int = Field(
        0,
        ge=0,
        description="The back office's callback attempts so far (callback; a campaign's call "
        "back starts again from its first attempt).",
    )
    count: int = Field(1, ge=1)


def attempt_of(row: InIvr | CallDue) -> int:
    """The row's attempt, its default filled in."""
    if row.attempt is not None:
        return row.attempt
    return 1 if row.kind == "redial" else 0


Names = Callable[[str, str, Any, str], None]
Band = Callable[[str, Any, float, str], list[Problem]]


def morning_problems(
    in_ivr: list[InIvr],
    due: list[CallDue],
    orders: list[OpenOrder],
    sc: Scenario,
    t_at: float,
    names: Names,
    band: Band,
) -> list[Problem]:
    """What the IVR callers, the calls due and the open orders say that the scenario cannot hold."""
    out: list[Problem] = []
    types = {ct.id: ct for ct in sc.call_types}
    tiers = {t.id for t in sc.tiers} if sc.tiers else {"regular"}
    nets = {n.id for n in sc.networks} if sc.networks else {"all"}
    rows: list[tuple[str, InIvr | CallDue | OpenOrder]] = [
        *((f"in_ivr[{i}]", r) for i, r in enumerate(in_ivr)),
        *((f"calls_due[{i}]", r) for i, r in enumerate(due)),
        *((f"open_orders[{i}]", r) for i, r in enumerate(orders)),
    ]
    for path, r in rows:
        names(f"{path}.call_type", r.call_type, set(types), "call type")
        if r.tier is not None:
            names(f"{path}.tier", r.tier, tiers, "tier")
        if r.network is not None:
            names(f"{path}.network", r.network, nets, "network")
    for i, r in enumerate(in_ivr):
        ct = types.get(r.call_type)
        if ct is not None and ct.ivr is None:
            out.append(Problem(f"in_ivr[{i}].call_type", "has no IVR in the scenario", r.call_type))
        out += band(
            f"in_ivr[{i}].spent_s",
            r.spent_s,
            t_at,
            "an IVR time longer than the time since the horizon opened",
        )
    rest = sc.horizon.duration_h * 3600.0 - t_at
    for i, r in enumerate(due):
        out += band(f"calls_due[{i}].due_in_s", r.due_in_s, rest, "falls after the horizon ends")
    kinds = {w.id: w for w in sc.work_orders}
    called = {  # order types a campaign calls back once worked (instead of the back office)
        w.id for c in sc.campaigns for w in sc.work_orders if c.feed and c.feed.calls_back(w.id)
    }
    for i, o in enumerate(orders):
        if kinds:
            names(f"open_orders[{i}].order_type", o.order_type, set(kinds), "work order type")
        else:
            out.append(
                Problem(
                    f"open_orders[{i}].order_type",
                    "names no work order type (the scenario has no work orders)",
                    o.order_type,
                )
            )
        wo = kinds.get(o.order_type)
        raisers = (  # the call types that raise it: answered, or leaving a message
            {rb.call_type for rb in wo.raised_by}
            | {ct.id for ct in sc.call_types if ct.message_order == wo.id}
            if wo is not None
            else set()
        )
        if raisers and o.call_type in types and o.call_type not in raisers:
            out.append(
                Problem(
                    f"open_orders[{i}].call_type",
                    f"does not raise work order type {o.order_type} (raised by: "
                    f"{', '.join(sorted(raisers))})",
                    o.call_type,
                )
            )
        callback = wo.callback if o.stage == "callback" and wo is not None else None
        if callback is not None and o.attempts > callback.attempts:
            # equal is read: the last attempt is under way
            out.append(
                Problem(
                    f"open_orders[{i}].attempts",
                    f"is more than the {callback.attempts} callback attempts its type makes "
                    "at most",
                    o.attempts,
                )
            )
        if o.stage == "callback" and wo is not None and callback is None and wo.id not in called:
            out.append(
                Problem(
                    f"open_orders[{i}].stage",
                    f"callback, but work order type {o.order_type} has no callback and no "
                    "campaign calls it back",
                    o.stage,
                )
            )
        out += band(
            f"open_orders[{i}].age_s",
            o.age_s,
            t_at,
            "an order older than the time since the horizon opened",
        )
        youngest = min(o.age_s) if isinstance(o.age_s, list) and o.age_s else o.age_s
        if o.stage == "in_work" and isinstance(youngest, float | int) and o.work_s > youngest:
            out.append(
                Problem(f"open_orders[{i}].work_s", "is longer than the order's age", o.work_s)
            )
    return out
