"""The output folder of a run, written atomically.

Files: ``manifest.json`` (version, scenario hash, seed, replications, wall time),
``summary.json`` (the ``--json`` document), ``scenario.yaml`` (what was run),
``kpis.csv`` (summary of the whole period with 95 % intervals), ``days.csv`` (the same
per calendar day), ``intervals.csv`` (per interval,
whole centre), ``intervals_detail.csv`` (interval x centre x group x call type x tier,
means over replications), ``agents.csv`` (interval x group: staffed, busy, occupancy),
optional ``calls.csv.gz`` (per-call records), ``figures/*.png`` and ``report.html``.

Everything is written into a temporary folder beside the target and renamed into
place at the end: an interrupted or failed run leaves no half-written folder.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ccsim._version import __version__
from ccsim.errors import InputError, Problem, process_alive, signals_held
from ccsim.reporting.files import MANIFEST, creatable
from ccsim.reporting.jsonout import dumps

if TYPE_CHECKING:
    from ccsim.results.result import SimulationResult


def default_folder(name: str, root: str | Path = "outputs") -> Path:
    """``outputs/<scenario name>-<YYYYmmdd-HHMMSS>``."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name).strip("-") or "run"
    return Path(root) / f"{safe}-{time.strftime('%Y%m%d-%H%M%S')}"


def check_target(folder: Path, option: str = "--out") -> None:
    """Refuse early an output folder that cannot be written, or is not a ccsim output folder.

    ``option``: what the problems name, the command's option or ``save()``'s argument.
    """
    if not folder.exists():
        problem = creatable(folder, option)
        if problem:
            raise InputError([problem])
    elif not os.access(folder.absolute().parent, os.W_OK | os.X_OK):
        raise InputError(
            [
                Problem(
                    option,
                    f"cannot be replaced: no permission to write in {folder.absolute().parent}",
                    str(folder),
                )
            ]
        )
    if folder.exists():
        if not folder.is_dir():
            raise InputError([Problem(option, "exists and is not a folder", str(folder))])
        if any(folder.iterdir()) and not (folder / MANIFEST).exists():
            raise InputError(
                [
                    Problem(
                        option,
                        "is a non-empty folder that is not a ccsim output folder; refusing to replace it",
                        str(folder),
                    )
                ]
            )


