"""The share of the Erlang guess to call in: screened on a few replications, decided on all.

The guess (Erlang C per group on the load each group showed in the projection) overshoots:
the smallest share of it, in eighths, that meets the targets is searched. A share is
first run on the first ``SCREEN_REPLICATIONS`` replications; it is rejected there only
when its mean over all replications would miss a target beyond doubt (``clearly_missed``:
predicted from a share run on all of them, with common random numbers). Otherwise the
other replications are run too (replication r has the same random numbers in every run:
the first ones are not run again) and the share is decided on all of them, as a search on
all replications decides it. So the share kept is the one a search on all replications
keeps, but for a share the screen rejects that all replications would have accepted.

The first share tried is predicted from the projection's shortfall (``first_share``):
Erlang A's service level for each share on the simulated load, moved to the simulated
one at share 0. Then the share where the chord between the shares known to miss and to
meet crosses the target, or bisection.

The workers are kept busy: while the replications a decision needs run, the next
replications of the same share start on a free worker (needed if the screen passes;
given up if it rejects). Replications go through the runner's ``submit_jobs`` and
``drop_jobs``: any executor serves, a local pool or a Dask cluster's.
"""

from __future__ import annotations

import math
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from ccsim.intraday.forward import Forward, _job, whole_day, with_extra
from ccsim.intraday.projection import day_targets
from ccsim.intraday.state_model import LiveState
from ccsim.results import SimulationResult
from ccsim.results.aggregate import RepCounts
from ccsim.results.kpis import t_quantile
from ccsim.runner.replications import Job, drop_jobs, submit_jobs
from ccsim.scenario.schema import Scenario

#: Shares of the guess tried: eighths (the whole guess only when no share below it meets).
EIGHTHS = 8

#: Replications a share is screened on before it is run on all of them.
SCREEN_REPLICATIONS = 4

#: One-sided confidence of the bound that rejects a share on the screen.
SCREEN_CONFIDENCE = 0.99


def target_values(
    sc: Scenario, state: LiveState, res: SimulationResult, start: int
) -> list[tuple[str, float, np.ndarray]]:
    """Per target: its rule, value, and the values it is judged on, per replication.

    The daily targets on the whole day; the per-interval service level on each interval
    from ``start`` (one entry per interval).
    """
    day = whole_day(res, state)
    t = sc.targets
    out = []
    for kpi, rule, target in (
        ("service_level", ">=", t.service_level.target if t.service_level else None),
        ("abandon_rate", "<=", t.abandon_rate),
        ("answer_rate", ">=", t.answer_rate),
    ):
        if target is not None:
            out.append((rule, float(target), day[kpi].to_numpy(dtype=float)))
    if t.service_level is not None and t.service_level.interval_target is not None:
        v = res.kpi_values(["interval"])["service_level"].unstack("interval")
        for c in v.columns:
            if int(c) >= start:
                x = v[c].to_numpy(dtype=float)
                out.append((">=", float(t.service_level.interval_target), x))
    return out


def clearly_missed(
    sc: Scenario, state: LiveState, res: SimulationResult, ref: SimulationResult, start: int,
    confidence: float = SCREEN_CONFIDENCE,
) -> bool:  # fmt: skip
    """Whether the mean over all of ``ref``'s replications would miss a target beyond doubt.

    ``res`` holds the first n replications of a trial, ``ref`` all N of another (the same
    random numbers per replication). The trial's mean over N is the reference's plus the
    mean difference d: its first n differences are known, the others predicted by their
    mean, so the one-sided ``confidence`` bound of the trial's mean over N is
    ``mean_N(ref) + mean_n(d) +/- t (N - n) / N sd_n(d) sqrt(1/n + 1/(N - n))``. A target
    is missed beyond doubt when that bound is on the wrong side of it. The differences
    of common random numbers vary much less than the values: a clear miss shows on few
    replications.
    """
    n, N = res.replications, ref.replications
    if n < 2 or n >= N:
        return False
    q = t_quantile(confidence, n - 1) * (N - n) / N * math.sqrt(1.0 / n + 1.0 / (N - n))
    for (rule, target, x), (_, _, y) in zip(
        target_values(sc, state, res, start), target_values(sc, state, ref, start), strict=True
    ):
        d = x - y[:n]
        if np.isnan(d).any() or np.isnan(y).any():
            continue  # an interval without calls in some replication: not judged here
        m = float(y.mean() + d.mean())
        h = q * float(d.std(ddof=1))
        if (rule == ">=" and m + h < target) or (rule == "<=" and m - h > target):
            return True
    return False


