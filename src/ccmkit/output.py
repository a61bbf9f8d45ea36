"""Writing outputs all-or-nothing, only where they belong, never over someone's edits.

A State's folder ``OUT/<ISO3>`` is built complete in a fresh staging folder (``mkdtemp``),
then swapped with the previous one in one atomic step (``renameat2(RENAME_EXCHANGE)`` on
Linux, two renames with crash recovery elsewhere): readers see the old package or the new
one, never a mix, and files the new manifest does not list are gone. Every step happens
under a per-State lock, so two runs on the same ``--out`` queue instead of colliding. No
write follows a symbolic link: files are created with ``O_EXCL | O_NOFOLLOW`` inside the
staging folder, and renames replace links rather than follow them. A file whose hash no
longer matches the manifest (a legal adviser's edit) is kept unless ``force``.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from ccmkit.errors import OutputError

MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 4 << 20
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _fail(where: Path, exc: OSError, action: str = "write") -> OutputError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        fix = "free some space and run again"
    elif exc.errno == errno.ELOOP:
        reason, fix = "it is a symbolic link", "remove the link (ccmkit never writes through one)"
    else:
        fix = "choose a writable --out"
    return OutputError(f"cannot {action} {where}: {reason}; {fix} (earlier output is unchanged)")


def prepare_out(out: Path) -> Path:
    """Create the output folder (the user's choice, links allowed) or explain why not."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"cannot write to output folder {out}: it is a file; choose a "
                          "writable --out") from None
    except OSError as exc:
        raise OutputError(f"cannot write to output folder {out}: {exc.strerror}; choose a "
                          "writable --out") from None
    return out


@contextmanager
def state_lock(out: Path, code: str) -> Iterator[None]:
    """Hold ``OUT/.<ISO3>.lock`` (flock; released by the kernel if the holder dies)."""
    path = out / f".{code}.lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise _fail(path, exc, "lock") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def write_bytes_new(path: Path, data: bytes) -> None:
    """Create ``path`` (must not exist, never through a link) with ``data``, synced."""
    fd = os.open(path, _FLAGS, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(target: Path, data: bytes | str) -> None:
    """Write ``target`` atomically through a unique temporary name in its folder (text as
    UTF-8): readers see the old file or the new one, never a part of it."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)  # replaces a link planted at target, never follows it
    except OSError as exc:
        with suppress(OSError):
            os.unlink(temp)
        raise _fail(target, exc) from None


def read_bytes_nofollow(path: Path, limit: int = 1 << 30) -> bytes:
    """Read a regular file, refusing links and special files."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not (info.st_mode & 0o170000 == 0o100000) or info.st_size > limit:
            raise OSError(errno.EINVAL, "not a regular file of a sensible size")
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read()
    finally:
        os.close(fd)


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest, None when there is none; a damaged one is an OutputError."""
    path = folder / MANIFEST
    try:
        data = json.loads(read_bytes_nofollow(path, MAX_MANIFEST_BYTES).decode("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not valid JSON"
        raise OutputError(f"{path} is damaged ({why}); delete the folder {folder.name} or "
                          "pass --force to replace it") from None
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list) or not all(
            isinstance(d, dict) and isinstance(d.get("path"), str) and isinstance(
                d.get("sha256"), str) for d in data["documents"]):
        raise OutputError(f"{path} is damaged (not a ccmkit manifest); delete the folder "
                          f"{folder.name} or pass --force to replace it")
    return data


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_untouched(folder: Path) -> None:
    """Refuse to replace a folder holding an edited, foreign or linked file (see --force)."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise OutputError(f"{folder} is a link or a file, not a package folder; remove it "
                          "(ccmkit never writes through links)")
    if not folder.exists():
        return
    manifest = read_manifest(folder)
    listed = {d["path"]: d["sha256"] for d in manifest["documents"]} if manifest else {}
    for root, dirs, names in os.walk(folder):
        for name in [*names, *(d for d in dirs if Path(root, d).is_symlink())]:
            path = Path(root, name)
            rel = path.relative_to(folder).as_posix()
            if rel == MANIFEST and manifest is not None:
                continue
            if rel not in listed or path.is_symlink():
                raise OutputError(
                    f"{path} is not a file ccmkit wrote (open in an editor, or added by "
                    "hand?); move it out of the folder, or pass --force to delete it")
            try:
                same = sha256(read_bytes_nofollow(path)) == listed[rel]
            except OSError:
                same = False
            if not same:
                raise OutputError(
                    f"{path} was edited after ccmkit wrote it; move it elsewhere to keep the "
                    "edits, or pass --force to overwrite them")


