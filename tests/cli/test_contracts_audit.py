"""The command-line contract on inputs it once mishandled.

Bad input exits with 2, one message per problem (all at once, each with its path, value
and rule), never an internal error; ``--json`` prints one document on stdout.
"""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MMN = ROOT / "scenarios" / "mmn.yaml"
AGENTS = "centers.main.groups.agents.agents"

BAD = """\
name: bad
seed: -1
horizon: {duration_h: 8, interval_min: 30}
call_types:
  - id: general
    arrivals: {rate_per_h: -252}
    handle_time: {dist: exponential, mean_s: 120}
centers:
  - id: main
    kind: provincial
    groups:
      - id: agents
        skills: [general]
        agents: 12
"""


def _strict(text: str) -> dict:
    def refuse(token: str) -> None:
        raise ValueError(f"not JSON: {token}")

    return json.loads(text, parse_constant=refuse)


def test_a_sweep_file_that_is_not_utf8_is_bad_input(ccsim, tmp_path):
    f = tmp_path / "what_ifs.yaml"
    f.write_bytes(b"vary:\n  seed: [1, 2]\n# \xff\xfe\n")
    r = ccsim("sweep", MMN, "--sweep-file", f, "--no-output", "--json")
    assert r.code == 2, r.err
    assert "internal error" not in r.err
    assert r.err.startswith("ccsim: error: --sweep-file: cannot be read ('utf-8' codec")
    assert _strict(r.out)["problems"][0]["path"] == "--sweep-file"


def test_every_problem_of_a_sweep_file_is_listed_with_its_key_and_line(ccsim, tmp_path):
    f = tmp_path / "what_ifs.yaml"
    f.write_text(f"vary:\n  {AGENTS}: [11, 12]\nsample: 0\nsamples: 3\n", encoding="utf-8")
    r = ccsim("sweep", MMN, "--sweep-file", f, "--no-output")
    assert r.code == 2
    assert r.err == (
        f"ccsim: error: {f}: 2 problems\n"
        "  samples (line 4): unknown key; known keys: sample, vary\n"
        "  sample (line 3): must be 1 to 10,000, got 0\n"
    )
    r = ccsim("sweep", MMN, "--sweep-file", f, "--no-output", "-r", 0, "--json")
    assert r.code == 2
    assert [(q["path"], q.get("line")) for q in _strict(r.out)["problems"]] == [
        ("--replications", None),
        (f"{f}: samples", 4),
        (f"{f}: sample", 3),
    ]


def test_report_names_the_sweep_folder_it_cannot_render(ccsim, tmp_path):
    out = tmp_path / "sweep"
    r = ccsim("sweep", MMN, "--vary", f"{AGENTS}=12", "-r", 1, "--workers", 1,
              "--out", out, "--no-figures", "--json")  # fmt: skip
    assert r.code == 0, r.err
    before = sorted(p.name for p in out.iterdir())
    r = ccsim("report", out, "--json")
    assert r.code == 2
    assert r.err == (
        f"ccsim: error: {out}: is the output folder of ccsim sweep, which has no report to "
        "re-render (ccsim report takes the folders of ccsim run, staff and compare)\n"
    )
    assert _strict(r.out)["error"] == "bad input"
    assert sorted(p.name for p in out.iterdir()) == before


def test_schema_takes_json_like_every_command_that_prints(ccsim, tmp_path):
    plain = ccsim("schema")
    r = ccsim("schema", "--json")
    assert r.code == 0, r.err
    assert _strict(r.out) == _strict(plain.out)
    f = tmp_path / "schema.json"
    r = ccsim("schema", "--out", f, "--json")
    assert r.code == 0, r.err
    assert _strict(r.out) == _strict(f.read_text(encoding="utf-8")) == _strict(plain.out)
    assert ccsim("schema", "--out", tmp_path / "quiet.json").out == ""


