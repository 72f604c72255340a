"""Sweeps: a grid (or a sample) of what-ifs, every point simulated with common random numbers.

Every point runs replications ``0 .. N-1`` with the same seed, so a replication of one
point and the same replication of another draw the same random numbers wherever their
models agree: differences between points are differences of the model, not of the noise.
All points' replications go to the workers as one batch.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ccsim.results import SimulationResult
from ccsim.results.kpis import bounds, estimate
from ccsim.runner.pool import installed
from ccsim.runner.replications import Job, Progress, compiled, run_jobs, run_replication
from ccsim.scenario.schema import Scenario

#: KPIs in the sweep tables (the headline ones; every KPI is in the per-replication table).
KPIS = (
    "offered", "answered", "abandoned", "service_level", "answer_rate", "abandon_rate",
    "asa_s", "occupancy", "agents", "agent_hours",
)  # fmt: skip


@dataclass
class SweepResult:
    """One row per point and replication, and one per point with means and 95 % intervals."""

    labels: list[str]  # the varied columns
    points: list[dict[str, Any]]
    replications: pd.DataFrame
    summary: pd.DataFrame
    seed: int
    wall_s: float
    targets: dict[str, tuple[str, float]]  # kpi -> (rule, value) of the base scenario

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document's points (with KPIs as ``{mean, ci95}``)."""
        out = []
        for k, point in enumerate(self.points):
            row = self.summary.iloc[k]
            kpis = {}
            for kpi in KPIS:
                if f"{kpi}_mean" in row:
                    m, lo, hi = (row[f"{kpi}_{s}"] for s in ("mean", "ci_low", "ci_high"))
                    kpis[kpi] = {"mean": _num(m), "ci95": [_num(lo), _num(hi)]}
            out.append({"point": k + 1, "values": point, "kpis": kpis})
        return {"varied": self.labels, "seed": self.seed, "wall_s": self.wall_s, "points": out}


def _num(x: Any) -> float | None:
    x = float(x)
    return None if np.isnan(x) else x


def run_sweep(
    scenarios: list[Scenario],
    points: list[dict[str, Any]],
    replications: int,
    seed: int,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    backend: str = "processes",
    dask_client: Any = None,
) -> SweepResult:
    """Simulate every point's scenario with the same seed; tidy tables of their KPIs."""
    t0 = time.perf_counter()
    jobs: list[Job] = [(sc, r, seed, False, None) for sc in scenarios for r in range(replications)]
    # each replication is reduced to its KPIs where it ran: the main process only gathers
    kpis = run_jobs(jobs, workers, progress, backend, dask_client, fn=_kpi_job)
    wall = time.perf_counter() - t0
    labels = list(points[0]) if points else []
    rep_frames, rows = [], []
    for k, (_sc, point) in enumerate(zip(scenarios, points, strict=True)):
        values = pd.concat(kpis[k * replications : (k + 1) * replications], ignore_index=True)
        for lbl in reversed(labels):
            values.insert(0, lbl, [point[lbl]] * len(values))
        values.insert(0, "point", k + 1)
        rep_frames.append(values)
        row: dict[str, Any] = {"point": k + 1, **point}
        for kpi in KPIS:
            if kpi in values:
                row.update(_estimate(kpi, values[kpi].to_numpy(dtype=float)))
        rows.append(row)
    table = pd.concat(rep_frames, ignore_index=True) if rep_frames else pd.DataFrame()
    targets = _targets(scenarios[0]) if scenarios else {}
    return SweepResult(labels, points, table, pd.DataFrame(rows), seed, wall, targets)


def _kpi_job(job: Job) -> pd.DataFrame:
    """One replication of a point, reduced to its KPIs (one row: ``replication`` and KPIs)."""
    counts = run_replication(*job)
    sc = installed(job[0])
    res = SimulationResult(sc, job[2], 1, [counts], 0.0, compiled(sc))
    return res.kpi_values([]).reset_index()


def _estimate(kpi: str, x: np.ndarray) -> dict[str, float]:
    e = estimate(x, *bounds(kpi))
    return {f"{kpi}_mean": e.mean, f"{kpi}_ci_low": e.low, f"{kpi}_ci_high": e.high}


def _targets(sc: Scenario) -> dict[str, tuple[str, float]]:
    """The base scenario's period targets, to draw on the figures."""
    t = sc.targets
    out: dict[str, tuple[str, float]] = {}
    if t.service_level is not None and t.service_level.target is not None:
        out["service_level"] = (">=", float(t.service_level.target))
    if t.abandon_rate is not None:
        out["abandon_rate"] = ("<=", float(t.abandon_rate))
    if t.answer_rate is not None:
        out["answer_rate"] = (">=", float(t.answer_rate))
    if t.asa_s is not None:
        out["asa_s"] = ("<=", float(t.asa_s))
    if t.max_occupancy is not None:
        out["occupancy"] = ("<=", float(t.max_occupancy))
    return out
