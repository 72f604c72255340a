"""``ccsim sweep FILE --vary PATH=VALUES ...``: a grid of what-ifs with common random numbers."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from ccsim.commands.options import (
    in_file,
    raise_with_files,
    run_option_problems,
    target_problems,
)
from ccsim.errors import InputError, Problem
from ccsim.reporting.jsonout import dumps
from ccsim.runner.cluster import dask_option


@click.command(
    "sweep",
    epilog="""\b
Examples:
  ccsim sweep scenarios/mmn.yaml --vary centers.main.groups.agents.agents=10:16:1
  ccsim sweep scenarios/province_10000.yaml --vary demand.daily_volume*=0.9,1.0,1.1 \\
      --vary centers.province.groups.general.agents=80:140:20 --replications 5
  ccsim sweep scenarios/mmn.yaml --vary call_types.*.handle_time.mean_s=100:140:10 \\
      --vary call_types.*.arrivals.rate_per_h*=0.9,1.1 --sample 20 --dask local:2
  ccsim sweep scenarios/mmn.yaml --sweep-file what_ifs.yaml --out outputs/sweep""",
)
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--vary",
    "varies",
    multiple=True,
    metavar="PATH=VALUES",
    help="A field and its values: a,b,c | START:STOP:STEP | PATH*=factors (multiplies). "
    "'*' in PATH means every item of a list. Several --vary make a grid.",
)
@click.option(
    "--sweep-file",
    type=click.Path(dir_okay=False),
    help="YAML: vary: {PATH: VALUES, ...}, sample: N.",
)
@click.option("--sample", type=int, help="Draw N points of a Latin hypercube instead of the grid.")
@click.option(
    "--replications", "-r", type=int, help="Replications per point (default: the file's)."
)
@click.option("--seed", "-s", type=int, help="Seed shared by every point (default: the file's).")
@click.option("--workers", type=int, help="Parallel processes (default: one per core).")
@dask_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Output folder (default outputs/<name>-sweep-<time>).",
)
@click.option("--no-output", is_flag=True, help="Write no output folder.")
@click.option("--no-figures", is_flag=True, help="Skip the figures.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
def sweep_command(
    file: str,
    varies: tuple[str, ...],
    sweep_file: str | None,
    sample: int | None,
    replications: int | None,
    seed: int | None,
    workers: int | None,
    dask_address: str | None,
    out_dir: str | None,
    no_output: bool,
    no_figures: bool,
    as_json: bool,
) -> int:
    """Simulate a grid of what-ifs of one scenario, every point with the same random numbers."""
    from ccsim.reporting.outputs import check_target, default_folder
    from ccsim.reporting.sweep_text import print_sweep
    from ccsim.runner.sweep import run_sweep
    from ccsim.scenario import load_scenario
    from ccsim.scenario.vary import MAX_POINTS, grid, parse_vary, point_scenarios
    from ccsim.scenario.vary import sample as lhs

    problems: list[Problem | str] = [
        *run_option_problems(replications, seed, workers, dask_address)
    ]
    if out_dir and no_output:
        problems.append(Problem("--out", "cannot go with --no-output", out_dir))
    else:
        problems += target_problems(out_dir, "--out")
    if sample is not None and not 1 <= sample <= MAX_POINTS:
        problems.append(Problem("--sample", f"must be 1 to {MAX_POINTS:,}", sample))
    specs = list(varies)
    file_problems: list[Problem] = []
    if sweep_file is not None:
        extra, file_sample, file_problems = _read_sweep_file(sweep_file)
        specs += extra
        sample = sample if sample is not None else file_sample
    if not specs and not file_problems:
        problems.append(
            Problem("--vary", "give at least one PATH=VALUES (or --sweep-file)", has_value=False)
        )
    parsed = []
    for text in specs:
        try:
            parsed.append(parse_vary(text))
        except InputError as exc:
            problems += [p for p in exc.problems if isinstance(p, Problem)]
    if file_problems and not problems:  # as the file's own problems, headed by the file
        raise InputError(file_problems, sweep_file)
    problems += in_file(InputError(file_problems, sweep_file))
    raise_with_files(problems, lambda: load_scenario(file))
    base = load_scenario(file)
    reps = base.replications if replications is None else replications
    s = base.seed if seed is None else seed
    points = lhs(parsed, sample, s) if sample is not None else grid(parsed)
    scenarios = point_scenarios(base, parsed, points)  # every point validated before any run
    folder = (
        None if no_output else Path(out_dir) if out_dir else default_folder(f"{base.name}-sweep")
    )
    if folder is not None:
        check_target(folder)
    total = len(points) * reps
    progress = None if as_json else _progress(total, f"sweep of {base.name}")
    if dask_address is not None:
        from ccsim.runner.cluster import dask_client

        with dask_client(dask_address) as client:
            res = run_sweep(
                scenarios, points, reps, s, progress=progress, backend="dask", dask_client=client
            )
    else:
        res = run_sweep(scenarios, points, reps, s, workers=workers, progress=progress)
    doc = {"scenario": base.name, "replications": reps, **res.to_dict()}
    if folder is not None:
        _write_folder(folder, res, doc, figures=not no_figures)
        doc["output_dir"] = str(folder)
    if as_json:
        click.echo(dumps(doc))
    else:
        print_sweep(doc, str(folder) if folder else None)
    return 0


def _progress(total: int, label: str) -> Any:
    """Points done and time left on stderr (a bar on a terminal)."""
    from ccsim.commands.progress import progress_reporter

    bar = progress_reporter(total, label)
    if bar is not None:
        return bar
    t0 = time.perf_counter()
    step = max(1, total // 10)

    def report(done: int, n: int) -> None:
        if done % step == 0 or done == n:
            el = time.perf_counter() - t0
            left = el / done * (n - done)
            click.echo(
                f"{label}: {done}/{n} replications, {el:.0f} s, about {left:.0f} s left", err=True
            )

    return report


def _read_sweep_file(path: str) -> tuple[list[str], int | None, list[Problem]]:
    """The file's varies as ``--vary`` texts, its ``sample``, and every problem of its form.

    Problems name their key in the file (and its line); a file that cannot be read or
    parsed at all raises at once.
    """
    from ccsim.scenario.document import read_document
    from ccsim.scenario.vary import MAX_POINTS

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            [Problem("--sweep-file", f"cannot be read ({exc.strerror or exc})", path)]
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError([Problem("--sweep-file", f"cannot be read ({exc})", path)]) from None
    data, lines, problems = read_document(text, path)
    if problems:
        raise InputError(problems, path)

    def at(key: str) -> str:
        line = lines.get((key,))
        return key if line is None else f"{key} (line {line})"

    if not isinstance(data, dict):
        rule = "must be a mapping with vary: {PATH: VALUES, ...} and optionally sample: N"
        return [], None, [Problem("(top level)", rule, type(data).__name__)]
    out = [
        Problem(at(str(k)), "unknown key; known keys: sample, vary", has_value=False)
        for k in data
        if k not in ("vary", "sample")
    ]
    vary = data.get("vary")
    specs = []
    if vary is None:
        out.append(Problem("vary", "is required: {PATH: VALUES, ...}", has_value=False))
    elif not isinstance(vary, dict):
        out.append(Problem(at("vary"), "must be a mapping {PATH: VALUES, ...}", vary))
    else:
        for key, values in vary.items():
            if isinstance(values, list):
                text_values = ",".join(dumps(v) if not isinstance(v, str) else v for v in values)
            else:
                text_values = str(values)
            specs.append(f"{key}={text_values}")
    n = data.get("sample")
    if n is not None and (not isinstance(n, int) or isinstance(n, bool)):
        out.append(Problem(at("sample"), "must be a whole number", n))
        n = None
    elif n is not None and not 1 <= n <= MAX_POINTS:
        out.append(Problem(at("sample"), f"must be 1 to {MAX_POINTS:,}", n))
        n = None
    return specs, n, out


def _plain_columns(frame: Any, labels: list[str]) -> Any:
    """Varied columns holding lists or mixed values as text (Parquet needs one type)."""
    out = frame.copy()
    for c in labels:
        if out[c].dtype == object:
            out[c] = [v if isinstance(v, str) else dumps(v) for v in out[c]]
    return out


def _write_folder(folder: Path, res: Any, doc: dict[str, Any], figures: bool) -> None:
    from ccsim._version import __version__
    from ccsim.reporting.files import MANIFEST
    from ccsim.reporting.outputs import write_atomically

    def fill(tmp: Path) -> None:
        manifest = {
            "ccsim_version": __version__,
            "kind": "sweep",
            "scenario": doc["scenario"],
            "seed": res.seed,
        }
        (tmp / MANIFEST).write_text(dumps(manifest) + "\n", encoding="utf-8")
        (tmp / "sweep.json").write_text(dumps(doc) + "\n", encoding="utf-8")
        res.summary.to_csv(tmp / "points.csv", index=False)
        res.replications.to_csv(tmp / "replications.csv", index=False)
        _plain_columns(res.summary, res.labels).to_parquet(tmp / "points.parquet", index=False)
        _plain_columns(res.replications, res.labels).to_parquet(
            tmp / "replications.parquet", index=False
        )
        if figures:
            from ccsim.reporting.sweep_figures import write_sweep_figures

            write_sweep_figures(tmp, res.summary, res.labels, res.targets)

    write_atomically(folder, fill)
