"""``ccsim validate`` and ``ccsim schema``."""

from __future__ import annotations

import json

import click

from ccsim.errors import InputError
from ccsim.reporting.files import write_file_atomically
from ccsim.reporting.jsonout import dumps
from ccsim.scenario import json_schema, load_scenario


@click.command(
    "validate",
    epilog="""\b
Examples:
  ccsim validate scenarios/province_10000.yaml
  ccsim validate my.yaml --json""",
)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
def validate_command(file: str, as_json: bool) -> int:
    """Check a scenario file; every problem is listed with its path, value and rule."""
    try:
        sc = load_scenario(file)
    except InputError as exc:
        if as_json:
            click.echo(
                dumps(
                    {
                        "file": file,
                        "valid": False,
                        "problems": exc.problem_dicts(),
                    }
                )
            )
            exc.printed_json = True
        raise
    groups = sc.groups
    info = {
        "file": file,
        "valid": True,
        "name": sc.name,
        "call_types": len(sc.call_types),
        "groups": len(groups),
        "centers": len(sc.centers),
        "tiers": len(sc.tier_list),
        "networks": len(sc.network_list),
        "intervals": sc.horizon.n_intervals,
        "replications": sc.replications,
        "seed": sc.seed,
    }
    if as_json:
        click.echo(dumps(info))
    else:
        click.echo(
            f"{file}: valid. '{sc.name}': {info['call_types']} call types, {info['groups']} groups in "
            f"{info['centers']} centres, {info['tiers']} tiers, {info['networks']} networks, "
            f"{info['intervals']} intervals of {sc.horizon.interval_min:g} min, seed {sc.seed}."
        )
    return 0


@click.command(
    "schema",
    epilog="""\b
Examples:
  ccsim schema > ccsim-scenario.schema.json
  # VS Code (YAML extension): "yaml.schemas": {"ccsim-scenario.schema.json": "scenarios/*.yaml"}""",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    help="Write to this file instead of stdout.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the schema on stdout (also with --out): it is already one JSON document.",
)
def schema_command(out_file: str | None, as_json: bool) -> int:
    """Print the JSON Schema of scenario files (for editors' autocompletion and checks)."""
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False)
    if out_file:
        write_file_atomically(out_file, text + "\n")
    if as_json or not out_file:
        click.echo(text)
    return 0
