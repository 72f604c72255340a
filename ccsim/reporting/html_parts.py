"""Building blocks of the HTML reports: style, tables, the headline, targets and KPI sections.

Every KPI is shown under its human label and format (``ccsim.reporting.labels``, the
same table the terminal uses); a section appears only for what the scenario uses.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ccsim.reporting.labels import (
    fmt_ci,
    fmt_kpi,
    headline_rows,
    label,
    missing,
    rule_text,
    target_label,
    targets_met,
)

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:1.5em auto;color:#222;max-width:1100px;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h3{font-size:1em;margin:.8em 0 .2em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.85em;margin:.4em 0}td,th{padding:.25em .6em;border-bottom:1px solid #eee;text-align:right}
th{background:#f6f6f6}td:first-child,th:first-child{text-align:left}
.met{color:#2a7d2a;font-weight:600}.missed{color:#c0392b;font-weight:600}.small{color:#666;font-size:.85em}
.headline{font-size:1.6em;font-weight:700;padding:.4em .7em;border-radius:6px;display:inline-block;margin:.3em 0}
.headline.ok{background:#e6f4e6;color:#1e6b1e}.headline.bad{background:#fbe9e7;color:#a93226}
.alarms{margin:.3em 0;padding-left:1.2em}.alarms li{margin:.15em 0}.alarms b{color:#a93226}
figure{margin:.6em 0}figcaption{font-size:.85em;color:#555}img{max-width:100%;height:auto}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:.6em}
"""


@dataclass
class Folder:
    """An output folder's files, checked: its kind, manifest, summary and tables."""

    path: Path
    kind: str
    manifest: dict[str, Any]
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def esc(x: Any) -> str:
    """Text escaped for HTML."""
    return html.escape(str(x))


