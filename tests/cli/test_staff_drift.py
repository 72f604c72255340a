"""``ccsim staff --baseline``: the drift report a planning team's CI reads.

One baseline of two_skill_overflow (few replications) is written once per module, and
the plan of a 10 % volume rise compared with it; the other checks rebuild reports from
those two documents without another search.
"""

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from ccsim.cli import cli
from ccsim.scenario import load_scenario
from ccsim.staffing.baseline import read_baseline
from ccsim.staffing.drift import compare
from ccsim.staffing.scenario_diff import scenario_fields

ROOT = Path(__file__).resolve().parents[2]
TWO_SKILL = ROOT / "scenarios" / "two_skill_overflow.yaml"
MMN = ROOT / "scenarios" / "mmn.yaml"
FEW = ("--set", "staffing.replications=4", "--set", "staffing.max_evaluations=12")
ITEM_KEYS = {"kind", "what", "baseline", "now", "change", "tolerance", "beyond"}


def _ccsim(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, prog_name="ccsim")
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture(scope="module")
def rise(tmp_path_factory):
    """A baseline of two_skill_overflow, and its plan under 10 % more calls (text and JSON)."""
    base = tmp_path_factory.mktemp("drift") / "two_skill.staff.json"
    code, out, _ = _ccsim("staff", TWO_SKILL, *FEW, "--baseline", base, "--write-baseline", "-q")
    assert code == 0 and out == ""
    args = ("staff", TWO_SKILL, *FEW, "--scale", "volume=1.1", "--baseline", base, "--out")
    folder = base.parent / "plan"
    code, text, _ = _ccsim(*args, folder, "--no-figures")
    doc = json.loads((folder / "summary.json").read_text())
    return {"base": base, "code": code, "text": text, "doc": doc}


def test_volume_rise_headline_first_no_jitter_cells(rise):
    assert rise["code"] == 1  # drift: the exit code DESIGN.md and the README promise
    lines = rise["text"].splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("Baseline "))
    report = lines[start:]
    assert "DRIFT" in report[0] and "agent-hours" in report[0]
    assert report[1].lstrip().startswith("agent-hours ") and "beyond" in report[1]
    order = [
        next(i for i, ln in enumerate(report) if ln.strip().startswith(head))
        for head in ("KPIs", "groups", "cells (group x interval)", "scenario changes")
    ]
    assert order == sorted(order) and order[0] == 2
    assert "within search noise" in report[order[2]]
    b = rise["doc"]["baseline"]
    cells = [i for i in b["drift"] if i["kind"] == "cell"]
    # under a volume rise, no cell that lost agents is drift, and every cell line is listed
    assert all(c["change"] > 0 for c in cells), cells
    assert sum(1 for ln in report if " agents (" in ln) == len(cells) <= 10
    counts = b["cells"]
    assert counts["compared"] == 32
    assert counts["moved"] == counts["beyond"] + counts["with_group"] + counts["within_noise"]


def test_drift_json_structure(rise):
    b = rise["doc"]["baseline"]
    assert set(b) >= {"file", "ok", "drift", "cells", "notes", "scenario_changes"}
    assert b["ok"] is False
    for item in b["drift"]:
        assert ITEM_KEYS <= set(item), item
        assert isinstance(item["beyond"], bool)
    kinds = [i["kind"] for i in b["drift"]]
    assert kinds[0] == "total" and kinds == sorted(
        kinds, key=["total", "kpi", "group", "cell"].index
    )
    total = b["drift"][0]
    assert total["beyond"] and math.isclose(total["change"], total["now"] - total["baseline"])
    assert {i["what"] for i in b["drift"] if i["kind"] == "group"} == {
        "billing_team",
        "technical_team",
    }
    kpis = {i["what"]: i for i in b["drift"] if i["kind"] == "kpi"}
    assert kpis["service_level"]["targets"][0]["baseline_met"] is True
    assert all(isinstance(n, dict) and set(n) == {"kind", "text"} for n in b["notes"])
    assert [n["kind"] for n in b["notes"]] == ["scenario"]
    assert not any(isinstance(i, str) for i in b["drift"])


def test_field_diff_lists_exactly_the_changed_fields(rise):
    changes = rise["doc"]["baseline"]["scenario_changes"]
    assert [c["path"] for c in changes] == [
        "call_types.billing.arrivals.per_interval",
        "call_types.technical.arrivals.rate_per_h",
    ]
    tech = changes[1]
    assert (tech["old"], round(tech["new"], 9), tech["change"]) == (120, 132, "changed")
    assert "call_types.technical.arrivals.rate_per_h: 120 -> 132" in rise["text"]
    assert "(16 of 16 values changed, sum 3540 -> 3894, +10.0%)" in rise["text"]


