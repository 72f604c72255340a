"""The rows of a comparison, for the terminal and the HTML report alike.

Each row is a KPI (or an agent-hour, cost, work-order or campaign figure): its label,
every design's mean and whether that design meets its targets on it, and the paired
differences against the first design with their 95 % intervals.
"""

from __future__ import annotations

from typing import Any

from ccsim.reporting.labels import fmt_kpi, label, missing, modelled

ROWS = (
    "offered", "answered", "service_level", "abandon_rate", "asa_s", "occupancy", "agents",
    "agent_hours", "back_office_hours", "cost", "fcr", "dialect_match_rate", "transfers",
    "work_orders.created", "work_orders.open_at_end", "work_orders.timeliness",
    "work_orders.callback_reach", "work_orders.chasers", "campaigns.attempts",
    "campaigns.contacts", "campaigns.successes", "campaigns.abandons", "campaigns.agent_hours",
)  # fmt: skip


def value(block: dict[str, Any], key: str) -> Any:
    """One design's ``{mean, ci95}`` of a row (campaign figures summed over campaigns)."""
    if key.startswith("work_orders."):
        return block.get("work_orders", {}).get(key.split(".", 1)[1])
    if key.startswith("campaigns."):
        k = key.split(".", 1)[1]
        camps = block.get("campaigns", {})
        if not camps:
            return None
        return {"mean": sum((c[k]["mean"] or 0.0) for c in camps.values())}
    if key in block.get("kpis", {}):
        return block["kpis"][key]
    return block.get(key)


def kpi_targets(block: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """A design's targets on a row's KPI, over the whole period or per interval."""
    if "." in key:
        return []
    return [
        t
        for t in (block.get("targets") or {}).values()
        if t.get("kpi") == key
        and (t.get("scope") == "all" or str(t.get("scope", "")).startswith("every interval"))
    ]


def verdict(targets: list[dict[str, Any]]) -> bool | None:
    """Met (every target on the KPI holds), missed, or ``None`` without a target."""
    return None if not targets else all(bool(t.get("met")) for t in targets)


def difference_text(kpi: str, e: dict[str, Any] | None) -> str:
    """``+1.2% [0.4%, 2.0%]``: a paired difference and its 95 % interval."""
    if e is None or missing(e.get("mean")):
        return "-"
    lo, hi = e.get("ci95", [None, None])
    sign = "+" if e["mean"] >= 0 else ""
    ci = "" if missing(lo) or missing(hi) else f"  [{fmt_kpi(kpi, lo)}, {fmt_kpi(kpi, hi)}]"
    return f"{sign}{fmt_kpi(kpi, e['mean'])}{ci}"


def comparison_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows shown: those with a non-zero value in some design."""
    out = []
    for key in ROWS:
        kpi = key.split(".", 1)[-1]
        vals = [value(s, key) for s in doc["scenarios"]]
        means = [None if v is None else v.get("mean") for v in vals]
        if all(missing(m) or m == 0 for m in means):  # missing, NaN or zero everywhere
            continue
        name = label(kpi)
        if key.startswith("work_orders."):
            name += " (work orders)"
        elif key.startswith("campaigns."):
            name = f"outbound {name}"
        targets = [kpi_targets(s, key) for s in doc["scenarios"]]
        if not any(modelled(kpi, m, bool(ts)) for m, ts in zip(means, targets, strict=True)):
            continue  # e.g. first-contact resolution at 100 % where no design models repeat calls
        rules = sorted(
            {
                f"{t['rule']} {fmt_kpi(kpi, t['target'])}"
                + (" each interval" if t["scope"] != "all" else "")
                for ts in targets
                for t in ts
            }
        )
        out.append(
            {
                "key": key,
                "kpi": kpi,
                "label": name,
                "target": "; ".join(rules),
                "values": [fmt_kpi(kpi, m) if m is not None else "-" for m in means],
                "met": [verdict(ts) for ts in targets],
                "differences": [difference_text(kpi, d.get(key)) for d in doc["differences"]],
            }
        )
    return out


def design_names(doc: dict[str, Any]) -> list[str]:
    """Each design's name; a name two designs share gets its file beside it."""
    names = [str(s["name"]) for s in doc["scenarios"]]
    return [
        n if names.count(n) == 1 else f"{n} ({s.get('file', i)})"
        for i, (n, s) in enumerate(zip(names, doc["scenarios"], strict=True))
    ]
