"""Ctrl-C and SIGTERM during a run: the documented exit code, no temp folder, no worker left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ccsim.errors import Terminated
from ccsim.reporting.outputs import remove_stale_temporaries, write_atomically

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_a_run_exits_cleanly(tmp_path: Path, sig: int, code: int) -> None:
    out = tmp_path / "run"
    cmd = [sys.executable, "-c", "from ccsim.cli import main; main()", "run",
           str(ROOT / "scenarios" / "province_10000.yaml"), "--replications", "40",
           "--workers", "2", "--out", str(out)]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
            time.sleep(0.2)
            workers = _children(proc.pid)
        assert len(workers) >= 2, "the run never started its workers"
        time.sleep(1.0)  # inside the replications
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code, err.decode()
    assert b"Traceback" not in err
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.2)
    assert not [w for w in workers if _alive(w)], "worker processes outlived the run"
    assert list(tmp_path.iterdir()) == [], "something was left beside --out"


def test_workers_end_when_the_main_process_is_killed(tmp_path: Path) -> None:
    cmd = [sys.executable, "-c", "from ccsim.cli import main; main()", "run",
           str(ROOT / "scenarios" / "province_10000.yaml"), "--replications", "40",
           "--workers", "2", "--out", str(tmp_path / "run")]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
        time.sleep(0.2)
        workers = _children(proc.pid)
    proc.kill()
    proc.wait()
    assert len(workers) >= 2
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.2)
    assert not [w for w in workers if _alive(w)], "worker processes outlived a killed run"


def test_an_interrupted_write_leaves_no_temporary_folder(tmp_path: Path) -> None:
    def fill(tmp: Path) -> None:
        (tmp / "half.csv").write_text("a,b\n")
        raise Terminated()

    with pytest.raises(Terminated):
        write_atomically(tmp_path / "run", fill)
    assert list(tmp_path.iterdir()) == []


def test_stale_temporaries_of_killed_runs_are_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".run.tmp-{dead.pid}-x1y2"
    stale_old = tmp_path / f".run.old-{dead.pid}-z3"
    live = tmp_path / f".run.tmp-{os.getpid()}-w9"  # a writer that is still running
    other = tmp_path / f".runs-20261202.tmp-{dead.pid}-q"  # another (timestamped) folder's
    mine = tmp_path / "notes.tmp-1-x"  # not a temporary folder of a run
    for p in (stale, stale_old, live, other, mine):
        p.mkdir()
    assert sorted(remove_stale_temporaries(tmp_path / "run")) == sorted([stale, stale_old, other])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, mine.name])


def test_output_folders_get_the_usual_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        folder = write_atomically(tmp_path / "run", lambda tmp: (tmp / "x.txt").write_text("x"))
    finally:
        os.umask(old)
    assert folder.stat().st_mode & 0o777 == 0o755


def test_after_a_signal_the_program_ends_even_if_its_exit_hangs() -> None:
    """A clean-up at exit that never returns (here a thread that never ends) does not keep
    an interrupted program alive: it ends with the signal's code within the grace period."""
    code = (
        "import sys, threading, time\n"
        "from ccsim.cli import _end_within\n"
        "threading.Thread(target=time.sleep, args=(600,)).start()  # joined at exit\n"
        "_end_within(0.5, 143)\n"
        "sys.exit(143)\n"
    )
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60, capture_output=True)
    assert proc.returncode == 143, proc.stderr.decode()
    assert time.monotonic() - t0 < 30