@dataclass
class Trial:
    """The forward model with some extra agents, and its replications run so far."""

    fw: Forward
    extra: np.ndarray
    done: dict[int, RepCounts] = field(default_factory=dict)
    running: dict[int, Future[RepCounts]] = field(default_factory=dict)


class Trials:
    """Forward runs with other staffing, on an executor's workers without a pause between them.

    ``result(trial, n)`` returns replications 0 to n - 1 of ``trial``; while they run, up
    to ``workers`` further replications of the trial start (up to ``replications``),
    which a later ``result`` takes, or ``drop`` gives up. Jobs go through the runner
    (``submit_jobs``, ``drop_jobs``), so ``executor`` may be any ``Executor``: a local
    pool (whose workers are replaced when a dropped replication has begun) or a Dask
    client's (``client.get_executor(pure=False)``; what it has begun finishes unread).
    ``workers`` is only how many replications run ahead: the numbers do not depend on
    it. Without an executor, the replications run here, one after the other.
    """

    def __init__(
        self, fw: Forward, seed: int, replications: int, executor: Executor | None,
        workers: int | None = None,
    ) -> None:  # fmt: skip
        self.fw = fw
        self.seed = seed
        self.replications = replications
        self.executor = executor
        if workers is None:  # a local pool knows its size; elsewhere, two ahead
            workers = int(getattr(executor, "workers", 2)) if executor is not None else 1
        self.workers = max(1, workers)

    def trial(self, extra: np.ndarray) -> Trial:
        """A trial of ``extra`` agents."""
        return Trial(with_extra(self.fw, extra), extra)

    def result(self, tr: Trial, n: int) -> SimulationResult:
        """Replications 0 to n - 1 of ``tr``."""
        n = min(n, self.replications)
        if self.executor is None:
            for r in range(n):
                if r not in tr.done:
                    tr.done[r] = _job((tr.fw.m, r, self.seed))
        else:
            while any(r not in tr.done for r in range(n)):
                self._fill(tr, n)
                wait(list(tr.running.values()), return_when=FIRST_COMPLETED)
                for r, f in list(tr.running.items()):
                    if f.done():
                        tr.done[r] = f.result()
                        del tr.running[r]
            self._fill(tr, n)  # the next replications start while the caller decides
        reps = [tr.done[r] for r in range(n)]
        return SimulationResult(tr.fw.scenario, self.seed, n, reps, 0.0, tr.fw.m)

    def _fill(self, tr: Trial, n: int) -> None:
        """Start ``tr``'s replications: those below ``n`` first, then the next ones ahead."""
        assert self.executor is not None
        new: list[int] = []
        for r in range(self.replications):
            if len(tr.running) + len(new) >= self.workers and r >= n:
                break
            if r not in tr.done and r not in tr.running:
                new.append(r)
        if not new:
            return
        # the forward model's jobs, (compiled model, replication, seed), run by ``_job``
        jobs = cast(list[Job], [(tr.fw.m, r, self.seed) for r in new])
        futures = submit_jobs(jobs, self.executor, fn=cast(Any, _job))
        tr.running.update(zip(new, futures, strict=True))

    def drop(self, tr: Trial) -> None:
        """Give up ``tr``'s replications still running (``drop_jobs``)."""
        if tr.running and self.executor is not None:
            drop_jobs(list(tr.running.values()), self.executor)
        tr.running.clear()


def meets(
    sc: Scenario, state: LiveState, trials: Trials, tr: Trial, ref: SimulationResult,
    start: int, screen: int,
) -> tuple[bool, SimulationResult, int]:  # fmt: skip
    """Whether ``tr`` meets the targets on all replications, screened on the first ``screen``.

    ``ref``: a result on all replications (common random numbers) the screen predicts
    from. Returns the decision, the result it was made on, and the replications run.
    """
    res = trials.result(tr, screen)
    if screen < trials.replications and clearly_missed(sc, state, res, ref, start):
        trials.drop(tr)
        return False, res, screen
    res = trials.result(tr, trials.replications)
    targets = day_targets(sc, whole_day(res, state), res, start)
    return all(t["met"] for t in targets), res, trials.replications