def test_old_format_baseline_is_still_read(rise, tmp_path):
    """A baseline without scenario fields (as written before them) compares as before."""
    doc = json.loads(rise["base"].read_text())
    for key in ("scenario_fields", "groups", "targets"):
        del doc[key]
    for key in ("agents_share", "agents_sqrt"):
        del doc["tolerance"][key]
    old = tmp_path / "old.staff.json"
    old.write_text(json.dumps(doc))
    base = read_baseline(old)
    sc = load_scenario(TWO_SKILL)
    now = rise["doc"]
    fields = scenario_fields(sc)  # not the plan's scenario: hashes differ, fields unknown
    report = compare(now, base, fields, "another hash", 0.5)
    assert report["scenario_changes"] is None
    assert [n["kind"] for n in report["notes"]] == ["scenario_fields", "scenario"]
    new = compare(now, read_baseline(rise["base"]), fields, "another hash", 0.5)
    assert [i["what"] for i in report["drift"]] == [i["what"] for i in new["drift"]]
    assert report["ok"] is False
    # the unchanged scenario against an old-format baseline: no drift, no changes
    same = compare(_as_baseline_doc(doc), base, fields, doc["scenario_hash"], 0.5)
    assert same["ok"] is True and same["scenario_changes"] == [] and same["notes"] == []


def _as_baseline_doc(base):
    """The ``--json`` document a plan identical to the baseline would print."""
    kpis = {k: {"mean": v} for k, v in base["kpis"].items()}
    groups = {}
    for r in base["plan"]:
        groups[r["group"]] = groups.get(r["group"], 0.0) + r["sim_agents"] * 0.5
    return {
        "seed": base["seed"],
        "agent_hours": base["agent_hours"],
        "kpis": kpis,
        "targets": {},
        "groups": [{"group": g, "sim_agent_hours": h} for g, h in groups.items()],
        "plan": base["plan"],
    }


def test_quiet_prints_nothing(tmp_path):
    base = tmp_path / "mmn.staff.json"
    few = ("--set", "staffing.replications=3", "--set", "horizon.duration_h=2")
    assert _ccsim("staff", MMN, *few, "--baseline", base, "--write-baseline", "-q") == (0, "", "")
    assert _ccsim("staff", MMN, *few, "--baseline", base, "--quiet") == (0, "", "")
    code, out, err = _ccsim("staff", MMN, *few, "--scale", "volume=1.3", "--baseline", base, "-q")
    assert (code, out, err) == (1, "", "")  # the exit code tells


def test_cell_rule_counts_jitter_and_reports_real_moves():
    """Against its group: reported only beyond the band; with it: beyond what it explains."""
    rows = [(10, 11), (10, 9), (40, 38), (40, 30), (7, 5), (1, 3)] + [(20, 22)] * 10
    base = {
        "tolerance": {"agents": 1, "kpis": {}},
        "agent_hours": {"sim": 0.5 * sum(a for a, _ in rows)},
        "kpis": {},
        "plan": [{"interval": i, "start": f"i{i}", "group": "g", "sim_agents": a}
                 for i, (a, _) in enumerate(rows)],
    }  # fmt: skip
    now = {
        "seed": None,
        "agent_hours": {"sim": 0.5 * sum(b for _, b in rows)},
        "kpis": {},
        "targets": {},
        "groups": [{"group": "g", "sim_agent_hours": 0.5 * sum(b for _, b in rows)}],
        "plan": [{**r, "sim_agents": rows[r["interval"]][1]} for r in base["plan"]],
    }
    rep = compare(now, base, {}, "h", 0.5)
    cells = [(c["baseline"], c["now"]) for c in rep["drift"] if c["kind"] == "cell"]
    # 40 -> 30 is beyond max(1, 4, 6.3) against a rising group; 7 -> 5 and 40 -> 38 are
    # within sqrt(b); 1 -> 3 is beyond what its group's rise explains
    assert cells == [(40, 30), (1, 3)]
    counts = rep["cells"]
    assert (counts["beyond"], counts["with_group"], counts["within_noise"]) == (2, 11, 3)


def test_cell_and_change_lists_are_capped_most_important_first():
    from io import StringIO

    from rich.console import Console

    from ccsim.reporting.drift_text import print_drift

    def cell(i):
        return {"kind": "cell", "what": f"g {i:02d}:00", "baseline": 10, "now": 30 - i,
                "change": 20 - i, "group_explains": 0.0, "tolerance": 3.2, "beyond": True}  # fmt: skip

    total = {"kind": "total", "what": "agent-hours", "baseline": 10.0, "now": 12.0,
             "change": 2.0, "change_share": 0.2, "tolerance": 0.2, "tolerance_share": 0.02,
             "beyond": True}  # fmt: skip
    changes = [{"path": f"call_types.t{i}.handle_time.mean_s", "old": 100, "new": 110,
                "change": "changed"} for i in range(12)]  # fmt: skip
    b = {"file": "b.json", "ok": False, "drift": [total] + [cell(i) for i in range(15)],
         "cells": {"compared": 40, "moved": 30, "beyond": 15, "with_group": 10, "within_noise": 5},
         "scenario_changes": changes, "notes": []}  # fmt: skip
    out = StringIO()
    print_drift(b, Console(file=out, width=100, highlight=False))
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Baseline b.json: DRIFT") and lines[1].lstrip().startswith("agent")
    shown = [ln.strip() for ln in lines if ln.strip().startswith("g ")]
    assert shown == [f"g {i:02d}:00: 10 -> {30 - i} agents ({20 - i:+d}; its group's move "
                     "explains +0.0; band 3.2)" for i in range(9)]  # fmt: skip
    assert "    ... and 6 more" in lines and "    ... and 3 more" in lines
    assert sum(1 for ln in lines if "handle_time.mean_s: 100 -> 110" in ln) == 9
