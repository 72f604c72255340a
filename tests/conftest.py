import json
import os

import pytest
from click.testing import CliRunner
from hypothesis import settings

from ccsim.cli import cli

# CI (``.ci/run``) draws the property tests' examples from a fixed seed, so that a clean
# clone's run is the same every time; a local run explores new examples each time.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])


class Run:
    def __init__(self, result):
        self.result = result
        self.code = result.exit_code
        self.out = result.stdout
        self.err = result.stderr

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def ccsim():
    """Run the ``ccsim`` command line in-process; returns exit code, stdout, stderr."""
    runner = CliRunner()

    def invoke(*args: str) -> Run:
        result = runner.invoke(
            cli, [str(a) for a in args], catch_exceptions=False, prog_name="ccsim"
        )
        return Run(result)

    return invoke
