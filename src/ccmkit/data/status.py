"""The Convention status table: shipped, updated by the user's table, validated row by row.

A user's table (``--status-file``, ``$CCMKIT_STATUS_FILE`` or ``status.csv`` in the data folder)
is an *update*: its rows replace the shipped rows of the States it lists; States it omits keep
their shipped status. Its as-of date comes from ``--status-as-of`` or a ``<name>.meta.yaml``
beside it, never from the file's modification time.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from ccmkit.data.schema import StatusRow, check_regular_file, parse_partial_date, validate
from ccmkit.errors import DataError
from ccmkit.resources import shipped_data_dir
from ccmkit.treaty import ADOPTION_DATE, OPENED_FOR_SIGNATURE, entry_into_force
from ccmkit.vocab import Route, Status

STATUS_COLUMNS = (
    "iso3", "status", "route", "signature_date", "deposit_date", "effective_date", "source",
)
STATUS_ENV = "CCMKIT_STATUS_FILE"
STATUS_FILE = "status.csv"
MAX_STATUS_BYTES = 1_000_000


@dataclass(frozen=True)
class Membership:
    """A State's position towards the Convention, from the status table."""

    status: Status
    route: Route | None = None
    signature_date: date | None = None
    deposit_date: date | None = None
    effective_date: date | None = None
    source: str | None = None

    @property
    def entry_into_force(self) -> date | None:
        if self.status == "state_party" and self.deposit_date:
            return entry_into_force(self.deposit_date)
        return None


NOT_SIGNED = Membership("not_signed", source=None)


@dataclass(frozen=True)
class StatusTable:
    """Status rows by ISO3 code, with where they come from and when they were checked."""

    rows: dict[str, Membership]
    as_of: str  # ISO date or year-month
    path: Path  # the shipped table
    update: Path | None = None  # the user's table laid over it, if any
    update_as_of: str | None = None

    @property
    def month_only(self) -> bool:
        """True when the as-of date is a year and month (e.g. "2025-09")."""
        return len(self.as_of) == 7

    def as_of_date(self) -> date:
        parsed = parse_partial_date(self.as_of)
        assert parsed is not None
        return parsed

    def membership(self, iso3: str) -> Membership:
        return self.rows.get(iso3, NOT_SIGNED)

    def digest_inputs(self) -> tuple[bytes, ...]:
        """The bytes a cached output depends on (for the batch's up-to-date check)."""
        files = [self.path] + ([self.update] if self.update else [])
        return (*(f.read_bytes() for f in files), self.as_of.encode())


def _check_as_of(value: str, where: str) -> str:
    try:
        parsed = parse_partial_date(value)
    except ValueError:
        parsed = None
    if parsed is None or len(value) not in (7, 10):
        raise DataError(f"{where}: as-of date {value!r}: give a date YYYY-MM-DD (or YYYY-MM)")
    if parsed > date.today():
        raise DataError(f"{where}: as-of date {value} is in the future; give the date the "
                        "table was checked")
    return value


def read_rows(path: Path, today: date | None = None) -> dict[str, Membership]:
    """Read and validate a status table; errors name the file and line."""
    today = today or date.today()
    check_regular_file(path, "status file")
    if not path.is_file():
        raise DataError(f"status file {path} not found: give an existing CSV file")
    if path.stat().st_size > MAX_STATUS_BYTES:
        raise DataError(f"{path}: larger than {MAX_STATUS_BYTES // 1000} kB; "
                        "a status table has one row per State")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in STATUS_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}; "
                        f"the header must be {','.join(STATUS_COLUMNS)}")
    rows: dict[str, Membership] = {}
    for line, row in enumerate(reader, start=2):
        where = f"{path}, line {line}"
        if None in row or any(v is None for v in row.values()):
            raise DataError(f"{where}: wrong number of columns; expected {len(STATUS_COLUMNS)}")
        raw = {k: (v.strip() or None) for k, v in row.items() if k in STATUS_COLUMNS}
        record = validate(StatusRow, raw, str(path), f"line {line}")
        if record.iso3 in rows:
            raise DataError(f"{where}: {record.iso3} is listed twice; keep one row per State")
        _check_row(record, where, today)
        rows[record.iso3] = Membership(
            status=record.status, route=record.route, signature_date=record.signature_date,
            deposit_date=record.deposit_date, effective_date=record.effective_date,
            source=record.source,
        )
    return rows


def _check_row(row: StatusRow, where: str, today: date) -> None:
    for name in ("signature_date", "deposit_date", "effective_date"):
        day = getattr(row, name)
        if day is not None and day > today:
            raise DataError(f"{where}: {name} {day} is in the future")
        if day is not None and day < ADOPTION_DATE:
            raise DataError(f"{where}: {name} {day} is before the Convention's adoption "
                            f"({ADOPTION_DATE})")
    if row.signature_date is not None and row.signature_date < OPENED_FOR_SIGNATURE:
        raise DataError(f"{where}: signature_date {row.signature_date} is before the "
                        f"Convention opened for signature ({OPENED_FOR_SIGNATURE})")
    if row.status == "signatory" and row.signature_date is None:
        raise DataError(f"{where}: {row.iso3} is a signatory without a signature_date; "
                        "give the date it signed")
    if row.status == "state_party" and row.route is None:
        raise DataError(f"{where}: {row.iso3} is a State Party without a route "
                        "(ratification, acceptance, approval or accession)")
    if (row.signature_date and row.deposit_date and row.deposit_date < row.signature_date):
        raise DataError(f"{where}: deposit_date is before signature_date")


def _meta_as_of(path: Path) -> str | None:
    meta = path.with_name(path.stem + ".meta.yaml")
    if not meta.is_file():
        return None
    raw = yaml.safe_load(meta.read_text(encoding="utf-8")) or {}
    value = raw.get("as_of") if isinstance(raw, dict) else None
    return None if value is None else str(value)


def load_status(path: Path | None = None, as_of: str | None = None,
                data_dir: Path | None = None) -> StatusTable:
    """The shipped table, updated by the user's (explicit path, $CCMKIT_STATUS_FILE, or the
    data folder's status.csv)."""
    shipped = shipped_data_dir() / STATUS_FILE
    shipped_as_of = _meta_as_of(shipped)
    assert shipped_as_of is not None
    rows = dict(read_rows(shipped))
    if path is None and os.environ.get(STATUS_ENV):
        path = Path(os.environ[STATUS_ENV])
    if path is None and data_dir is not None and (data_dir / STATUS_FILE).is_file():
        path = data_dir / STATUS_FILE
    if path is None:
        if as_of is not None:
            raise DataError("--status-as-of dates an updated table: give --status-file too")
        return StatusTable(rows, shipped_as_of, shipped)
    update = read_rows(path)
    given = as_of or _meta_as_of(path)
    if given is None:
        raise DataError(f"{path}: when was this table checked? give --status-as-of YYYY-MM-DD "
                        f"(or an as_of in {path.stem}.meta.yaml beside it)")
    given = _check_as_of(given, str(path))
    rows.update(update)
    return StatusTable(rows, given, shipped, update=path, update_as_of=given)
