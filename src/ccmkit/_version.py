"""ccmkit's version, from the installed distribution's metadata (pyproject.toml holds it once)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ccmkit")
except PackageNotFoundError:  # pragma: no cover - run from a source tree never installed
    __version__ = "0+unknown"
