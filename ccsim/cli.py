"""The ``ccsim`` command line: thin glue over the library.

Exit codes: 0 ok, 1 a check failed (targets with ``--strict``, baseline drift), 2 bad
input. Bad input prints one message per problem on stderr, never a traceback.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

import click

from ccsim._version import __version__
from ccsim.errors import CheckFailed, InputError, Terminated

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM (shell convention)


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated()


class _Group(click.Group):
    """A click group whose errors are one-line messages and documented exit codes.

    Its commands are imported when used (``ccsim.commands.COMMANDS``): ``ccsim --help``
    starts without numpy, scipy or pandas.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        from ccsim.commands import COMMANDS

        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from ccsim.commands import COMMANDS, load_command

        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(load_command(cmd_name), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from ccsim.commands import COMMANDS

        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            if name in self.commands:
                text = self.commands[name].get_short_help_str(limit)
            else:  # the command's one line, shortened as click shortens it
                text = click.Command(name, help=COMMANDS[name][2]).get_short_help_str(limit)
            rows.append((name, text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        code: int
        argv = list(sys.argv[1:] if args is None else args)
        as_json = "--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv
        previous = _on_sigterm(_terminate)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) else EXIT_OK
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc), err=True)
            code = EXIT_BAD_INPUT
        except click.exceptions.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"ccsim: error: {exc.format_message()}{hint}", err=True)
            if as_json:
                _json_error([{"path": "", "rule": exc.format_message(), "value": None}])
            code = EXIT_BAD_INPUT
        except InputError as exc:
            if exc.source is None:
                for line in exc.render().splitlines():
                    click.echo(f"ccsim: error: {line}", err=True)
            else:
                click.echo(f"ccsim: error: {exc.render()}", err=True)
            if as_json and not exc.printed_json:
                _json_error(exc.problem_dicts(), exc.source)
            code = EXIT_BAD_INPUT
        except CheckFailed as exc:
            click.echo(f"ccsim: check failed: {exc}", err=True)
            code = EXIT_CHECK_FAILED
        except (click.exceptions.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            click.echo("ccsim: interrupted", err=True)
            code = EXIT_INTERRUPTED
        except Terminated:
            click.echo("ccsim: terminated", err=True)
            code = EXIT_TERMINATED
        except click.exceptions.ClickException as exc:
            click.echo(f"ccsim: error: {exc.format_message()}", err=True)
            code = EXIT_BAD_INPUT
        except Exception as exc:
            if os.environ.get("CCSIM_DEBUG"):
                raise
            click.echo(
                f"ccsim: internal error: {type(exc).__name__}: {exc} "
                "(set CCSIM_DEBUG=1 for the traceback, and please report it)",
                err=True,
            )
            code = EXIT_INTERNAL
        finally:
            _on_sigterm(previous)
        if standalone_mode:
            sys.exit(code)
        return code


def _on_sigterm(handler: Any) -> Any:
    """Install a SIGTERM handler (main thread only); return the previous one."""
    if handler is None:
        return None
    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (e.g. called from a test runner's thread)
        return None


def _json_error(problems: list[dict[str, Any]], source: str | None = None) -> None:
    """Bad input under ``--json``: the one document on stdout says so (exit code 2)."""
    from ccsim.reporting.jsonout import dumps

    doc: dict[str, Any] = {"error": "bad input", "problems": problems}
    if source:
        doc["file"] = source
    click.echo(dumps(doc))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ccsim")
def cli() -> None:
    """Simulate and staff a telecom contact centre (a provincial 10000 hotline).

    \b
    Start with:
      ccsim erlang --calls 100 --aht-s 180 --sl-target 0.8    closed-form staffing
      ccsim validate scenarios/mmn.yaml                       check a scenario file
      ccsim run scenarios/mmn.yaml                            simulate it
    """  # noqa: D301 (click reads the \b character)


#: after Ctrl-C or SIGTERM the program ends within this many seconds, even when a
#: clean-up at exit never returns (a process pool's threads waiting on workers that
#: were stopped mid-task)
EXIT_GRACE_S = 10.0


def main() -> None:
    """Console-script entry point."""
    try:
        cli.main(prog_name="ccsim")
    except SystemExit as exc:
        if exc.code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
            _end_within(EXIT_GRACE_S, int(exc.code))
        raise


def _end_within(seconds: float, code: int) -> None:
    """End the process with ``code`` in ``seconds`` if the normal exit has not by then."""

    def end() -> None:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # a closed stream: nothing left to say
                pass
        os._exit(code)

    timer = threading.Timer(seconds, end)
    timer.daemon = True  # a normal exit does not wait for it
    timer.start()
