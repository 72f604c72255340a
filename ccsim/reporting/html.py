"""A self-contained HTML report of a run folder (figures embedded), rebuilt from its files."""

from __future__ import annotations

import base64
import html
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from ccsim.errors import InputError, Problem
from ccsim.reporting.files import MANIFEST, read_json
from ccsim.results.kpis import KPIS

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.85em}td,th{padding:.25em .6em;border-bottom:1px solid #eee;text-align:right}
th{background:#f6f6f6}td:first-child,th:first-child{text-align:left}
.met{color:#2a7d2a;font-weight:600}.missed{color:#c0392b;font-weight:600}.small{color:#666;font-size:.85em}
img{max-width:100%}
"""

_PCT = {"service_level", "answer_rate", "abandon_rate", "short_abandon_rate", "occupancy", "p_wait",
        "ivr_self_service", "containment", "blocked_rate", "fcr", "repeat_caller_rate",
        "transfer_rate"}  # fmt: skip


def fmt(kpi: str, v: Any) -> str:
    """Format a KPI value for display."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if kpi in _PCT:
        return f"{100 * float(v):.1f}%"
    if kpi.endswith("_s"):
        return f"{float(v):,.1f}"
    return f"{float(v):,.1f}" if abs(float(v)) < 1000 else f"{float(v):,.0f}"


def _table(df: pd.DataFrame, raw: frozenset[str] = frozenset()) -> str:
    """An HTML table; columns in ``raw`` hold markup, the rest is escaped."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = ""
    for r in df.itertuples(index=False):
        cells = (v if c in raw else html.escape(str(v)) for c, v in zip(df.columns, r, strict=True))
        rows += "<tr>" + "".join(f"<td>{v}</td>" for v in cells) + "</tr>"
    return f"<table><tr>{head}</tr>{rows}</table>"


_SUMMARY_KEYS = ("scenario", "seed", "replications", "horizon", "service_level_definition", "kpis")
_SUMMARY_MAPPINGS = ("horizon", "service_level_definition", "kpis")
_CSV_COLUMNS = {
    "intervals.csv": ("start", "answered", "abandoned", "service_level", "service_level_ci_low",
                      "service_level_ci_high"),
    "agents.csv": ("interval", "start", "staffed_agents", "busy_agents", "logged_in_agents"),
}  # fmt: skip


def read_folder(
    folder: Path,
) -> tuple[dict[str, Any], dict[str, Any], pd.DataFrame, pd.DataFrame]:
    """Read and check the files a report is drawn from; every problem is listed at once."""
    if not (folder / MANIFEST).exists() or not (folder / "summary.json").exists():
        raise InputError(
            [
                Problem(
                    str(folder),
                    "is not a ccsim run folder (no manifest.json / summary.json)",
                    has_value=False,
                )
            ]
        )
    problems: list[Problem] = []
    docs: dict[str, dict[str, Any]] = {}
    for name in (MANIFEST, "summary.json"):
        try:
            doc = read_json(folder / name)
        except (OSError, ValueError) as e:
            problems.append(
                Problem(str(folder / name), f"cannot be read as JSON ({e})", has_value=False)
            )
            continue
        if not isinstance(doc, dict):
            problems.append(Problem(str(folder / name), "must hold a JSON object", has_value=False))
            continue
        docs[name] = doc
    summary = docs.get("summary.json")
    if summary is not None:
        missing = [k for k in _SUMMARY_KEYS if k not in summary]
        if missing:
            problems.append(
                Problem(
                    str(folder / "summary.json"),
                    f"lacks keys {', '.join(missing)}",
                    has_value=False,
                )
            )
        elif not all(isinstance(summary[k], dict) for k in _SUMMARY_MAPPINGS):
            problems.append(
                Problem(
                    str(folder / "summary.json"),
                    f"{', '.join(_SUMMARY_MAPPINGS)} must each be a JSON object",
                    has_value=False,
                )
            )
        elif not isinstance(summary["kpis"], dict) or not all(
            isinstance(v, dict) and "mean" in v and "ci95" in v for v in summary["kpis"].values()
        ):
            problems.append(
                Problem(
                    str(folder / "summary.json"),
                    "kpis must map each KPI to {mean, ci95}",
                    has_value=False,
                )
            )
    tables: dict[str, pd.DataFrame] = {}
    for name, cols in _CSV_COLUMNS.items():
        try:
            df = pd.read_csv(folder / name)
        except (OSError, ValueError) as e:
            problems.append(
                Problem(str(folder / name), f"cannot be read as CSV ({e})", has_value=False)
            )
            continue
        lacking = [c for c in cols if c not in df.columns]
        if lacking:
            problems.append(
                Problem(str(folder / name), f"lacks columns {', '.join(lacking)}", has_value=False)
            )
        tables[name] = df
    if problems:
        raise InputError(problems)
    return docs[MANIFEST], docs["summary.json"], tables["intervals.csv"], tables["agents.csv"]


def render_report(folder: str | Path, figures: bool = True) -> Path:
    """(Re)write ``figures/`` and ``report.html`` of a run folder from its files.

    The files are checked first; the new figures and report are drawn beside the old
    ones and swapped in at the end, so a failure leaves the folder as it was. Values the
    checks let through but drawing cannot use raise as they are: ``ccsim report`` calls
    them a damaged folder, a fresh run an internal error.
    """
    folder = Path(folder)
    manifest, summary, intervals, agents = read_folder(folder)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=".report.", dir=folder))
    except OSError as e:
        raise InputError(
            [Problem(str(folder), f"cannot be written ({e.strerror})", has_value=False)]
        ) from e
    try:
        doc = _render(tmp, manifest, summary, intervals, agents, figures)
        (tmp / "report.html").write_text(doc, encoding="utf-8")
        if figures:
            old = folder / "figures"
            if old.exists():
                os.replace(old, tmp / "figures.old")
            os.replace(tmp / "figures", old)
        os.replace(tmp / "report.html", folder / "report.html")
    except OSError as e:
        raise InputError(
            [Problem(str(folder), f"cannot be written ({e.strerror or e})", has_value=False)]
        ) from e
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder / "report.html"


def _render(
    tmp: Path,
    manifest: dict[str, Any],
    summary: dict[str, Any],
    intervals: pd.DataFrame,
    agents: pd.DataFrame,
    figures: bool,
) -> str:
    """The report's HTML; figures are drawn into ``tmp/figures``."""
    imgs = ""
    if figures:
        from ccsim.reporting.figures import write_figures

        for p in write_figures(tmp, intervals, agents, summary):
            data = base64.b64encode(p.read_bytes()).decode("ascii")
            imgs += f'<p><img alt="{p.stem}" src="data:image/png;base64,{data}"></p>\n'

    targets = summary.get("targets", {})
    trows = []
    for name, t in targets.items():
        cls = "met" if t["met"] else "missed"
        lo, hi = t["ci95"]
        ci = f"{fmt(t['kpi'], lo)} - {fmt(t['kpi'], hi)}" if lo is not None else "-"
        trows.append({"target": name, "scope": t["scope"], "rule": f"{t['rule']} {fmt(t['kpi'], t['target'])}",
                      "value": fmt(t["kpi"], t["value"]), "95% interval": ci,
                      "status": f'<span class="{cls}">{"met" if t["met"] else "MISSED"}</span>'})  # fmt: skip
    kpi_rows = []
    for k, v in summary["kpis"].items():
        lo, hi = v["ci95"]
        kpi_rows.append({"KPI": k, "mean": fmt(k, v["mean"]), "95% interval": f"{fmt(k, lo)} - {fmt(k, hi)}" if lo is not None else "-",
                         "meaning": KPIS.get(k, ("", 0))[0]})  # fmt: skip
    ttable = (
        _table(pd.DataFrame(trows), frozenset({"status"})) if trows else "<p>No targets set.</p>"
    )
    cols = [
        c
        for c in (
            "start",
            "offered",
            "answered",
            "abandoned",
            "service_level",
            "asa_s",
            "abandon_rate",
            "occupancy",
            "agents",
        )
        if c in intervals
    ]
    iv = intervals[cols].head(MAX_HTML_INTERVALS).copy()
    iv_note = (
        f'<p class="small">The first {MAX_HTML_INTERVALS:,} of {len(intervals):,} intervals; '
        "intervals.csv holds them all.</p>"
        if len(intervals) > MAX_HTML_INTERVALS
        else ""
    )
    for c in cols[1:]:
        iv[c] = [fmt(c, v) for v in iv[c]]
    sld = summary.get("service_level_definition", {})
    days = _days_table(summary.get("days"))
    days += _handling_table(summary.get("group_call_types"))
    days += _transfers_table(summary.get("agent_transfers"))
    doc = f"""<!doctype html><html><head><meta charset="utf-8"><title>ccsim report: {html.escape(summary["scenario"])}</title>
<style>{_CSS}</style></head><body>
<h1>{html.escape(summary["scenario"])}</h1>
<p class="small">ccsim {html.escape(str(manifest.get("ccsim_version")))} &middot; seed {summary["seed"]} &middot;
{summary["replications"]} replications &middot; scenario hash {html.escape(str(summary.get("scenario_hash", ""))[:12])} &middot;
service level = {html.escape(str(sld.get("formula", "offered")))} formula, T = {sld.get("threshold_s", 20):g} s &middot;
{float(manifest.get("wall_s", 0)):.1f} s wall time</p>
<h2>Targets</h2>{ttable}
<h2>Figures</h2>{imgs or "<p>(figures not drawn)</p>"}
<h2>KPIs (whole period, mean over replications)</h2>{_table(pd.DataFrame(kpi_rows))}
{days}<h2>Per interval</h2>{iv_note}{_table(iv)}
</body></html>
"""
    return doc


#: Intervals shown in the report's table (a week of half-hours is 336); the CSV has all.
MAX_HTML_INTERVALS = 2_000

_DAY_KPIS = ("offered", "answered", "service_level", "abandon_rate", "asa_s", "occupancy")


def _days_table(days: Any) -> str:
    """The daily summary (mean and 95 % interval per calendar day), for runs of 2+ days."""
    if not isinstance(days, list) or len(days) < 2:
        return ""
    rows = []
    for d in days:
        if not isinstance(d, dict) or not isinstance(d.get("kpis"), dict):
            continue
        row: dict[str, str] = {"day": str(d.get("label", d.get("day", "")))}
        for k in _DAY_KPIS:
            v = d["kpis"].get(k)
            if not isinstance(v, dict):
                continue
            lo, hi = v.get("ci95", [None, None])
            ci = f" ({fmt(k, lo)} - {fmt(k, hi)})" if lo is not None and hi is not None else ""
            row[k] = fmt(k, v.get("mean")) + ci
        rows.append(row)
    if not rows:
        return ""
    return f"<h2>Per day (mean, 95% interval)</h2>{_table(pd.DataFrame(rows))}\n"


def _mean(block: Any, kpi: str) -> Any:
    v = block.get(kpi) if isinstance(block, dict) else None
    return v.get("mean") if isinstance(v, dict) else None


def _handling_table(pairs: Any) -> str:
    """Answered calls, AHT and FCR per answering group and call type (proficiency)."""
    if not isinstance(pairs, dict):
        return ""
    rows = [
        {"group": str(g), "call type": str(t), "answered": fmt("answered", _mean(v, "answered")),
         "AHT (s)": fmt("aht_s", _mean(v, "aht_s")), "FCR": fmt("fcr", _mean(v, "fcr"))}
        for g, types in pairs.items() if isinstance(types, dict)
        for t, v in types.items()
    ]  # fmt: skip
    groups = [r["group"] for r in rows]
    types = [r["call type"] for r in rows]
    if len(set(groups)) == len(groups) and len(set(types)) == len(types):
        return ""  # each group one call type and each call type one group: nothing new
    return f"<h2>Per answering group and call type</h2>{_table(pd.DataFrame(rows))}\n"


def _transfers_table(xt: Any) -> str:
    """Transfers after the first talk, per transferring group and call type."""
    if not isinstance(xt, dict) or not isinstance(xt.get("by_group"), dict):
        return ""
    cols = {"transferred": "transferred", "transfer_rate": "rate",
            "two_agent_calls": "by two agents", "lost_after_transfer": "lost after",
            "asa_after_transfer_s": "ASA after (s)"}  # fmt: skip
    rows = [
        {"from": str(g), "call type": str(t)}
        | {label: fmt(k, _mean(v, k)) for k, label in cols.items()}
        for g, types in xt["by_group"].items() if isinstance(types, dict)
        for t, v in types.items()
    ]  # fmt: skip
    if not rows:
        return ""
    return f"<h2>Transfers after the first talk</h2>{_table(pd.DataFrame(rows))}\n"
