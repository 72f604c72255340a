"""What a plan that misses a target still lacks, and why, in words."""

from __future__ import annotations

from typing import Any

from ccsim.staffing.evaluation import Evaluation

_FLAT = (
    "more agents would not raise it (too few calls for the confidence bound, "
    "or waits that agents do not shorten)"
)
_LIMIT = "every group of the interval is at its limit"
_BUDGET = "not met within the evaluation budget"


def explain_shortfalls(
    ev: Evaluation, stuck: set[int], blocked: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One entry per missed target and reason, with its intervals for a per-interval target.

    ``stuck`` holds the intervals where the model found that no agent gains anything;
    ``blocked`` the failures that group limits (maxima, seats) prevent fixing.
    """
    out: list[dict[str, Any]] = []
    for c, detail in ev.failures:
        limited = [b for b in blocked if b.get("target") == c.name]
        if c.scope == "interval":
            flat = [i for i in detail if i in stuck]
            at_limit = {int(b["interval"]) for b in limited if "interval" in b}
            capped = [i for i in detail if i not in stuck and i in at_limit]
            rest = [i for i in detail if i not in stuck and i not in at_limit]
            for intervals, reason in ((flat, _FLAT), (capped, _LIMIT), (rest, _BUDGET)):
                if intervals:
                    out.append({"target": c.name, "intervals": intervals, "reason": reason})
        else:
            reason = limited[0]["reason"] if limited else _BUDGET
            out.append({"target": c.name, "reason": reason})
    return out
