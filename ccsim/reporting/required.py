"""Agents required vs staffed, per interval and group, for a run's report.

"Required" here is the closed form: Erlang C agents for the calls each group was
offered in the simulation, at its average handling time, against the scenario's
service-level, ASA and occupancy targets (the per-interval service level where there is
one). It is a yardstick, not a plan: overflow between groups, tier priorities and
abandonment make the simulated need differ, and ``ccsim staff`` finds that one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ccsim.analytics import Targets, required_agents
from ccsim.reporting.labels import fmt_num


def _targets(summary: dict[str, Any]) -> Targets | None:
    t = summary.get("targets") or {}
    sld = summary.get("service_level_definition") or {}
    sl = t.get("service_level_interval", t.get("service_level"))
    level = sl.get("target") if isinstance(sl, dict) else None
    asa = (t.get("asa_s") or {}).get("target")
    occ = (t.get("max_occupancy") or {}).get("target")
    if level is None and asa is None:
        return None
    return Targets(
        service_level=level if level is not None and 0 < level < 1 else None,
        threshold_s=float(sld.get("threshold_s", 20.0)),
        sl_formula=str(sld.get("formula", "offered")),
        asa_s=asa if asa is not None and asa > 0 else None,
        max_occupancy=occ if occ is not None and 0 < occ <= 1 else None,
    )


def required_vs_staffed(
    summary: dict[str, Any], detail: pd.DataFrame | None, agents: pd.DataFrame
) -> pd.DataFrame | None:
    """Per interval and group: calls offered, AHT, Erlang C agents required and agents staffed.

    ``None`` when the scenario has no service-level or ASA target to size against, or the
    folder has no detail table.
    """
    targets = _targets(summary)
    hz = summary.get("horizon") or {}
    if targets is None or detail is None or detail.empty or not hz.get("interval_min"):
        return None
    d = detail.assign(work=detail["aht_s"].fillna(0.0) * detail["answered"])
    g = d.groupby(["interval", "start", "group"], sort=True)[["requests", "answered", "work"]].sum()
    g = g.reset_index()
    # an interval where the group answered nobody takes the group's handling time over the run
    whole = g.groupby("group")[["work", "answered"]].sum()
    fallback = (whole["work"] / whole["answered"].where(whole["answered"] > 0)).reindex(g["group"])
    with np.errstate(invalid="ignore", divide="ignore"):
        aht = np.where(
            g["answered"] > 0,
            g["work"] / g["answered"].where(g["answered"] > 0, 1),
            fallback.to_numpy(dtype=float),
        )
    load = (
        g["requests"].to_numpy(dtype=float)
        * np.nan_to_num(aht)
        / (60.0 * float(hz["interval_min"]))
    )
    need = np.zeros(len(g), dtype=float)
    ok = load > 0
    if ok.any():
        need[ok] = np.asarray(required_agents(load[ok], aht[ok], targets), dtype=float)
    g["aht_s"] = aht
    g["required_agents"] = need
    staffed = agents.groupby(["interval", "group"])["staffed_agents"].sum()
    g["staffed_agents"] = [
        float(staffed.get((i, grp), np.nan))
        for i, grp in zip(g["interval"], g["group"], strict=True)
    ]
    return g


def required_table(table: pd.DataFrame, most: int = 2_000) -> str:
    """The HTML table: per interval, each group's agents staffed / required, ⚠ where short."""
    from ccsim.reporting.html_parts import table as html_table

    groups = list(dict.fromkeys(table["group"]))
    rows = []
    for (_, start), part in list(table.groupby(["interval", "start"], sort=True))[:most]:
        by = {str(r["group"]): r for r in part.to_dict("records")}
        cells = []
        for gid in groups:
            r = by.get(str(gid))
            if r is None:
                cells.append("-")
                continue
            have, need = float(r["staffed_agents"]), float(r["required_agents"])
            mark = " ⚠" if have < need - 1e-9 else ""
            cells.append(f"{fmt_num(have, 1)} / {fmt_num(need, 0)}{mark}")
        rows.append([str(start), *cells])
    short = table[table["staffed_agents"] < table["required_agents"] - 1e-9]
    note = (
        '<p class="small">Each cell: agents staffed / agents required (Erlang C on the calls the '
        "group was offered in this run, at its average handling time, against the service-level, "
        "ASA and occupancy targets; overflow, priorities and abandonment move the real need: "
        f"<code>ccsim staff</code> simulates it). ⚠ marks the {len(short)} group-intervals staffed below it.</p>"
    )
    return note + html_table(["interval", *groups], rows)
