"""The CLI's commands, one module each."""

from ccsim.commands.erlang import erlang_command

COMMANDS = [erlang_command]
