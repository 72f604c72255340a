"""The rest of an IVR visit already under way (intraday): how it ends, and when.

A caller who has spent ``e`` seconds in the IVR at the snapshot leaves it as the call
type's IVR says (lost, self-served, cut off after failed passwords, or asking for an
agent), but given that the visit has lasted ``e`` already: a long visit is more likely a
self-service one. The exit and the remaining time are drawn together from the IVR's law
conditioned on a total time above ``e``:

* without a password loop, exactly: each exit weighed by its probability times the
  survival of its time at ``e``, then the remaining time by residual life
  (``residual.py``) of that exit's time;
* with a password loop (a visit is then a sum of stages), by rejection: whole visits are
  drawn as the engine draws them until one lasts longer than ``e``; should none of
  4,096 do so (``e`` deep in the tail), the stages before the last are ignored and the
  first rule applies.

A repeat call (redial, return) always asks for an agent (as in ``model.py``).
"""

from __future__ import annotations

import math

import numpy as np

from ccsim.engine.call import CONTAINED, DISCONNECT, LOST, TO_AGENT
from ccsim.engine.distributions import sampler
from ccsim.engine.residual import residual, survival
from ccsim.scenario.demand import Ivr, Password

#: Visits drawn at a time, and batches at most, in the rejection draw.
BATCH, BATCHES = 256, 16


def ivr_rest(ivr: Ivr, fresh: bool, spent: float, rng: np.random.Generator) -> tuple[int, float]:
    """How a visit of ``spent`` seconds so far ends: (exit, remaining seconds)."""
    to_agent = ivr.time_to_agent
    if not fresh:
        return TO_AGENT, residual(to_agent, spent, rng)
    if ivr.password is not None and ivr.password.share > 0:
        for _ in range(BATCHES):
            exits, t = visits(ivr, BATCH, rng)
            ok = np.flatnonzero(t > spent)
            if len(ok):
                j = int(ok[0])
                return int(exits[j]), float(t[j] - spent)
    stages = (
        (LOST, ivr.abandon, ivr.time_to_abandon or to_agent),
        (CONTAINED, (1.0 - ivr.abandon) * ivr.containment, ivr.time_self_service or to_agent),
        (TO_AGENT, (1.0 - ivr.abandon) * (1.0 - ivr.containment), to_agent),
    )
    w = np.array([p * survival(d, spent) for _, p, d in stages])
    if w.sum() <= 0:  # longer than any visit can last: it ends now, as most visits do
        k = int(np.argmax([p for _, p, _ in stages]))
        return stages[k][0], 0.0
    k = int(np.searchsorted(np.cumsum(w / w.sum()), rng.random(), side="right"))
    k = min(k, len(stages) - 1)
    return stages[k][0], residual(stages[k][2], spent, rng)


def visits(ivr: Ivr, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` whole IVR visits of fresh callers: (exit, seconds), drawn as ``model.py`` draws them."""
    u = rng.random((n, 4))  # lost, asked for a password, password tries, contained
    to_agent = ivr.time_to_agent
    exits = np.full(n, -1, dtype=np.int64)
    t = np.zeros(n)
    lost = u[:, 0] < ivr.abandon
    exits[lost] = LOST
    t[lost] = sampler(ivr.time_to_abandon or to_agent)(rng, n)[lost]
    pw = ivr.password
    if pw is not None:
        asked = ~lost & (u[:, 1] < pw.share)
        if pw.fail_prob <= 0.0:
            failures = np.zeros(n, dtype=np.int64)
        elif pw.fail_prob >= 1.0:
            failures = np.full(n, pw.tries, dtype=np.int64)
        else:
            logs = np.log(np.maximum(u[:, 2], 1e-300)) / math.log(pw.fail_prob)
            failures = logs.astype(np.int64)
        tries = np.minimum(failures + 1, pw.tries)
        times = sampler(pw.try_time)(rng, n * pw.tries).reshape(n, pw.tries)
        used = np.arange(pw.tries)[None, :] < tries[:, None]
        t[asked] += (times * used).sum(axis=1)[asked]
        failed = asked & (failures >= pw.tries)
        exits[failed] = TO_AGENT if pw.after_last_failure == "agent" else DISCONNECT
    rest = exits == -1
    contained = rest & (u[:, 3] < ivr.containment)
    exits[contained] = CONTAINED
    exits[rest & ~contained] = TO_AGENT
    t += np.where(
        exits == CONTAINED,
        sampler(ivr.time_self_service or to_agent)(rng, n),
        np.where(exits == TO_AGENT, sampler(to_agent)(rng, n), 0.0),
    )
    return exits, t


def password_step(pw: Password | None) -> tuple[float, float, float, int, int] | None:
    """A password step's figures as the engine reads them per call (None: no password).

    (share asked, failure probability, its log, tries, exit after the last failure).
    """
    if pw is None:
        return None
    log_fail = math.log(pw.fail_prob) if 0.0 < pw.fail_prob < 1.0 else math.nan
    after = TO_AGENT if pw.after_last_failure == "agent" else DISCONNECT
    return (pw.share, pw.fail_prob, log_fail, pw.tries, after)
