"""Errors a user can fix: each carries a one-line message naming the input and the fix.

Every class pickles (a batch worker raises, the parent re-raises or reports it), and each
maps to its own CLI exit code. Anything else escaping the library is a bug, not bad input.
"""

from __future__ import annotations


class CcmkitError(Exception):
    """Bad input or environment; the CLI prints the message and exits non-zero."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))

    def __reduce__(self) -> tuple[type[CcmkitError], tuple[str]]:
        return (type(self), (str(self),))

    @property
    def message(self) -> str:
        return str(self)


class DataError(CcmkitError):
    """A data file, status table, profile or batch list is malformed or inconsistent."""

    exit_code = 3


class StateNotFound(DataError):
    """A State name or code matches no State."""

    exit_code = 4


class NotEligible(CcmkitError):
    """The State cannot have what was asked (e.g. a package for a State Party)."""

    exit_code = 5


class TemplateError(CcmkitError):
    """A template (shipped or from --template-dir) is broken, unsafe or out of bounds."""

    exit_code = 6


class OutputError(CcmkitError):
    """The output cannot be written (permissions, full disk, a lock, an edited file)."""

    exit_code = 7


class StorageError(CcmkitError):
    """The log's database failed (busy, unreachable, full). The message names the database:
    the command line shows it; the web shows a plain "try again" and logs it."""


ERRORS: tuple[type[CcmkitError], ...] = (
    CcmkitError, DataError, StateNotFound, NotEligible, TemplateError, OutputError,
)
