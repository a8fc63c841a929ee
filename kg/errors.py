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
