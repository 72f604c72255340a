"""Start-up: ``ccsim --help`` and ``ccsim validate`` do not import the heavy libraries.

``ccsim --help`` imports no command module (their one-line helps are in a table), and
``validate`` only the scenario layer (pydantic and numpy): neither scipy, pandas nor
matplotlib. Measured: about 0.1 s and 0.7 s of CPU (2.9 s each before).
"""

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "scipy", "pandas", "matplotlib", "statsmodels", "simpy", "rich")

PROBE = """
import json, sys
from ccsim.cli import cli
try:
    code = cli.main({args!r}, prog_name="ccsim", standalone_mode=False)
except Exception as exc:  # bad input: the error the CLI would report
    code = type(exc).__name__
print(json.dumps({{"code": code, "heavy": sorted(m for m in {heavy!r} if m in sys.modules)}}))
"""


def probe(*args: str) -> tuple[dict, float]:
    """Run the CLI in a fresh interpreter; the modules it imported, and its CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=list(args), heavy=HEAVY)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(done.stdout.strip().splitlines()[-1]), cpu


def test_help_imports_no_heavy_library_and_starts_fast():
    found, cpu = probe("--help")
    assert found["heavy"] == []
    assert cpu < 1.0, f"ccsim --help took {cpu:.2f} s of CPU"


def test_validate_imports_only_the_scenario_layer():
    found, _ = probe("validate", "scenarios/province_10000.yaml")
    assert found["code"] == 0
    assert set(found["heavy"]) <= {"numpy"}, found["heavy"]


@pytest.mark.parametrize("extra", [(), ("--json",)])
def test_validate_of_a_broken_file_imports_only_the_scenario_layer(tmp_path, extra):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nseed: 1\ncall_types: [{id: a}]\n", encoding="utf-8")
    found, _ = probe("validate", str(bad), *extra)
    assert set(found["heavy"]) <= {"numpy"}, found["heavy"]


@pytest.mark.parametrize("name", ["erlang", "validate", "run", "staff", "compare", "sweep",
                                  "report", "fit", "forecast", "intraday", "schema"])  # fmt: skip
def test_the_command_table_says_what_each_command_says(name):
    from ccsim.commands import COMMANDS, load_command

    command = load_command(name)
    assert command.name == name
    first = command.help.strip().split("\n\n")[0].replace("\n", " ")
    assert COMMANDS[name][2] == first


def test_run_quiet_draws_no_progress(ccsim, tmp_path, monkeypatch):
    import ccsim.commands.run as run

    calls = []
    monkeypatch.setattr(run, "progress_reporter", lambda *a: calls.append(a))
    p = ROOT / "scenarios" / "mmn.yaml"
    assert ccsim("run", p, "-r", 2, "--no-output", "-q").code == 0
    assert calls == []
    assert ccsim("run", p, "-r", 2, "--no-output").code == 0
    assert len(calls) == 1