def status(met: bool | None) -> str:
    """``met`` in green or ``MISSED`` in red (``-`` for none)."""
    if met is None:
        return "-"
    return '<span class="met">met</span>' if met else '<span class="missed">MISSED</span>'


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]], raw: Iterable[int] = ()) -> str:
    """An HTML table; cells at positions in ``raw`` hold markup, the rest is escaped."""
    markup = set(raw)
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{v if i in markup else esc(v)}</td>" for i, v in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def figure(path: Path, caption: str) -> str:
    """A figure embedded in the page (the report stays one self-contained file)."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<figure><img alt="{esc(caption)}" src="data:image/png;base64,{data}"></figure>'


def headline(doc: dict[str, Any], what: str = "") -> str:
    """The line read first: ``11 of 13 targets met`` (green when all are)."""
    met, n = targets_met(doc)
    if n == 0:
        return '<p class="headline ok">No targets set</p>'
    text = f"{met} of {n} targets met{what}"
    return f'<p class="headline {"ok" if met == n else "bad"}">{esc(text)}</p>'


def targets_table(doc: dict[str, Any]) -> str:
    """Every target: its scope, rule, value with its 95 % interval, and met or missed."""
    rows = []
    for name, t in doc.get("targets", {}).items():
        rows.append(
            [
                target_label(name, t),
                "whole period" if t["scope"] == "all" else esc(t["scope"]),
                rule_text(t),
                "no calls" if missing(t.get("value")) else fmt_kpi(t["kpi"], t["value"]),
                fmt_ci(t["kpi"], t.get("ci95")),
                status(bool(t["met"])),
            ]
        )
    if not rows:
        return "<p>No targets set.</p>"
    return table(["target", "scope", "rule", "value", "95% interval", ""], rows, raw=(5,))


def kpi_table(doc: dict[str, Any]) -> str:
    """The headline KPIs with their 95 % intervals and targets (those the scenario models)."""
    rows = []
    for r in headline_rows(doc):
        k = r["kpi"]
        tgt = "; ".join(
            rule_text(t) + (" each interval" if t["scope"] != "all" else "") for t in r["targets"]
        )
        marks = " ".join(status(bool(t["met"])) for t in r["targets"])
        value = "no calls" if r["no_calls"] else fmt_kpi(k, r["mean"])
        rows.append([r["label"], value, fmt_ci(k, r["ci95"]), tgt, marks])
    return table(["KPI", "mean", "95% interval", "target", ""], rows, raw=(4,))


BLOCK_COLUMNS = ("offered", "answered", "service_level", "abandon_rate", "asa_s")

#: Roll-ups of a run's summary, shown only when the scenario has more than one of them.
BLOCKS = (
    ("groups", "Agent groups", "group", ("occupancy", "agents")),
    ("call_types", "Call types", "call type", ()),
    ("tiers", "Customer tiers", "tier", ()),
    ("centers", "Centres", "centre", ("occupancy", "agents")),
    ("networks", "Local networks", "local network", ()),
)


def block_sections(doc: dict[str, Any]) -> str:
    """Groups, call types, tiers, centres and local networks: each where there are two or more."""
    out = ""
    for key, title, head, extra in BLOCKS:
        items = doc.get(key)
        if not isinstance(items, dict) or len(items) < 2:
            continue
        cols = (*BLOCK_COLUMNS, *extra)
        rows = [
            [name] + [fmt_kpi(c, v[c]["mean"]) if isinstance(v.get(c), dict) else "-" for c in cols]
            for name, v in items.items()
        ]
        out += f"<h2>{esc(title)}</h2>" + table([head, *[label(c) for c in cols]], rows)
    return out


CAMPAIGN_COLUMNS = ("attempts", "contacts", "contact_rate", "successes", "success_rate",
                    "abandon_rate", "list_completion", "agent_hours")  # fmt: skip
WORK_ORDER_COLUMNS = ("created", "closed", "open_at_end", "timeliness", "callback_reach", "chasers")


def _mean(v: Any, key: str) -> Any:
    x = v.get(key) if isinstance(v, dict) else None
    return x.get("mean") if isinstance(x, dict) else None


def outbound_sections(doc: dict[str, Any]) -> str:
    """Outbound campaigns and work orders, when the scenario has them."""
    out = ""
    camps = doc.get("campaigns")
    if isinstance(camps, dict) and camps:
        rows = [
            [cid] + [fmt_kpi(c, _mean(v, c)) for c in CAMPAIGN_COLUMNS] for cid, v in camps.items()
        ]
        out += "<h2>Outbound campaigns</h2>" + table(
            ["campaign", *[label(c) for c in CAMPAIGN_COLUMNS]], rows
        )
    wo = doc.get("work_orders")
    if isinstance(wo, dict) and wo:
        rows = [["all"] + [fmt_kpi(c, _mean(wo, c)) for c in WORK_ORDER_COLUMNS]]
        by_type = wo.get("by_type", {})
        rows += [
            [t] + [fmt_kpi(c, _mean(v, c)) for c in WORK_ORDER_COLUMNS]
            for t, v in (by_type.items() if isinstance(by_type, dict) else [])
        ]
        out += "<h2>Work orders</h2>" + table(
            ["work orders", *[label(c) for c in WORK_ORDER_COLUMNS]], rows
        )
    return out


DAY_COLUMNS = ("offered", "answered", "service_level", "abandon_rate", "asa_s", "occupancy")


def days_section(days: Any) -> str:
    """The daily summary (mean and 95 % interval per calendar day), for runs of 2+ days."""
    if not isinstance(days, list) or len(days) < 2:
        return ""
    rows = []
    for d in days:
        if not isinstance(d, dict) or not isinstance(d.get("kpis"), dict):
            continue
        row = [str(d.get("label", d.get("day", "")))]
        for k in DAY_COLUMNS:
            v = d["kpis"].get(k)
            if not isinstance(v, dict):
                row.append("-")
                continue
            ci = fmt_ci(k, v.get("ci95"))
            row.append(fmt_kpi(k, v.get("mean")) + (f" ({ci})" if ci != "-" else ""))
        rows.append(row)
    if not rows:
        return ""
    return "<h2>Per day (mean, 95% interval)</h2>" + table(
        ["day", *[label(c) for c in DAY_COLUMNS]], rows
    )


def page(title: str, subtitle: str, body: str) -> str:
    """A whole HTML document."""
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>ccsim report: {esc(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>\n<h1>{esc(title)}</h1>\n"
        f'<p class="small">{subtitle}</p>\n{body}\n</body></html>\n'
    )
