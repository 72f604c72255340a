"""Options several commands share: replications, seed and workers checks; ``--set`` and ``--scale`` what-ifs."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import click

from ccsim.errors import InputError, Problem
from ccsim.scenario.common import MAX_REPLICATIONS
from ccsim.scenario.document import read_document
from ccsim.scenario.schema import Scenario


def run_option_problems(
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    dask: str | None = None,
) -> list[Problem]:
    """Problems of ``--replications``, ``--seed``, ``--workers`` and ``--dask`` (``None``: not given)."""
    out = []
    if replications is not None and replications < 1:
        out.append(Problem("--replications", "must be >= 1", replications))
    if replications is not None and replications > MAX_REPLICATIONS:
        out.append(Problem("--replications", f"must be <= {MAX_REPLICATIONS:,}", replications))
    if seed is not None and seed < 0:
        out.append(Problem("--seed", "must be >= 0", seed))
    if workers is not None and workers < 1:
        out.append(Problem("--workers", "must be >= 1", workers))
    if dask is not None:
        from ccsim.runner.cluster import address_problems

        out += address_problems(dask)
    return out


def set_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--set PATH=VALUE`` (repeatable): what-ifs without copying the scenario file."""
    return click.option(
        "--set",
        "changes",
        multiple=True,
        metavar="PATH=VALUE",
        help="Change a field for this command only (repeatable); PATH as Scenario.replace "
        "takes it, ids for list items: --set centers.main.groups.agents.agents=14",
    )(command)


def scale_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--scale volume=1.1,aht=1.05``: demand and handling times scaled for this command only."""
    return click.option(
        "--scale",
        "scale",
        multiple=True,
        metavar="NAME=FACTOR,...",
        help="Scale for this command only (after any --set): volume multiplies every inbound "
        "arrival rate, aht every handling and wrap time: --scale volume=1.1,aht=1.05",
    )(command)


def scale_problems(scale: tuple[str, ...]) -> list[Problem]:
    """Problems of ``--scale`` items (a malformed item, an unknown factor, a factor <= 0)."""
    from ccsim.scenario.scale import parse_factors

    try:
        parse_factors(scale)
    except InputError as exc:
        return [q for q in exc.problems if isinstance(q, Problem)]
    return []


def scale_factors(scale: tuple[str, ...]) -> dict[str, float]:
    """The ``--scale`` factors by name (checked)."""
    from ccsim.scenario.scale import parse_factors

    return parse_factors(scale)


def read_changes(items: tuple[str, ...]) -> tuple[dict[str, Any], list[Problem]]:
    """``PATH=VALUE`` items as changes (VALUE read as YAML: ``14``, ``0.8``, ``[1, 2]``), and the malformed items' problems."""
    changes: dict[str, Any] = {}
    problems: list[Problem] = []
    for item in items:
        path, sep, text = item.partition("=")
        if not sep or not path.strip():
            problems.append(Problem("--set", "must be PATH=VALUE", item))
            continue
        try:
            data, _, _ = read_document(f"v: {text}" if text.strip() else "v: null", "--set")
        except InputError:
            problems.append(Problem("--set", f"{path}: its value is not valid YAML", text))
            continue
        changes[path.strip()] = data["v"]
    return changes, problems


def with_changes(
    sc: Scenario, items: tuple[str, ...], source: str, scale: tuple[str, ...] = ()
) -> Scenario:
    """The scenario with the ``--set`` changes, then the ``--scale`` factors, validated like a file.

    Every problem is listed at once: those of the options first (a malformed item, an
    unknown factor, a factor <= 0), then those of the changed scenario.
    """
    from ccsim.scenario.scale import parse_factors, scale_changes

    factors = parse_factors(scale) if scale else {}
    if items:
        changes, found = read_changes(items)
        try:  # the well-formed changes are checked too: one message for every --set
            sc = sc.replace(changes) if changes else sc
        except InputError as exc:
            found += [q for q in exc.problems if isinstance(q, Problem)]
        if found:
            raise InputError(found, f"{source} with --set") from None
    if factors:
        try:
            sc = sc.replace(scale_changes(sc.to_dict(), factors))
        except InputError as exc:
            raise InputError(exc.problems, f"{source} with --scale") from None
    return sc


def in_file(exc: InputError) -> list[Problem | str]:
    """A file's problems listed among others: each path headed by the file it is in."""
    if exc.source is None:
        return list(exc.problems)
    return [
        Problem(f"{exc.source}: {q.path}", q.rule, q.value, q.has_value, q.at)
        if isinstance(q, Problem)
        else f"{exc.source}: {q}"
        for q in exc.problems
    ]


def raise_together(errors: Sequence[InputError]) -> None:
    """Raise the problems of several reads at once (one read's as it reported them)."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputError([q for e in errors for q in in_file(e)])


def raise_with_files(
    problems: Sequence[Problem | str],
    load: Callable[[], Any],
    *reads: Callable[[Any], Any],
) -> None:
    """Raise the options' ``problems`` (if any) together with those of the files.

    Bad options stop a command before any work, but the files are still read and checked
    (a fraction of a second), so that one message lists every problem at once: the
    scenario (``load()``), then what is read against it (each of ``reads(scenario)``: its
    ``--set`` changes, a state file), unless the scenario itself is bad.
    """
    if not problems:
        return
    found = list(problems)
    try:
        sc = load()
    except InputError as exc:
        found += in_file(exc)
        raise InputError(found) from None
    for read in reads:
        try:
            read(sc)
        except InputError as exc:
            found += in_file(exc)
    raise InputError(found)


def overwrite_problems(
    path: str | None, option: str, inputs: dict[str, str | None]
) -> list[Problem]:
    """A file ``option`` would write that is one of the command's ``inputs`` (what -> path).

    Writing it would replace the scenario or state the command reads.
    """
    if path is None:
        return []
    out = []
    for what, given in inputs.items():
        try:
            same = given is not None and os.path.samefile(path, given)
        except OSError:  # one of them does not exist (yet): not the same file
            same = False
        if same:
            out.append(
                Problem(option, f"is the {what} this command reads: it would be overwritten", path)
            )
    return out


def target_problems(path: str | None, option: str, folder: bool = True) -> list[Problem]:
    """Problems of an output ``path`` (a folder, or a file with ``folder=False``), before any work.

    A folder that cannot be created or is not ccsim's to replace; a file that is a
    folder or cannot be written. ``None`` (not given): none.
    """
    if path is None:
        return []
    from pathlib import Path

    from ccsim.reporting.files import check_file_target

    try:
        if folder:
            from ccsim.reporting.outputs import check_target

            check_target(Path(path), option)
        else:
            check_file_target(path, option)
    except InputError as exc:
        return [q for q in exc.problems if isinstance(q, Problem)]
    return []
