"""The work a scenario asks of one replication, estimated before anything runs.

A file can be valid field by field and still ask for a run without end: callers who
return at the very instant they hang up, a queue sampled every microsecond, a list of a
billion records. These checks estimate, from the scenario alone, how many calls,
attempts and samples one replication makes, and refuse what is beyond reason with the
field and the figure. Loops that would not advance the clock (every duration in them
zero) are refused by rule.

The estimates are upper bounds of the expected counts (every redial taken, every return
before the horizon), cheap to compute, and far above what any real centre needs: a whole
province for a year is about 26 million calls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ccsim.errors import Problem
from ccsim.scenario.proficiency import proficiency_of
from ccsim.scenario.schema import Scenario
from ccsim.scenario.timeline import segments, weekday_factors

#: Most calls (fresh, redials, returns, chasers) in one replication, as the upper bound
#: estimated here (every redial taken): twice a realistic province-year, so a typo of an
#: extra zero or three is caught and a real year is not.
MAX_CALLS = 100_000_000
#: Most outbound attempts (campaigns and work-order callbacks) in one replication.
MAX_ATTEMPTS = 50_000_000
#: Most queue-length samples (``kpi.queue_sample_s``) in one replication.
MAX_SAMPLES = 10_000_000
#: Most password tries in one replication (each an event in the IVR).
MAX_TRIES = 200_000_000


def _fresh(sc: Scenario) -> list[float]:
    """Expected fresh calls per call type, each day with its own weekday factor."""
    days = math.ceil((sc.horizon.start_s + sc.horizon.duration_h * 3600.0) / 86_400.0)
    factors = weekday_factors(sc, days)
    out = []
    for ct in sc.call_types:
        if ct.arrivals.times_s is not None:
            out.append(float(len(ct.arrivals.times_s)))
            continue
        seg = segments(sc, ct)
        per_seg = (seg.t1 - seg.t0) * seg.rate_per_s
        if seg.uses_day_factors:
            per_seg = per_seg * factors[np.minimum(seg.day, days - 1)]
        out.append(float(per_seg.sum()))
    return out


@dataclass(frozen=True)
class Workload:
    """Upper bounds of the expected work of one replication."""

    calls: float  # fresh calls, redials, returns and chasers
    attempts: float  # outbound attempts: campaigns and work-order callbacks
    tries: float  # password tries
    samples: float  # queue-length samples


def estimate(sc: Scenario) -> Workload:
    """The work one replication of ``sc`` asks for (see ``check`` for its limits)."""
    return _assess(sc)[0]


def check(sc: Scenario) -> list[Problem]:
    """Zero-time loops and work beyond reason, each with its field and figure."""
    return _assess(sc)[1]


def _assess(sc: Scenario) -> tuple[Workload, list[Problem]]:
    out: list[Problem] = []
    all_tries = 0.0
    horizon_s = sc.horizon.duration_h * 3600.0
    fresh = _fresh(sc)
    calls: list[float] = []
    # callers served without their dialect resolve less often (dialect.fcr_factor)
    dialect = any(n.dialect_share > 0 for n in sc.network_list)
    factor = min(1.0, sc.dialect.fcr_factor) if dialect else 1.0
    for i, ct in enumerate(sc.call_types):
        per_matter = 1.0
        # the least resolving, quickest group that answers the type bounds its returns
        own = [
            prof
            for _, g in sc.groups
            if ct.id in g.skills and (prof := proficiency_of(g.proficiency, g.skills, ct.id))
        ]
        fcr = min([ct.fcr, *(q.resolution(ct) for q in own)]) * factor
        talk_s = min([ct.handle_time.mean, *(q.talk_mean(ct) for q in own)])
        if fcr < 1.0 and ct.return_delay is not None:
            loop_s = talk_s + ct.return_delay.mean
            if loop_s <= 0:
                out.append(
                    Problem(
                        f"call_types[{i}].return_delay",
                        f"with fcr {fcr:g}, unresolved callers of {ct.id!r} call again after "
                        "0 s of talk and 0 s of delay: a loop that never moves the clock; give "
                        "handle_time or return_delay a positive mean",
                        ct.return_delay.mean,
                    )
                )
                calls.append(0.0)
                continue
            per_matter = min(1.0 / fcr if fcr > 0 else math.inf, 1.0 + horizon_s / loop_s)
        redials = 1.0
        if ct.redial is not None:
            chain = 1.0
            probs = list(ct.redial.probabilities)
            if ct.redial.blocked is not None:  # either list may give an attempt's chance
                more = list(ct.redial.blocked.probabilities)
                n_max = max(len(probs), len(more))
                probs = [
                    max(probs[j] if j < len(probs) else 0.0, more[j] if j < len(more) else 0.0)
                    for j in range(n_max)
                ]
            for p in probs:
                chain *= p
                redials += chain
        n = fresh[i] * per_matter * redials
        calls.append(n)
        if ct.ivr is not None and ct.ivr.password is not None:
            tries = n * ct.ivr.password.share * ct.ivr.password.tries
            all_tries += tries
            if tries > MAX_TRIES:
                out.append(
                    Problem(
                        f"call_types[{i}].ivr.password.tries",
                        f"expect about {tries:,.0f} password tries per replication; at most "
                        f"{MAX_TRIES:,} are simulated in reason",
                        ct.ivr.password.tries,
                    )
                )
    total = sum(calls)
    orders = 0.0
    callbacks = 0.0
    types = {ct.id: k for k, ct in enumerate(sc.call_types)}
    for w, wo in enumerate(sc.work_orders):
        raised = sum(calls[types[r.call_type]] * r.probability for r in wo.raised_by)
        orders += raised
        if wo.callback is not None:
            callbacks += raised * wo.callback.attempts
        if wo.chaser is not None:
            chasers = raised * wo.chaser.probability * wo.chaser.max_chasers
            total += chasers
            if chasers > MAX_CALLS:
                out.append(
                    Problem(
                        f"work_orders[{w}].chaser.max_chasers",
                        f"allows about {chasers:,.0f} chaser calls per replication; at most "
                        f"{MAX_CALLS:,} fit",
                        wo.chaser.max_chasers,
                    )
                )
    if total > MAX_CALLS and not any(p.path.endswith("max_chasers") for p in out):
        worst = max(range(len(calls)), key=lambda k: calls[k]) if calls else 0
        out.append(
            Problem(
                "call_types",
                f"expect about {total:,.0f} calls per replication with redials and returns "
                f"(most of them {sc.call_types[worst].id!r}); at most {MAX_CALLS:,} fit in "
                "memory: shorten the horizon, lower the rates or raise fcr",
                has_value=False,
            )
        )
    days = math.ceil((sc.horizon.start_s + horizon_s) / 86_400.0)
    attempts = callbacks
    for k, camp in enumerate(sc.campaigns):
        if camp.list is not None:
            n = float(camp.list.daily_size) * days * camp.max_attempts
            # name the larger of the two factors: the likelier typo
            if camp.max_attempts > camp.list.daily_size:
                field, value = f"campaigns[{k}].max_attempts", camp.max_attempts
            else:
                field, value = f"campaigns[{k}].list.daily_size", camp.list.daily_size
        elif camp.feed is not None:  # closed work orders, or callers who abandoned
            fed = orders if camp.feed.source == "work_orders" else total
            n = fed * camp.feed.share * camp.max_attempts
            field, value = f"campaigns[{k}].max_attempts", camp.max_attempts
        else:
            continue
        attempts += n
        if n > MAX_ATTEMPTS:
            out.append(
                Problem(
                    field,
                    f"expect about {n:,.0f} outbound attempts per replication; at most "
                    f"{MAX_ATTEMPTS:,} fit",
                    value,
                )
            )
    if callbacks > MAX_ATTEMPTS:
        out.append(
            Problem(
                "work_orders",
                f"expect about {callbacks:,.0f} callback attempts per replication; at most "
                f"{MAX_ATTEMPTS:,} fit",
                has_value=False,
            )
        )
    sample = sc.kpi.queue_sample_s
    samples = horizon_s / sample if sample is not None else 0.0
    if samples > MAX_SAMPLES:
        out.append(
            Problem(
                "kpi.queue_sample_s",
                f"gives {samples:,.0f} queue samples per replication; at most "
                f"{MAX_SAMPLES:,}: sample less often",
                sample,
            )
        )
    return Workload(total, attempts, all_tries, samples), out
