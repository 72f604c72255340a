"""The report of a run: the headline, targets, alarms by clock time, figures, then the detail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ccsim.reporting.alarms import alarm_list, group_alarms, group_intervals, interval_alarms
from ccsim.reporting.erlang_check import erlang_check_html
from ccsim.reporting.html_parts import (
    Folder,
    block_sections,
    days_section,
    esc,
    figure,
    headline,
    kpi_table,
    outbound_sections,
    page,
    table,
    targets_table,
)
from ccsim.reporting.html_routing import handling_section, transfers_section
from ccsim.reporting.labels import fmt_kpi, label

INTERVAL_COLUMNS = ("offered", "answered", "abandoned", "service_level", "asa_s", "abandon_rate",
                    "avg_queue", "occupancy", "agents")  # fmt: skip


def _per_group(summary: dict[str, Any], tables: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    detail = tables.get("intervals_detail.csv")
    if detail is None or detail.empty:
        return None
    formula = str((summary.get("service_level_definition") or {}).get("formula", "offered"))
    return group_intervals(detail, formula)


def interval_sections(
    tmp: Path,
    summary: dict[str, Any],
    tables: dict[str, pd.DataFrame],
    figures: bool,
    most: int = 2_000,
) -> tuple[str, str, str]:
    """Alarms, figures and the per-interval table of a simulated day (run or verified plan)."""
    intervals, agents = tables["intervals.csv"], tables["agents.csv"]
    per_group = _per_group(summary, tables)
    centre, groups = interval_alarms(summary, intervals), group_alarms(summary, per_group)
    alarm_html = "<h3>Whole centre, by interval</h3>" + alarm_list(
        centre, "No interval breaks a target."
    )
    if summary.get("groups") and len(summary["groups"]) > 1:
        alarm_html += "<h3>Groups</h3>" + alarm_list(groups, "No group breaks a target.")
    imgs = ""
    if figures:
        from ccsim.reporting.figures import write_figures

        drawn = write_figures(tmp, intervals, agents, summary, per_group)
        imgs = '<div class="grid">' + "".join(figure(p, c) for p, c in drawn) + "</div>"
    cols = [c for c in INTERVAL_COLUMNS if c in intervals]
    shown = intervals.head(most).copy()
    if "occupancy" in shown and "agents" in shown:  # no occupancy where no agent is staffed
        shown["occupancy"] = shown["occupancy"].where(shown["agents"] > 0)
    rows = [[str(r["start"])] + [fmt_kpi(c, r[c]) for c in cols] for _, r in shown.iterrows()]
    note = (
        f'<p class="small">The first {most:,} of {len(intervals):,} intervals; '
        "intervals.csv holds them all.</p>"
        if len(intervals) > most
        else ""
    )
    per_interval = note + table(["interval", *[label(c) for c in cols]], rows)
    return alarm_html, imgs or "<p>(figures not drawn)</p>", per_interval


def subtitle(manifest: dict[str, Any], summary: dict[str, Any]) -> str:
    """Provenance under the title: version, seed, replications, hash, SL definition, wall time."""
    sld = summary.get("service_level_definition") or {}
    parts = [
        f"ccsim {esc(manifest.get('ccsim_version', ''))}",
        f"seed {esc(summary.get('seed'))}",
        f"{esc(summary.get('replications'))} replication{'' if summary.get('replications') == 1 else 's'}",
    ]
    if summary.get("scenario_hash"):
        parts.append(f"scenario hash {esc(str(summary['scenario_hash'])[:12])}")
    if sld:
        parts.append(
            f"service level = {esc(sld.get('formula', 'offered'))} formula, "
            f"T = {float(sld.get('threshold_s', 20)):g} s"
        )
    parts.append(f"{float(manifest.get('wall_s', 0) or 0):.1f} s wall time")
    return " &middot; ".join(parts)


def _required(summary: dict[str, Any], tables: dict[str, pd.DataFrame], most: int) -> str:
    """Agents staffed vs required per interval and group, where the targets say what is required."""
    from ccsim.reporting.required import required_table, required_vs_staffed

    table = required_vs_staffed(summary, tables.get("intervals_detail.csv"), tables["agents.csv"])
    if table is None or table.empty:
        return ""
    return "<h2>Agents staffed vs required, by interval and group</h2>" + required_table(
        table, most
    )


def run_page(tmp: Path, found: Folder, figures: bool, most: int = 2_000) -> str:
    """The whole report of a run folder."""
    s = found.summary
    alarms, imgs, per_interval = interval_sections(tmp, s, found.tables, figures, most)
    body = (
        headline(s)
        + "<h2>Targets</h2>"
        + targets_table(s)
        + "<h2>Alarms: intervals and groups that break a target</h2>"
        + alarms
        + "<h2>Figures</h2>"
        + imgs
        + _required(s, found.tables, most)
        + erlang_check_html(s.get("erlang_check"), most)
        + "<h2>KPIs (whole period, mean over replications)</h2>"
        + kpi_table(s)
        + block_sections(s)
        + handling_section(s.get("group_call_types"))
        + transfers_section(s.get("agent_transfers"))
        + outbound_sections(s)
        + days_section(s.get("days"))
        + "<h2>Per interval</h2>"
        + per_interval
    )
    return page(str(s["scenario"]), subtitle(found.manifest, s), body)
