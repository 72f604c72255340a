"""A staffing plan as DataFrames, in Jupyter and at the prompt, and its folder (``save``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ccsim.results import display, saving

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ccsim.scenario.schema import Scenario
    from ccsim.staffing.shifts import Roster

STEPS = ("erlang", "sim", "scheduled", "rostered")


class PlanViews:
    """What ``StaffingPlan`` shows of itself, and how it writes its folder."""

    if TYPE_CHECKING:
        scenario: Scenario
        group_ids: list[str]
        interval_labels: list[str]
        erlang: NDArray[np.int64]
        simulated: NDArray[np.int64]
        scheduled: NDArray[np.int64]
        rostered: NDArray[np.float64] | None
        rosters: dict[str, Roster]
        seed: int
        wall_s: float

        @property
        def feasible(self) -> bool: ...  # noqa: D102
        def hours(self, matrix: NDArray[Any]) -> float: ...  # noqa: D102
        def group_summary(self) -> list[dict[str, Any]]: ...  # noqa: D102
        def summary(self) -> dict[str, Any]: ...  # noqa: D102

    def _matrix(self, step: str) -> NDArray[Any]:
        if step not in STEPS:
            raise ValueError(f"step must be one of {', '.join(STEPS)}, got {step!r}")
        if step == "rostered":
            if self.rostered is None:
                raise ValueError("this plan has no roster (the scenario gives no shift patterns)")
            return self.rostered
        return {"erlang": self.erlang, "sim": self.simulated, "scheduled": self.scheduled}[step]

    def _index(self) -> pd.Index:
        return pd.Index(self.interval_labels, name="start")

    def agents(self, step: str = "sim") -> pd.DataFrame:
        """Agents per interval (rows, by clock time) and group (columns) at one step of the plan.

        ``step``: ``erlang`` (step 1, each group on its own load), ``sim`` (the
        simulation-verified agents, the default), ``scheduled`` (``sim`` grossed up for
        shrinkage) or ``rostered`` (on duty in the shift roster).
        """
        m = self._matrix(step)
        out = pd.DataFrame(np.asarray(m).T, index=self._index(), columns=list(self.group_ids))
        out.columns.name = "group"
        return out

    def required(self) -> pd.DataFrame:
        """Erlang's estimate against the agents simulation staffs, per interval and group.

        Columns ``(group, erlang|sim|difference)``; ``difference`` is ``sim - erlang``.
        """
        parts = {}
        for g, gid in enumerate(self.group_ids):
            e, s = self.erlang[g].astype(int), self.simulated[g].astype(int)
            parts[(gid, "erlang")] = e
            parts[(gid, "sim")] = s
            parts[(gid, "difference")] = s - e
        out = pd.DataFrame(parts, index=self._index())
        out.columns = pd.MultiIndex.from_tuples(list(parts), names=["group", "agents"])
        return out

    def groups(self) -> pd.DataFrame:
        """Per group: agent-hours at each step, the Erlang-simulation gap and its likely reasons."""
        rows = [{**g, "reasons": "; ".join(g["reasons"])} for g in self.group_summary()]
        return pd.DataFrame(rows).set_index("group")

    def targets(self) -> pd.DataFrame:
        """One row per target: the simulated plan's value, its 95 % interval, met or missed.

        ``met`` is the search's verdict (at the plan's confidence, per interval for a
        per-interval target); ``met_on_mean`` compares the mean alone.
        """
        rows = []
        for name, t in self.summary()["targets"].items():
            lo, hi = t.get("ci95") or (None, None)
            rows.append(
                {"target": name, "kpi": t.get("kpi"), "scope": t.get("scope"),
                 "rule": t.get("rule"), "goal": t.get("target"), "value": t.get("value"),
                 "ci_low": lo, "ci_high": hi, "met": bool(t.get("met")),
                 "met_on_mean": bool(t.get("met_on_mean"))}
            )  # fmt: skip
        columns = ["target", "kpi", "scope", "rule", "goal", "value", "ci_low", "ci_high", "met",
                   "met_on_mean"]  # fmt: skip
        return pd.DataFrame(rows, columns=columns).set_index("target")

    def roster(self) -> pd.DataFrame:
        """The shifts worked per group, with agents and paid hours (empty without shift patterns)."""
        rows = [{"group": g, **r} for g, ro in self.rosters.items() for r in ro.rows()]
        return pd.DataFrame(rows, columns=["group", "shift", "pattern", "agents", "paid_hours"])

    def save(self, folder: str | Path, figures: bool = True) -> Path:
        """Write the folder ``ccsim staff --out`` writes: plan.csv, groups.csv, report.html, ...

        The folder is filled beside the target and renamed into place.
        """
        return saving.save("staffing plan", self, folder, figures=figures)

    def _view(self) -> tuple[str, list[str], list[tuple[str, pd.DataFrame]]]:
        title = f"StaffingPlan: {self.scenario.name}, seed {self.seed}, {self.wall_s:.1f} s"
        hours = ", ".join(
            f"{step} {display.number(self.hours(self._matrix(step)), 6)}"
            for step in STEPS
            if step != "rostered" or self.rostered is not None
        )
        lines = [
            f"{'feasible' if self.feasible else 'NOT feasible'}: agent-hours {hours}",
            ".agents() per interval and group, .required() Erlang vs sim, .targets(), "
            ".groups(), .roster()",
        ]
        g = self.groups()
        shown = pd.DataFrame(
            {
                c: [display.number(v, 6) for v in g[c]]
                for c in (
                    "erlang_agent_hours",
                    "sim_agent_hours",
                    "scheduled_agent_hours",
                    "peak_sim_agents",
                )
            },
            index=g.index,
        )
        t = self.targets()
        met = pd.DataFrame(
            {
                "rule": [
                    f"{r} {display.number(x)}" for r, x in zip(t["rule"], t["goal"], strict=True)
                ],
                "value": [display.number(v) for v in t["value"]],
                "met": ["met" if m else "MISSED" for m in t["met"]],
            },
            index=t.index,
        )
        return title, lines, [("Groups", shown), ("Targets", met)]

    def __repr__(self) -> str:
        return display.text(*self._view())

    def _repr_html_(self) -> str:
        return display.html_view(*self._view())
