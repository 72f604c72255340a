"""The fitted scenario as a YAML file, each estimate commented with its sample size.

The text is built key by key (YAML has no comments in its data model), then loaded
through the same validation as any scenario file, so what ``ccsim fit`` writes always
validates and runs.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from ccsim.data.routing_fit import MIN_SHARE
from ccsim.scenario.loader import load_text
from ccsim.scenario.schema import Scenario

if TYPE_CHECKING:
    from ccsim.data.report import FitReport


def _flow(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=1_000_000)
    return text.strip().removesuffix("...").strip()


def _num(x: float, digits: int = 4) -> float | int:
    if x == 0 or not np.isfinite(x):
        return 0
    v = float(f"{x:.{digits}g}")
    return int(v) if v.is_integer() and abs(v) < 1e15 else v


def _rounded(d: dict[str, Any]) -> dict[str, Any]:
    """A distribution's numbers to 4 significant digits (shares to 4 places)."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, float):
            out[k] = round(v, 4) if k == "balk_share" else _num(v)
        else:
            out[k] = v
    return out


def _ci(ci: tuple[float, float] | None, digits: int = 3) -> str:
    if ci is None:
        return ""
    return f"95 % {_num(ci[0], digits)} to {_num(ci[1], digits)}"


def scenario_ids(labels: list[str]) -> dict[str, str]:
    """Scenario ids for the log's names (letters, digits, '_' and '-'; unique)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for g in labels:
        base = re.sub(r"[^A-Za-z0-9_-]", "_", g.replace("/", "-")).lstrip("-") or "group"
        gid, k = base, 2
        while gid in used:
            gid, k = f"{base}_{k}", k + 1
        used.add(gid)
        out[g] = gid
    return out


def build_scenario(
    report: FitReport, name: str, seed: int, replications: int
) -> tuple[Scenario, str]:
    """The fitted scenario and its commented YAML text."""
    r = report
    p = r.period
    lines: list[str] = []
    add = lines.append
    add(f"# Fitted by `ccsim fit` from {r.source}:")
    add(
        f"# {r.rows_read:,} rows read, {r.calls:,} calls used"
        + (
            ", " + ", ".join(f"{s['rows']:,} left out ({s['reason']})" for s in r.skipped)
            if r.skipped
            else ""
        )
        + "."
    )
    if p.replications > 1:
        add(f"# The log holds {p.replications} replications of the period: estimates pool them.")
    add("# Each estimate below states its sample size (n) and 95 % interval; `ccsim fit --check`")
    add("# simulates this file against the log's own KPIs.")
    for note in r.notes:
        if note:
            add(f"# {note}")
    add(f"name: {_flow(name)}")
    add(f"seed: {seed}")
    add(f"replications: {replications}")
    duration_h = p.n_intervals * p.interval_s / 3600.0
    horizon = {
        "duration_h": _num(duration_h, 12),
        "interval_min": _num(p.interval_s / 60.0, 12),
        "start": p.start_clock,
        "start_day": p.start_day,
    }
    add(f"horizon: {_flow(horizon)}")
    demand: dict[str, Any] = {}
    if r.demand.day_factors:
        demand["day_factors"] = r.demand.day_factors
    if r.demand.busyness_cv > 0:
        demand["busyness_cv"] = r.demand.busyness_cv
    if demand:
        add(f"# {r.demand.day_factors_note}; {r.demand.busyness_note}")
        add(f"demand: {_flow(demand)}")
    ids_of: dict[str, dict[str, str]] = {}
    for dim, key in (("tier", "tiers"), ("network", "networks")):
        m = r.mix[r.mix["dimension"] == dim]
        if m.empty:
            continue
        ids = scenario_ids(list(m["id"]))
        ids_of[dim] = ids
        add(f"# {dim} mix of {int(m['n'].iloc[0]):,} first calls")
        add(f"{key}:")
        shares = _shares(list(m["share"]))
        for (_, row), share in zip(m.iterrows(), shares, strict=True):
            add(
                f"  - {{id: {ids[row['id']]}, share: {share}}}  # n={row['calls']:,}, {_ci((row['ci_low'], row['ci_high']))}"
            )
    tids = scenario_ids(list(r.volumes))
    mean_talk = float(np.mean([f.mean_s for f in r.talk.values()])) if r.talk else 180.0
    add("call_types:")
    for k, v in r.volumes.items():
        add(f"  - id: {tids[k]}")
        add(
            f"    # {v.calls:,} first calls; {_num(v.daily_volume)} a day ({_ci(v.daily_ci95)}, {v.ci_method})"
        )
        arrivals = {
            "daily_volume": _num(v.daily_volume, 6),
            "profile": [_num(x, 5) for x in v.profile],
        }
        add(f"    arrivals: {_flow(arrivals)}")
        iv = r.ivr.get(k)
        if iv is not None:
            add(
                f"    # IVR: {iv.entries:,} first calls entered; abandon {_ci(iv.abandon_ci95)}, "
                f"containment {_ci(iv.containment_ci95)}"
            )
            add(f"    ivr: {_flow(iv.scenario())}")
        t = r.talk.get(k)
        if t is not None:
            add(f"    # talk: n={t.n:,}, mean {_num(t.mean_s)} s ({_ci(t.mean_ci95)}); {t.reason}")
            add(f"    handle_time: {_flow(t.dist)}")
        else:
            add(
                "    # talk: no answered call with a talk time: a placeholder (other types' mean, else 180 s)"
            )
            add(f"    handle_time: {_flow({'dist': 'exponential', 'mean_s': _num(mean_talk)})}")
        w = r.wrap.get(k)
        if w is not None:
            add(
                f"    # wrap-up: n={w.n:,}, mean {_num(w.mean_s)} s ({_ci(w.mean_ci95)}); {w.reason}"
            )
            add(f"    wrap_time: {_flow(w.dist)}")
        pt = r.patience.get(k)
        if pt is not None and pt.dist is not None:
            add(
                f"    # patience: {pt.n:,} queued, {pt.abandoned:,} abandoned; mean {_num(pt.mean_s or 0)} s "
                f"({_ci(pt.mean_ci95)}); naive mean of abandoners' waits {_num(pt.naive_mean_s)} s; {pt.reason}"
            )
            add(f"    patience: {_flow(_rounded(pt.dist))}")
        elif pt is not None:
            add(f"    # patience: {pt.reason}")
        rd = r.redials.get(k)
        rs = rd.scenario() if rd is not None else None
        if rd is not None and rs is not None:
            add(
                f"    # redials: {rd.redials:,} of {rd.failures:,} failed attempts redialed within "
                f"{_num(rd.window_s / 60)} min; per attempt n={rd.per_attempt_n}"
            )
            add(f"    redial: {_flow(rs)}")
        rt = r.returns.get(k)
        if rt is not None and rt.scenario() is not None:
            add(
                f"    # returns: {rt.returns:,} of {rt.answered:,} answered calls came back within "
                f"{_num(r.repeat_window_s / 3600)} h; share {_ci(rt.share_ci95)}, delay mean "
                f"{_num(rt.delay_mean_s or 0)} s ({_ci(rt.delay_mean_ci95)})"
            )
            for key, value in (rt.scenario() or {}).items():
                add(f"    {key}: {_flow(value)}")
        elif rt is not None:
            add(f"    # returns: {rt.reason}")
    gids = _groups(r, add, tids)
    _routing(r, add, tids, gids, ids_of.get("tier", {}))
    add(f"targets: {_flow({'service_level': {'threshold_s': _num(r.threshold_s, 12)}})}")
    text = "\n".join(lines) + "\n"
    return load_text(text, "<fitted scenario>"), text


def _shares(values: list[float]) -> list[float]:
    """Shares rounded to 6 places that still sum to 1 exactly (the rest on the largest)."""
    out = [round(v, 6) for v in values]
    i = int(np.argmax(out))
    out[i] = round(1.0 - (sum(out) - out[i]), 6)
    return out


def _routing(
    r: FitReport, add: Any, tids: dict[str, str], gids: dict[str, str], tier_ids: dict[str, str]
) -> None:
    if not r.routing:
        return
    left = r.routing_table[r.routing_table["order"] < 0]
    add(
        f"# routing: the groups that answered each call type and tier, most first; a group "
        f"answering under {MIN_SHARE:.0%} of a cell's calls is left out "
        f"({int(left['answered'].sum()):,} calls)"
    )
    add("routing:")
    add("  rules:")
    for rule in r.routing:
        targets = []
        for g, delay in rule["groups"]:
            if g not in gids:
                continue
            targets.append(
                gids[g] if delay <= 0 else {"group": gids[g], "delay_s": _num(delay, 12)}
            )
        if not targets:
            continue
        out: dict[str, Any] = {"call_types": [tids[rule["call_type"]]]}
        if rule["tiers"] is not None:
            out["tiers"] = [tier_ids.get(t, t) for t in rule["tiers"]]
        out["groups"] = targets
        add(f"    - {_flow(out)}")


def _groups(r: FitReport, add: Any, tids: dict[str, str]) -> dict[str, str]:
    staff = r.staffing
    sk = r.skills
    names = sorted(set(staff["group"]) | set(sk["group"])) if len(staff) else ["agents"]
    gids = scenario_ids(names)
    answered_types = set(sk["call_type"]) if len(sk) else set()
    orphans = [k for k in r.volumes if k not in answered_types]
    busiest = sk.groupby("group", observed=True)["answered"].sum().idxmax() if len(sk) else names[0]
    kept: set[str] = set()
    add(f"# agents per interval: {r.staffing_method}")
    add("centers:")
    add("  - id: main")
    add("    kind: provincial")
    add("    groups:")
    for g in names:
        rows = sk[sk["group"] == g] if len(sk) else sk
        skills = [tids[k] for k in rows["call_type"] if k in tids]
        if not len(sk):
            skills = [tids[k] for k in r.volumes]
        elif g == busiest:
            skills += [tids[k] for k in orphans]
        if not skills:
            add(f"      # {g}: staffed in the log but answered no call; left out")
            continue
        kept.add(g)
        st = staff[staff["group"] == g].sort_values("interval")
        per = np.zeros(r.period.n_intervals)
        per[st["interval"].to_numpy(dtype=np.int64)] = st["agents"].to_numpy(dtype=float)
        agents = [int(np.floor(x + 0.5)) for x in per]
        mix = ", ".join(
            f"{k} {s:.0%}" for k, s in zip(rows["call_type"], rows["share"], strict=False)
        )
        add(f"      - id: {gids[g]}")
        if mix:
            add(f"        # answered: {mix}")
        if orphans and g == busiest and len(sk):
            add(
                f"        # {', '.join(orphans)}: never answered in the log; given to the busiest group"
            )
        add(f"        skills: {_flow(skills)}")
        add(f"        agents: {_flow(agents if len(set(agents)) > 1 else agents[0])}")
    return {g: gids[g] for g in names if g in kept}
