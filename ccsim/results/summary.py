"""The summary document of a result (``ccsim run --json``): KPIs with intervals at every roll-up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ccsim._version import __version__
from ccsim.engine.compile import Compiled
from ccsim.results import kpis as K
from ccsim.results.targets import TargetCheck
from ccsim.scenario.loader import scenario_hash
from ccsim.scenario.schema import Scenario


class Summarised(Protocol):
    """What the summary document reads from a result (``SimulationResult`` provides it)."""

    @property
    def scenario(self) -> Scenario:
        """What was simulated."""

    @property
    def seed(self) -> int:
        """The seed of the replications."""

    @property
    def replications(self) -> int:
        """The number of replications."""

    @property
    def wall_s(self) -> float:
        """Wall-clock seconds of the simulation."""

    @property
    def compiled(self) -> Compiled:
        """The compiled scenario."""

    @property
    def all_targets_met(self) -> bool:
        """Whether every target is met."""

    def kpis(self, by: str | Sequence[str] = ()) -> pd.DataFrame:
        """KPIs with 95 % confidence intervals at the roll-up ``by``."""

    def day_label(self, day: int) -> str:
        """A day of the horizon with its weekday."""

    def callers(self) -> dict[str, K.Estimate]:
        """Figures by caller rather than by call."""

    def cost_values(self) -> dict[str, np.ndarray]:
        """Per replication: agent-hours, back-office hours and cost."""

    def targets(self) -> list[TargetCheck]:
        """Each target of the scenario with its value."""

    def work_orders(self) -> dict[str, Any]:
        """Work-order KPIs with 95 % intervals."""

    def campaigns(self) -> dict[str, dict[str, Any]]:
        """Campaign figures with 95 % intervals."""

    def transfers(self) -> dict[str, Any]:
        """Transfers after the first talk, with 95 % intervals."""


def summary_document(res: Summarised) -> dict[str, Any]:
    """The ``ccsim run --json`` document."""
    m = res.compiled
    sc = res.scenario
    total = res.kpis()

    def block(df: pd.DataFrame) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for label in df.index:
            row = df.loc[label]
            out[str(label)] = {
                k: {"mean": row[(k, "mean")], "ci95": [row[(k, "ci_low")], row[(k, "ci_high")]]}
                for k in df.columns.get_level_values(0).unique()
            }
        return out

    def with_occupancy_null(d: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for v in d.values():
            v.setdefault("occupancy", {"mean": None, "ci95": [None, None]})
        return d

    kp = {
        k: {
            "mean": total.loc[k, "mean"],
            "ci95": [total.loc[k, "ci_low"], total.loc[k, "ci_high"]],
        }
        for k in total.index
    }
    by_day = res.kpis("day")
    days = [
        {"day": int(d), "label": res.day_label(int(d)), "kpis": kpis}
        for d, kpis in zip(by_day.index, block(by_day).values(), strict=True)
    ]
    groups = block(res.kpis("group"))
    groups.pop("(none)", None)
    centers = block(res.kpis("center"))
    centers.pop("(none)", None)
    doc: dict[str, Any] = {
        "scenario": sc.name,
        "seed": res.seed,
        "replications": res.replications,
        "ccsim_version": __version__,
        "scenario_hash": scenario_hash(sc),
        "horizon": {
            "duration_h": sc.horizon.duration_h,
            "interval_min": sc.horizon.interval_min,
            "warmup_h": sc.horizon.warmup_h,
            "intervals": m.n_intervals,
        },
        "service_level_definition": {
            "threshold_s": sc.sl.threshold_s,
            "formula": sc.sl.formula,
        },
        "estimator": {"kpis": sc.kpi.estimator, "occupancy": sc.kpi.occupancy},
        "kpis": kp,
        "call_types": with_occupancy_null(block(res.kpis("call_type"))),
        "groups": groups,
        "group_call_types": group_call_types(res),
        "centers": centers,
        "days": days,
        "tiers": with_occupancy_null(block(res.kpis("tier"))),
        "networks": with_occupancy_null(block(res.kpis("network"))),
        "callers": {k: e.as_dict() for k, e in res.callers().items()},
        **{k: K.estimate(v, 0.0).as_dict() for k, v in res.cost_values().items()},
        **({"capacity": _capacity(sc)} if _capacity(sc) else {}),
        **({"exits": _exits(sc)} if _exits(sc) else {}),
        "targets": {t.name: t.as_dict() for t in res.targets()},
        "all_targets_met": res.all_targets_met,
        **({"work_orders": res.work_orders()} if res.compiled.order_ids else {}),
        **({"campaigns": res.campaigns()} if sc.campaigns else {}),
        **({"agent_transfers": res.transfers()} if "transfer_queues" in m.extras else {}),
        "wall_s": res.wall_s,
    }
    return doc


def _capacity(sc: Scenario) -> dict[str, Any]:
    """The scenario's lines and queue capacities, when it sets any (``null``: unlimited)."""
    out: dict[str, Any] = {}
    if sc.lines is not None or any(c.lines is not None for c in sc.centers):
        out["lines"] = {"hotline": sc.lines, "centers": {c.id: c.lines for c in sc.centers}}
    caps = {ct.id: ct.queue_capacity for ct in sc.call_types if ct.queue_capacity is not None}
    if caps:
        out["queue_capacity"] = caps
    return out


def _exits(sc: Scenario) -> dict[str, Any]:
    """The maximum waits and the closing-time rule, when the scenario sets them."""
    out: dict[str, Any] = {}
    waits = {
        ct.id: ct.max_wait.model_dump(mode="json")
        for ct in sc.call_types
        if ct.max_wait is not None
    }
    if waits:
        out["max_wait"] = waits
    if sc.at_closing != "serve":
        out["at_closing"] = sc.at_closing
    return out


#: What ``group_call_types`` shows of each (answering group, call type): proficiency at work.
GROUP_TYPE_KPIS = ("answered", "aht_s", "fcr")


def group_call_types(res: Summarised) -> dict[str, dict[str, dict[str, Any]]]:
    """Per answering group and call type it answered: answered calls, AHT and FCR."""
    df = res.kpis(["group", "call_type"])
    out: dict[str, dict[str, dict[str, Any]]] = {}
    labels: list[tuple[str, str]] = [(str(g), str(t)) for g, t in df.index]
    for (g, t), (_, row) in zip(labels, df.iterrows(), strict=True):
        answered = row[("answered", "mean")]
        if g == "(none)" or not answered > 0:
            continue
        out.setdefault(g, {})[t] = {
            k: {"mean": row[(k, "mean")], "ci95": [row[(k, "ci_low")], row[(k, "ci_high")]]}
            for k in GROUP_TYPE_KPIS
        }
    return out
