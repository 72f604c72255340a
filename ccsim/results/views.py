"""A simulation result in Jupyter and at the prompt: a short text or HTML view, and ``save``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ccsim.results import display, saving

if TYPE_CHECKING:
    from ccsim.results.targets import TargetCheck
    from ccsim.scenario.schema import Scenario


def targets_table(checks: list[TargetCheck]) -> pd.DataFrame:
    """One row per target: the rule, the simulated mean with its 95 % interval, met or missed."""
    rows = [
        {
            "target": t.name,
            "kpi": t.kpi,
            "scope": t.scope,
            "rule": t.rule,
            "goal": t.target,
            "value": t.value.mean,
            "ci_low": t.value.low,
            "ci_high": t.value.high,
            "met": t.met,
        }
        for t in checks
    ]
    columns = ["target", "kpi", "scope", "rule", "goal", "value", "ci_low", "ci_high", "met"]
    return pd.DataFrame(rows, columns=columns).set_index("target")


class RunViews:
    """What ``SimulationResult`` shows of itself, and how it writes its folder."""

    if TYPE_CHECKING:
        scenario: Scenario
        seed: int
        replications: int
        wall_s: float

        def kpis(self, by: Any = ()) -> pd.DataFrame: ...  # noqa: D102
        def targets(self) -> list[TargetCheck]: ...  # noqa: D102

    def save(self, folder: str | Path, keep_calls: bool = False, figures: bool = True) -> Path:
        """Write the folder ``ccsim run --out`` writes: tables, figures, manifest, report.html.

        Parameters
        ----------
        folder : str or Path
            The output folder; an existing ccsim output folder is replaced, anything
            else is refused. Filled beside the target and renamed into place.
        keep_calls : bool
            Also write per-call records (``calls.csv.gz``; needs ``keep_calls=True`` in
            ``simulate``).
        figures : bool
            Draw the figures (PNG) of the report.

        Returns
        -------
        Path
            The folder written.
        """
        return saving.save("run", self, folder, keep_calls=keep_calls, figures=figures)

    def met(self) -> pd.DataFrame:
        """One row per target: rule, goal, the mean with its 95 % interval, and met or missed."""
        return targets_table(self.targets())

    def _view(self) -> tuple[str, list[str], list[tuple[str, pd.DataFrame]]]:
        k = self.kpis()
        k = k.loc[[x for x in display.HEADLINE if x in k.index]]
        shown = pd.DataFrame(
            {
                "mean": [display.number(v) for v in k["mean"]],
                "95% interval": [
                    display.interval(a, b) for a, b in zip(k["ci_low"], k["ci_high"], strict=True)
                ],
            },
            index=k.index,
        )
        title = (
            f"SimulationResult: {self.scenario.name}, seed {self.seed}, "
            f"{self.replications} replications, {self.wall_s:.1f} s"
        )
        tables = [("KPIs (whole period; .kpis() for all, .kpis('interval') per interval)", shown)]
        checks = self.targets()
        if checks:
            t = targets_table(checks)
            tables.append(
                (
                    "Targets",
                    pd.DataFrame(
                        {
                            "rule": [
                                f"{r} {display.number(g)}"
                                for r, g in zip(t["rule"], t["goal"], strict=True)
                            ],
                            "value": [display.number(v) for v in t["value"]],
                            "met": ["met" if m else "MISSED" for m in t["met"]],
                        },
                        index=t.index,
                    ),
                )
            )
        return title, [], tables

    def __repr__(self) -> str:
        return display.text(*self._view())

    def _repr_html_(self) -> str:
        return display.html_view(*self._view())
