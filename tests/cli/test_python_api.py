"""The Python API for notebooks: result objects, their DataFrames and views, and ``save``."""

import json
import re
import sys
import types

import pandas as pd
import pytest
from click.testing import CliRunner

import ccsim
from ccsim.cli import cli
from ccsim.errors import InputError
from ccsim.reporting.jsonout import dumps
from tests.cli.test_staff_cli import scenario as staffing_scenario
from tests.conftest import Run

SCENARIOS = "scenarios"


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _same_csvs(a, b):
    csvs = [f for f in _files(a) if f.endswith(".csv")]
    assert csvs
    for name in csvs:
        assert (a / name).read_text() == (b / name).read_text(), name


def _no_numpy_scalars(text):
    assert "np.float64" not in text and "np.int64" not in text, text


@pytest.fixture
def ccsim_cli():
    """The ``ccsim`` command line, in-process (the module's name ``ccsim`` is the API here)."""
    runner = CliRunner()
    return lambda *args: Run(
        runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, prog_name="ccsim")
    )


@pytest.fixture(scope="module")
def two_designs():
    sc = ccsim.load_scenario(f"{SCENARIOS}/mmn_abandon.yaml")
    fewer = sc.replace({"name": "fewer", "centers.main.groups.agents.agents": 11})
    return sc, fewer, ccsim.compare([sc, fewer], replications=3, seed=11, workers=1)


def test_run_save_writes_what_run_out_writes(ccsim_cli, tmp_path):
    cli_out, py_out = tmp_path / "cli", tmp_path / "py"
    r = ccsim_cli(
        "run",
        f"{SCENARIOS}/mmn.yaml",
        "-r",
        "3",
        "-s",
        "5",
        "--out",
        cli_out,
        "-q",
        "--workers",
        "1",
    )
    assert r.code == 0, r.err
    res = ccsim.simulate(ccsim.load_scenario(f"{SCENARIOS}/mmn.yaml"), 3, 5, workers=1)
    assert res.save(py_out) == py_out
    assert _files(cli_out) == _files(py_out)
    assert "report.html" in _files(py_out) and any(f.startswith("figures/") for f in _files(py_out))
    _same_csvs(cli_out, py_out)
    cli_doc, py_doc = (json.loads((d / "summary.json").read_text()) for d in (cli_out, py_out))
    assert cli_doc["kpis"] == py_doc["kpis"]


def test_comparison_save_writes_what_compare_out_writes(ccsim_cli, tmp_path, two_designs):
    sc, fewer, cmp = two_designs
    files = []
    for s in (sc, fewer):
        files.append(tmp_path / f"{s.name}.yaml")
        files[-1].write_text(s.to_yaml())
    cli_out, py_out = tmp_path / "cli", tmp_path / "py"
    r = ccsim_cli(
        "compare", *files, "-r", "3", "-s", "11", "--out", cli_out, "--no-figures", "--workers", "1"
    )
    assert r.code == 0, r.err
    cmp.save(py_out, figures=False)
    assert _files(cli_out) == _files(py_out)
    _same_csvs(cli_out, py_out)
    # to_dict() is the --json document (the CLI names each design's file, the API its scenario)
    doc = ccsim_cli("compare", *files, "-r", "3", "-s", "11", "--json", "--workers", "1").json()
    mine = json.loads(dumps(cmp.to_dict()))
    assert [s["kpis"] for s in doc["scenarios"]] == [s["kpis"] for s in mine["scenarios"]]
    assert doc["differences"][0]["service_level"] == mine["differences"][0]["service_level"]
    assert set(doc) == set(mine)


def test_plan_save_writes_what_staff_out_writes(ccsim_cli, tmp_path):
    shifts = [{"id": "half", "starts": ["00:00", "00:30", "01:00", "01:30"], "length_h": 1.5}]
    # a short search (it may stop short of the targets: the folder is written all the same)
    path = staffing_scenario(tmp_path, shifts=shifts, replications=4, max_evaluations=10)
    cli_out, py_out = tmp_path / "cli", tmp_path / "py"
    r = ccsim_cli("staff", path, "--out", cli_out, "--quiet", "--no-figures", "--workers", "1")
    plan = ccsim.staff(ccsim.load_scenario(path), workers=1)
    assert r.code == (0 if plan.feasible else 1), r.err
    plan.save(py_out, figures=False)
    assert _files(cli_out) == _files(py_out)
    _same_csvs(cli_out, py_out)
    _names_its_argument(lambda folder: plan.save(folder, figures=False), tmp_path)

    agents = plan.agents()
    assert list(agents.columns) == plan.group_ids and len(agents) == len(plan.interval_labels)
    assert agents.to_numpy().T.tolist() == plan.simulated.tolist()
    assert plan.agents("rostered").to_numpy().T.tolist() == plan.rostered.tolist()
    req = plan.required()
    gid = plan.group_ids[0]
    assert (req[(gid, "difference")] == req[(gid, "sim")] - req[(gid, "erlang")]).all()
    assert req[(gid, "erlang")].tolist() == plan.erlang[0].tolist()
    targets = plan.targets()
    assert set(targets.index) == set(plan.summary()["targets"]) and targets["met"].dtype == bool
    roster = plan.roster()
    assert roster["agents"].sum() > 0 and set(roster["group"]) == {gid}
    with pytest.raises(ValueError, match="step must be one of"):
        plan.agents("best")
    for text in (repr(plan), str(plan), plan._repr_html_()):
        _no_numpy_scalars(text)
        assert "service_level" in text


