"""The run's check against Erlang, in the terminal and in the HTML report.

It reads the ``erlang_check`` block of a run's summary (see
``ccsim.staffing.erlang_check``): the group-intervals staffed below Erlang's requirement,
and those where Erlang's prediction falls outside the simulation's 95 % interval.
"""

from __future__ import annotations

from typing import Any

from ccsim.reporting.labels import fmt_kpi, fmt_num


def below_rows(check: dict[str, Any], most: int) -> list[list[str]]:
    """Rows (intervals, group, staffed, required) of the group-intervals staffed below Erlang.

    Consecutive intervals of a group with the same staffing and requirement share a row
    (``09:00 to 12:30 (8)``).
    """
    runs: list[list[Any]] = []  # [first row, last row, count]
    for r in check.get("below_requirement", []):
        last = runs[-1][1] if runs else None
        if (
            last is not None
            and r["group"] == last["group"]
            and r["interval"] == last["interval"] + 1
            and (r["staffed"], r["required"]) == (last["staffed"], last["required"])
        ):
            runs[-1][1] = r
            runs[-1][2] += 1
        else:
            runs.append([r, r, 1])
    rows = []
    for first, last, n in runs[:most]:
        when = str(first["start"]) if n == 1 else f"{first['start']} to {last['start']} ({n})"
        rows.append(
            [when, str(first["group"]), fmt_num(first["staffed"], 1), str(first["required"])]
        )
    return rows


def parted_rows(check: dict[str, Any], most: int) -> list[list[str]]:
    """Rows of the KPI values where Erlang falls outside the simulation's 95 % interval."""
    rows = []
    for r in check.get("parted", [])[:most]:
        k = r["kpi"]
        lo, hi = r["ci95"]
        rows.append(
            [
                str(r["start"]),
                str(r["group"]),
                "service level" if k == "service_level" else "abandonment",
                f"{fmt_kpi(k, r['simulated'])} [{fmt_kpi(k, lo)}, {fmt_kpi(k, hi)}]",
                fmt_kpi(k, r["erlang"]),
                str(r["hint"]),
            ]
        )
    return rows


def summary_line(check: dict[str, Any]) -> str:
    """One sentence: what was checked and how much differs."""
    text = (
        f"Erlang check ({check['checked']} group-intervals with calls): "
        f"{check['below_requirement_count']} staffed below Erlang's requirement"
    )
    if check.get("compared"):
        text += (
            f", {check['parted_count']} KPI values where Erlang falls outside the simulation's "
            "95 % interval (about 1 in 20 does by chance)"
        )
    else:
        text += "; KPIs not compared (one replication has no interval)"
    return text + "."


def erlang_check_html(check: dict[str, Any] | None, most: int = 2_000) -> str:
    """The HTML section (empty without a check)."""
    if not check or not check.get("checked"):
        return ""
    from ccsim.reporting.html_parts import esc, table

    out = "<h2>Simulation against Erlang</h2>" + f"<p>{esc(summary_line(check))}</p>"
    out += f'<p class="small">{esc(check.get("basis", ""))}.</p>'
    below = below_rows(check, most)
    if below:
        out += "<h3>Staffed below Erlang's requirement</h3>" + table(
            ["interval", "group", "staffed", "Erlang needs"], below
        )
    parted = parted_rows(check, most)
    if parted:
        out += "<h3>Where simulation and Erlang part</h3>" + table(
            ["interval", "group", "KPI", "simulated [95 %]", "Erlang", "what Erlang leaves out"],
            parted,
        )
    return out
