"""Errors a user can fix: each carries a one-line message naming the input and the fix."""


class CcmkitError(Exception):
    """Bad input or environment; the CLI prints the message and exits non-zero."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class DataError(CcmkitError):
    """A data file (shipped, the user's data folder, a profile, a status table) is invalid."""


class StateNotFound(CcmkitError):
    """No State matches a code or name."""