def test_comparison_dataframes(two_designs):
    cmp = two_designs[2]
    kpis = cmp.kpis()
    assert list(kpis.index) == ["mmn-example", "fewer"]
    assert set(kpis["service_level"].columns) == {"mean", "ci_low", "ci_high"}
    doc = cmp.to_dict()
    assert (
        kpis.loc["fewer", ("service_level", "mean")]
        == doc["scenarios"][1]["kpis"]["service_level"]["mean"]
    )
    diff = cmp.differences()
    assert list(diff.index) == ["fewer"] and diff.attrs["against"] == "mmn-example"
    d = diff.loc["fewer", "service_level"]
    assert d["ci_low"] <= d["mean"] <= d["ci_high"] < 0  # one agent fewer: worse service
    met = cmp.met()
    assert list(met.columns) == ["service_level", "abandon_rate", "all_targets_met"]
    assert met.loc["mmn-example", "all_targets_met"] == doc["scenarios"][0]["all_targets_met"]
    # the old dict-style reading still works
    assert cmp["differences"][0]["service_level"] == doc["differences"][0]["service_level"]
    assert "pooling" in cmp and len(cmp) == len(doc) and isinstance(cmp, dict)
    assert json.loads(dumps(cmp)) == json.loads(dumps(doc))
    assert json.dumps(cmp).startswith('{"seed"')  # serialised as the plain dict it was


def test_printed_results_show_plain_numbers(two_designs):
    cmp = two_designs[2]
    res = cmp.results[0]
    for text in (repr(res), str(res), res._repr_html_(), repr(cmp), cmp._repr_html_()):
        _no_numpy_scalars(text)
    assert re.search(r"service_level\s+0\.\d+\s+\[0\.\d+, [01]\.?\d*\]", repr(res))
    assert "Differences against mmn-example" in repr(cmp)
    met = res.met()
    assert list(met.index) == [t.name for t in res.targets()]
    assert met["met"].tolist() == [t.met for t in res.targets()]
    for t in res.targets():
        _no_numpy_scalars(repr(t))
        assert type(t.value.low) is float and type(t.value.high) is float
    _no_numpy_scalars(repr([(t.name, round(t.value.mean, 3), t.met) for t in res.targets()]))
    _no_numpy_scalars(str(cmp["differences"][0]["service_level"]))


def test_save_refuses_a_foreign_folder_and_leaves_nothing_half_written(
    tmp_path, two_designs, monkeypatch
):
    res = two_designs[2].results[0]
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep")
    with pytest.raises(InputError, match="not a ccsim output folder"):
        res.save(foreign)
    assert _files(foreign) == ["notes.txt"]

    import ccsim.reporting.html as html

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(html, "render_report", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        res.save(tmp_path / "run")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def _names_its_argument(save, tmp_path):
    """``save(folder)`` refuses a foreign folder naming its ``folder`` argument, not ``--out``."""
    foreign = tmp_path / "foreign"
    foreign.mkdir(exist_ok=True)
    (foreign / "notes.txt").write_text("keep")
    with pytest.raises(InputError) as exc:
        save(foreign)
    assert str(exc.value.problems[0]) == (
        "folder: is a non-empty folder that is not a ccsim output folder; refusing to replace "
        f"it, got {str(foreign)!r}"
    )
    assert "--out" not in str(exc.value)
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(InputError, match=r"^folder: exists and is not a folder, got "):
        save(tmp_path / "a-file")


def test_save_names_its_folder_argument(tmp_path, two_designs, ccsim_cli):
    cmp = two_designs[2]
    _names_its_argument(cmp.results[0].save, tmp_path)
    _names_its_argument(lambda folder: cmp.save(folder, figures=False), tmp_path)
    # the command line names its option
    r = ccsim_cli("run", f"{SCENARIOS}/mmn.yaml", "-r", "1", "--out", tmp_path / "foreign")
    assert r.code == 2 and "--out: is a non-empty folder that is not a ccsim output folder" in r.err


def test_figures_keep_the_kernels_backend_in_jupyter(monkeypatch):
    import matplotlib

    from ccsim.reporting import figure_base

    calls = []
    monkeypatch.setattr(matplotlib, "use", lambda *a, **k: calls.append(a))
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: None))
    figure_base._plt()
    assert calls == [("Agg",)]  # a plain process (the command line): Agg, no screen needed
    calls.clear()
    shell = types.SimpleNamespace(get_ipython=lambda: object())
    monkeypatch.setitem(sys.modules, "IPython", shell)
    assert figure_base.in_ipython()
    figure_base._plt()
    assert calls == []  # in a kernel: left as set, so returned figures display


def test_plots_return_figures(two_designs):
    from matplotlib.figure import Figure

    from ccsim.reporting import plots

    res = two_designs[2].results[0]
    for f in (plots.service_level, plots.traffic, plots.agents):
        fig = f(res)
        assert isinstance(fig, Figure)
        _no_numpy_scalars(repr(fig))


def test_frames_are_dataframes(two_designs):
    cmp = two_designs[2]
    assert all(isinstance(x, pd.DataFrame) for x in (cmp.kpis(), cmp.differences(), cmp.met()))
