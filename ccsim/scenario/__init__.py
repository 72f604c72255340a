"""Scenario files: schema, safe YAML loading, cross-reference validation (pure data)."""

from ccsim.scenario.distributions import Dist, Patience
from ccsim.scenario.loader import (
    load_scenario,
    load_text,
    parse_scenario,
    replace,
    scenario_hash,
    to_dict,
    to_yaml,
)
from ccsim.scenario.schema import Scenario
from ccsim.scenario.tables import add_table_forms


def json_schema() -> dict[str, object]:
    """The JSON Schema of scenario files (what ``ccsim schema`` prints)."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ccsim scenario"
    # "x-..." keys at the top level hold YAML anchors for reuse and are ignored
    schema["patternProperties"] = {"^x-": {}}
    add_table_forms(schema)
    return schema


__all__ = [
    "Dist",
    "Patience",
    "Scenario",
    "json_schema",
    "load_scenario",
    "load_text",
    "parse_scenario",
    "replace",
    "scenario_hash",
    "to_dict",
    "to_yaml",
]
