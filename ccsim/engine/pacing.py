"""Predictive dialling: lines dialled ahead of free agents, at a pacing ratio.

A predictive campaign reserves no agent: it dials so that the contacts expected from
its lines still ringing (at the running contact estimate) match its free agents
times the pacing ratio. A contact that finds no free agent within ``connect_wait_s``
is abandoned (a nuisance call); the ratio falls when the recent share of abandoned
contacts nears its cap and rises when it is well below. Predictive campaigns that
share agents pace in turn, each counting the contacts the others expect.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import simpy

from ccsim.engine.campaigns import (
    ABANDONED,
    ACTIVE,
    CONTACT,
    NO_CONTACT,
    SUCCESS,
    CampaignRun,
    Record,
)
from ccsim.engine.interfaces import InboundForOutbound
from ccsim.scenario.campaigns import Blending

_MIN_RATIO = 0.3  # expected contacts per free agent, at the most careful


class PredictivePacing:
    """The predictive dialling of one replication's outbound side (the base of ``Outbound``).

    ``Outbound`` sets up the campaigns and the attributes declared below, and calls
    ``_init_pacing`` once they exist.
    """

    sim: InboundForOutbound
    env: simpy.Environment
    horizon_s: float
    blending: Blending
    inbound: list[bool]  # per group: it takes inbound calls (a blended group)
    camps: list[CampaignRun]
    by_group: list[list[CampaignRun]]
    # provided by Outbound: the blending rule, the attempt log, the end of an attempt
    safe: Callable[[int], bool]
    _log: Callable[[CampaignRun, Record, float, int, int, float, float], None]
    _finish: Callable[[CampaignRun, Record, int], None]
    _on_agent_done: Callable[[Any], None]

    def _init_pacing(self, n_groups: int) -> None:
        """Which groups and rival campaigns each predictive campaign shares."""
        # per group: the groups whose agents its predictive campaigns may connect to
        self.predictive_groups: list[set[int]] = [
            {x for c in self.by_group[g] if c.predictive for x in c.groups} for g in range(n_groups)
        ]
        # per campaign: the other predictive campaigns whose contacts may take its agents
        self.rivals: list[list[CampaignRun]] = [
            [
                c
                for c in self.camps
                if c is not run and c.predictive and set(c.groups) & set(run.groups)
            ]
            for run in self.camps
        ]
        # per campaign and rival: the rival's groups this campaign shares, and its others
        self.splits: list[list[tuple[CampaignRun, list[int], list[int]]]] = [
            [
                (
                    r,
                    [g for g in r.groups if g in run.groups],
                    [g for g in r.groups if g not in run.groups],
                )
                for r in self.rivals[run.index]
            ]
            for run in self.camps
        ]
        for run in self.camps:
            # a contact goes to the first group that may take it, groups no other
            # predictive campaign shares first (as the pacing of those campaigns assumes)
            rivals = self.rivals[run.index]
            run.connect_order = sorted(run.groups, key=lambda g: sum(g in r.groups for r in rivals))

    def _held_for_contacts(self, g: int) -> bool:
        """Whether this free agent should wait for the contacts predictive lines will bring."""
        expected = 0.0
        for run in self.by_group[g]:
            if run.predictive and run.outstanding:
                expected += run.outstanding * run.contact_est()
        if expected <= 0:
            return False
        sim = self.sim
        idle = sum(max(sim.staffed[x] - sim.busy[x], 0) for x in self.predictive_groups[g])
        return idle - 1 < expected

    def _pace_fairly(self, runs: list[CampaignRun]) -> None:
        """Pace predictive campaigns that share agents, in turn.

        The highest priority first; among equals, the one that dialled least recently,
        so that equals share the free agents.
        """
        if len(runs) > 1:
            runs = sorted(runs, key=lambda r: (-r.spec.priority, r.last_dial, r.index))
        for run in runs:
            self._pace(run)

    def _free(self, g: int) -> int:
        """Agents of ``g`` a predictive contact could have now (beyond ``min_idle`` if blended)."""
        if not self.safe(g):
            return 0
        idle = self.sim.staffed[g] - self.sim.busy[g]
        return idle if not self.inbound[g] else max(0, idle - self.blending.min_idle)

    def _pace(self, run: CampaignRun) -> None:
        """Dial so that the contacts expected from the lines ringing match the free agents."""
        now = self.env.now
        if not run.ready or now >= self.horizon_s or not run.calendar.is_open(now):
            return
        p = max(run.contact_est(), 0.01)
        waiting = sum(1 for e in run.connect_q if not e[3])
        free = max(sum(self._free(g) for g in run.groups) - waiting, 0)
        # contacts other predictive campaigns expect beyond their own free agents, as far
        # as they would take free agents this campaign could have
        others = 0.0
        for r, shared_groups, own_groups in self.splits[run.index]:
            if not r.outstanding:
                continue
            shared = sum(self._free(g) for g in shared_groups)
            if shared:
                own = sum(self._free(g) for g in own_groups)
                expected = r.outstanding * max(r.contact_est(), 0.01)
                others += min(shared, max(0.0, expected - own))
        target = math.floor((run.ratio * free - others) / p) - run.outstanding
        if (
            target <= 0
            and free >= 1
            and not run.outstanding
            and not others
            and any(not self.inbound[g] and self.safe(g) for g in run.groups)
        ):
            # an idle outbound-only agent and nothing ringing for it: one line cannot
            # over-dial, and its answer lets a ratio that fell to dialling nothing recover
            # (an agent of a blended group could be taken by an inbound call meanwhile)
            target = 1
        if target > 0 and run.ready:
            run.last_dial = now
        while target > 0 and run.ready:
            rec = run.ready.popleft()
            rec.status = ACTIVE
            rec.attempts += 1
            run.outstanding += 1
            contact = run.u() < run.spec.contact_prob
            success = run.u() < run.spec.success_prob
            self.sim.after(run.ring(), self._on_answer, (run, rec, contact, success, now))
            target -= 1

    def _on_answer(self, item: tuple[Any, ...]) -> None:
        run, rec, contact, success, t_dial = item
        run.outstanding -= 1
        run.dials += 1  # resolved dials only: a line still ringing tells nothing yet
        run.answered += contact
        if not contact:
            self._log(run, rec, t_dial, -1, NO_CONTACT, math.nan, math.nan)
            self._finish(run, rec, NO_CONTACT)
            self._pace_fairly([run, *self.rivals[run.index]])
            return
        for g in run.connect_order:
            if self.safe(g):
                self._connect(run, rec, g, success, t_dial)
                if self.rivals[run.index]:  # the line it held no longer counts for them
                    self._pace_fairly(self.rivals[run.index])
                return
        entry = [rec, success, t_dial, False, self.env.now]
        run.connect_q.append(entry)
        self.sim.after(run.spec.pacing.connect_wait_s, self._on_connect_timeout, (run, entry))

    def _on_connect_timeout(self, item: tuple[Any, ...]) -> None:
        run, entry = item
        if entry[3]:
            return
        entry[3] = True
        rec = entry[0]
        self._log(run, rec, entry[2], -1, ABANDONED, math.nan, math.nan)
        self._paced(run, abandoned=True)
        self._finish(run, rec, ABANDONED)
        self._pace_fairly([run, *self.rivals[run.index]])

    def _connect(self, run: CampaignRun, rec: Record, g: int, success: bool, t_dial: float) -> None:
        sim = self.sim
        sim.busy[g] += 1
        now = self.env.now
        dur = run.talk() + run.wrap()
        outcome = SUCCESS if success else CONTACT
        self._log(run, rec, t_dial, g, outcome, now, now + dur)
        self._paced(run, abandoned=False)
        sim.after(dur, self._on_agent_done, (run, rec, g, outcome))

    def _paced(self, run: CampaignRun, abandoned: bool) -> None:
        """Adjust the pacing ratio from the recent share of abandoned contacts."""
        run.recent.append(1 if abandoned else 0)
        if len(run.recent) < 10:
            return
        rate = sum(run.recent) / len(run.recent)
        cap = run.spec.pacing.max_abandon
        if rate > 0.8 * cap:  # back off: abandoned contacts are nuisance calls
            run.ratio = max(min(_MIN_RATIO, run.spec.pacing.max_ratio), run.ratio * 0.9)
        elif rate < 0.4 * cap:
            run.ratio = min(run.spec.pacing.max_ratio, run.ratio * 1.02)
