"""``ccsim run`` and ``ccsim report``."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import click

from ccsim.commands.options import (
    overwrite_problems,
    raise_with_files,
    run_option_problems,
    scale_factors,
    scale_option,
    scale_problems,
    set_option,
    target_problems,
    with_changes,
)
from ccsim.commands.progress import progress_reporter
from ccsim.errors import InputError, Problem
from ccsim.reporting.jsonout import dumps
from ccsim.reporting.text import print_run
from ccsim.runner.cluster import dask_client, dask_option
from ccsim.scenario import load_scenario


@click.command(
    "run",
    epilog="""\b
Examples:
  ccsim run scenarios/mmn.yaml
  ccsim run scenarios/province_10000.yaml --replications 20 --seed 1 --out outputs/province
  ccsim run scenarios/mmn.yaml --json > result.json
  ccsim run scenarios/province_10000.yaml --strict   # exit 1 if a target is missed""",
)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--replications", "-r", type=int, help="Replications (overrides the file).")
@click.option("--seed", "-s", type=int, help="Random seed (overrides the file).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Output folder (default outputs/<name>-<time>).",
)
@click.option("--no-output", is_flag=True, help="Write no output folder.")
@click.option(
    "--calls", "keep_calls", is_flag=True, help="Also write per-call records (calls.csv.gz)."
)
@click.option("--no-figures", is_flag=True, help="Skip the figures (faster).")
@click.option(
    "--snapshot-at",
    metavar="HH:MM",
    help="Take the live state of replication 0 at this clock time (day 1)...",
)
@click.option(
    "--snapshot",
    "snapshot_file",
    type=click.Path(dir_okay=False),
    help="... and write it to this state file (for ccsim intraday).",
)
@click.option("--workers", type=int, help="Parallel processes (default: one per core).")
@dask_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar on stderr (nor with --json).")
@click.option("--strict", is_flag=True, help="Exit with code 1 if any target is missed.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@set_option
@scale_option
def run_command(
    file: str,
    replications: int | None,
    seed: int | None,
    out_dir: str | None,
    no_output: bool,
    keep_calls: bool,
    no_figures: bool,
    snapshot_at: str | None,
    snapshot_file: str | None,
    workers: int | None,
    dask_address: str | None,
    quiet: bool,
    strict: bool,
    changes: tuple[str, ...],
    scale: tuple[str, ...],
    as_json: bool,
) -> int:
    """Simulate a scenario: KPIs against targets, and an output folder with tables and a report."""
    problems = run_option_problems(replications, seed, workers, dask_address) + scale_problems(
        scale
    )
    if out_dir and no_output:
        problems.append(Problem("--out", "cannot go with --no-output", out_dir))
    if keep_calls and no_output:
        problems.append(
            Problem(
                "--calls",
                "writes calls.csv.gz into the output folder: drop --no-output",
                has_value=False,
            )
        )
    if snapshot_at is not None and snapshot_file is None:
        problems.append(
            Problem("--snapshot-at", "goes with --snapshot FILE (both or neither)", snapshot_at)
        )
    if snapshot_file is not None and snapshot_at is None:
        problems.append(
            Problem("--snapshot", "goes with --snapshot-at HH:MM (both or neither)", snapshot_file)
        )
    problems += target_problems(out_dir, "--out") + target_problems(
        snapshot_file, "--snapshot", folder=False
    )
    problems += overwrite_problems(snapshot_file, "--snapshot", {"scenario file": file})
    raise_with_files(
        problems, lambda: load_scenario(file), lambda sc: with_changes(sc, changes, file)
    )
    sc = with_changes(load_scenario(file), changes, file, scale)
    if snapshot_at is not None:
        _check_snapshot_at(sc, snapshot_at)
    from ccsim.reporting.outputs import check_target, default_folder, write_run_folder
    from ccsim.runner import simulate

    folder = None if no_output else Path(out_dir) if out_dir else default_folder(sc.name)
    if folder is not None:
        check_target(folder)
    reps = sc.replications if replications is None else replications
    with contextlib.ExitStack() as stack:
        client = stack.enter_context(dask_client(dask_address)) if dask_address else None
        res = simulate(
            sc, replications, seed, workers=workers,
            keep_calls=(keep_calls and not no_output) or snapshot_at is not None,
            progress=None if quiet or as_json else progress_reporter(reps, f"simulating {sc.name}"),
            backend="dask" if client is not None else "processes", dask_client=client,
        )  # fmt: skip
    doc = res.summary()
    from ccsim.staffing.erlang_check import erlang_check

    doc["erlang_check"] = erlang_check(res)
    if scale:
        doc["scale"] = scale_factors(scale)
    if snapshot_at is not None and snapshot_file is not None:
        from ccsim.intraday.snapshot import snapshot, state_yaml
        from ccsim.reporting.files import write_file_atomically

        state = snapshot(res, snapshot_at)
        text = (  # a .json file gets JSON (intraday reads both)
            dumps(state) + "\n"
            if snapshot_file.lower().endswith(".json")
            else state_yaml(state, file)
        )
        write_file_atomically(snapshot_file, text, "--snapshot")
        doc["snapshot"] = snapshot_file
    if folder is not None:
        write_run_folder(res, folder, doc, keep_calls=keep_calls, figures=not no_figures)
        doc["output_dir"] = str(folder)
    if as_json:
        click.echo(dumps(doc))
    else:
        print_run(doc, str(folder) if folder else None)
    return 1 if strict and not doc["all_targets_met"] else 0


def _check_snapshot_at(sc: Any, at: str) -> None:
    from ccsim.scenario.common import normalize_clock

    text = normalize_clock(at)
    ok = (
        isinstance(text, str)
        and len(text) == 5
        and text[2] == ":"
        and text.replace(":", "").isdigit()
    )
    if ok:
        h, m = int(text[:2]), int(text[3:])
        t = h * 3600 + m * 60 - sc.horizon.start_s
        ok = h < 24 and m < 60 and 0 < t < sc.horizon.duration_h * 3600
    if not ok:
        raise InputError(
            [
                Problem(
                    "--snapshot-at", "must be a clock time HH:MM inside the horizon's first day", at
                )
            ]
        )
