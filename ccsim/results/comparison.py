"""What ``ccsim.compare`` returns: designs side by side as DataFrames, and their folder.

A ``Comparison`` holds the ``ccsim compare --json`` document and the results behind it.
It is that document (a dict: ``cmp["differences"]``), and adds the DataFrame views an
analyst wants: ``kpis()``, ``differences()``, ``met()``; ``save(folder)`` writes what
``ccsim compare --out`` writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ccsim.results import display, saving
from ccsim.results.result import SimulationResult

STATS = ("mean", "ci_low", "ci_high")


def _frame(rows: dict[str, dict[str, Any]], index_name: str) -> pd.DataFrame:
    """``{row: {kpi: {"mean", "ci95"}}}`` as a DataFrame, columns ``(kpi, mean|ci_low|ci_high)``."""
    data: dict[tuple[str, str], list[float]] = {}
    names = list(rows)
    kpis = list(dict.fromkeys(k for r in rows.values() for k in r))
    for k in kpis:
        for stat in STATS:
            data[(k, stat)] = []
        for name in names:
            v = rows[name].get(k) or {}
            lo, hi = v.get("ci95") or (None, None)
            for stat, x in zip(STATS, (v.get("mean"), lo, hi), strict=True):
                data[(k, stat)].append(float("nan") if x is None else float(x))
    out = pd.DataFrame(data, index=pd.Index(names, name=index_name))
    out.columns = pd.MultiIndex.from_tuples(list(data), names=["kpi", "stat"])
    return out


class Comparison(dict[str, Any]):
    """Designs simulated with common random numbers, the first one the reference.

    It is the ``ccsim compare --json`` document (a dict: ``cmp["differences"]``, and
    ``json.dumps`` takes it as it is), with the results behind it and DataFrame views.

    Parameters
    ----------
    doc : dict
        The ``ccsim compare --json`` document.
    results : list of SimulationResult
        Each design's result, in the same order.
    """

    def __init__(self, doc: dict[str, Any], results: list[SimulationResult]) -> None:
        super().__init__(doc)
        self.results = results

    def to_dict(self) -> dict[str, Any]:
        """The ``ccsim compare --json`` document, as a plain dict."""
        return dict(self)

    @property
    def names(self) -> list[str]:
        """The designs' labels, the reference first: scenario names, numbered where two share one."""
        names = [str(s["name"]) for s in self["scenarios"]]
        return [n if names.count(n) == 1 else f"{n} #{i + 1}" for i, n in enumerate(names)]

    # -- DataFrames -----------------------------------------------------------------------

    def kpis(self) -> pd.DataFrame:
        """Design x KPI over the whole period: columns ``(kpi, mean|ci_low|ci_high)``."""
        rows = dict(zip(self.names, (s["kpis"] for s in self["scenarios"]), strict=True))
        return _frame(rows, "design")

    def differences(self) -> pd.DataFrame:
        """Each design minus the first, replication by replication, with 95 % intervals.

        Columns ``(kpi, mean|ci_low|ci_high)``; an interval that excludes 0 is a
        difference the common random numbers resolve.
        """
        rows = {
            name: {k: v for k, v in d.items() if isinstance(v, dict)}
            for name, d in zip(self.names[1:], self["differences"], strict=True)
        }
        out = _frame(rows, "design")
        out.attrs["against"] = self.names[0]
        return out

    def met(self) -> pd.DataFrame:
        """Targets met (True) or missed (False) per design, one column per target, and all."""
        rows = {}
        for label, s in zip(self.names, self["scenarios"], strict=True):
            row = {name: bool(t.get("met")) for name, t in (s.get("targets") or {}).items()}
            row["all_targets_met"] = bool(s.get("all_targets_met"))
            rows[label] = row
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index.name = "design"
        return out

    def save(self, folder: str | Path, figures: bool = True) -> Path:
        """Write the folder ``ccsim compare --out`` writes: tables, figures, report.html.

        The folder is filled beside the target and renamed into place.
        """
        return saving.save("comparison", self, folder, figures=figures)

    # -- display --------------------------------------------------------------------------

    def _view(self) -> tuple[str, list[str], list[tuple[str, pd.DataFrame]]]:
        doc = self
        title = (
            f"Comparison of {len(self.names)} designs: {', '.join(self.names)} "
            f"(seed {doc['seed']}, {doc['replications']} replications, common random numbers)"
        )
        shown = [k for k in display.HEADLINE if k in self.kpis().columns.get_level_values(0)]
        # shown KPI by row, a column per design: reads well for any number of designs
        tables = [("KPIs, mean [95% interval]", display.mean_ci_table(self.kpis()[shown]).T)]
        if doc["differences"]:
            diff = self.differences()
            cols = [k for k in shown if k in diff.columns.get_level_values(0)]
            tables.append(
                (f"Differences against {self.names[0]}", display.mean_ci_table(diff[cols]).T)
            )
        met = self.met()
        if len(met.columns) > 1:
            tables.append(("Targets", met.map(lambda m: "met" if m else "MISSED").T))
        return title, [f"note: {n}" for n in doc.get("notes", [])], tables

    def __repr__(self) -> str:
        return display.text(*self._view())

    def _repr_html_(self) -> str:
        return display.html_view(*self._view())
