"""The live state of a day: what is true now, read from a file and checked against the scenario.

```yaml
at: "11:20"                      # clock time now, on the horizon's first day (day: 2 ...)
calls_so_far:                    # first calls that arrived before `at`, per interval from
  query: [310, 402, 455, 120]    #   the start of the horizon (09:30 here; the current one so far)
kpis_so_far: {answered: 9120, answered_within_threshold: 7410, abandoned: 388}
waiting:                         # callers waiting for an agent now
  - {call_type: query, tier: gold, network: city01, waited_s: 35}
  - {call_type: query, count: 40, waited_s: [0, 120]}   # 40 spread evenly over 0-120 s
in_progress:                     # calls in talk now (they raise their orders at its end)
  - {group: general, call_type: query, tier: gold, network: city01, elapsed_s: 95}
  - {group: general, call_type: query, count: 60, elapsed_s: [0, 300]}
  - {group: general, call_type: query, stage: wrap, elapsed_s: 12}   # in wrap-up
  - {group: general, call_type: complaint, kind: chaser, elapsed_s: 40}   # chasing an order
in_ivr: [{call_type: query, count: 80, spent_s: [0, 120]}]      # callers in the IVR now
calls_due: [{call_type: query, kind: redial, due_in_s: 240}]    # redials and returns to come
open_orders: [{order_type: complaint, call_type: complaint, age_s: 5400}]   # in the back office
agents_now: {general: 96, vip_desk: 8}
staffing: {general: [100, 104, ...]}   # optional: planned agents per interval from now
campaigns: {retention: {remaining: 320}}  # optional: records left of today's lists
```
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from ccsim.errors import InputError, Problem
from ccsim.intraday.morning import morning_problems
from ccsim.intraday.state_model import (
    KpisSoFar,
    LiveState,
)
from ccsim.scenario.document import read_document_file
from ccsim.scenario.problem_text import at_line, pydantic_problems
from ccsim.scenario.schema import Scenario


def spread(value: float | list[float], count: int) -> list[float]:
    """``count`` values: the value itself, or the midpoints of equal parts of [low, high]."""
    if isinstance(value, list):
        lo, hi = value
        return [lo + (hi - lo) * (i + 0.5) / count for i in range(count)]
    return [float(value)] * count


def read_state(path: str | Path, scenario: Scenario) -> LiveState:
    """Read a state file and check it against the scenario; every problem listed (exit 2)."""
    data, lines = read_document_file(path, "--state")
    return parse_state(data, scenario, str(path), lines)


def parse_state(
    data: Any, scenario: Scenario, source: str = "<state>", lines: dict[Any, int] | None = None
) -> LiveState:
    """Validate state data against the scenario; raise ``InputError`` with every problem."""
    if not isinstance(data, dict):
        raise InputError([Problem("(top level)", "must be a mapping", type(data).__name__)], source)
    problems: list[Problem | str] = []
    state: LiveState | None
    kept: dict[str, list[int]] = {}
    try:
        state = LiveState.model_validate(data)
    except ValidationError as exc:
        problems += pydantic_problems(exc.errors(), lines or {}, LiveState)
        part = _valid_part(data, exc.errors())  # the rest is still checked against the scenario
        state, kept = part if part is not None else (None, {})
    if state is not None and state.call_log is not None:
        try:
            state = _from_call_log(
                state, scenario, Path(source).parent if source != "<state>" else Path(".")
            )
        except InputError as log_exc:
            if not problems and not state_problems(state, scenario):
                raise  # the log's own problems, under its name
            log_name = log_exc.source or (state.call_log.path if state.call_log else "")
            problems += [
                Problem(f"call_log: {log_name}: {q.path}", q.rule, q.value, q.has_value)
                if isinstance(q, Problem)
                else f"call_log: {log_name}: {q}"
                for q in log_exc.problems
            ]
    if state is not None:
        problems += [
            at_line(_in_file_positions(q, kept), lines or {})
            for q in state_problems(state, scenario)
        ]
    if problems:
        raise InputError(problems, source)
    assert state is not None
    return state


def _valid_part(
    data: dict[str, Any], errors: list[Any]
) -> tuple[LiveState, dict[str, list[int]]] | None:
    """The state without what has schema problems of its own (None if it needs it).

    A list keeps its good items: with them, the position each had in the file (to name
    them in problems); another key with a problem is left out whole.
    """
    bad_items: dict[str, set[int]] = {}
    bad: set[Any] = set()
    for e in errors:
        loc = e["loc"]
        if not loc:
            continue
        if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(data.get(loc[0]), list):
            bad_items.setdefault(loc[0], set()).add(loc[1])
        else:
            bad.add(loc[0])
    if bad & {"at", "day"}:  # every check against the scenario reads the time
        return None
    rest = {k: v for k, v in data.items() if k not in bad}
    kept: dict[str, list[int]] = {}
    for key, drop in bad_items.items():
        if key in rest:
            kept[key] = [i for i in range(len(rest[key])) if i not in drop]
            rest[key] = [rest[key][i] for i in kept[key]]
    try:
        return LiveState.model_validate(rest), kept
    except ValidationError:
        return None


def _in_file_positions(q: Problem, kept: dict[str, list[int]]) -> Problem:
    """A problem of a list item named by the item's position in the file."""
    for key, where in kept.items():
        m = re.match(rf"^{re.escape(key)}\[(\d+)\]", q.path)
        if m:
            path = f"{key}[{where[int(m.group(1))]}]{q.path[m.end() :]}"
            return Problem(path, q.rule, q.value, q.has_value, q.at)
    return q