def _temp_prefix(folder: Path, kind: str = "tmp") -> str:
    # The process id in the name tells a later run whether its writer is still alive.
    return f".{folder.name}.{kind}-{os.getpid()}-"


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporary folders beside ``folder`` left by runs that were killed while writing.

    A temporary folder is named ``.<folder>.tmp-<pid>-<random>`` (or ``.old-``); it is
    stale when process ``pid`` no longer exists, whichever output folder it was for.
    Returns what was removed.
    """
    removed: list[Path] = []
    if not folder.parent.is_dir():
        return removed
    for path in folder.parent.glob(".*.*-*-*"):
        found = _TEMP_NAME.match(path.name)
        if found and path.is_dir() and not process_alive(int(found.group(1))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


_TEMP_NAME = re.compile(r"^\..+\.(?:tmp|old)-(\d+)-[^-]+$")


def _usual_permissions(root: Path) -> None:
    """Give a finished folder the permissions of the umask (mkdtemp makes it private)."""
    mask = os.umask(0)
    os.umask(mask)
    root.chmod(0o777 & ~mask)


def write_atomically(folder: Path, fill: Callable[[Path], None], option: str = "--out") -> Path:
    """Create ``folder`` by filling a temporary sibling and renaming it into place.

    ``option``: what the problems name (the command's option, or ``folder`` for ``save``).
    """
    folder = Path(folder)
    check_target(folder, option)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(folder)
        tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(folder), dir=folder.parent))
    except OSError as e:
        raise InputError(
            [Problem(option, f"cannot be created ({e.strerror or e})", str(folder))]
        ) from e
    try:
        fill(tmp)
        _usual_permissions(tmp)
        with signals_held():  # the swap is not cut halfway: old results out, new ones in
            if folder.exists():
                old = Path(tempfile.mkdtemp(prefix=_temp_prefix(folder, "old"), dir=folder.parent))
                os.replace(folder, old / "x")
                os.replace(tmp, folder)
            else:
                old = None
                os.replace(tmp, folder)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(
            [Problem(option, f"cannot be written ({e.strerror or e})", str(folder))]
        ) from e
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def manifest(res: SimulationResult, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Provenance of a run."""
    from ccsim.scenario.loader import scenario_hash

    doc = {
        "ccsim_version": __version__,
        "scenario": res.scenario.name,
        "scenario_hash": scenario_hash(res.scenario),
        "seed": res.seed,
        "replications": res.replications,
        "replication_seeds": [{"replication": r.replication, "seed": res.seed} for r in res.reps],
        "streams": "numpy PCG64 seeded by SeedSequence(seed, spawn_key=(replication, sha256(stream name)))",
        "wall_s": res.wall_s,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    if extra:
        doc.update(extra)
    return doc


def interval_table(res: SimulationResult) -> pd.DataFrame:
    """Per interval: mean KPIs and 95 % intervals of the headline ones."""
    df = res.kpis("interval")
    means = df.xs("mean", axis=1, level="stat")
    out = means.copy()
    for k in ("service_level", "asa_s", "abandon_rate", "occupancy"):
        out[f"{k}_ci_low"] = df[(k, "ci_low")]
        out[f"{k}_ci_high"] = df[(k, "ci_high")]
    out.insert(0, "start", [res.interval_label(int(i)) for i in out.index])
    return out.reset_index()


DAY_KPIS = ("offered", "answered", "abandoned", "service_level", "answer_rate", "abandon_rate",
            "asa_s", "occupancy", "agents", "agent_hours")  # fmt: skip


def day_table(res: SimulationResult) -> pd.DataFrame:
    """Daily summary: per calendar day of the horizon, KPIs with 95 % intervals."""
    df = res.kpis("day")
    rows = []
    for day in df.index:
        row: dict[str, Any] = {"day": int(day), "label": res.day_label(int(day))}
        for k in DAY_KPIS:
            if k in df.columns.get_level_values(0):
                row[k] = df.loc[day, (k, "mean")]
                row[f"{k}_ci_low"] = df.loc[day, (k, "ci_low")]
                row[f"{k}_ci_high"] = df.loc[day, (k, "ci_high")]
        rows.append(row)
    return pd.DataFrame(rows)


def detail_table(res: SimulationResult) -> pd.DataFrame:
    """Counts and KPIs per interval x centre x group x call type x tier (means over replications)."""
    from ccsim.results import kpis as K

    cols = res.counter_columns
    cells = res.cells
    keys = ["interval", "center", "group", "call_type", "tier"]
    mean = cells.groupby(keys, observed=True)[cols].sum() / res.replications
    vals = K.compute({k: mean[k].to_numpy() for k in cols}, res.scenario.sl.formula)
    out = mean[
        [
            "requests",
            "answered",
            "answered_within",
            "abandoned",
            "abandoned_within",
            "contained",
            "ivr_entries",
            "blocked",
            "lines_blocked",
            "queue_full",
        ]
    ].copy()
    for k in ("service_level", "answer_rate", "abandon_rate", "asa_s", "aht_s"):
        out[k] = vals[k]
    out = out.reset_index()
    out.insert(1, "start", [res.interval_label(int(i)) for i in out["interval"]])
    return out


def agents_table(res: SimulationResult) -> pd.DataFrame:
    """Per interval and group: agents staffed, busy, logged in, and occupancy (means)."""
    a = res.agents.groupby(["interval", "center", "group"], observed=True)[
        ["staffed_s", "busy_s", "logged_in_s"]
    ].mean()
    step = res.compiled.interval_s
    out = pd.DataFrame(
        {
            "staffed_agents": a["staffed_s"] / step,
            "busy_agents": a["busy_s"] / step,
            "logged_in_agents": a["logged_in_s"] / step,
        }
    )
    out["occupancy"] = (a["busy_s"] / a["logged_in_s"].where(a["logged_in_s"] > 0)).astype(float)
    out = out.reset_index()
    out.insert(1, "start", [res.interval_label(int(i)) for i in out["interval"]])
    return out


def campaign_table(res: SimulationResult) -> pd.DataFrame:
    """Per campaign and interval: attempts, contacts, successes, abandons, agent-hours (means)."""
    rows = []
    n0 = round(res.compiled.warmup_s / res.compiled.interval_s)
    for cid, d in res.campaign_values(per_interval=True).items():
        means = {k: v.mean(axis=0) for k, v in d.items()}
        for j in range(next(iter(means.values())).size):
            i = n0 + j
            att, con = means["attempts"][j], means["contacts"][j]
            rows.append(
                {
                    "interval": i,
                    "start": res.interval_label(i),
                    "campaign": cid,
                    "attempts": att,
                    "contacts": con,
                    "contact_rate": con / att if att > 0 else None,
                    "successes": means["successes"][j],
                    "abandons": means["abandons"][j],
                    "agent_hours": means["agent_s"][j] / 3600.0,
                }
            )
    return pd.DataFrame(rows)


def kpi_summary_table(summary: dict[str, Any]) -> pd.DataFrame:
    """The whole period's KPIs with confidence intervals, one row per KPI (``kpis.csv``)."""
    rows = []
    for k, v in summary["kpis"].items():
        lo, hi = v["ci95"]
        rows.append({"kpi": k, "mean": v["mean"], "ci95_low": lo, "ci95_high": hi})
    return pd.DataFrame(rows)


def write_run_folder(
    res: SimulationResult,
    folder: Path,
    summary: dict[str, Any],
    keep_calls: bool = False,
    figures: bool = True,
    option: str = "--out",
) -> Path:
    """Write a run's output folder atomically and return its path (``option``: as in ``write_atomically``)."""
    from ccsim.scenario.loader import to_yaml

    def fill(tmp: Path) -> None:
        (tmp / MANIFEST).write_text(dumps(manifest(res)) + "\n", encoding="utf-8")
        (tmp / "summary.json").write_text(dumps(summary) + "\n", encoding="utf-8")
        (tmp / "scenario.yaml").write_text(to_yaml(res.scenario), encoding="utf-8")
        kpi_summary_table(summary).to_csv(tmp / "kpis.csv", index=False)
        day_table(res).to_csv(tmp / "days.csv", index=False)
        interval_table(res).to_csv(tmp / "intervals.csv", index=False)
        detail_table(res).to_csv(tmp / "intervals_detail.csv", index=False)
        agents_table(res).to_csv(tmp / "agents.csv", index=False)
        if keep_calls:
            res.calls().to_csv(tmp / "calls.csv.gz", index=False, compression="gzip")
        if res.scenario.campaigns:
            campaign_table(res).to_csv(tmp / "campaigns.csv", index=False)
        from ccsim.reporting.html import render_report

        render_report(tmp, figures=figures)

    return write_atomically(folder, fill, option)


def write_comparison_folder(
    results: list[SimulationResult],
    folder: Path,
    doc: dict[str, Any],
    figures: bool = True,
    option: str = "--out",
) -> Path:
    """Write a comparison's folder atomically: manifest, summary, per-interval tables, report.

    ``intervals.csv`` and ``agents.csv`` hold every design's rows, told apart by
    ``design`` (its position, 0 the reference) and ``scenario`` (its name).
    """
    from ccsim.scenario.loader import scenario_hash

    def stacked(tables: list[pd.DataFrame]) -> pd.DataFrame:
        parts = []
        for i, (t, res) in enumerate(zip(tables, results, strict=True)):
            t = t.copy()
            t.insert(0, "scenario", res.scenario.name)
            t.insert(0, "design", i)
            parts.append(t)
        return pd.concat(parts, ignore_index=True)

    def fill(tmp: Path) -> None:
        man = {
            "kind": "comparison",
            "ccsim_version": __version__,
            "seed": doc["seed"],
            "replications": doc["replications"],
            "designs": [
                {"scenario": r.scenario.name, "scenario_hash": scenario_hash(r.scenario)}
                for r in results
            ],
            "wall_s": sum(r.wall_s for r in results),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        (tmp / MANIFEST).write_text(dumps(man) + "\n", encoding="utf-8")
        (tmp / "summary.json").write_text(dumps(doc) + "\n", encoding="utf-8")
        stacked([interval_table(r) for r in results]).to_csv(tmp / "intervals.csv", index=False)
        stacked([agents_table(r) for r in results]).to_csv(tmp / "agents.csv", index=False)
        from ccsim.reporting.html import render_report

        render_report(tmp, figures=figures)

    return write_atomically(folder, fill, option)
