"""The terminal view of ``ccsim sweep``: one row per point, KPIs with their intervals."""

from __future__ import annotations

from typing import Any

from ccsim.reporting.text import console, fmt_kpi, simple_table

#: KPIs shown per point.
SHOWN = ("service_level", "abandon_rate", "asa_s", "occupancy", "agents")
#: Points printed (longer sweeps: see points.csv).
MAX_ROWS = 60


def print_sweep(doc: dict[str, Any], out_dir: str | None = None) -> None:
    """Print the sweep's points with their KPIs (mean and 95 % interval)."""
    con = console()
    pts = doc["points"]
    con.print(
        f"[bold]{doc['scenario']}[/bold]: sweep of {len(pts)} points x {doc['replications']} "
        f"replications, seed {doc['seed']} for every point ({doc['wall_s']:.1f} s)"
    )
    labels = doc["varied"]
    rows = []
    for p in pts[:MAX_ROWS]:
        row = [str(p["point"]), *[_short(p["values"][lbl]) for lbl in labels]]
        for k in SHOWN:
            v = p["kpis"].get(k)
            if v is None:
                row.append("-")
                continue
            lo, hi = v["ci95"]
            ci = (
                f" ({fmt_kpi(k, lo)}-{fmt_kpi(k, hi)})"
                if lo is not None and k == "service_level"
                else ""
            )
            row.append(fmt_kpi(k, v["mean"]) + ci)
        rows.append(row)
    con.print(simple_table(["point", *labels, *SHOWN], rows))
    if len(pts) > MAX_ROWS:
        con.print(f"  ... {len(pts) - MAX_ROWS} more points in points.csv / --json", style="dim")
    if out_dir:
        con.print(f"Output: {out_dir}  (points.csv, replications.csv, .parquet, figures)")


def _short(v: Any) -> str:
    text = str(v)
    return text if len(text) <= 24 else text[:21] + "..."