def _from_call_log(state: LiveState, sc: Scenario, base: Path) -> LiveState:
    """``calls_so_far`` and ``kpis_so_far`` counted from today's call log up to ``at``.

    First calls per call type and interval (redials and returns left out when the log has
    caller ids, as ``ccsim fit`` tells them); calls finished before ``at``: answered, within
    the threshold, abandoned. The log's first day is the horizon's first day.
    """
    import numpy as np

    from ccsim.data.calllog import load_call_log
    from ccsim.data.redials import find_redials
    from ccsim.data.returns import find_returns

    assert state.call_log is not None
    src = state.call_log
    log = load_call_log(base / src.path, base / src.map if src.map else None)
    df = log.frame
    if df.empty:
        return state
    day0 = df["arrival"].min().normalize() + pd.Timedelta(seconds=sc.horizon.start_s)
    t = (df["arrival"] - day0).dt.total_seconds().to_numpy(dtype=float)
    t_at = at_seconds(state, sc)
    iv = sc.horizon.interval_min * 60.0
    first = np.ones(len(df), dtype=bool)
    if df["caller_id"].notna().any():
        t_ans = (df["answer"] - day0).dt.total_seconds().to_numpy(dtype=float, na_value=np.nan)
        red, _ = find_redials(df, t, t_at, 7200.0)
        ret, _ = find_returns(df, t, t_ans, t_at, 86400.0)
        first = ~red & ~ret
    before = (t >= 0) & (t < t_at)
    n_iv = int(t_at // iv) + 1
    so_far = dict(state.calls_so_far)
    ctype = df["call_type"].astype(str).to_numpy()
    for ct in sc.call_types:
        if ct.id in so_far:
            continue
        sel = before & first & (ctype == ct.id)
        so_far[ct.id] = [
            float(x) for x in np.bincount((t[sel] // iv).astype(np.int64), minlength=n_iv)[:n_iv]
        ]
    kpis = state.kpis_so_far
    if kpis is None:
        end = (
            t
            + (df["queue_entry"] - df["arrival"]).dt.total_seconds().fillna(0).to_numpy()
            + df["wait_s"].fillna(0).to_numpy()
        )
        outcome = df["outcome"].astype(str).to_numpy()
        done = end <= t_at
        ans = done & (outcome == "answered")
        kpis = KpisSoFar(
            answered=int(ans.sum()),
            answered_within_threshold=int(
                (ans & (df["wait_s"].to_numpy() <= sc.sl.threshold_s)).sum()
            ),
            abandoned=int((done & (outcome == "abandoned")).sum()),
        )
    return state.model_copy(update={"calls_so_far": so_far, "kpis_so_far": kpis})


def group_labels(scenario: Scenario) -> dict[str, int]:
    """Group index by every name a state may use: ``group`` (when unique) or ``centre/group``."""
    out: dict[str, int] = {}
    ids = [g.id for _, g in scenario.groups]
    for i, (c, g) in enumerate(scenario.groups):
        out[f"{c.id}/{g.id}"] = i
        if ids.count(g.id) == 1:
            out[g.id] = i
    return out


def at_seconds(state: LiveState, scenario: Scenario) -> float:
    """Seconds from the horizon's start to ``at``."""
    h, m = (int(x) for x in state.at.split(":"))
    return (state.day - 1) * 86400.0 + h * 3600.0 + m * 60.0 - scenario.horizon.start_s


def state_problems(state: LiveState, sc: Scenario) -> list[Problem]:
    """What the state says that the scenario cannot hold, or that cannot be true."""
    out: list[Problem] = []
    types = {ct.id for ct in sc.call_types}
    tiers = {t.id for t in sc.tiers} if sc.tiers else {"regular"}
    nets = {n.id for n in sc.networks} if sc.networks else {"all"}
    groups = group_labels(sc)
    t_at = at_seconds(state, sc)
    hz = sc.horizon.duration_h * 3600.0
    if not 0 < t_at < hz:
        out.append(
            Problem(
                "at",
                f"must fall inside the horizon ({sc.horizon.start} + {sc.horizon.duration_h:g} h)",
                state.at,
            )
        )
    iv = sc.horizon.interval_min * 60.0
    elapsed_iv = int(t_at // iv) + 1 if t_at > 0 else 0

    def names(path: str, value: str, known: set[str] | dict[str, int], what: str) -> None:
        if value not in known:
            out.append(Problem(path, f"names no {what} (known: {', '.join(sorted(known))})", value))

    for k, counts in state.calls_so_far.items():
        names(f"calls_so_far.{k}", k, types, "call type")
        if len(counts) > elapsed_iv:
            out.append(
                Problem(
                    f"calls_so_far.{k}",
                    f"has {len(counts)} intervals, but only {elapsed_iv} have begun by {state.at}",
                    len(counts),
                )
            )
        elif len(counts) < elapsed_iv - (t_at % iv == 0) and 0 < t_at < hz:
            # (at an interval's start, the interval just begun may be left out)
            # a short list would be read as a quiet morning and lower the reforecast
            out.append(
                Problem(
                    f"calls_so_far.{k}",
                    f"has {len(counts)} intervals, but {elapsed_iv} have begun by {state.at} "
                    "(one count per interval from the horizon's start, the current one so "
                    "far included; 0 for none)",
                    len(counts),
                )
            )
        for i, x in enumerate(counts):
            if x < 0:
                out.append(Problem(f"calls_so_far.{k}[{i}]", "must be >= 0", x))
    for i, w in enumerate(state.waiting):
        names(f"waiting[{i}].call_type", w.call_type, types, "call type")
        if w.tier is not None:
            names(f"waiting[{i}].tier", w.tier, tiers, "tier")
        if w.network is not None:
            names(f"waiting[{i}].network", w.network, nets, "network")
        out += _band(
            f"waiting[{i}].waited_s",
            w.waited_s,
            t_at,
            "a wait longer than the time since the horizon opened",
        )
    for i, ip in enumerate(state.in_progress):
        names(f"in_progress[{i}].group", ip.group, groups, "group")
        names(f"in_progress[{i}].call_type", ip.call_type, types, "call type")
        if ip.tier is not None:
            names(f"in_progress[{i}].tier", ip.tier, tiers, "tier")
        if ip.network is not None:
            names(f"in_progress[{i}].network", ip.network, nets, "network")
        out += _band(
            f"in_progress[{i}].elapsed_s",
            ip.elapsed_s,
            t_at,
            "a talk longer than the time since the horizon opened",
        )
        if ip.group in groups:
            grp = sc.groups[groups[ip.group]][1]
            if ip.call_type in types and ip.call_type not in grp.skills:
                out.append(
                    Problem(
                        f"in_progress[{i}].call_type",
                        f"is not a skill of group {ip.group}",
                        ip.call_type,
                    )
                )
    for gname, n in state.agents_now.items():
        names(f"agents_now.{gname}", gname, groups, "group")
        if n < 0:
            out.append(Problem(f"agents_now.{gname}", "must be >= 0", n))
    # more calls in talk than agents logged in is a shift change's moment: the agents
    # past the new staffing finish their call and log off (said in the notes)
    out += morning_problems(
        state.in_ivr, state.calls_due, state.open_orders, sc, t_at, names, _band
    )
    camps = {c.id: c for c in sc.campaigns}
    for cid in state.campaigns:
        names(f"campaigns.{cid}", cid, set(camps), "campaign")
        lst = camps[cid].list if cid in camps else None
        if cid in camps and lst is None:
            out.append(
                Problem(
                    f"campaigns.{cid}.remaining",
                    "applies to a campaign with a daily list, not a feed",
                    cid,
                )
            )
        elif lst is not None and state.campaigns[cid].remaining > lst.daily_size:
            out.append(
                Problem(
                    f"campaigns.{cid}.remaining",
                    f"is more than the list's daily size ({lst.daily_size})",
                    state.campaigns[cid].remaining,
                )
            )
    left_iv = max(round(hz / iv) - (elapsed_iv - 1), 0)  # the current one included
    for gname, vals in state.staffing.items():
        names(f"staffing.{gname}", gname, groups, "group")
        if len(vals) > left_iv and 0 < t_at < hz:
            # a whole day's plan pasted as it is would be read shifted to `at`
            out.append(
                Problem(
                    f"staffing.{gname}",
                    f"has {len(vals)} intervals, but only {left_iv} remain from {state.at} "
                    "(the plan from the current interval on)",
                    len(vals),
                )
            )
        for i, n in enumerate(vals):
            if n < 0:
                out.append(Problem(f"staffing.{gname}[{i}]", "must be >= 0", n))
    done = state.kpis_so_far
    if done is not None and done.answered_within_threshold > done.answered:
        out.append(
            Problem(
                "kpis_so_far.answered_within_threshold",
                f"must be <= answered ({done.answered})",
                done.answered_within_threshold,
            )
        )
    return out


def _band(path: str, v: float | list[float], limit: float, rule: str) -> list[Problem]:
    vals = v if isinstance(v, list) else [v]
    if isinstance(v, list) and (len(v) != 2 or v[0] > v[1]):
        return [Problem(path, "a band is [low, high] with low <= high", v)]
    out = []
    for x in vals:
        if x < 0:
            out.append(Problem(path, "must be >= 0", x))
        elif x > limit:
            out.append(Problem(path, rule, x))
    return out
