"""The JSON Schema (``ccsim schema``) accepts what the loader accepts: every file in scenarios/."""

import copy
from pathlib import Path

import pytest
import yaml

from ccsim.errors import InputError
from ccsim.scenario import json_schema, parse_scenario

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[2] / "scenarios"


def _scenario_files() -> list[Path]:
    """Every scenario file under scenarios/ (column maps of call logs are not scenarios)."""
    out = []
    for p in sorted(ROOT.rglob("*.yaml")):
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "call_types" in data:
            out.append(p)
    return out


@pytest.fixture(scope="module")
def check():
    return jsonschema.Draft202012Validator(json_schema())


def _errors(check, data) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in check.iter_errors(data)]


@pytest.mark.parametrize("path", _scenario_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_scenario_file_validates_against_the_schema(check, path):
    assert _errors(check, yaml.safe_load(path.read_text(encoding="utf-8"))) == []


def _specialist() -> dict:
    return yaml.safe_load((ROOT / "specialist_desks.yaml").read_text(encoding="utf-8"))


def test_bare_group_names_in_routing_rules_are_in_the_schema(check):
    data = _specialist()
    rules = data["routing"]["rules"]
    rules[0]["groups"] = ["general", "new_hires"]  # bare names, unique in the scenario
    rules[1]["groups"] = ["complaint_desk", {"group": "main/general", "delay_s": 30}]
    assert _errors(check, data) == []
    sc = parse_scenario(copy.deepcopy(data), require_agents=False)
    assert [t.group for t in sc.routing.rules[0].groups] == ["general", "new_hires"]
    # what neither accepts: a number for a group, an unknown key beside it
    for bad in ([5], [{"group": "general", "delay": 30}], []):
        data["routing"]["rules"][0]["groups"] = bad
        assert _errors(check, data), bad
        with pytest.raises(InputError):
            parse_scenario(copy.deepcopy(data), require_agents=False)


def test_agents_and_handlers_as_lists_or_per_interval_are_in_the_schema(check):
    data = yaml.safe_load((ROOT / "province_local.yaml").read_text(encoding="utf-8"))
    n = len(data["centers"][1]["groups"][0]["agents"])
    for form in ([3] * n, {"per_interval": [3] * n}, 3):
        data["centers"][1]["groups"][0]["agents"] = form
        data["centers"][1]["back_office"][0]["handlers"] = form
        assert _errors(check, data) == [], form
        parse_scenario(copy.deepcopy(data))
    data["centers"][1]["back_office"][0]["handlers"] = {"per_interval": [3] * n, "csv": "x.csv"}
    assert _errors(check, data)
    with pytest.raises(InputError):
        parse_scenario(copy.deepcopy(data))
