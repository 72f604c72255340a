"""``ccsim forecast HISTORY``: calls per interval and call type for the next days."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from ccsim.commands.progress import step_reporter
from ccsim.errors import InputError, Problem
from ccsim.reporting.jsonout import dumps


@click.command(
    "forecast",
    epilog="""\b
Examples:
  ccsim forecast history.csv --days 7
  ccsim forecast acd_export.csv --map acd_map.yaml --days 14 --special-days 2026-10-01,2026-10-02
  ccsim forecast history.csv --days 7 --scenario scenarios/province_10000.yaml --out next_week.yaml
  ccsim staff next_week.yaml                # plan against the forecast and its own error""",
)
@click.argument("history", type=click.Path(dir_okay=False))
@click.option(
    "--map",
    "map_file",
    type=click.Path(dir_okay=False),
    help="Column map of a call log (as ccsim fit).",
)
@click.option("--days", type=int, default=7, show_default=True, help="Days to forecast.")
@click.option(
    "--method",
    type=click.Choice(["auto", "seasonal_naive", "profile", "ets"]),
    default="auto",
    show_default=True,
    help="auto: the lowest interval WAPE in the backtest.",
)
@click.option(
    "--special-days", help="Dates left out of the fitting, comma-separated (2026-10-01,2026-10-02)."
)
@click.option(
    "--level",
    type=float,
    default=0.95,
    show_default=True,
    help="Coverage of the prediction intervals.",
)
@click.option("--interval-min", type=float, help="Interval of a call log's counts (default 30).")
@click.option(
    "--backtest-weeks",
    type=int,
    default=4,
    show_default=True,
    help="Weeks of rolling-origin backtest.",
)
@click.option(
    "--scenario",
    "base_file",
    type=click.Path(dir_okay=False),
    help="Write the forecast into this scenario.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(),
    help="NAME.yaml: the forecast scenario (with --scenario); otherwise a folder (forecast.csv, backtest.csv, figures).",
)
@click.option("--no-figures", is_flag=True, help="Skip the figures.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr (nor with --json).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
def forecast_command(
    history: str,
    map_file: str | None,
    days: int,
    method: str,
    special_days: str | None,
    level: float,
    interval_min: float | None,
    backtest_weeks: int,
    base_file: str | None,
    out_path: str | None,
    no_figures: bool,
    quiet: bool,
    as_json: bool,
) -> int:
    """Forecast calls (and handle time) per interval and call type, with a backtest.

    HISTORY is a table of counts (timestamp, call_type, calls[, aht_s]) or a call log
    (read as ccsim fit reads it). Methods are measured against seasonal naive (the same
    weekday last week) on the last weeks of history, beside the Poisson noise floor.
    """
    from ccsim.data.forecast import forecast
    from ccsim.reporting.forecast_text import print_forecast

    to_yaml = out_path is not None and Path(out_path).suffix.lower() in (".yaml", ".yml")
    problems = []
    if to_yaml and base_file is None:
        problems.append(
            Problem(
                "--out", "a .yaml output is a scenario: it needs --scenario BASE.yaml", out_path
            )
        )
    if problems:
        raise InputError(problems)
    base = None
    if base_file is not None:
        from ccsim.scenario import load_scenario

        base = load_scenario(base_file)
    specials = [s.strip() for s in (special_days or "").split(",") if s.strip()]
    step = step_reporter("forecast", quiet or as_json)
    if step:
        step(f"reading {history}, forecasting {days} days and backtesting {backtest_weeks} weeks")
    fc, report = forecast(
        history,
        days,
        method=method,
        special_days=specials,
        level=level,
        backtest_weeks=backtest_weeks,
        map=map_file,
        interval_min=interval_min,
    )
    scenario_text = None
    if base is not None:
        from ccsim.data.forecast_scenario import forecast_scenario

        _, scenario_text = forecast_scenario(base, fc, report, str(base_file))
    doc = report.to_dict()
    doc["days"] = days
    doc["forecast"] = _rows(fc)
    if out_path is not None:
        if step:
            step(f"writing {out_path}")
        if to_yaml:
            from ccsim.reporting.files import write_file_atomically

            assert scenario_text is not None
            write_file_atomically(out_path, scenario_text)
        else:
            _write_folder(Path(out_path), fc, report, doc, scenario_text, figures=not no_figures)
        doc["output"] = out_path
    if as_json:
        click.echo(dumps(doc))
    else:
        print_forecast(doc, fc, out_path)
    return 0


def _rows(fc: pd.DataFrame) -> list[dict[str, Any]]:
    out = fc.copy()
    out["start"] = out["start"].dt.strftime("%Y-%m-%d %H:%M")
    return [{str(k): v for k, v in r.items()} for r in out.to_dict(orient="records")]


def _write_folder(
    folder: Path,
    fc: pd.DataFrame,
    report: Any,
    doc: dict[str, Any],
    scenario_text: str | None,
    figures: bool,
) -> None:
    from ccsim._version import __version__
    from ccsim.reporting.files import MANIFEST
    from ccsim.reporting.outputs import write_atomically

    def fill(tmp: Path) -> None:
        manifest = {
            "ccsim_version": __version__,
            "kind": "forecast",
            "source": report.history.source,
        }
        (tmp / MANIFEST).write_text(dumps(manifest) + "\n", encoding="utf-8")
        (tmp / "forecast.json").write_text(dumps(doc) + "\n", encoding="utf-8")
        fc.to_csv(tmp / "forecast.csv", index=False)
        report.backtest.to_csv(tmp / "backtest.csv", index=False)
        if scenario_text is not None:
            (tmp / "scenario.yaml").write_text(scenario_text, encoding="utf-8")
        if figures:
            from ccsim.reporting.forecast_figures import write_forecast_figures

            write_forecast_figures(tmp, report.history.counts, fc, report.backtest)

    write_atomically(folder, fill)
