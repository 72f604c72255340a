"""The terminal view of a staffing plan's drift against its baseline (``ccsim staff --baseline``).

Headline first: the total agent-hours, the KPIs against their targets, each group's
agent-hours, then the cells beyond the noise-aware rule (most important first, capped),
what changed in the scenario (capped) and the notes. It reads the ``baseline`` entry of
the ``--json`` document only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.markup import escape

from ccsim.reporting.labels import fmt_kpi, is_pct, label, rule_text, target_label
from ccsim.reporting.text import console

#: at most this many lines of cells, groups and scenario changes (then "and N more")
MOST_CELLS, MOST_GROUPS, MOST_CHANGES = 10, 12, 10


def print_drift(b: dict[str, Any], con: Console | None = None) -> None:
    """Print the drift report of ``b`` (the document's ``baseline`` entry)."""
    out = con or console()

    def say(text: str) -> None:  # one line each, however long: CI logs keep it whole
        out.print(text, soft_wrap=True)

    items = b["drift"]
    total = next(i for i in items if i["kind"] == "total")
    kpis = [i for i in items if i["kind"] == "kpi"]
    groups = [i for i in items if i["kind"] == "group"]
    cells = [i for i in items if i["kind"] == "cell"]
    if b["ok"]:
        say(f"Baseline {escape(b['file'])}: no drift beyond its tolerances")
    else:
        say(f"[red]Baseline {escape(b['file'])}: DRIFT[/red] (exit code 1) beyond its tolerances: "
                  + ", ".join(_beyond_names(kpis, groups, cells, total)))  # fmt: skip
    say(
        f"  agent-hours {_h(total['baseline'])} -> {_h(total['now'])} "
        f"({_signed_h(total['change'])}, {_pct(total['change_share'])}; tolerance "
        f"{total['tolerance_share']:.1%}){_flag(total)}"
    )
    if kpis:
        say("  KPIs, baseline -> now; targets")
        for k in kpis:
            say(f"    {_kpi_line(k)}")
    say("  groups, agent-hours baseline -> now")
    shown = sorted(groups, key=lambda g: (not g["beyond"], -abs(g["change"] or 0.0)))
    for g in _capped(shown, MOST_GROUPS):
        say(f"    {escape(g['what'])}: {_group_text(g)}{_flag(g)}")
    _more(shown, MOST_GROUPS, say)
    counts = b["cells"]
    say(
        f"  cells (group x interval) beyond: {len(cells)} of {counts['compared']}; "
        f"{counts['with_group']} moved with their group, "
        f"{counts['within_noise']} against it (or without one) within search noise"
    )
    for c in _capped(cells, MOST_CELLS):
        say(f"    {escape(c['what'])}: {_cell_text(c)}")
    _more(cells, MOST_CELLS, say)
    changes = b.get("scenario_changes")
    if changes is None:
        say("  scenario changes since the baseline: unknown (the baseline holds no fields)")
    elif changes:
        say(f"  scenario changes since the baseline ({len(changes)}):")
        for c in _capped(changes, MOST_CHANGES):
            say(f"    {escape(show_change(c))}")
        _more(changes, MOST_CHANGES, say)
    for n in b.get("notes", []):
        say(f"  note: {escape(n['text'])}")


def _capped(rows: list[Any], most: int) -> list[Any]:
    """The rows to print: all of them, or the first ``most - 1`` (``_more`` says the rest)."""
    return rows if len(rows) <= most else rows[: most - 1]


def _more(rows: list[Any], most: int, say: Callable[[str], None]) -> None:
    if len(rows) > most:
        say(f"    ... and {len(rows) - most + 1} more")


def _beyond_names(kpis: list[dict[str, Any]], groups: list[dict[str, Any]],
                  cells: list[dict[str, Any]], total: dict[str, Any]) -> list[str]:  # fmt: skip
    names = ["agent-hours"] if total["beyond"] else []
    names += [label(k["what"]) for k in kpis if k["beyond"]]
    n = sum(1 for g in groups if g["beyond"])
    if n:
        names.append(f"{n} group{'s' if n != 1 else ''}")
    if cells:
        names.append(f"{len(cells)} cell{'s' if len(cells) != 1 else ''}")
    return names


def _flag(item: dict[str, Any]) -> str:
    return "  [red]beyond[/red]" if item["beyond"] else ""


def _h(x: float | None) -> str:
    return "-" if x is None else f"{x:,.1f}"


def _signed_h(x: float | None) -> str:
    return "-" if x is None else f"{x:+,.1f}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:+.1%}"


def _delta(kpi: str, d: float | None) -> str:
    """A KPI's change: points for shares, seconds for times."""
    if d is None:
        return "-"
    if is_pct(kpi):
        return f"{100 * d:+.1f} pts"
    return f"{d:+.1f} s" if kpi.endswith("_s") else f"{d:+.2f}"


def _kpi_line(k: dict[str, Any]) -> str:
    kpi = k.get("kpi", k["what"])
    name = label(k["what"]) if "kpi" not in k else target_label(k["what"], k["targets"][0])
    if k["baseline"] is None:
        text = f"{name}: {fmt_kpi(kpi, k['now'])} (not in the baseline)"
    else:
        tol = "no tolerance" if k["tolerance"] is None else (
            "tolerance " + _delta(kpi, k["tolerance"]).lstrip("+")
        )  # fmt: skip
        text = (
            f"{name}: {fmt_kpi(kpi, k['baseline'])} -> {fmt_kpi(kpi, k['now'])} "
            f"({_delta(kpi, k['change'])}, {tol}){_flag(k)}"
        )
    goals = [_target_text(kpi, t) for t in k["targets"]]
    return text + ("; " + ", ".join(goals) if goals else "")


def _target_text(kpi: str, t: dict[str, Any]) -> str:
    scope = str(t.get("scope") or "all")
    where = "" if scope == "all" else ("each interval " if scope.startswith("every interval")
                                       else f"{escape(scope)} ")  # fmt: skip
    now = "met" if t["met"] else "[red]MISSED[/red]"
    was = {True: "met -> ", False: "missed -> ", None: ""}[t.get("baseline_met")]
    return f"{where}{rule_text({'rule': t['rule'], 'kpi': kpi, 'target': t['target']})} {was}{now}"


def _group_text(g: dict[str, Any]) -> str:
    if g["baseline"] is None:
        return f"new in the plan ({_h(g['now'])} agent-hours)"
    if g["now"] is None:
        return f"no longer in the plan (was {_h(g['baseline'])} agent-hours)"
    return (
        f"{_h(g['baseline'])} -> {_h(g['now'])} ({_signed_h(g['change'])}, "
        f"{_pct(g['change_share'])}; tolerance {_h(g['tolerance'])})"
    )


def _cell_text(c: dict[str, Any]) -> str:
    if c.get("baseline") is None and c.get("now") is None:
        return ""
    if c["baseline"] is None:
        return f"new in the plan ({c['now']} agents)"
    if c["now"] is None:
        return f"no longer in the plan (was {c['baseline']} agents)"
    return (
        f"{c['baseline']} -> {c['now']} agents ({c['change']:+d}; its group's move explains "
        f"{c['group_explains']:+.1f}; band {c['tolerance']:g})"
    )


def show_change(c: dict[str, Any], width: int = 60) -> str:
    """``path: old -> new`` as one line, long values shortened (lists of numbers summed)."""
    old, new = c["old"], c["new"]
    if c["change"] == "added":
        return f"{c['path']}: (not set) -> {_short(new, width)}"
    if c["change"] == "removed":
        return f"{c['path']}: {_short(old, width)} -> (not set)"
    text = f"{c['path']}: {_short(old, width // 2)} -> {_short(new, width // 2)}"
    if _numbers(old) and _numbers(new) and (len(old) > 1 or len(new) > 1):
        text += _list_summary(old, new)
    return text


def _numbers(v: Any) -> bool:
    return isinstance(v, list) and all(
        isinstance(x, int | float) and not isinstance(x, bool) for x in v
    )


def _list_summary(old: list[float], new: list[float]) -> str:
    s0, s1 = math.fsum(old), math.fsum(new)
    share = f", {s1 / s0 - 1:+.1%}" if s0 else ""
    if len(old) != len(new):
        return f" ({len(old)} -> {len(new)} values, sum {_num(s0)} -> {_num(s1)}{share})"
    moved = sum(1 for x, y in zip(old, new, strict=True) if x != y)
    return f" ({moved} of {len(old)} values changed, sum {_num(s0)} -> {_num(s1)}{share})"


def _num(x: Any) -> str:
    if isinstance(x, float):
        if x.is_integer() and abs(x) < 1e15:
            return f"{int(x):,}" if abs(x) >= 10_000 else str(int(x))
        return f"{x:.6g}"
    if isinstance(x, int) and not isinstance(x, bool):
        return f"{x:,}" if abs(x) >= 10_000 else str(x)
    return json.dumps(x, ensure_ascii=False)


def _short(v: Any, width: int) -> str:
    """A value in at most about ``width`` characters."""
    if isinstance(v, list) and _numbers(v):
        parts: list[str] = []
        size = 2
        for i, x in enumerate(v):
            t = _num(x)
            if size + len(t) + 2 > width and i < len(v) - 1:
                return "[" + ", ".join(parts) + f", ... {len(v)} values]"
            parts.append(t)
            size += len(t) + 2
        return "[" + ", ".join(parts) + "]"
    if isinstance(v, dict | list):
        text = json.dumps(v, ensure_ascii=False, separators=(", ", ": "))
    else:
        text = _num(v)
    return text if len(text) <= width else text[: max(width - 3, 8)] + "..."
