"""``ccsim erlang --blocking-target P``: lines (trunks, IVR ports) by Erlang B.

Erlang B (M/M/n/n, blocked calls cleared) sizes what has no queue: trunks into the
centre, IVR ports. A call that finds every line busy hears busy and is lost.
"""

from __future__ import annotations

from typing import Any

import click
import numpy as np

from ccsim.analytics import erlang_b, required_lines
from ccsim.reporting.jsonout import dumps
from ccsim.reporting.text import console, fmt_num, fmt_pct, simple_table


def size_lines(
    calls: float,
    aht_s: float,
    interval_s: float,
    blocking_target: float | None,
    lines: int | None,
    as_json: bool,
) -> int:
    """Print the lines needed (and a table of blocking around them); return the exit code."""
    traffic = calls * aht_s / interval_s
    required = None if blocking_target is None else required_lines(traffic, blocking_target)
    centre = required if required is not None else (lines or 0)
    ns = sorted({max(0, centre + d) for d in range(-3, 4)} | ({lines} if lines else set()))
    blocking = np.asarray(erlang_b(np.asarray(ns, dtype=float), traffic), dtype=float)
    rows: list[dict[str, Any]] = []
    for n, b in zip(ns, blocking, strict=True):
        carried = traffic * (1.0 - b)
        rows.append(
            {
                "lines": n,
                "blocking": float(b),
                "carried_erlangs": carried,
                "occupancy": carried / n if n else 0.0,
                "meets_target": None if required is None else n >= required,
            }
        )
    doc = {
        "model": "erlang_b",
        "calls": calls,
        "interval_min": interval_s / 60.0,
        "aht_s": aht_s,
        "traffic_erlangs": traffic,
        "blocking_target": blocking_target,
        "required_lines": required,
        "table": rows,
    }
    if as_json:
        click.echo(dumps(doc))
        return 0
    con = console()
    con.print(
        f"Erlang B (M/M/n/n, blocked calls lost): {fmt_num(calls, 1)} calls in "
        f"{fmt_num(interval_s / 60.0, 0)} min, holding time {fmt_num(aht_s, 0)} s "
        f"-> {traffic:.2f} Erlangs"
    )
    if required is not None:
        assert blocking_target is not None
        con.print(
            f"Required lines for at most {fmt_pct(blocking_target, 2)} blocked: "
            f"[bold]{required}[/bold]"
        )
    body = [
        [str(r["lines"]), fmt_pct(r["blocking"], 2), fmt_num(r["carried_erlangs"], 2),
         fmt_pct(r["occupancy"])]
        for r in rows
    ]  # fmt: skip
    hl = next((i for i, r in enumerate(rows) if r["lines"] == required), None)
    con.print(
        simple_table(["lines", "blocked", "carried (Erl)", "occupancy"], body, highlight_row=hl)
    )
    return 0
