"""Cross-reference checks of the caller's exits.

The work order a message raises, and the call types whose callbacks a campaign makes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ccsim.errors import Problem
from ccsim.scenario.crossref_raw import as_dict, as_list, ids_of, names_no


def exit_problems(data: dict[str, Any]) -> Iterator[Problem]:
    """``message_order`` names a work-order type; a callbacks feed names call types."""
    orders = set(ids_of(as_list(data.get("work_orders"))))
    types = set(ids_of(as_list(data.get("call_types"))))
    for i, camp in enumerate(as_list(data.get("campaigns"))):
        feed = as_dict(as_dict(camp).get("feed"))
        for j, name in enumerate(as_list(feed.get("call_types"))):
            if isinstance(name, str) and name not in types:
                yield names_no(f"campaigns[{i}].feed.call_types[{j}]", name, "call type", types)
    for i, ct in enumerate(as_list(data.get("call_types"))):
        name = as_dict(ct).get("message_order")
        if name is not None and isinstance(name, str) and name not in orders:
            yield names_no(f"call_types[{i}].message_order", name, "work-order type", orders)
