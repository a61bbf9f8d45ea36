"""Where ccmkit's resources live: the shipped ones inside the package, and the user's overrides.

Every resource (a template, a content library, a data file) is looked up along one search path:
the user's template folder (``--template-dir``), the user's data folder (``--data-dir`` or
``$CCMKIT_DATA_DIR``), then the copy shipped inside the package (read with importlib.resources).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

DATA_DIR_ENV = "CCMKIT_DATA_DIR"


@cache
def package_dir() -> Path:
    """The installed ``ccmkit`` package folder (a real folder: wheel or editable install)."""
    return Path(str(files("ccmkit")))


def shipped_data_dir() -> Path:
    """The shipped data files (States, status table, facts, sources, groupings, languages)."""
    return package_dir() / "data" / "shipped"


def templates_dir() -> Path:
    """The shipped document templates, base.docx, style.css and content libraries."""
    return package_dir() / "templates"


def locales_dir() -> Path:
    """The shipped gettext catalogs."""
    return package_dir() / "locales"


def default_user_data_dir() -> Path:
    """ccmkit's folder in the user's data directory (platformdirs), e.g.
    ``~/.local/share/ccmkit/data`` on Linux."""
    from platformdirs import user_data_path

    return user_data_path("ccmkit", appauthor=False) / "data"


def user_data_dir(explicit: Path | None = None) -> Path | None:
    """The user's data folder: ``explicit``, else ``$CCMKIT_DATA_DIR``, else the default
    folder if it exists, else none."""
    if explicit is not None:
        return explicit
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    default = default_user_data_dir()
    return default if default.is_dir() else None


@dataclass(frozen=True)
class SearchPath:
    """Folders searched in order for a resource; the shipped folder comes last."""

    folders: tuple[Path, ...]

    @classmethod
    def for_templates(cls, template_dir: Path | None = None) -> SearchPath:
        return cls(_present([template_dir, templates_dir()]))

    def find(self, relpath: str) -> Path | None:
        """The first existing ``folder/relpath``, or None."""
        for folder in self.folders:
            candidate = confined(folder, relpath)
            if candidate is not None:
                return candidate
        return None


def confined(folder: Path, relpath: str) -> Path | None:
    """``folder/relpath`` if it is a regular file really inside ``folder`` (no symlink out)."""
    candidate = folder / relpath
    try:
        real, root = candidate.resolve(strict=True), folder.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return candidate if real.is_relative_to(root) and real.is_file() else None


def _present(folders: Iterable[Path | None]) -> tuple[Path, ...]:
    return tuple(f for f in folders if f is not None)
