"""``ccsim report``: re-render the report of a run, a staffing plan or a comparison folder."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import click

from ccsim.errors import InputError, Problem
from ccsim.reporting.jsonout import dumps
from ccsim.reporting.text import print_run


@click.command(
    "report",
    epilog="""\b
Examples:
  ccsim report outputs/mmn-example-20261124-101500
  ccsim report outputs/province_plan        # a ccsim staff --out folder
  ccsim report outputs/designs              # a ccsim compare --out folder""",
)
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--no-figures", is_flag=True, help="Skip the figures.")
@click.option("--json", "as_json", is_flag=True, help="Print the run's JSON document on stdout.")
def report_command(folder: str, no_figures: bool, as_json: bool) -> int:
    """Re-render an output folder's report (figures, report.html) from its files, without re-running.

    Works on the folders of ccsim run, ccsim staff and ccsim compare (--out).
    """
    from ccsim.reporting.html import read_folder, render_report

    path = Path(folder)
    if not path.is_dir():
        raise InputError([Problem(folder, "is not a folder", has_value=False)])
    found = read_folder(path)  # every problem of the folder's files, listed at once
    doc = found.summary
    if not as_json:  # a summary the terminal view cannot show is refused before any writing
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                _print_folder(found.kind, doc, folder)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise InputError(
                [
                    Problem(
                        str(path / "summary.json"),
                        f"holds values ccsim cannot print ({e!r})",
                        has_value=False,
                    )
                ]
            ) from e
    try:
        out = render_report(path, figures=not no_figures)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        raise InputError(
            [
                Problem(
                    str(path),
                    f"holds files ccsim cannot draw a report from ({e!r})",
                    has_value=False,
                )
            ]
        ) from e
    if as_json:
        click.echo(dumps(doc))
    else:
        _print_folder(found.kind, doc, folder)
        click.echo(f"Report: {out}")
    return 0


def _print_folder(kind: str, doc: dict[str, Any], folder: str) -> None:
    """The terminal view of a run, a staffing plan or a comparison."""
    from ccsim.reporting.html import COMPARISON, PLAN

    if kind == PLAN:
        from ccsim.commands.staff import print_plan

        print_plan(doc)
    elif kind == COMPARISON:
        from ccsim.commands.compare import print_comparison

        print_comparison(doc)
    else:
        print_run(doc, folder)
