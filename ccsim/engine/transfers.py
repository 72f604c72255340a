"""Transfers after the first talk: the caller goes on to a second group (a desk).

When a group with ``transfers`` answers a call, one uniform of the stream
``transfer/<group>/<call type>/u`` decides whether the call is transferred, and to which
entry. Then:

- **blind**: the first agent wraps up at once (released after its talk and wrap); at the
  end of the first talk (plus ``routing.transfer_delay_s`` if the second group is in
  another centre) the caller joins a queue of the second group, with the entry's
  ``priority`` or its tier's, and may hang up there (its patience starts again);
- **consult**: the caller joins that queue the same way, but the first agent stays with
  the caller until the second answers, then both stay ``conference_time``; then the
  first agent wraps up. The caller does not hang up while an agent is with it.

The second agent talks (after the conference) for the leg's own talk draw and wraps up,
both under its group's proficiency and the dialect rules, like any call it answers; its
group's first-contact resolution decides whether the caller calls again, and a work
order is raised at the end of that talk (the last agent's).

Every call keeps one row in the call records, written when its last leg ends: answered
by the first group, its first wait (service level and ASA count on the first queue),
the first agent's talk (for consult: until the conference ends) and wrap. The second
legs are rows of their own (``arrays``): the wait after the transfer, outcome, the
second agent's talk (conference included) and wrap, and how long the first agent held.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ccsim.engine.call import DONE, INF, WAITING, Call
from ccsim.engine.distributions import sampler
from ccsim.engine.records import Kind, Outcome
from ccsim.engine.streams import Buffered, Streams, uniform
from ccsim.scenario.routing import group_index
from ccsim.scenario.transfers import transfers_of

# the routing (``routing.Routing``) passes itself in, not imported: it imports this module
Routing = Any

BLIND, CONSULT = 0, 1

#: Columns of the second legs, with their array type codes.
LEG_COLUMNS: dict[str, str] = {
    "caller": "q",
    "call_type": "h",
    "tier": "h",
    "network": "h",
    "t_arrival": "d",  # the call's arrival (its interval and warm-up)
    "from_group": "h",
    "to_group": "h",
    "kind": "b",  # 0 blind, 1 consult
    "t_queue": "d",  # entry to the second group's queue
    "wait": "d",  # wait after the transfer
    "outcome": "b",  # ANSWERED, ABANDONED or WAITING_AT_END
    "talk": "d",  # second agent: conference + talk
    "wrap": "d",
    "hold": "d",  # consult: the first agent's time waiting for the second
}


class _Entry:
    """One transfer entry of a (group, call type), compiled."""

    __slots__ = ("conf", "delay", "kind", "queues", "talk", "to", "wrap")

    def __init__(
        self,
        to: int,
        kind: int,
        queues: list[int],
        delay: float,
        talk: Buffered,
        wrap: Buffered,
        conf: Buffered | None,
    ) -> None:
        self.to = to  # the second group
        self.kind = kind
        self.queues = queues  # per tier: its queue in the second group
        self.delay = delay  # s before the caller reaches the second group (another centre)
        self.talk = talk
        self.wrap = wrap
        self.conf = conf


class _Leg:
    """A call between its first answer and the end of its second leg."""

    __slots__ = ("answer1", "call", "entry", "g1", "leg", "moved", "site", "talk1", "wrap1")

    def __init__(
        self,
        call: Call,
        leg: Call,
        g1: int,
        answer1: float,
        site: float,
        talk1: float,
        wrap1: float,
        moved: bool,
        entry: _Entry,
    ) -> None:
        self.call = call  # the caller's call, answered first by g1
        self.leg = leg  # the same caller's second leg
        self.g1 = g1
        self.answer1 = answer1
        self.site = site  # transfer delay before the first talk (answered at another site)
        self.talk1 = talk1
        self.wrap1 = wrap1
        self.moved = moved
        self.entry = entry


class Transfers:
    """The transfers of one replication (created only when a group has some)."""

    def __init__(self, r: Routing, streams: Streams) -> None:
        self.r = r
        m = r.m
        sc = m.scenario
        queues: dict[tuple[int, int, int, int], int] = m.extras["transfer_queues"]
        centre = m.group_center_index
        n_tiers = len(m.tier_ids)
        self.table: list[list[list[tuple[float, _Entry]] | None]] = []
        self.u: list[list[Buffered | None]] = []
        for gi, (_, g) in enumerate(sc.groups):
            row: list[list[tuple[float, _Entry]] | None] = []
            urow: list[Buffered | None] = []
            name = m.group_ids[gi]
            for k, ct in enumerate(sc.call_types):
                mine = transfers_of(g.transfers, g.skills, ct.id) if ct.id in g.skills else []
                if not mine:
                    row.append(None)
                    urow.append(None)
                    continue
                cum = 0.0
                entries = []
                for tr in mine:
                    ei = g.transfers.index(tr)
                    to = group_index(sc, tr.to)
                    assert to is not None
                    stem = f"transfer/{name}/{m.group_ids[to]}/{ct.id}"
                    cum += tr.share
                    e = _Entry(
                        to=to,
                        kind=CONSULT if tr.kind == "consult" else BLIND,
                        queues=[queues[(gi, ei, k, t)] for t in range(n_tiers)],
                        delay=r._transfer_s if centre[to] != centre[gi] else 0.0,
                        talk=streams.buffered(
                            f"{stem}/talk", sampler(tr.talk_time or ct.handle_time)
                        ),
                        wrap=streams.buffered(
                            f"{stem}/wrap", sampler(tr.wrap_time or ct.wrap_time)
                        ),
                        conf=None
                        if tr.conference_time is None
                        else streams.buffered(f"{stem}/conference", sampler(tr.conference_time)),
                    )
                    entries.append((cum, e))
                row.append(entries)
                urow.append(streams.buffered(f"transfer/{name}/{ct.id}/u", uniform))
            self.table.append(row)
            self.u.append(urow)
        self.open: dict[int, _Leg] = {}  # id(second-leg call) -> leg, until the leg ends
        self.rows: dict[str, list[float]] = {k: [] for k in LEG_COLUMNS}

    # -- the first answer ------------------------------------------------------------------

    def divert(
        self,
        call: Call,
        g: int,
        now: float,
        talk: float,
        wrap: float,
        fcr: float,
        transfer: float,
        moved: bool,
    ) -> bool:
        """Take over an answered call if it is a second leg or is transferred now."""
        leg = self.open.get(id(call))
        if leg is not None and leg.leg is call:
            self._second_answer(leg, g, now, talk, wrap, fcr)
            return True
        entries = self.table[g][call.ctype]
        if entries is None:
            return False
        draw = self.u[g][call.ctype]
        assert draw is not None
        u = draw()
        chosen = next((e for cum, e in entries if u < cum), None)
        if chosen is None:
            return False
        e = chosen
        r = self.r
        lc = call.follow_up(call.ctype, call.kind, call.attempt, now)
        lc.talk = e.talk()
        lc.wrap = e.wrap()
        lc.u_fcr = call.u_fcr
        lc.u_order = call.u_order
        lc.patience = call.patience if e.kind == BLIND else INF
        self.open[id(lc)] = _Leg(
            call=call, leg=lc, g1=g, answer1=now, site=transfer, talk1=talk, wrap1=wrap,
            moved=moved, entry=e,
        )  # fmt: skip
        if e.kind == BLIND:
            r.after(transfer + talk + wrap, r._on_release, g)
        r.after(transfer + talk + e.delay, self._on_enqueue, lc)
        if r._sl_guard:
            r._sl_req[g] += 1
            r._sl_ok[g] += now + transfer - call.t_queue <= r._sl_threshold
        return True

    def _on_enqueue(self, lc: Call) -> None:
        leg = self.open[id(lc)]
        r = self.r
        now = r.env.now
        e = leg.entry
        q = e.queues[lc.tier]
        lc.queue = q
        lc.t_queue = now
        to = e.to
        if r.busy[to] < r.staffed[to]:
            r._answer(lc, to, now)
            return
        lc.state = WAITING
        r.qcalls[q].append(lc)
        r.qlive[q] += 1
        for g in r.q_groups[q]:
            r.waiting[g] += 1
        if lc.patience < INF:
            r.after(lc.patience, self._on_patience, lc)

    # -- the end of the second leg ---------------------------------------------------------

    def _second_answer(
        self, leg: _Leg, g2: int, now: float, talk: float, wrap: float, fcr: float
    ) -> None:
        r = self.r
        del self.open[id(leg.leg)]
        e = leg.entry
        conf = e.conf() if e.conf is not None else 0.0
        r.after(conf + talk + wrap, r._on_release, g2)
        talk1 = leg.talk1
        hold = 0.0
        if e.kind == CONSULT:
            r.after(conf + leg.wrap1, r._on_release, leg.g1)
            hold = now - (leg.answer1 + leg.site + leg.talk1)
            talk1 = now + conf - (leg.answer1 + leg.site)
        order, resolved = self._resolve(leg, fcr, now + conf + talk, now)
        self._leg_row(leg, g2, Outcome.ANSWERED, now - leg.leg.t_queue, conf + talk, wrap, hold)
        self._main_row(leg, talk1, resolved, order)

    def _on_patience(self, lc: Call) -> None:
        if lc.state != WAITING:
            return
        r = self.r
        lc.state = DONE
        r._unqueue(lc)
        leg = self.open.pop(id(lc))
        now = r.env.now
        self._leg_row(leg, leg.entry.to, Outcome.ABANDONED, now - lc.t_queue, 0.0, 0.0, 0.0)
        # a caller lost after a transfer is not resolved
        _, resolved = self._resolve(leg, 0.0, now, now, lost=True)
        self._main_row(leg, leg.talk1, resolved, -1)
        if r.ob is not None:
            r._refill(lc.queue)

    def at_end(self, end: float) -> None:
        """The run stopped: legs still waiting (or on their way) end as waiting at the end."""
        for leg in list(self.open.values()):
            lc = leg.leg
            waited = end - lc.t_queue if lc.state == WAITING else 0.0
            if lc.state != WAITING:
                lc.t_queue = leg.answer1 + leg.site + leg.talk1 + leg.entry.delay
            lc.state = DONE
            talk1 = leg.talk1
            hold = 0.0
            if leg.entry.kind == CONSULT:  # the first agent was still holding
                talk1 = end - (leg.answer1 + leg.site)
                hold = max(end - (leg.answer1 + leg.site + leg.talk1), 0.0)
            self._leg_row(
                leg, leg.entry.to, Outcome.WAITING_AT_END, max(waited, 0.0), 0.0, 0.0, hold
            )
            self._main_row(leg, talk1, 1, -1)
        self.open.clear()

    def _resolve(
        self, leg: _Leg, fcr: float, end: float, now: float, lost: bool = False
    ) -> tuple[int, int]:
        """Work order and resolution decided by the last agent (as ``Routing._answer`` does)."""
        r = self.r
        call = leg.call
        chaser = call.chase
        order = -1 if lost or r.bo is None or chaser else r.bo.raise_for(call, end)
        if order >= 0 or chaser or call.u_fcr < fcr:
            return order, 1
        if lost and r.m.scenario.call_types[call.ctype].return_delay is None:
            return -1, 2  # not resolved; no return to simulate
        t = end + r._return_delay[call.ctype]()
        if t < r.horizon_s:
            again = call.follow_up(call.ctype, Kind.RETURN, 0, t)
            r.after(t - now, r._on_repeat, again)
            return order, 0
        return order, 2 if t - leg.answer1 <= r.fcr_window_s else 1

    # -- records ----------------------------------------------------------------------------

    def _main_row(self, leg: _Leg, talk1: float, resolved: int, order: int) -> None:
        c = leg.call
        self.r.rec.add(
            c.caller, c.ctype, c.tier, c.net, c.kind, c.attempt, c.t_arrival, Outcome.ANSWERED,
            leg.g1, c.t_queue, leg.answer1 + leg.site - c.t_queue, talk1, leg.wrap1, resolved,
            c.dialect, order, leg.site, leg.moved,
        )  # fmt: skip

    def _leg_row(
        self, leg: _Leg, g2: int, outcome: int, wait: float, talk: float, wrap: float, hold: float
    ) -> None:
        c = leg.call
        lc = leg.leg
        values = (
            c.caller, c.ctype, c.tier, c.net, c.t_arrival, leg.g1, g2, leg.entry.kind,
            lc.t_queue, wait, outcome, talk, wrap, hold,
        )  # fmt: skip
        for k, v in zip(LEG_COLUMNS, values, strict=True):
            self.rows[k].append(v)

    def arrays(self) -> dict[str, NDArray[Any]]:
        """The second legs as numpy columns."""
        return {
            k: np.asarray(self.rows[k], dtype=np.dtype(code)) for k, code in LEG_COLUMNS.items()
        }


__all__ = ["BLIND", "CONSULT", "LEG_COLUMNS", "Transfers"]
