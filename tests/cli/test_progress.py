"""Progress of long commands: on a terminal's stderr only, never under -q or --json."""

import sys
from pathlib import Path

import pytest

from ccsim.commands import progress

SCEN = Path(__file__).resolve().parents[2] / "scenarios"


class Recorder:
    """Stands for the bar: records stages and steps."""

    def __init__(self, total, label, unit="replications"):
        self.total, self.label, self.unit = total, label, unit
        self.stages, self.done, self.closed = [], [], False

    def stage(self, offset, label):
        self.stages.append((offset, label))
        self.offset = offset
        return self

    def __call__(self, done, n):
        self.done.append(self.offset + done)

    def close(self):
        self.closed = True


@pytest.fixture
def bars(monkeypatch):
    import ccsim.commands.compare as compare

    made = []

    def make(*a):
        made.append(Recorder(*a))
        return made[-1]

    monkeypatch.setattr(compare, "progress_reporter", make)
    return made


def test_compare_shows_each_design_and_replication_on_one_bar(ccsim, bars):
    a, b = SCEN / "mmn.yaml", SCEN / "mmn_abandon.yaml"
    r = ccsim("compare", a, b, "-r", "3", "--workers", "1")
    assert r.code == 0, r.err
    [bar] = bars
    assert bar.total == 6
    assert bar.stages == [(0, "design 1/2 (mmn)"), (3, "design 2/2 (mmn-example)")]
    assert bar.done == [1, 2, 3, 4, 5, 6] and bar.closed


@pytest.mark.parametrize("flag", ["-q", "--json"])
def test_compare_quiet_or_json_draws_no_progress(ccsim, bars, flag):
    a, b = SCEN / "mmn.yaml", SCEN / "mmn_abandon.yaml"
    assert ccsim("compare", a, b, "-r", "2", "--workers", "1", flag).code == 0
    assert bars == []


def test_run_json_draws_no_progress(ccsim, monkeypatch):
    import ccsim.commands.run as run

    calls = []
    monkeypatch.setattr(run, "progress_reporter", lambda *a: calls.append(a))
    assert ccsim("run", SCEN / "mmn.yaml", "-r", "2", "--no-output", "--json").code == 0
    assert calls == []


def test_nothing_off_a_terminal(monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert progress.progress_reporter(10, "x") is None
    assert progress.step_reporter("fit", quiet=False) is None


def test_bar_counts_stages_and_stops(monkeypatch):
    bar = progress.Bar(4, "design 1/2")
    bar.stage(0, "design 1/2")(2, 2)
    bar.stage(2, "design 2/2")(1, 2)
    task = bar._bar.tasks[0]
    assert (task.completed, task.description) == (3, "design 2/2")
    bar(2, 2)
    assert bar._bar.tasks[0].finished


def test_step_lines_on_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr(progress.sys.stderr, "isatty", lambda: True, raising=False)
    step = progress.step_reporter("fit", quiet=False)
    assert step is not None and progress.step_reporter("fit", quiet=True) is None
    step("reading log.csv")
    assert capsys.readouterr().err == "fit: reading log.csv (0 s so far)\n"
