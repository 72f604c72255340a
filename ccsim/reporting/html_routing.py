"""Report sections of routing as real centres run it: handling per answering group, transfers."""

from __future__ import annotations

from typing import Any

from ccsim.reporting.html_parts import table
from ccsim.reporting.labels import fmt_kpi


def _mean(block: Any, kpi: str) -> Any:
    v = block.get(kpi) if isinstance(block, dict) else None
    return v.get("mean") if isinstance(v, dict) else None


def handling_section(pairs: Any) -> str:
    """Answered calls, AHT and FCR per answering group and call type (proficiency).

    Shown only where a group answers several call types or a call type is answered by
    several groups: otherwise the group table already says it.
    """
    if not isinstance(pairs, dict):
        return ""
    rows = [
        [str(g), str(t), fmt_kpi("answered", _mean(v, "answered")),
         fmt_kpi("aht_s", _mean(v, "aht_s")), fmt_kpi("fcr", _mean(v, "fcr"))]
        for g, types in pairs.items() if isinstance(types, dict)
        for t, v in types.items()
    ]  # fmt: skip
    groups = [r[0] for r in rows]
    types = [r[1] for r in rows]
    if len(set(groups)) == len(groups) and len(set(types)) == len(types):
        return ""
    cols = ["group", "call type", "answered", "AHT (s)", "first-contact resolution"]
    return f"<h2>Per answering group and call type</h2>{table(cols, rows)}\n"


def transfers_section(xt: Any) -> str:
    """Transfers after the first talk, per transferring group and call type."""
    if not isinstance(xt, dict) or not isinstance(xt.get("by_group"), dict):
        return ""
    cols = {"transferred": "transferred", "transfer_rate": "rate",
            "two_agent_calls": "by two agents", "lost_after_transfer": "lost after",
            "asa_after_transfer_s": "ASA after (s)"}  # fmt: skip
    rows = [
        [str(g), str(t), *[fmt_kpi(k, _mean(v, k)) for k in cols]]
        for g, types in xt["by_group"].items() if isinstance(types, dict)
        for t, v in types.items()
    ]  # fmt: skip
    if not rows:
        return ""
    head = ["from", "call type", *cols.values()]
    return f"<h2>Transfers after the first talk</h2>{table(head, rows)}\n"
