"""The report of a staffing plan: targets, shortfalls by clock time, required vs staffed, roster."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ccsim.reporting.html_parts import Folder, esc, figure, headline, page, table, targets_table
from ccsim.reporting.labels import fmt_kpi, fmt_num, label, missing
from ccsim.reporting.rostered import rostered_section


def _clock(labels: list[str], most: int = 12) -> str:
    more = f" (+{len(labels) - most} more)" if len(labels) > most else ""
    return ", ".join(labels[:most]) + more


def under_cover(plan: pd.DataFrame) -> list[tuple[str, list[str], float]]:
    """Per group, the intervals where the agents staffed (rostered) are fewer than required.

    Required is the simulated plan grossed up for shrinkage (``scheduled_agents``); the
    agents staffed are the roster's where there is one. Returns (group, clock times,
    agent-intervals short).
    """
    if "rostered_agents" not in plan or plan["rostered_agents"].isna().all():
        return []
    out = []
    for gid, rows in plan.groupby("group", sort=False):
        rows = rows.dropna(subset=["rostered_agents"]).sort_values("interval")
        short = rows[rows["rostered_agents"] < rows["scheduled_agents"] - 1e-9]
        if not short.empty:
            gap = float((short["scheduled_agents"] - short["rostered_agents"]).sum())
            out.append((str(gid), [str(s) for s in short["start"]], gap))
    return out


def gaps_section(s: dict[str, Any], plan: pd.DataFrame) -> str:
    """What the plan leaves short, by clock time: shortfalls, the floor, roster under-cover."""
    items = []
    for f in s.get("shortfalls", []) or []:
        where = f" at {_clock(f['interval_labels'])}" if f.get("interval_labels") else ""
        items.append(
            f"<li><b>{esc(label(str(f.get('target'))))}</b>: {esc(f.get('reason'))}{esc(where)}</li>"
        )
    floor = s.get("floor") or {}
    below = floor.get("below") or []
    if floor.get("service_level") is not None and below:
        worst = [f"{b['start']} ({fmt_kpi('service_level', b['service_level'])})" for b in below]
        items.append(
            f"<li><b>below the floor</b> of {fmt_kpi('service_level', floor['service_level'])} in "
            f"{float(floor.get('threshold_s', 0)):g} s per interval: {esc(_clock(worst))}</li>"
        )
    for gid, starts, gap in under_cover(plan):
        items.append(
            f"<li><b>roster {esc(gid)}</b>: fewer agents on shift than required at "
            f"{esc(_clock(starts))} ({fmt_num(gap, 1)} agent-intervals short)</li>"
        )
    if not items:
        return '<p class="met">No shortfall: every target holds and the roster covers the plan.</p>'
    return f'<ul class="alarms">{"".join(items)}</ul>'


def _hours_table(s: dict[str, Any]) -> str:
    h = s["agent_hours"]
    rows = [["Erlang (step 1)", fmt_num(h.get("erlang"))], ["simulated (step 2)", fmt_num(h.get("sim"))],
            [f"scheduled (shrinkage {fmt_kpi('occupancy', s.get('shrinkage', 0))})", fmt_num(h.get("scheduled"))]]  # fmt: skip
    if h.get("rostered") is not None:
        rows.append(["rostered (step 3)", fmt_num(h["rostered"])])
    return table(["agent-hours", "hours"], rows)


def _groups_table(s: dict[str, Any]) -> str:
    rows = []
    for g in s["groups"]:
        gap = g.get("gap_share")
        rows.append([g["group"], fmt_num(g["erlang_agent_hours"]), fmt_num(g["sim_agent_hours"]),
                     "-" if gap is None else f"{gap:+.0%}", str(g.get("peak_sim_agents", "-")),
                     "; ".join(g.get("reasons", []))])  # fmt: skip
    return table(
        ["group", "Erlang h", "simulated h", "gap", "peak agents", "why the gap (where large)"],
        rows,
    )


def _plan_table(plan: pd.DataFrame) -> str:
    """Per interval and group: required (simulated) / staffed (rostered, else scheduled)."""
    rostered = "rostered_agents" in plan and plan["rostered_agents"].notna().any()
    staffed = "rostered_agents" if rostered else "scheduled_agents"
    groups = list(dict.fromkeys(plan["group"]))
    rows = []
    for (_, start), part in plan.groupby(["interval", "start"], sort=True):
        by: dict[str, dict[Any, Any]] = {str(r["group"]): r for r in part.to_dict("records")}
        cells = []
        for g in groups:
            r = by.get(str(g))
            if r is None:
                cells.append("-")
                continue
            need, have = float(r["scheduled_agents"]), r.get(staffed)
            have_f = need if have is None or missing(have) else float(have)
            mark = " ⚠" if have_f < need - 1e-9 else ""
            cells.append(f"{int(r['sim_agents'])} / {fmt_num(have_f, 0)}{mark}")
        rows.append([str(start), *cells])
    what = "rostered" if rostered else "scheduled (with shrinkage)"
    return (
        f'<p class="small">Each cell: agents required by the simulated plan / agents {what}; '
        "⚠ where fewer are staffed than required with shrinkage.</p>"
        + table(["interval", *groups], rows)
    )


def _roster(s: dict[str, Any]) -> str:
    out = ""
    for gid, r in (s.get("roster") or {}).items():
        rows = [[x["shift"], x.get("pattern", ""), str(x["agents"]), fmt_num(x["paid_hours"])]
                for x in r.get("shifts", [])]  # fmt: skip
        out += (
            f"<h3>{esc(gid)}: {fmt_num(r['paid_hours'])} paid hours, over-cover "
            f"{fmt_num(r['over_cover_agent_hours'])} agent-hours ({esc(r['status'])})</h3>"
            + table(["shift", "pattern", "agents", "paid hours"], rows)
        )
    return f"<h2>Roster</h2>{out}" if out else ""


def plan_page(tmp: Path, found: Folder, figures: bool, most: int = 2_000) -> str:
    """The whole report of a staffing plan folder."""
    s, plan = found.summary, found.tables["plan.csv"]
    imgs = ""
    if figures:
        from ccsim.reporting.figure_base import save
        from ccsim.reporting.figures_grid import plan_figure

        for gid in dict.fromkeys(plan["group"]):
            p = save(plan_figure(plan, str(gid)), tmp / "figures" / f"plan_{gid}.png")
            imgs += figure(p, f"Required vs staffed: {gid}")
    body = (
        headline(s, " (simulated plan)")
        + f'<p class="small">{esc(str(s.get("statement", "")).capitalize())}.</p>'
        + "<h2>Gaps and shortfalls, by clock time</h2>"
        + gaps_section(s, plan)
        + "<h2>Targets (simulated plan)</h2>"
        + targets_table(s)
        + "<h2>Agent-hours at each step</h2>"
        + _hours_table(s)
        + _groups_table(s)
        + "<h2>Required vs staffed</h2>"
        + (f'<div class="grid">{imgs}</div>' if imgs else "")
        + _plan_table(plan)
        + _roster(s)
        + rostered_section(s)
    )
    if "intervals.csv" in found.tables and "agents_simulated.csv" in found.tables:
        from ccsim.reporting.html_run import interval_sections

        # the simulated day's agents table (agents.csv of a plan folder holds the plan)
        tables = {**found.tables, "agents.csv": found.tables["agents_simulated.csv"]}
        alarms, run_imgs, per_interval = interval_sections(tmp, s, tables, figures, most)
        body += (
            "<h2>The simulated plan's day: alarms</h2>"
            + alarms
            + "<h2>The simulated plan's day: figures</h2>"
            + run_imgs
            + "<h2>The simulated plan's day: per interval</h2>"
            + per_interval
        )
    sub = (
        f"ccsim {esc(found.manifest.get('ccsim_version', ''))} &middot; staffing plan &middot; "
        f"seed {esc(s.get('seed'))} &middot; {esc(s.get('evaluations', '-'))} plans simulated, "
        f"{esc(s.get('replications'))} replications each &middot; "
        f"{float(s.get('wall_s', 0) or 0):.1f} s wall time"
    )
    return page(f"{s['scenario']}: staffing plan", sub, body)