@pytest.mark.parametrize(
    "args",
    [
        ("run", "{bad}", "-r", "0"),
        ("staff", "{bad}", "--workers", "0"),
        ("sweep", "{bad}", "--vary", f"{AGENTS}=11,12", "-r", "0"),
        ("intraday", "{bad}", "--state", "now.yaml", "-r", "0"),
        ("compare", str(MMN), "{bad}", "-r", "0"),
    ],
)
def test_bad_options_and_a_bad_scenario_are_listed_together(ccsim, tmp_path, args):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    argv = [a.format(bad=bad) for a in args]
    r = ccsim(*argv)
    assert r.code == 2
    option = "--workers" if "--workers" in argv else "--replications"
    assert r.err.splitlines() == [
        f"ccsim: error: {option}: must be >= 1, got 0",
        f"ccsim: error: {bad}: seed (line 2): must be >= 0, got -1",
        f"ccsim: error: {bad}: call_types[0].arrivals.rate_per_h (line 6): must be >= 0, "
        "got -252 (at call_types.general.arrivals.rate_per_h)",
    ]
    doc = _strict(ccsim(*argv, "--json").out)
    assert [q["path"] for q in doc["problems"]] == [
        option,
        f"{bad}: seed",
        f"{bad}: call_types[0].arrivals.rate_per_h",
    ]


def test_a_snapshot_file_that_cannot_be_written_is_refused_before_simulating(
    ccsim, tmp_path, monkeypatch
):
    monkeypatch.setattr("ccsim.runner.simulate", lambda *a, **k: pytest.fail("simulated"))
    (tmp_path / "a_file").write_text("", encoding="utf-8")
    snap = tmp_path / "a_file" / "now.yaml"
    r = ccsim("run", MMN, "-r", 0, "--snapshot-at", "03:00", "--snapshot", snap, "--no-output")
    assert r.code == 2
    assert r.err.splitlines() == [
        "ccsim: error: --replications: must be >= 1, got 0",
        f"ccsim: error: --snapshot: cannot be created: {snap.parent} is not a folder, got '{snap}'",
    ]


def test_an_intraday_out_file_that_cannot_be_written_is_refused_before_projecting(ccsim, tmp_path):
    state = tmp_path / "now.yaml"
    r = ccsim("run", MMN, "-r", 1, "--snapshot-at", "03:00", "--snapshot", state, "--no-output")
    assert r.code == 0, r.err
    (tmp_path / "a_file").write_text("", encoding="utf-8")
    out = tmp_path / "a_file" / "plan.json"
    r = ccsim("intraday", MMN, "--state", state, "-r", 2, "--out", out)
    assert r.code == 2
    assert r.err == (  # and no line of a projection before it
        f"ccsim: error: --out: cannot be created: {out.parent} is not a folder, got '{out}'\n"
    )
    r = ccsim("intraday", MMN, "--state", state, "-r", 2, "--out", out, "--json")
    assert _strict(r.out)["problems"][0]["path"] == "--out"


@pytest.mark.parametrize("command", ["validate", "run", "staff"])
def test_a_date_where_text_belongs_is_bad_input_under_json(ccsim, tmp_path, command):
    dated = tmp_path / "dated.yaml"
    dated.write_text(BAD.replace("name: bad", "name: 2026-01-01"), encoding="utf-8")
    r = ccsim(command, dated, "--json")
    assert r.code == 2, r.err
    problems = {q["path"]: q for q in _strict(r.out)["problems"]}
    assert problems["name"]["rule"] == "must be text"
    assert problems["name"]["value"] == "2026-01-01"  # YAML read it as a date
    assert problems["seed"]["value"] == -1
    text = ccsim(command, dated).err
    assert "name (line 1): must be text, got 2026-01-01 (YAML reads it unquoted as a date)" in text


def test_calls_without_an_output_folder_is_refused(ccsim) -> None:
    r = ccsim("run", MMN, "--calls", "--no-output")
    assert r.code == 2
    assert "--calls" in r.err and "--no-output" in r.err and "Traceback" not in r.err
