"""Printing for the commands: every line through report.terminal.printable, so nothing a
scenario or a path holds reaches the terminal as a raw control character."""

from __future__ import annotations

import click

from campsim.report.terminal import printable, printable_lines


def say(text: object, err: bool = False) -> None:
    """One line (a message, a path): any newline in it is shown as ``\\n``, not obeyed."""
    click.echo(printable(text), err=err)


def say_block(text: object, err: bool = False) -> None:
    """A table or several lines built here: its line breaks kept, each line made printable."""
    click.echo(printable_lines(text), err=err)


def say_error(exc: BaseException) -> None:
    """A bad-input error: one line per problem (ScenarioErrors holds several)."""
    problems = getattr(exc, "errors", None)
    if problems:
        from campsim.model.errors import ScenarioError

        for problem in problems:
            say(ScenarioError.__str__(problem), err=True)
    else:
        say(exc, err=True)


def printable_frame(frame):
    """A DataFrame for to_string: its text cells and column names made printable."""
    frame = frame.rename(columns=printable)
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: printable(v) if isinstance(v, str) else v)
    return frame


def echo_notes(scenarios: list) -> None:
    """Print on stderr, once each, what reading the scenarios' data files did beyond one row per date."""
    from campsim.load.scenario_data import data_notes

    for line in dict.fromkeys(line for s in scenarios for line in data_notes(s)):
        say(f"note: {line}", err=True)
