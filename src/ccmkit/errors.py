"""Errors a user can fix: each carries a one-line message naming the input and the fix.

An error keeps what it is about as fields (the file, the line, the entry, the key, the
suggestions) and composes its one line late, in :meth:`CcmkitError.format`, as click's and
Jinja's errors do: a caller can read the fields (a form marks the key), or fill in the file
it was reading before re-raising. Every class pickles, fields included (a batch worker raises,
the parent re-raises or reports it), and each maps to its own CLI exit code. Anything else
escaping the library is a bug, not bad input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# one-word problems written before the key ("unknown key 'x'", "missing key 'x'")
_BEFORE_KEY = ("unknown", "missing")
# problems that read on from the key without a colon ("key 'x' must be a list")
_PREDICATES = ("must ", "is ", "cannot ", "has ", "should ")


class CcmkitError(Exception):
    """Bad input or environment; the CLI prints the message and exits non-zero.

    `message` is the problem and its fix; `path` (the file or input, with the place in it
    when it has no field here), `line`, `entry` (the entry of a file of entries, e.g. "entry
    'withdrawal'") and `key` say where; `suggestions` are what the user may have meant."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 entry: str | None = None, key: str | None = None,
                 suggestions: Sequence[str] = ()) -> None:
        self.problem = " ".join(str(message).split())
        self.path = None if path is None else str(path)
        self.line = line
        self.entry = entry
        self.key = key
        self.suggestions = tuple(suggestions)
        super().__init__(self.problem)

    def __str__(self) -> str:
        return self.format()

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problem,), dict(self.__dict__))

    @property
    def message(self) -> str:
        return self.format()

    def format(self) -> str:
        """The one line: where, then the key and the problem, then the suggestions."""
        text = self.problem
        if self.key is not None:
            if text in _BEFORE_KEY:
                text = f"{text} key {self.key!r}"
            elif text.startswith(_PREDICATES):
                text = f"key {self.key!r} {text}"
            else:
                text = f"key {self.key!r}: {text}" if text else f"key {self.key!r}"
        if self.suggestions:
            text += f"; {self.suggest(', '.join(self.suggestions))}"
        if self.entry:
            text = f"{self.entry}, {text}" if self.key is not None else f"{self.entry}: {text}"
        where = ", ".join(part for part in (
            self.path, None if self.line is None else f"line {self.line}") if part)
        return f"{where}: {text}" if where else text

    def suggest(self, names: str) -> str:
        """How the suggestions read after the problem."""
        if self.key is not None and self.problem == "unknown":
            return f"expected one of {names}"
        return f"did you mean {names}?"


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