def erlang_guess(
    sc: Scenario, res: SimulationResult, m: Any, allowed: list[int], start: int, max_extra: int
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Agents to add per group and interval so each meets the service-level target by Erlang C.

    Returns them, and the load they were computed on (per group and interval from
    ``start``, of the groups that may be called in): requests, Erlangs, AHT, agents planned
    and the guess, for ``first_share``.
    """
    from ccsim.analytics import Targets, required_agents

    t = sc.targets.service_level
    target = (t.interval_target or t.target or 0.8) if t is not None else 0.8
    threshold = sc.sl.threshold_s
    G, n_iv = m.staffing.shape
    extra = np.zeros((G, n_iv), dtype=np.int64)
    reps = max(1, res.replications)
    ivs = np.arange(start, n_iv)
    per = res.sums(["interval", "group"]).groupby(level=["interval", "group"], observed=False)
    requests = per["requests"].sum().unstack("group").reindex(ivs).fillna(0.0)
    # each replication's AHT per group, then their mean (as the KPIs give it)
    vg = res.sums(["group"])
    work = (vg["talk_s"] + vg["wrap_s"]) / vg["answered"].where(vg["answered"] > 0)
    aht = work.groupby(level="group", observed=False).mean()
    iv_s = sc.horizon.interval_min * 60.0
    rows: dict[str, list[np.ndarray]] = {
        k: [] for k in ("req", "traffic", "aht", "base", "guess", "interval")
    }
    for g in allowed:
        name = m.group_ids[g]
        a = float(aht.get(name, np.nan))
        if not np.isfinite(a) or a <= 0:
            continue
        col = requests[name] if name in requests.columns else None
        req = (col.to_numpy(dtype=float) if col is not None else np.zeros(len(ivs))) / reps
        traffic = req * a / iv_s
        need = np.asarray(
            required_agents(traffic, a, Targets(service_level=target, threshold_s=threshold))
        )
        add = np.clip(need - m.staffing[g, ivs], 0, max_extra)
        extra[g, ivs] = np.where(need < 0, 0, add)
        for k, v in (
            ("req", req), ("traffic", traffic), ("aht", np.full(len(ivs), a)),
            ("base", m.staffing[g, ivs].astype(float)), ("guess", extra[g, ivs].astype(float)),
            ("interval", ivs),
        ):  # fmt: skip
            rows[k].append(v)
    load = {k: np.concatenate(v) if v else np.zeros(0) for k, v in rows.items()}
    return extra, load


def first_share(
    sc: Scenario, state: LiveState, res: SimulationResult, load: dict[str, np.ndarray], start: int
) -> int:
    """The share of the guess (in eighths, 1 to 7) predicted to meet the service-level targets.

    Erlang A (Erlang C without patience in the scenario) per group and interval on the
    simulated load, for each share; the centre's service level (over the rest of the day
    and per interval) moved by what the share adds to the model's, from the simulated one
    at share 0. The whole day adds the morning's calls.
    """
    from ccsim.analytics import queue_metrics

    t = sc.targets.service_level
    req = load["req"]
    if t is None or (t.target is None and t.interval_target is None) or not req.sum():
        return EIGHTHS // 2
    ok = (load["aht"] > 0) & (req > 0)
    req, iv = req[ok], load["interval"][ok]
    pat = [ct.patience.mean for ct in sc.call_types if ct.patience is not None]
    patience = np.full(int(ok.sum()), float(np.mean(pat))) if pat else None

    def model(f: float) -> np.ndarray:
        agents = load["base"][ok] + np.ceil(load["guess"][ok] * f - 1e-9)
        m = queue_metrics(
            agents, load["traffic"][ok], load["aht"][ok], sc.sl.threshold_s, patience,
            with_asa=False,
        )  # fmt: skip
        out: np.ndarray = np.nan_to_num(np.asarray(m.service_level, dtype=float)) * req
        return out

    ivs = np.unique(iv)
    per_iv = res.kpi_values(["interval"])["service_level"].groupby(level="interval").mean()
    sim_iv = np.array([float(per_iv.get(i, np.nan)) for i in ivs])
    req_iv = np.array([req[iv == i].sum() for i in ivs])
    v = res.sums([])
    n_rest = float(v["requests"].mean())
    s0 = float(v["answered_within"].mean()) / n_rest if n_rest else 0.0
    so = state.kpis_so_far
    ok0 = so.answered_within_threshold if so else 0
    r0 = (so.answered + so.abandoned) if so else 0
    m0 = model(0.0)
    for k in range(1, EIGHTHS):
        gain = model(k / EIGHTHS) - m0
        day = (ok0 + (s0 + gain.sum() / req.sum()) * n_rest) / (r0 + n_rest)
        by_iv = sim_iv + np.array([gain[iv == i].sum() for i in ivs]) / req_iv
        if (t.target is None or day >= t.target) and (
            t.interval_target is None
            or bool(np.all(np.nan_to_num(by_iv, nan=1.0) >= t.interval_target))
        ):
            return k
    return EIGHTHS - 1


def search_share(
    sc: Scenario, state: LiveState, trials: Trials, guess: np.ndarray, first: int, start: int,
    projection: SimulationResult, log: Any,
) -> tuple[np.ndarray, SimulationResult, int]:  # fmt: skip
    """The smallest share of ``guess`` (eighths) that meets the targets.

    Returns the agents of that share, its result, and the replications run. The first
    share tried is ``first``; then the share where the chord between the largest share
    known to miss and the smallest known to meet crosses the service-level target (the
    service level is concave in agents: the chord lies under it, so that share likely
    meets), or its neighbour below when that is the one known to meet; bisection when
    there is no service-level target. Without a share below the whole guess that meets,
    the whole guess. ``projection`` (share 0, all replications) is the screen's first
    reference; then the share decided on all replications nearest to the one screened.
    """
    lo, hi = 0, EIGHTHS  # share 0 (the projection) misses; the whole guess is the fallback
    best: tuple[np.ndarray, SimulationResult] | None = None
    full = {0: projection}  # shares decided on all replications
    level: dict[int, float] = {0: _sl(sc, state, projection)}  # their service level
    runs = 0
    k = min(max(first, 1), EIGHTHS - 1)
    screen = min(SCREEN_REPLICATIONS, trials.replications)
    while hi - lo > 1:
        extra = np.ceil(guess * (k / EIGHTHS) - 1e-9).astype(np.int64)
        ref = full[min(full, key=lambda j: (abs(j - k), j))]
        ok, res, n = meets(sc, state, trials, trials.trial(extra), ref, start, screen)
        runs += n
        if n == trials.replications:
            full[k], level[k] = res, _sl(sc, state, res)
        log(
            f"share {k}/{EIGHTHS} of the guess: {'meets' if ok else 'misses'} on {n} "
            f"replications, day SL {_sl(sc, state, res):.1%}"
        )
        if ok:
            best, hi = (extra, res), k
        else:
            lo = k
        k = _next_share(sc, lo, hi, level)
    if best is None:
        tr = trials.trial(guess)
        res = trials.result(tr, trials.replications)
        runs += trials.replications
        best = (guess, res)
    return best[0], best[1], runs


def _sl(sc: Scenario, state: LiveState, res: SimulationResult) -> float:
    return float(np.nanmean(whole_day(res, state)["service_level"]))


def _next_share(sc: Scenario, lo: int, hi: int, level: dict[int, float]) -> int:
    """The next share to try strictly between ``lo`` (misses) and ``hi`` (meets)."""
    mid = (lo + hi) // 2
    t = sc.targets.service_level
    target = t.target if t is not None else None
    if target is None or lo not in level or hi not in level or level[hi] <= level[lo]:
        return mid
    k = lo + math.ceil((target - level[lo]) / (level[hi] - level[lo]) * (hi - lo) - 1e-9)
    k = min(max(k, lo + 1), hi)
    return hi - 1 if k == hi else k
