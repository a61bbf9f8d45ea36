"""Where the shipped templates, catalogs and data live (checkout or installed wheel)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


def _resource(name: str) -> Path:
    """Return the installed copy of a top-level folder, or the checkout's one."""
    installed = PACKAGE_DIR / "_resources" / name
    if installed.is_dir():
        return installed
    checkout = PACKAGE_DIR.parents[1] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"ccmkit resource folder {name!r} not found (broken install?)")


@cache
def templates_dir() -> Path:
    """The folder holding document templates, base.docx, style.css and content libraries."""
    return _resource("templates")


@cache
def locales_dir() -> Path:
    """The folder holding gettext catalogs."""
    return _resource("locales")
