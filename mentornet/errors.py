"""The few exception types mentornet raises.

Library code raises these; only :mod:`mentornet.cli` turns them into messages and
exit codes (2 for :class:`DataError`, 3 for :class:`BackendUnavailable`).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One finding about the input: where it is, and what is wrong."""

    file: str
    message: str
    row: int | None = None  # as a spreadsheet shows it: header = row 1
    column: str | None = None
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class DataError(ValueError):
    """The input (dataset, policy file or option) is unusable; carries every problem found."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid input"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more problems)" if more > 0 else ""))

    def __reduce__(self):  # pickled with its problems (its args hold only the message)
        return type(self), (self.problems,)


class BackendUnavailable(ConnectionError):
    """The database cannot be reached, or refused the credentials."""

    #: What the command line says before the message (``mentornet: <heading>: ...``).
    heading = "database unavailable"


class QueryTimedOut(BackendUnavailable):
    """A statement ran longer than the query timeout (or the server's transaction timeout)."""

    heading = "query timed out"


class DatabaseIncomplete(BackendUnavailable):
    """The database holds half a dataset: the last load was cut short (or is still running)."""

    heading = "database incomplete"


class LoadInterrupted(KeyboardInterrupt):
    """Ctrl-C during a load; the message says how far it got and what to do."""
