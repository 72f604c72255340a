"""The CLI's commands, one module each."""

from ccsim.commands.compare import compare_command
from ccsim.commands.erlang import erlang_command
from ccsim.commands.fit import fit_command
from ccsim.commands.forecast import forecast_command
from ccsim.commands.intraday import intraday_command
from ccsim.commands.report import report_command
from ccsim.commands.run import run_command
from ccsim.commands.scenario import schema_command, validate_command
from ccsim.commands.staff import staff_command
from ccsim.commands.sweep import sweep_command

COMMANDS = [
    erlang_command,
    validate_command,
    run_command,
    staff_command,
    compare_command,
    sweep_command,
    report_command,
    fit_command,
    forecast_command,
    intraday_command,
    schema_command,
]
