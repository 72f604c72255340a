"""Cross-reference checks of the caller's exits: the work order a message raises."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ccsim.errors import Problem
from ccsim.scenario.crossref_raw import as_dict, as_list, ids_of, names_no


def exit_problems(data: dict[str, Any]) -> Iterator[Problem]:
    """``call_types[].message_order`` names a work-order type of the scenario."""
    orders = set(ids_of(as_list(data.get("work_orders"))))
    for i, ct in enumerate(as_list(data.get("call_types"))):
        name = as_dict(ct).get("message_order")
        if name is not None and isinstance(name, str) and name not in orders:
            yield names_no(f"call_types[{i}].message_order", name, "work-order type", orders)
