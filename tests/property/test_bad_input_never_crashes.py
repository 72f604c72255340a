"""Whatever a scenario file holds, validation answers with problems (exit 2), never a crash."""

import copy
import math

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccsim.cli import cli
from ccsim.errors import InputError
from ccsim.scenario import parse_scenario
from tests.cli.test_run_cli import COMPACT

BASE = yaml.safe_load(COMPACT)
BASE["tiers"] = [{"id": "vip", "share": 0.1, "priority": 1}, {"id": "regular", "share": 0.9}]
BASE["networks"] = [{"id": "n1", "share": 0.6, "dialect_share": 0.1}, {"id": "n2", "share": 0.4}]
BASE["call_types"][0]["ivr"] = {
    "containment": 0.3,
    "time_to_agent": {"dist": "constant", "mean_s": 20},
}
BASE["work_orders"] = [
    {
        "id": "wo",
        "raised_by": [{"call_type": "general", "probability": 0.5}],
        "handle_time": {"dist": "constant", "mean_s": 60},
        "limit_h": 4,
    }
]
BASE["centers"][0]["back_office"] = [{"id": "bo", "order_types": ["wo"], "handlers": 2}]
BASE["campaigns"] = [
    {
        "id": "care",
        "list": {"daily_size": 10},
        "windows": ["01:00-02:00"],
        "retry_after": {"dist": "constant", "mean_s": 600},
        "contact_prob": 0.5,
        "ring_time": {"dist": "constant", "mean_s": 20},
        "talk_time": {"dist": "constant", "mean_s": 60},
        "groups": ["agents"],
    }
]

junk = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6), st.lists(st.integers(-2, 2), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)  # fmt: skip


def paths(node, prefix=()):
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*prefix, i))
    return out


ALL = paths(BASE)


@given(st.lists(st.tuples(st.sampled_from(ALL), junk, st.booleans()), min_size=1, max_size=4))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_scenarios_give_problems_not_crashes(tmp_path_factory, edits):
    data = copy.deepcopy(BASE)
    for path, value, delete in edits:
        node = data
        try:
            for p in path[:-1]:
                node = node[p]
            if delete and isinstance(node, dict):
                node.pop(path[-1], None)
            else:
                node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    f = tmp_path_factory.mktemp("s") / "s.yaml"
    f.write_text(yaml.safe_dump(data))
    r = CliRunner().invoke(cli, ["validate", str(f)])
    assert r.exit_code in (0, 2), r.stderr + r.stdout
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr
    if r.exit_code == 0:  # a valid mutation must also run
        r = CliRunner().invoke(cli, ["run", str(f), "-r", "1", "--no-output", "--json"])
        assert r.exit_code == 0, r.stderr


def _at(node, path):
    for p in path:
        node = node[p]
    return node


NUMERIC = [p for p in ALL if type(_at(BASE, p)) in (int, float)]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_in_every_numeric_field_are_refused(value):
    assert len(NUMERIC) > 20
    for path in NUMERIC:
        data = copy.deepcopy(BASE)
        node = _at(data, path[:-1])
        node[path[-1]] = value
        with pytest.raises(InputError) as exc:
            parse_scenario(data)
        assert exc.value.problems, path
