"""File-system helpers that never leave a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ccmkit.errors import CcmkitError


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write `data` to `path` through a uniquely named temporary file, then rename it into
    place: readers see the old file or the new one, never a part of it."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        raise CcmkitError(f"{path} is a symbolic link; refusing to write through it")
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise CcmkitError(f"cannot write {path}: {exc.strerror or exc}") from None
