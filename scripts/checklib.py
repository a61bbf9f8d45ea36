"""Shared reporting for the content checkers in scripts/."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml


def language_files(
    folder: Path, langs: Sequence[str], load: Callable[[Path], Any], errors: list[str]
) -> Iterator[tuple[str, Any]]:
    """(lang, parsed) for each `<lang>.yaml` in `folder`; problems go to `errors`."""
    for lang in langs:
        path = folder / f"{lang}.yaml"
        if not path.is_file():
            errors.append(f"{path.name}: missing")
            continue
        try:
            yield lang, load(path)
        except yaml.YAMLError as exc:
            errors.append(f"{path.name}: invalid YAML: {exc}")


def text_problems(where: str, text: str, errors: list[str]) -> None:
    """Characters content texts must not contain (they are templates rendered to HTML)."""
    for ch in "<>&":
        if ch in text:
            errors.append(f"{where}: contains {ch!r}")
    if "\u2019" in text or "\u2018" in text:
        errors.append(f"{where}: use straight apostrophes")
    if "\u00a0" in text or "\u202f" in text:
        errors.append(f"{where}: use ordinary spaces (non-breaking ones are added later)")


def report(errors: list[str], ok_message: str) -> int:
    """Print the problems (or the OK line) and return the exit code."""
    for line in errors:
        print(line)
    if errors:
        print(f"FAILED: {len(errors)} problem(s)")
        return 1
    print(ok_message)
    return 0
