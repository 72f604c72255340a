"""The scenario field diff lists exactly the fields that were changed, by their dotted paths."""

import copy
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ccsim.scenario import load_scenario
from ccsim.staffing.scenario_diff import field_changes, scenario_fields

ROOT = Path(__file__).resolve().parents[2]
FIELDS = {
    name: scenario_fields(load_scenario(ROOT / "scenarios" / f"{name}.yaml"))
    for name in ("mmn", "two_skill_overflow")
}


def _leaves(node, path=""):
    """(dotted path, container, key) of every number in the plain data, ids for list items."""
    if isinstance(node, dict):
        items = [(f"{path}.{k}" if path else k, k) for k in node]
    elif isinstance(node, list) and node and all(isinstance(x, dict) and "id" in x for x in node):
        items = [(f"{path}.{x['id']}", i) for i, x in enumerate(node)]
    elif isinstance(node, list) and node and all(isinstance(x, dict) for x in node):
        items = [(f"{path}[{i}]", i) for i in range(len(node))]
    else:
        return []
    out = []
    for p, k in items:
        v = node[k]
        if isinstance(v, int | float) and not isinstance(v, bool):
            out.append((p, node, k))
        else:
            out.extend(_leaves(v, p))
    return out


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(sorted(FIELDS)),
    picks=st.sets(st.integers(0, 200), max_size=6),
    bump=st.sampled_from([1, 2.5, 10]),
)
def test_changed_numbers_are_exactly_the_listed_fields(name, picks, bump):
    new = copy.deepcopy(FIELDS[name])
    leaves = _leaves(new)
    chosen = sorted({i % len(leaves) for i in picks})
    for i in chosen:
        _, node, key = leaves[i]
        node[key] = node[key] + bump
    changes = field_changes(FIELDS[name], new)
    assert [c["path"] for c in changes] == [leaves[i][0] for i in chosen]
    assert all(c["change"] == "changed" and c["new"] == c["old"] + bump for c in changes)
    assert field_changes(new, new) == []
