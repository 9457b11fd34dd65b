"""The ``campsim`` command: parse arguments, call the library, print, choose the exit code.

Exit codes: 0 success; 2 bad input (scenario, data file, option); 1 internal error; 3 solve
found no value in the range that meets its targets; 130/143 interrupted.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback

import click

from campsim.cli.allocate import allocate
from campsim.cli.authoring import init, schema, validate
from campsim.cli.commands import cli
from campsim.cli.forecast import forecast
from campsim.cli.say import say, say_error
from campsim.model.errors import OutputFolderError, ScenarioError
from campsim.report.terminal import printable

cli.add_command(init)
cli.add_command(schema)
cli.add_command(validate)
cli.add_command(allocate)
cli.add_command(forecast)

__all__ = ["cli", "main"]


def _interrupted(exc: BaseException) -> bool:
    """True for an error that a Ctrl-C caused: some code turns KeyboardInterrupt into another
    exception (a class being built during an import wraps it in RuntimeError, for one)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM: unwind like Ctrl-C, so a half-written report is removed on the way out."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI with ``argv`` and return the exit status; with no ``argv`` (the
    campsim program itself) end the process with that status, skipping the interpreter's teardown."""
    try:
        previous = signal.signal(signal.SIGTERM, _terminated)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        status = _main(argv)
    except SystemExit as exc:
        if argv is not None or exc.code != 128 + signal.SIGTERM:
            raise
        status = exc.code  # SIGTERM (see _terminated) ending the campsim process itself
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if argv is None:  # the campsim program (not a call from Python): end it now, whatever the status
        _exit_now(status)
    return status


def _exit_now(status: int) -> None:
    """End the campsim process at once, its output flushed: every file is written and closed and
    its workers stopped, and the interpreter's teardown (freeing pandas, matplotlib, ...) would
    take another 0.1 s after a run (benchmarks/report_speed.py), 0.3-0.8 s after an interrupted one."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


def _main(argv: list[str] | None) -> int:
    try:
        status = cli.main(args=argv, prog_name="campsim", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.UsageError as exc:  # one line, like every bad input (click's own takes four)
        command = exc.ctx.command_path if exc.ctx is not None else "campsim"
        click.echo(printable(f"{command}: {exc.format_message()} (see {command} --help)"), err=True)
        return 2
    except click.ClickException as exc:
        exc.message = printable(exc.message)  # it may quote an argument as typed
        exc.show()
        return exc.exit_code
    except (ScenarioError, OutputFolderError) as exc:
        say_error(exc)
        return 2
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except Exception as exc:  # an internal error: say so in one line, trace on request
        if _interrupted(exc):
            click.echo("interrupted", err=True)
            return 130
        if os.environ.get("CAMPSIM_DEBUG"):
            traceback.print_exc()
        say(
            f"internal error: {type(exc).__name__}: {exc} (set CAMPSIM_DEBUG=1 for a traceback; please report it)",
            err=True,
        )
        return 1
    return status if isinstance(status, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
