"""``ccsim fit LOG``: a scenario fitted from a call log, its report, and a backtest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import numpy as np
import pandas as pd

from ccsim.commands.progress import progress_reporter, step_reporter
from ccsim.errors import InputError, Problem
from ccsim.reporting.jsonout import dumps


@click.command(
    "fit",
    epilog="""\b
Examples:
  ccsim run scenarios/mmn_abandon.yaml --calls --out outputs/mmn
  ccsim fit outputs/mmn/calls.csv.gz --check
  ccsim fit acd_export.csv --map acd_map.yaml --interval-min 15 --out outputs/fitted
  ccsim fit acd_export.parquet --map acd_map.yaml --check --json > fit.json""",
)
@click.argument("log", type=click.Path(dir_okay=False))
@click.option(
    "--map", "map_file", type=click.Path(dir_okay=False), help="Column map of the export (YAML)."
)
@click.option(
    "--interval-min", type=float, default=30.0, show_default=True, help="Interval, minutes."
)
@click.option("--start", help="Arrival times in seconds: the date and time of second 0.")
@click.option(
    "--sl-threshold-s", type=float, default=20.0, show_default=True, help="Service-level threshold."
)
@click.option(
    "--redial-window-min",
    type=float,
    default=120.0,
    show_default=True,
    help="A caller's next call this soon after a failed attempt is a redial.",
)
@click.option(
    "--repeat-window-h",
    type=float,
    default=24.0,
    show_default=True,
    help="A caller's next call this soon after an answered one is a return (not resolved).",
)
@click.option(
    "--staffing",
    "staffing_file",
    type=click.Path(dir_okay=False),
    help="Known staffing: CSV with columns interval (or start), group, agents.",
)
@click.option("--name", help="Name of the fitted scenario (default fitted-<log name>).")
@click.option(
    "--check", is_flag=True, help="Simulate the fitted scenario beside the log's own KPIs."
)
@click.option(
    "--replications", "-r", type=int, default=20, show_default=True, help="Backtest replications."
)
@click.option(
    "--seed", "-s", type=int, default=1, show_default=True, help="Seed of the fitted scenario."
)
@click.option("--workers", type=int, help="Parallel processes for the backtest.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Output folder (default outputs/<name>-<time>).",
)
@click.option("--no-output", is_flag=True, help="Write no output folder.")
@click.option("--no-figures", is_flag=True, help="Skip the figures.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr (nor with --json).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
def fit_command(
    log: str,
    map_file: str | None,
    interval_min: float,
    start: str | None,
    sl_threshold_s: float,
    redial_window_min: float,
    repeat_window_h: float,
    staffing_file: str | None,
    name: str | None,
    check: bool,
    replications: int,
    seed: int,
    workers: int | None,
    out_dir: str | None,
    no_output: bool,
    no_figures: bool,
    quiet: bool,
    as_json: bool,
) -> int:
    """Fit a scenario from a call log: arrivals, IVR, handle times, patience, redials, staffing.

    LOG is a CSV (plain or .gz) or Parquet file, one row per call. ccsim's own calls.csv.gz
    (ccsim run --calls) and logs in canonical column names need no --map.
    """
    from ccsim.commands.options import run_option_problems
    from ccsim.data.calllog import load_call_log
    from ccsim.data.fit import fit
    from ccsim.reporting.fit_text import print_fit
    from ccsim.reporting.outputs import check_target, default_folder

    problems = run_option_problems(replications, seed, workers)
    if out_dir and no_output:
        problems.append(Problem("--out", "cannot go with --no-output", out_dir))
    if problems:
        raise InputError(problems)
    quiet = quiet or as_json
    step = step_reporter("fit", quiet)
    if step:
        step(f"reading {log}")
    cl = load_call_log(log, map_file, start)
    agents = None
    if staffing_file is not None:
        from ccsim.data.period import period_of

        reps = max(1, int(cl.frame["replication"].nunique()))
        period = (
            period_of(cl.frame["arrival"], interval_min, reps, cl.run_folder)
            if len(cl.frame)
            else None
        )
        f = cl.frame
        groups = set(f["group"].dropna().astype("str"))
        if not groups or (f["outcome"].eq("answered") & f["group"].isna()).any():
            groups.add("agents")  # the name of the group of calls the log names none for
        agents = read_staffing(staffing_file, period, groups)
    if step:
        step(f"fitting {len(cl.frame):,} calls")
    scenario, report = fit(
        cl,
        interval_min=interval_min,
        threshold_s=sl_threshold_s,
        redial_window_min=redial_window_min,
        repeat_window_h=repeat_window_h,
        name=name,
        seed=seed,
        agents=agents,
    )
    folder = None if no_output else Path(out_dir) if out_dir else default_folder(scenario.name)
    if folder is not None:
        check_target(folder)
    doc = report.to_dict()
    doc["scenario"] = scenario.name
    table = None
    if check:
        from ccsim.data.backtest import backtest, backtest_summary

        table = backtest(
            scenario,
            report,
            replications=replications,
            workers=workers,
            progress=None
            if quiet
            else progress_reporter(replications, f"simulating {scenario.name}"),
        )
        doc["check"] = {
            "replications": replications,
            "summary": backtest_summary(table),
            "table": table.to_dict(orient="records"),
        }
    if folder is not None:
        if step:
            step(f"writing {folder}")
        _write_folder(folder, report, doc, table, cl.frame, figures=not no_figures)
        doc["output_dir"] = str(folder)
    if as_json:
        click.echo(dumps(doc))
    else:
        print_fit(doc, str(folder) if folder else None)
    return 0


def read_staffing(path: str, period: Any, groups: set[str] | None = None) -> pd.DataFrame:
    """A staffing CSV: ``group``, ``agents`` and ``interval`` (index) or ``start`` (clock time).

    ``groups`` are the log's groups: a row naming another is a problem (its agents would
    staff a group no call of the log reaches, and the log's group would get none).
    """
    from ccsim.data.exports import sniff_delimiter

    p = Path(path)
    try:
        df = pd.read_csv(p)
        sep = sniff_delimiter([str(c) for c in df.columns])
        if sep is not None:  # semicolons or tabs, as a spreadsheet in many locales writes
            df = pd.read_csv(p, sep=sep)
    except FileNotFoundError:
        raise InputError([Problem("--staffing", "no such file", path)]) from None
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as e:
        raise InputError([Problem("--staffing", f"cannot be read as CSV ({e})", path)]) from None
    df.columns = [str(c).strip() for c in df.columns]
    problems = []
    if not {"group", "agents"} <= set(df.columns) or not ({"interval", "start"} & set(df.columns)):
        problems.append(
            Problem(
                "--staffing",
                "needs columns group, agents and interval (or start)",
                ", ".join(df.columns),
            )
        )
        raise InputError(problems, path)
    agents = pd.to_numeric(df["agents"], errors="coerce")
    bad = agents.isna() | (agents < 0)
    for i in np.flatnonzero(bad.to_numpy())[:10]:
        problems.append(
            Problem(
                f"{path} line {i + 2}, column agents", "must be a number >= 0", df["agents"].iloc[i]
            )
        )
    if groups is not None:
        name = df["group"].astype("str").str.strip()
        for i in np.flatnonzero(~name.isin(groups).to_numpy())[:10]:
            problems.append(
                Problem(
                    f"{path} line {i + 2}, column group",
                    f"is not a group of the log (its groups: {', '.join(sorted(groups))})",
                    df["group"].iloc[i],
                )
            )
    if period is None:
        return pd.DataFrame(columns=["interval", "group", "agents"])
    if "interval" in df.columns:
        iv = pd.to_numeric(df["interval"], errors="coerce")
    else:
        labels = {period.label(i): i for i in range(period.n_intervals)}
        iv = df["start"].astype("str").str.strip().map(labels)
    badiv = iv.isna() | (iv < 0) | (iv >= period.n_intervals)
    for i in np.flatnonzero(badiv.to_numpy())[:10]:
        col = "interval" if "interval" in df.columns else "start"
        problems.append(
            Problem(
                f"{path} line {i + 2}, column {col}",
                f"is not an interval of the log's period (0 to {period.n_intervals - 1}, or its clock labels)",
                df[col].iloc[i],
            )
        )
    if problems:
        raise InputError(problems, path)
    return pd.DataFrame(
        {
            "interval": iv.astype(np.int64),
            "group": df["group"].astype("str").str.strip(),
            "agents": agents,
        }
    )


def _write_folder(
    folder: Path,
    report: Any,
    doc: dict[str, Any],
    table: pd.DataFrame | None,
    frame: pd.DataFrame,
    figures: bool,
) -> None:
    from ccsim._version import __version__
    from ccsim.reporting.files import MANIFEST
    from ccsim.reporting.outputs import write_atomically

    talk_values: dict[str, np.ndarray] = {
        str(k): g["talk_s"].dropna().to_numpy(dtype=float)
        for k, g in frame[frame["outcome"].eq("answered")].groupby("call_type", observed=True)
    }

    def fill(tmp: Path) -> None:
        manifest = {
            "ccsim_version": __version__,
            "kind": "fit",
            "source": report.source,
            "scenario": doc["scenario"],
        }
        (tmp / MANIFEST).write_text(dumps(manifest) + "\n", encoding="utf-8")
        (tmp / "scenario.yaml").write_text(report.scenario_text, encoding="utf-8")
        (tmp / "fit.json").write_text(dumps(doc) + "\n", encoding="utf-8")
        report.arrivals().to_csv(tmp / "arrivals.csv", index=False)
        report.durations().to_csv(tmp / "durations.csv", index=False)
        report.patience_table().to_csv(tmp / "patience.csv", index=False)
        km = [p.km.assign(call_type=k) for k, p in report.patience.items()]
        if km:
            pd.concat(km, ignore_index=True).to_csv(tmp / "kaplan_meier.csv", index=False)
        report.mix.to_csv(tmp / "mix.csv", index=False)
        report.staffing.to_csv(tmp / "staffing.csv", index=False)
        report.skills.to_csv(tmp / "skills.csv", index=False)
        report.observed.to_csv(tmp / "observed.csv", index=False)
        if table is not None:
            table.to_csv(tmp / "backtest.csv", index=False)
        if figures:
            from ccsim.reporting.fit_figures import write_fit_figures

            write_fit_figures(tmp, report, talk_values, table)

    write_atomically(folder, fill)
