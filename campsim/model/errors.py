"""The one exception a user sees for bad input, formatted as a single line."""

from __future__ import annotations


class ScenarioError(Exception):
    """A scenario (or a file it names) is invalid.

    Rendered as ``file:line: field.path: problem`` with the parts that are known,
    so one line tells the user what to fix. The CLI maps it to exit status 2.

    Args:
        problem: what is wrong and what was expected.
        file: the file the problem is in (a scenario, a CSV, or ``--set``).
        line: 1-based line number in that file, where known.
        path: dotted field path, e.g. ``commodities.water.ordering.lead_time_days``.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        line: int | None = None,
        path: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.line = line
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        field = f"{self.path}: " if self.path else ""
        return f"{where}{field}{self.problem}"


class ScenarioErrors(ScenarioError):
    """Several problems in one file; each renders on its own line."""

    def __init__(self, errors: list[ScenarioError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.problem, file=first.file, line=first.line, path=first.path)

    def __str__(self) -> str:
        return "\n".join(ScenarioError.__str__(e) for e in self.errors)


class OutputFolderError(Exception):
    """The report folder cannot be written or must not be replaced (exit status 2)."""


class DataFileError(ValueError):
    """A data file is missing or malformed; ``line`` is 1-based when known."""

    def __init__(self, problem: str, line: int | None = None) -> None:
        self.problem = problem
        self.line = line
        super().__init__(problem)
