"""The one exception hierarchy of kg: every error a user can cause is a `KgError`.

The CLI maps these to one `Error: …` line and an exit code (STYLE.md lesson 2), so no user
mistake ever surfaces as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "KgError",
    "LoadError",
    "Problem",
    "RecordError",
    "ValidationFailed",
]


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake, located: file, line, record and field, and what to do about it."""

    file: str
    line: int
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where, self.record or "-", self.field or "-"]
        return f"{' '.join(parts)}: {self.message}"


class KgError(Exception):
    """Base class of every error kg reports to a user. `exit_code` follows the CLI contract."""

    exit_code = 1


class LoadError(KgError):
    """The data cannot be read at all: missing folder, YAML syntax, encoding, unsafe tags.

    Exit code 2, as pySHACL's "could not load" (DESIGN.md §6).
    """

    exit_code = 2

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class RecordError(KgError):
    """Records were read but break the record format: unknown keys, wrong types, bad refs."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the records")


class ValidationFailed(KgError):
    """The graph does not conform to the SHACL shapes."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(f"{count} SHACL violation{'s' if count != 1 else ''}")


class EmbedError(KgError):
    """The JSON-LD block cannot go into the page: no `</head>` and no markers, or markers that
    are missing their partner, duplicated or out of order. Nothing is written.
    """

    exit_code = 1


class QueryError(KgError):
    """A query cannot be run. Exit code 2 for a usage error (unknown query or parameter, a
    value of the wrong type, a malformed query file); 1 when the endpoint fails or times out.
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class PushError(KgError):
    """A push failed or could not start (DESIGN.md §7). Exit code 1 when the store is
    unreachable, refuses the data, or holds something other than the export afterwards; 2 for
    a usage error (a bad URL or graph IRI, a preset without the URL the method needs).
    The message never contains credentials.
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
