"""Shared reporting for the content checkers in scripts/."""

from __future__ import annotations


def report(errors: list[str], ok_message: str) -> int:
    """Print the problems (or the OK line) and return the exit code."""
    for line in errors:
        print(line)
    if errors:
        print(f"FAILED: {len(errors)} problem(s)")
        return 1
    print(ok_message)
    return 0