_libc: Any = None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where unsupported."""
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        func = _libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if func(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _recover(out: Path, code: str) -> None:
    """Finish or undo what a killed writer of this State left (we hold its lock)."""
    current = out / code
    for old in sorted(out.glob(f".{code}.old-*")):
        if not current.exists() and not current.is_symlink():
            os.rename(old, current)  # killed between the two renames: restore the old one
        else:
            shutil.rmtree(old, ignore_errors=True)
    for staging in out.glob(f".{code}.staging-*"):
        shutil.rmtree(staging, ignore_errors=True)
    for partial in out.glob(f".{code}.zip.*.tmp"):  # rezip() writes these under the lock
        partial.unlink(missing_ok=True)


def generation_time(day: date) -> datetime:
    """The one timestamp rule: every file generated on `day` (``--date``) is dated noon UTC on
    that day (document properties, PDF metadata, ZIP entries), the same in every time zone and
    on every run, so that the same input gives the same bytes."""
    return datetime.combine(day, time(12), tzinfo=UTC)


def zip_bytes(files: Mapping[str, bytes], when: datetime | date | str, *,
              sort: bool = True) -> bytes:
    """The one ZIP writer: exactly these entries (name → bytes), reproducible (fixed time,
    mode 0644, deflated; sorted by name unless ``sort`` is False)."""
    if isinstance(when, str):
        when = datetime.fromisoformat(when)
    if not isinstance(when, datetime):
        when = generation_time(when)
    elif when.tzinfo is not None:
        when = when.astimezone(UTC)
    stamp = max(when.replace(tzinfo=None), datetime(1980, 1, 1))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files) if sort else files:
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


# The name of a manifest document inside the State's ZIP (the package's download names).
ZipName = Callable[[str, Mapping[str, Any]], str]


def _generated_day(manifest: Mapping[str, Any]) -> date:
    return datetime.fromisoformat(str(manifest["generated"])).date()


def state_zip(code: str, manifest: Mapping[str, Any], files: Mapping[str, bytes],
              name_of: ZipName) -> bytes:
    """The ZIP a user forwards to the State: the manifest's documents only, each under its
    download name (the manifest stays beside the ZIP, for the ISU)."""
    return zip_bytes({name_of(code, doc): files[doc["path"]] for doc in manifest["documents"]},
                     _generated_day(manifest))


def write_package(out: Path, code: str, files: Mapping[str, bytes], manifest: dict[str, Any],
                  *, force: bool = False, zip_name: ZipName | None = None) -> None:
    """Replace ``OUT/<code>`` as a whole with ``files`` + manifest.json (and, with
    ``zip_name``, ``<code>.zip`` of the documents under those names).

    ``files`` maps paths inside the State folder to bytes. Unless ``force``, a previous
    folder holding edited or foreign files is left exactly as it is (OutputError).
    """
    prepare_out(out)
    target = out / code
    manifest_bytes = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    with state_lock(out, code):
        try:
            _recover(out, code)
        except OSError as exc:
            raise _fail(target, exc) from None
        if force:
            if target.is_symlink() or target.is_file():
                target.unlink()
        else:
            check_untouched(target)
        staging = None
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{code}.staging-", dir=out))
            built = staging / code
            built.mkdir()
            everything = {**files, MANIFEST: manifest_bytes}
            for rel, data in everything.items():
                path = built / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                write_bytes_new(path, data)
            if zip_name is not None:
                write_bytes_new(staging / f"{code}.zip",
                                state_zip(code, manifest, files, zip_name))
            _swap(out, code, built)
            archive = out / f"{code}.zip"
            if zip_name is not None:
                os.replace(staging / f"{code}.zip", archive)
            elif archive.exists() or archive.is_symlink():
                archive.unlink()  # a ZIP of an earlier package would no longer match
        except OSError as exc:
            raise _fail(target, exc) from None
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)


def _swap(out: Path, code: str, built: Path) -> None:
    target = out / code
    if target.exists() or target.is_symlink():
        if _exchange(built, target):
            return  # the old folder is now at `built`, removed with the staging folder
        old = Path(tempfile.mkdtemp(prefix=f".{code}.old-", dir=out))
        os.rename(target, old / code)
        os.rename(built, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(built, target)


def rezip(out: Path, code: str, zip_name: ZipName) -> None:
    """Rebuild ``<code>.zip`` from the manifest's files (verified, links refused)."""
    folder = out / code
    with state_lock(out, code):
        _recover(out, code)
        manifest = read_manifest(folder)
        if manifest is None:
            raise OutputError(f"{folder} has no {MANIFEST}; regenerate it with --force")
        files: dict[str, bytes] = {}
        for doc in manifest["documents"]:
            try:
                data = read_bytes_nofollow(folder / doc["path"])
            except OSError as exc:
                raise _fail(folder / doc["path"], exc, "read") from None
            if sha256(data) != doc["sha256"]:
                raise OutputError(f"{folder / doc['path']} was edited after ccmkit wrote it; "
                                  "the ZIP is not rebuilt (pass --force to regenerate)")
            files[doc["path"]] = data
        replace_file(out / f"{code}.zip", state_zip(code, manifest, files, zip_name))


def clean_leftovers(out: Path) -> None:
    """Remove staging folders whose writer is gone (its State lock is free)."""
    if not out.is_dir():
        return
    codes = {p.name.split(".")[1] for p in out.glob(".*.staging-*")}
    codes |= {p.name.split(".")[1] for p in out.glob(".*.old-*")}
    for code in codes:
        path = out / f".{code}.lock"
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # a live writer owns it
        try:
            _recover(out, code)
        finally:
            os.close(fd)
