"""Read the ISU's spreadsheet (CSV or XLSX) into log records: every row checked before any is
stored, bad rows named by line."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ccmkit.errors import CcmkitError
from ccmkit.log.store import Fields, Package, check
from ccmkit.sheets import read_table

# Header (lower case, spaces and hyphens as underscores) -> field.
HEADERS = {
    "state": "state", "iso3": "state", "country": "state",
    "date": "date", "stage": "stage", "channel": "channel", "lead": "lead",
    "with": "with_whom", "with_whom": "with_whom",
    "note": "note", "notes": "note",
    "next_step": "next_step", "due": "due", "due_date": "due",
    "package": "package", "package_sha256": "package_sha256",
}
IGNORED = ("id", "name", "recorded_by", "recorded_at")  # written by `log export`; set anew
REQUIRED = ("state", "date", "stage")
SHOWN_ERRORS = 5


def _header(name: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(name or "").strip().lower())


def _token(value: str) -> str:
    """'Meeting held', 'meeting_held', ' MEETING-HELD ' -> 'meeting-held'."""
    return re.sub(r"[\s_\-]+", "-", value.strip().lower())


def _columns(path: Path, header: list[Any]) -> dict[int, str]:
    columns: dict[int, str] = {}
    for i, cell in enumerate(header):
        name = _header(cell)
        if not name or name in IGNORED:
            continue
        if name not in HEADERS:
            known = ", ".join(sorted({*HEADERS, *IGNORED}))
            raise CcmkitError(f"{path}: line 1: unknown column {str(cell).strip()!r}; "
                              f"rename or remove it (known: {known})")
        if HEADERS[name] in columns.values():
            raise CcmkitError(f"{path}: line 1: two columns for {HEADERS[name]!r}; keep one")
        columns[i] = HEADERS[name]
    missing = [c for c in REQUIRED if c not in columns.values()]
    if missing:
        raise CcmkitError(f"{path}: line 1: no column {', '.join(missing)}; the header needs "
                          f"{', '.join(REQUIRED)} (and may have channel, lead, with, note, "
                          "next_step, due)")
    return columns


def _date(value: Any, name: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CcmkitError(f"{name} {text!r} is not a date YYYY-MM-DD") from None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _fields(values: dict[str, Any]) -> Fields:
    for name in REQUIRED:
        if _text(values.get(name)) is None:
            raise CcmkitError(f"empty {name}")
    sha = _text(values.get("package_sha256"))
    package_path = _text(values.get("package"))
    if sha and not package_path:
        raise CcmkitError("package_sha256 without package")
    day = _date(values["date"], "date")
    assert day is not None
    return Fields(
        state=str(_text(values["state"])),
        date=day,
        stage=_token(str(values["stage"])),
        channel=_token(c) if (c := _text(values.get("channel"))) else None,
        lead=_text(values.get("lead")),
        with_whom=_text(values.get("with_whom")),
        note=_text(values.get("note")),
        next_step=_text(values.get("next_step")),
        due=_date(values.get("due"), "due"),
        package=Package(package_path, (sha or "").lower()) if package_path else None,
    )


def read_records(path: Path) -> list[Fields]:
    """Every row of ``path`` as checked Fields; one error naming all bad lines otherwise."""
    if not path.is_file():
        raise CcmkitError(f"{path}: no such file; give the spreadsheet to import")
    rows = read_table(path)
    header = next(rows, None)
    if header is None:
        raise CcmkitError(f"{path}: empty file; give a header line and records")
    columns = _columns(path, header[1])
    records: list[Fields] = []
    errors: list[str] = []
    for line, row in rows:
        if all(_text(v) is None for v in row):
            continue
        if any(_text(v) is not None for i, v in enumerate(row) if i >= len(header[1])):
            errors.append(f"line {line}: more cells than header columns")
            continue
        values = {name: row[i] if i < len(row) else None for i, name in columns.items()}
        try:
            records.append(check(_fields(values)))
        except CcmkitError as exc:
            errors.append(f"line {line}: {exc}")
    if errors:
        more = f"; and {len(errors) - SHOWN_ERRORS} more bad lines" \
            if len(errors) > SHOWN_ERRORS else ""
        raise CcmkitError(f"{path}: nothing imported: {'; '.join(errors[:SHOWN_ERRORS])}{more}")
    if not records:
        raise CcmkitError(f"{path}: no records under the header; nothing imported")
    return records
