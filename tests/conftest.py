import json

import pytest
from click.testing import CliRunner

from ccsim.cli import cli


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
