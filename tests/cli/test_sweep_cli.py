"""``ccsim sweep``: the JSON contract, the output folder, bad input, sweep files, samples."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
MMN = ROOT / "scenarios" / "mmn.yaml"
AGENTS = "centers.main.groups.agents.agents"
AHT = "call_types.general.handle_time.mean_s"
# one worker process: mmn's 8-hour replications take a few hundredths of a second each
FAST = ("--workers", "1")


def test_json_has_every_point_with_its_kpis(ccsim):
    r = ccsim("sweep", MMN, "--vary", f"{AGENTS}=11:13:1", "-r", 3, "-s", 5,
              "--no-output", "--json", *FAST)  # fmt: skip
    assert r.code == 0, r.err
    doc = json.loads(r.out)  # nothing but the document on stdout
    assert (doc["scenario"], doc["replications"], doc["seed"]) == ("mmn", 3, 5)
    assert doc["varied"] == [AGENTS]
    assert [(p["point"], p["values"]) for p in doc["points"]] == [
        (1, {AGENTS: 11}), (2, {AGENTS: 12}), (3, {AGENTS: 13})
    ]  # fmt: skip
    for p in doc["points"]:
        sl = p["kpis"]["service_level"]
        assert sl["ci95"][0] <= sl["mean"] <= sl["ci95"][1]
        assert p["kpis"]["agents"]["mean"] == p["values"][AGENTS]
    assert "output_dir" not in doc


def test_out_writes_tables_figures_and_the_document(ccsim, tmp_path):
    out = tmp_path / "sweep"
    r = ccsim("sweep", MMN, "--vary", f"{AGENTS}=11,13", "--vary", f"{AHT}=100:120:20",
              "-r", 3, "--out", out, "--json", *FAST)  # fmt: skip
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["output_dir"] == str(out)
    written = json.loads((out / "sweep.json").read_text())
    assert written == {k: v for k, v in doc.items() if k != "output_dir"}
    assert json.loads((out / "manifest.json").read_text())["kind"] == "sweep"

    points = pd.read_csv(out / "points.csv")
    reps = pd.read_csv(out / "replications.csv")
    assert len(points) == 4 and len(reps) == 4 * 3
    assert points[["point", AGENTS, AHT]].values.tolist() == [
        [1, 11, 100], [2, 11, 120], [3, 13, 100], [4, 13, 120]
    ]  # fmt: skip
    assert reps[["point", "replication"]].values.tolist() == [
        [p, r] for p in (1, 2, 3, 4) for r in (0, 1, 2)
    ]
    pd.testing.assert_frame_equal(pd.read_parquet(out / "points.parquet"), points)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "replications.parquet"), reps)
    # the table's means are the document's
    sl = [p["kpis"]["service_level"]["mean"] for p in doc["points"]]
    assert points["service_level_mean"].tolist() == sl

    figures = sorted(p.name for p in (out / "figures").iterdir())
    kpis = ("abandon_rate", "asa_s", "occupancy", "service_level")
    assert figures == sorted(f"{k}_vs_{i}.png" for k in kpis for i in (1, 2))
    assert all((out / "figures" / f).read_bytes()[:4] == b"\x89PNG" for f in figures)


def test_no_figures(ccsim, tmp_path):
    r = ccsim("sweep", MMN, "--vary", f"{AGENTS}=11,13", "-r", 2, "--out", tmp_path / "s",
              "--no-figures", *FAST)  # fmt: skip
    assert r.code == 0, r.err
    assert (tmp_path / "s" / "points.csv").exists()
    assert not (tmp_path / "s" / "figures").exists()


def test_points_that_differ_only_in_targets_draw_the_same_numbers(ccsim):
    # common random numbers: a field the simulation does not read changes nothing
    doc = ccsim("sweep", MMN, "--vary", "targets.asa_s=10,30", "-r", 3, "--no-output",
                "--json", *FAST).json()  # fmt: skip
    a, b = doc["points"]
    assert a["kpis"] == b["kpis"]


def test_bad_varies_are_all_refused_with_exit_2(ccsim, tmp_path):
    out = tmp_path / "never"
    r = ccsim("sweep", MMN, "--vary", "agents", "--vary", f"{AGENTS}=14:12:1",
              "--vary", f"{AHT}*=fast", "-r", 0, "--out", out)  # fmt: skip
    assert r.code == 2
    assert r.err.splitlines() == [
        "ccsim: error: --replications: must be >= 1, got 0",
        "ccsim: error: --vary: must be PATH=VALUES or PATH*=FACTORS, got 'agents'",
        f"ccsim: error: --vary: {AGENTS}: a range needs STOP >= START and STEP > 0, got '14:12:1'",
        f"ccsim: error: --vary: {AHT}*: factors must be numbers, got 'fast'",
    ]
    assert r.out == ""
    assert not out.exists()


def test_no_vary_at_all_is_refused(ccsim):
    r = ccsim("sweep", MMN, "--no-output")
    assert r.code == 2
    assert r.err == "ccsim: error: --vary: give at least one PATH=VALUES (or --sweep-file)\n"


def test_bad_points_are_all_refused_before_any_run(ccsim, tmp_path):
    out = tmp_path / "never"
    r = ccsim("sweep", MMN, "--vary", f"{AGENTS}=-2,12,-1", "--out", out, "--json")
    assert r.code == 2
    assert "Traceback" not in r.err
    assert r.err.splitlines() == [
        f"ccsim: error: point 1 ({AGENTS}=-2): centers[0].groups[0].agents: must be >= 0, got -2",
        f"ccsim: error: point 3 ({AGENTS}=-1): centers[0].groups[0].agents: must be >= 0, got -1",
    ]
    doc = r.json()  # under --json, the one document on stdout says so
    assert doc["error"] == "bad input" and len(doc["problems"]) == 2
    assert not out.exists()


def test_a_path_that_does_not_exist_is_named(ccsim):
    r = ccsim("sweep", MMN, "--vary", "centers.main.groups.agnts.agents=11,12", "--no-output")
    assert r.code == 2
    assert r.err == (
        "ccsim: error: --vary centers.main.groups.agnts.agents: no such field or item ('agnts')\n"
    )


def test_a_sweep_file_is_the_same_as_its_varies(ccsim, tmp_path):
    f = tmp_path / "what_ifs.yaml"
    f.write_text(f"vary:\n  {AGENTS}: [11, 13]\n  {AHT}: '100:120:20'\n")
    from_file = ccsim("sweep", MMN, "--sweep-file", f, "-r", 2, "--no-output", "--json",
                      *FAST).json()  # fmt: skip
    inline = ccsim("sweep", MMN, "--vary", f"{AGENTS}=11,13", "--vary", f"{AHT}=100:120:20",
                   "-r", 2, "--no-output", "--json", *FAST).json()  # fmt: skip
    assert len(from_file["points"]) == 4
    del from_file["wall_s"], inline["wall_s"]
    assert from_file == inline


def test_a_sweep_file_may_ask_for_a_sample(ccsim, tmp_path):
    f = tmp_path / "what_ifs.yaml"
    f.write_text(f"vary:\n  {AGENTS}: '10:16:1'\nsample: 3\n")
    doc = ccsim("sweep", MMN, "--sweep-file", f, "-r", 2, "--no-output", "--json",
                *FAST).json()  # fmt: skip
    assert len(doc["points"]) == 3


def test_a_bad_sweep_file_is_refused(ccsim, tmp_path):
    f = tmp_path / "what_ifs.yaml"
    f.write_text("vary: [agents]\n")
    r = ccsim("sweep", MMN, "--sweep-file", f, "--no-output")
    assert r.code == 2
    assert r.err == (
        f"ccsim: error: {f}: vary (line 1): must be a mapping {{PATH: VALUES, ...}}, got ['agents']\n"
    )
    r = ccsim("sweep", MMN, "--sweep-file", tmp_path / "missing.yaml", "--no-output")
    assert r.code == 2
    assert r.err.startswith("ccsim: error: --sweep-file: cannot be read")


def test_sample_gives_that_many_points_within_the_ranges(ccsim):
    doc = ccsim("sweep", MMN, "--vary", f"{AGENTS}=10:16:1", "--vary", f"{AHT}=100:140:10",
                "--sample", 5, "-r", 2, "--no-output", "--json", *FAST).json()  # fmt: skip
    values = [p["values"] for p in doc["points"]]
    assert len(values) == 5
    assert all(10 <= v[AGENTS] <= 16 and 100 <= v[AHT] <= 140 for v in values)
    assert len({v[AHT] for v in values}) == 5  # one per stratum of the range


def test_progress_goes_to_stderr_and_the_table_to_stdout(ccsim):
    r = ccsim("sweep", MMN, "--vary", f"{AGENTS}=11,12", "-r", 2, "--no-output", *FAST)
    assert r.code == 0, r.err
    assert "sweep of mmn: 4/4 replications" in r.err
    assert "sweep of mmn: " not in r.out
    assert "mmn: sweep of 2 points x 2 replications, seed 7 for every point" in r.out
    j = ccsim("sweep", MMN, "--vary", f"{AGENTS}=11,12", "-r", 2, "--no-output", "--json", *FAST)
    assert j.err == ""
    json.loads(j.out)
