"""``ccsim intraday SCENARIO --state STATE``: the rest of today from its live state."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import click

from ccsim.commands.options import (
    in_file,
    overwrite_problems,
    raise_with_files,
    run_option_problems,
    target_problems,
)
from ccsim.errors import InputError, Problem
from ccsim.reporting.jsonout import dumps
from ccsim.runner.cluster import dask_client, dask_option


@click.command(
    "intraday",
    epilog="""\b
Examples:
  ccsim run scenarios/province_10000.yaml -r 1 --snapshot-at 11:00 --snapshot now.yaml --no-output
  ccsim intraday scenarios/province_10000.yaml --state now.yaml
  ccsim intraday scenarios/province_10000.yaml --state now.yaml --call-in general,order --max-extra 8 --json
  ccsim intraday scenarios/province_10000.yaml --state now.yaml --dask tcp://scheduler:8786""",
)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--state",
    "state_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="The live state (YAML or JSON).",
)
@click.option(
    "--replications",
    "-r",
    type=int,
    default=20,
    show_default=True,
    help="Replications of the rest of the day.",
)
@click.option("--seed", "-s", type=int, help="Seed (default: the scenario's).")
@click.option(
    "--max-extra",
    type=int,
    default=10,
    show_default=True,
    help="Agents that may be added to one group.",
)
@click.option(
    "--call-in",
    help="Groups that may be called in, comma-separated (default: all that take calls).",
)
@click.option("--no-recommend", is_flag=True, help="Project only; search no actions.")
@click.option(
    "--workers",
    type=int,
    help="Parallel processes (default: one per core); with --dask, replications run ahead.",
)
@dask_option
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False),
    help="Write the JSON document to this file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
def intraday_command(
    file: str,
    state_file: str,
    replications: int,
    seed: int | None,
    max_extra: int,
    call_in: str | None,
    no_recommend: bool,
    workers: int | None,
    dask_address: str | None,
    out_file: str | None,
    as_json: bool,
) -> int:
    """Re-simulate the rest of the day from its live state; projected KPIs and the call-ins that restore the targets."""
    from ccsim.intraday import intraday, read_state
    from ccsim.intraday.state import group_labels
    from ccsim.reporting.intraday_text import print_intraday
    from ccsim.scenario import load_scenario

    problems = run_option_problems(replications, seed, workers, dask_address)
    if max_extra < 0:
        problems.append(Problem("--max-extra", "must be >= 0", max_extra))
    problems += target_problems(out_file, "--out", folder=False)
    problems += overwrite_problems(
        out_file, "--out", {"scenario file": file, "state file": state_file}
    )

    def state_and_groups(sc: Any) -> tuple[Any, list[str]]:
        """The state and the call-in groups of the scenario ``sc``.

        The state's and the groups' problems are raised together.
        """
        state, bad_state = None, None
        try:
            state = read_state(state_file, sc)
        except InputError as exc:
            bad_state = exc
        groups = [g.strip() for g in (call_in or "").split(",") if g.strip()]
        labels = group_labels(sc)
        found: list[Problem | str] = [
            Problem("--call-in", f"names no group (known: {', '.join(sorted(labels))})", g)
            for g in groups
            if g not in labels
        ]
        log = state.call_log if state is not None else None
        if log is not None:  # today's log and its map, read beside the state
            base = Path(state_file).parent
            found += overwrite_problems(
                out_file, "--out",
                {"state's call log": str(base / log.path),
                 "state's call-log map": str(base / log.map) if log.map else None},
            )  # fmt: skip
        if bad_state is not None and not found:
            raise bad_state  # the state file's problems under its name, as for a scenario
        if bad_state is not None:
            found = in_file(bad_state) + found
        if found:
            raise InputError(found)
        return state, groups

    raise_with_files(problems, lambda: load_scenario(file), state_and_groups)
    sc = load_scenario(file)
    state, groups = state_and_groups(sc)
    log = None if as_json else (lambda msg: click.echo(msg, err=True))
    with contextlib.ExitStack() as stack:
        client = stack.enter_context(dask_client(dask_address)) if dask_address else None
        if client is not None and workers is None:  # as many replications ahead as it has workers
            workers = max(1, sum(client.nthreads().values()))
        res = intraday(
            sc, state, replications=replications, seed=seed, max_extra=max_extra,
            call_in=groups or None, recommend=not no_recommend, workers=workers, log=log,
            executor=client.get_executor(pure=False) if client is not None else None,
        )  # fmt: skip
    doc = res.to_dict()
    if out_file is not None:
        from ccsim.reporting.files import write_file_atomically

        write_file_atomically(Path(out_file), dumps(doc) + "\n")
    if as_json:
        click.echo(dumps(doc))
    else:
        print_intraday(doc)
    return 0
