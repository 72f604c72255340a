"""The package's public names work in any order of first use."""

import subprocess
import sys

import ccsim


def test_every_public_name_is_there():
    for name in ccsim.__all__:
        assert getattr(ccsim, name) is not None, name


def test_intraday_stays_callable_after_its_package_is_imported():
    # importing anything of the package (``ccsim.read_state`` does) binds the name
    # ``ccsim.intraday`` to the package: a fresh interpreter, as a user's session starts
    code = (
        "import ccsim\n"
        "ccsim.read_state\n"
        "import sys\n"
        "package = sys.modules['ccsim.intraday']\n"
        "assert ccsim.intraday is package\n"
        "called = []\n"
        "package.intraday = lambda *a, **k: called.append((a, k)) or 'result'\n"
        "assert ccsim.intraday('sc', 'state', replications=2) == 'result'\n"
        "assert called == [(('sc', 'state'), {'replications': 2})]\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
