"""``--dask``: the same numbers on a Dask cluster as in local processes, even losing a worker.

One LocalCluster (2 worker processes, one thread each) serves the module; the commands
reach it by its address, as they would a remote scheduler. Only the ``local:2`` test
starts a cluster of its own.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from pathlib import Path

import pandas as pd
import pytest
import yaml
from dask.distributed import Client, LocalCluster  # in the dev extra

ROOT = Path(__file__).resolve().parents[2]
MMN = ROOT / "scenarios" / "mmn.yaml"
AGENTS = "centers.main.groups.agents.agents"


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as c:
        yield c


@pytest.fixture(scope="module")
def client(cluster):
    with Client(cluster) as c:
        yield c


@pytest.fixture
def address(cluster):
    return cluster.scheduler_address


def test_sweep_on_the_cluster_gives_the_local_tables(ccsim, address, tmp_path):
    args = ("sweep", MMN, "--vary", f"{AGENTS}=11,13", "--vary",
            "call_types.general.arrivals.rate_per_h*=0.9,1.1", "-r", 3, "--no-figures")  # fmt: skip
    local = ccsim(*args, "--workers", 2, "--out", tmp_path / "local")
    dask = ccsim(*args, "--dask", address, "--out", tmp_path / "dask")
    assert local.code == 0, local.err
    assert dask.code == 0, dask.err
    for table in ("replications", "points"):
        a = pd.read_parquet(tmp_path / "local" / f"{table}.parquet")
        b = pd.read_parquet(tmp_path / "dask" / f"{table}.parquet")
        assert len(a) == (4 * 3 if table == "replications" else 4)
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_run_on_the_cluster_gives_the_local_kpis(ccsim, address):
    local = ccsim("run", MMN, "-r", 4, "--workers", 2, "--no-output", "--json").json()
    dask = ccsim("run", MMN, "-r", 4, "--dask", address, "--no-output", "--json").json()
    assert dask["kpis"] == local["kpis"]
    assert dask["call_types"] == local["call_types"]
    assert dask["groups"] == local["groups"]


def test_staff_on_the_cluster_gives_the_local_plan(ccsim, address):
    # mmn's first two hours: a search of a few evaluations, enough to go through the executor
    args = ("staff", MMN, "--json", "--quiet", "--set", "horizon.duration_h=2")
    local = ccsim(*args, "--workers", 2).json()
    dask = ccsim(*args, "--dask", address).json()
    del local["wall_s"], dask["wall_s"]
    assert dask == local
    assert dask["feasible"]


def test_intraday_on_the_cluster_gives_the_local_projection_and_call_ins(ccsim, address, tmp_path):
    # mmn_abandon at 04:00 with half its agents from 04:30 and 40 callers waiting: the
    # projection misses its targets, so the call-in search runs too
    sc = ROOT / "scenarios" / "mmn_abandon.yaml"
    state = tmp_path / "now.yaml"
    r = ccsim("run", sc, "-r", 1, "--snapshot-at", "04:00", "--snapshot", state, "--no-output")
    assert r.code == 0, r.err
    s = yaml.safe_load(state.read_text())
    s["staffing"] = {"agents": [12] + [6] * 7}
    s["waiting"] = [{"call_type": "general", "count": 40, "waited_s": [0, 120]}]
    state.write_text(yaml.safe_dump(s))
    args = ("intraday", sc, "--state", state, "-r", 4, "--json")
    local = ccsim(*args, "--workers", 2)
    dask = ccsim(*args, "--dask", address)
    assert local.code == 0, local.err
    assert dask.code == 0, dask.err
    assert local.json()["actions"], "the call-in search must have run"
    assert dask.json() == local.json()


def test_local_n_starts_a_cluster_of_its_own(ccsim):
    local = ccsim("run", MMN, "-r", 2, "--workers", 1, "--no-output", "--json").json()
    dask = ccsim("run", MMN, "-r", 2, "--dask", "local:2", "--no-output", "--json")
    assert dask.code == 0, dask.err
    assert dask.json()["kpis"] == local["kpis"]


@pytest.mark.parametrize(
    "args",
    [
        ("run", MMN, "--no-output"),
        ("compare", MMN, MMN),
        ("staff", MMN, "--quiet"),
        ("sweep", MMN, "--vary", f"{AGENTS}=11,12", "--no-output"),
        ("intraday", MMN, "--state", MMN),
    ],
    ids=["run", "compare", "staff", "sweep", "intraday"],
)
def test_local_zero_is_refused(ccsim, args):
    r = ccsim(*args, "--dask", "local:0")
    assert r.code == 2
    line = "ccsim: error: --dask: local:N needs N >= 1 workers, got 'local:0'"
    if args[0] == "intraday":  # a scenario given as the state: its problems are listed too
        assert r.err.splitlines()[0] == line and "mmn.yaml" in r.err
    else:
        assert r.err == line + "\n"


@pytest.mark.parametrize("command", ["run", "staff", "sweep", "intraday"])
def test_a_bad_address_is_listed_with_the_other_problems(ccsim, command, tmp_path):
    # was reported alone, after the scenario's problems had been listed and fixed
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n")
    extra = {"sweep": ("--vary", f"{AGENTS}=11,12"), "intraday": ("--state", MMN)}
    r = ccsim(command, bad, *extra.get(command, ()), "--workers", 0, "--dask", "local:0")
    assert r.code == 2
    lines = r.err.splitlines()
    assert "ccsim: error: --workers: must be >= 1, got 0" in lines
    assert "ccsim: error: --dask: local:N needs N >= 1 workers, got 'local:0'" in lines
    assert any("seed: is required" in line for line in lines)


@pytest.mark.parametrize(
    "address, rule",
    [
        ("tcp://127.0.0.1:notaport", "must end with a port number (tcp://host:8786)"),
        ("http://host:8786", "must be a scheduler address (tcp://host:8786) or local:N; "
         "transports: tcp, tls, ws, wss, ucx, inproc"),
    ],
)  # fmt: skip
def test_an_address_that_cannot_be_one_is_listed_with_the_other_problems(
    ccsim, tmp_path, address, rule
):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n")
    r = ccsim("run", bad, "--no-output", "--dask", address)
    assert r.code == 2
    assert f"ccsim: error: --dask: {rule}, got '{address}'" in r.err.splitlines()
    assert "seed: is required" in r.err


def test_a_transport_that_cannot_start_here_is_bad_input(ccsim):
    # was an internal error (exit 3): dask's TypeError for tls without certificates
    r = ccsim("run", MMN, "-r", 2, "--no-output", "--dask", "tls://127.0.0.1:1")
    assert r.code == 2
    assert r.err.startswith("ccsim: error: --dask: cannot connect with this transport here (")


def test_an_address_dask_cannot_read_is_bad_input(ccsim):
    # was an internal error (exit 3): dask's ValueError for an address without a port
    r = ccsim("run", MMN, "-r", 2, "--no-output", "--dask", "scheduler-host")
    assert r.code == 2
    assert r.err == (
        "ccsim: error: --dask: must be a scheduler address (tcp://host:8786) or local:N "
        "(missing port number in address 'scheduler-host'), got 'scheduler-host'\n"
    )


def test_an_unreachable_scheduler_is_bad_input(ccsim, monkeypatch):
    # a port nobody listens on: one just freed (not a fixed one, on a shared machine)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr("ccsim.runner.cluster.CONNECT_TIMEOUT_S", 1)
    # in a thread with a deadline: a stalled event loop in dask must fail this test, not
    # hold the whole suite
    done: list = []
    worker = threading.Thread(
        target=lambda: done.append(
            ccsim(
                "sweep",
                MMN,
                "--vary",
                f"{AGENTS}=11,12",
                "--no-output",
                "--json",
                "--dask",
                f"tcp://127.0.0.1:{port}",
            )
        ),
        daemon=True,
    )
    worker.start()
    worker.join(120)
    assert done, "ccsim did not give up on an unreachable scheduler within 120 s"
    r = done[0]
    assert r.code == 2
    assert r.err.startswith(
        "ccsim: error: --dask: cannot reach the scheduler (Timed out trying to connect to "
        f"tcp://127.0.0.1:{port} after 1 s)"
    )
    assert r.json()["problems"][0]["path"] == "--dask"


def test_a_worker_lost_in_the_middle_changes_nothing(client):
    """Kill a worker once the first replication is in: its tasks run again elsewhere.

    Deterministic: replications of 40 h take a quarter to half a second each, the kill
    comes the moment the first result arrives, and it hits a worker with a task in
    progress (checked), so at least one task is lost and run again.
    """
    from ccsim.runner.sweep import run_sweep
    from ccsim.scenario import load_scenario
    from ccsim.scenario.vary import grid, parse_vary, point_scenarios

    base = load_scenario(MMN).replace({"horizon.duration_h": 40})
    vary = parse_vary(f"{AGENTS}=12,13")
    points = grid([vary])
    scenarios = point_scenarios(base, [vary], points)
    reps = 3
    expected = run_sweep(scenarios, points, reps, seed=7, workers=2)

    before = client.run(os.getpid)  # worker address -> pid
    first_in = threading.Event()
    box: dict[str, object] = {}

    def sweep() -> None:
        try:
            box["result"] = run_sweep(
                scenarios, points, reps, seed=7, backend="dask", dask_client=client,
                progress=lambda done, total: first_in.set(),
            )  # fmt: skip
        except BaseException as exc:  # re-raised in the test's thread
            box["error"] = exc

    t = threading.Thread(target=sweep)
    t.start()
    assert first_in.wait(60), "no replication finished"
    busy = [w for w, keys in client.processing().items() if keys and w in before]
    assert busy, "no worker had a task in progress"
    os.kill(before[busy[0]], signal.SIGKILL)
    t.join(120)
    assert not t.is_alive()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    assert before[busy[0]] not in client.run(os.getpid).values()  # the worker is gone

    got = box["result"]
    pd.testing.assert_frame_equal(got.replications, expected.replications, check_exact=True)
    pd.testing.assert_frame_equal(got.summary, expected.summary, check_exact=True)
