"""The report of a comparison: designs side by side, met or missed per design, paired differences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ccsim.reporting.comparison import comparison_rows, design_names
from ccsim.reporting.html_parts import Folder, esc, figure, page, status, table
from ccsim.reporting.labels import fmt_ci, fmt_kpi, missing, rule_text, target_label


def _headlines(doc: dict[str, Any], names: list[str]) -> str:
    out = []
    for n, sc in zip(names, doc["scenarios"], strict=True):
        ts = list((sc.get("targets") or {}).values())
        met = sum(1 for t in ts if t.get("met"))
        cls = "ok" if met == len(ts) else "bad"
        text = f"{n}: {met} of {len(ts)} targets met" if ts else f"{n}: no targets set"
        out.append(f'<p class="headline {cls}">{esc(text)}</p>')
    return "<div>" + " ".join(out) + "</div>"


def _targets(doc: dict[str, Any], names: list[str]) -> str:
    """Every target of any design: its value and verdict in each design."""
    keys: dict[str, dict[str, Any]] = {}
    for sc in doc["scenarios"]:
        for name, t in (sc.get("targets") or {}).items():
            keys.setdefault(name, t)
    if not keys:
        return "<p>No targets set.</p>"
    rows = []
    for name, first in keys.items():
        row = [target_label(name, first), rule_text(first)]
        for sc in doc["scenarios"]:
            t = (sc.get("targets") or {}).get(name)
            if t is None:
                row += ["-", "-"]
                continue
            v = "no calls" if missing(t.get("value")) else fmt_kpi(t["kpi"], t["value"])
            row += [f"{v} ({fmt_ci(t['kpi'], t.get('ci95'))})", status(bool(t["met"]))]
        rows.append(row)
    cols = ["target", "rule"]
    for n in names:
        cols += [f"{n}: value (95% interval)", ""]
    return table(cols, rows, raw=range(3, len(cols), 2))


def _kpis(doc: dict[str, Any], names: list[str]) -> tuple[str, str]:
    rows = comparison_rows(doc)
    cols = ["KPI", "target"]
    for n in names:
        cols += [n, ""]
    body = []
    for r in rows:
        row = [r["label"], r["target"]]
        for v, met in zip(r["values"], r["met"], strict=True):
            row += [v, "" if met is None else status(met)]
        body.append(row)
    side = table(cols, body, raw=range(3, len(cols), 2))
    diffs = ""
    if doc["differences"]:
        heads = [f"{d['name']} - {d['against']}" for d in doc["differences"]]
        diffs = table(
            ["difference (95% interval)", *heads], [[r["label"], *r["differences"]] for r in rows]
        )
    return side, diffs


def _per_interval(intervals: pd.DataFrame, names: list[str]) -> str:
    """Service level per interval in each design, and each design's difference from the first."""
    wide = intervals.pivot_table(index="interval", columns="design", values="service_level",
                                 aggfunc="first", dropna=False).sort_index()  # fmt: skip
    starts = intervals.drop_duplicates("interval").set_index("interval")["start"]
    designs = [int(str(c)) for c in wide.columns]
    rows = []
    for i, r in wide.iterrows():
        start = starts.get(i, i)
        vals = [float(r[d]) for d in designs]
        row = [str(start), *[fmt_kpi("service_level", v) for v in vals]]
        for v in vals[1:]:
            dv = v - vals[0]
            row.append("-" if np.isnan(dv) else f"{dv * 100:+.1f} pt")
        rows.append(row)
    label = [names[d] if d < len(names) else str(d) for d in designs]
    cols = [
        "interval",
        *[f"{n}: service level" for n in label],
        *[f"{n} - {label[0]}" for n in label[1:]],
    ]
    return table(cols, rows)


def compare_page(tmp: Path, found: Folder, figures: bool) -> str:
    """The whole report of a comparison folder."""
    doc = found.summary
    names = design_names(doc)
    side, diffs = _kpis(doc, names)
    body = (
        _headlines(doc, names)
        + "<h2>Targets, design by design</h2>"
        + _targets(doc, names)
        + "<h2>KPIs side by side (whole period, mean over replications)</h2>"
        + side
        + (
            "<h2>Differences from the first design (paired replications, 95% interval)</h2>" + diffs
            if diffs
            else ""
        )
    )
    intervals = found.tables.get("intervals.csv")
    if intervals is not None and not intervals.empty:
        if figures:
            from ccsim.reporting.figure_base import save
            from ccsim.reporting.figures_grid import designs_figure

            targets = doc["scenarios"][0].get("targets") or {}
            imgs = ""
            for kpi, caption in (("service_level", "Service level per interval, by design"),
                                 ("abandon_rate", "Abandonment rate per interval, by design"),
                                 ("asa_s", "ASA per interval, by design")):  # fmt: skip
                if kpi in intervals:
                    p = save(
                        designs_figure(intervals, kpi, targets, names),
                        tmp / "figures" / f"designs_{kpi}.png",
                    )
                    imgs += figure(p, caption)
            body += f'<h2>Per interval, by design</h2><div class="grid">{imgs}</div>'
        body += "<h2>Service level per interval</h2>" + _per_interval(intervals, names)
    pool = doc.get("pooling") or {}
    if pool.get("by_scenario"):
        sims = ", ".join(
            f"{b['name']} {b['simulated_agent_hours']:,.0f}" for b in pool["by_scenario"]
        )
        body += (
            "<h2>Pooling (Erlang C estimate)</h2>"
            f"<p>A queue per local network needs {pool['separate_agent_hours']:,.0f} agent-hours, one pooled "
            f"queue {pool['pooled_agent_hours']:,.0f}: pooling saves {pool['gain_agent_hours']:,.0f} "
            f"({(pool.get('gain_share') or 0):.0%}), fresh demand only. Simulated agent-hours: {esc(sims)}.</p>"
        )
    for note in doc.get("notes", []) or []:
        body += f'<p class="small">Note: {esc(note)}</p>'
    sub = (
        f"ccsim {esc(found.manifest.get('ccsim_version', ''))} &middot; {len(names)} designs &middot; "
        f"seed {esc(doc['seed'])} &middot; {esc(doc['replications'])} replications each, common random numbers"
    )
    return page("Comparison: " + " vs ".join(names), sub, body)
