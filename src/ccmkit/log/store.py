"""The follow-up log's operations: add, list, edit, remove (recorded, not erased), restore,
report.

Every change is one transaction that also writes a row of history (who, when, what); a process
killed in the middle leaves the log as it was before. The library never prints: callers format
the records (see ccmkit.log.formats).
"""

from __future__ import annotations

import copy
import datetime as dt
import getpass
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from ccmkit.data.text import refused_character
from ccmkit.errors import CcmkitError, StorageError
from ccmkit.log.db import describe, make_engine, resolve_url, writing
from ccmkit.log.migrate import upgrade
from ccmkit.log.models import Change, Entry, Import
from ccmkit.vocab import CHANNELS, STAGES

USER_ENV = "CCMKIT_USER"
MEETINGS_TARGET = 10  # work plan 2025-2026: at least 10 documented bilateral outreach meetings
MEETING_STAGES = ("meeting-held", "next-step-agreed")
BILATERAL_CHANNELS = ("geneva", "capital")
MAX_TEXT = 4000


@dataclass(frozen=True)
class StateRef:
    """A State as the log names it: ISO3, UN English short name, short name per language."""

    iso3: str
    name: str
    names: dict[str, str]


_registry_cache: dict[str, Any] = {}


def find_state(query: str) -> StateRef:
    """The State for a code or name (the log's one call into the State registry)."""
    from ccmkit.data.states import load_registry

    if "registry" not in _registry_cache:
        _registry_cache["registry"] = load_registry()
    state = _registry_cache["registry"].find(query)
    return StateRef(state.iso3, state.un_name,
                    {lang: names.short for lang, names in state.names.items()})


@dataclass(frozen=True)
class Package:
    """The package sent: its manifest's path and the manifest's SHA-256."""

    path: str
    sha256: str


@dataclass(frozen=True, kw_only=True)
class Fields:
    """What a user records about one contact."""

    state: str
    date: dt.date
    stage: str
    channel: str | None = None
    lead: str | None = None
    with_whom: str | None = None
    note: str | None = None
    next_step: str | None = None
    due: dt.date | None = None
    package: Package | None = None


@dataclass(frozen=True, kw_only=True)
class Record(Fields):
    """A stored record, with its id and who recorded (and perhaps removed) it, when."""

    id: int
    recorded_by: str
    recorded_at: datetime
    removed_by: str | None = None
    removed_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data (ISO dates) with the id first, for JSON and spreadsheets."""
        data = asdict(self)
        package = data.pop("package")
        flat = {"id": data.pop("id"), **data,
                "package": package["path"] if package else None,
                "package_sha256": package["sha256"] if package else None}
        return {k: v.isoformat() if isinstance(v, date | datetime) else v
                for k, v in flat.items()}


@dataclass(frozen=True)
class Meeting:
    """One documented meeting: a State on a date (several records of it count once)."""

    state: str
    date: date
    channel: str | None
    lead: str | None
    record_ids: tuple[int, ...]


@dataclass(frozen=True)
class Overdue:
    """A State's latest record whose next step is past its due date."""

    state: str
    record_id: int
    next_step: str | None
    due: date
    days: int
    lead: str | None


@dataclass(frozen=True)
class Report:
    """The deliverables: meetings vs target, States per stage, overdue steps, top 15 gaps."""

    today: date
    target: int
    meetings: tuple[Meeting, ...]
    not_bilateral: tuple[Meeting, ...]
    stages: dict[str, tuple[str, ...]]
    overdue: tuple[Overdue, ...]
    top15: tuple[str, ...] | None
    never_contacted: tuple[str, ...] | None
    records: int = 0
    removed: int = 0
    states: tuple[str, ...] = field(default=())

    @property
    def target_met(self) -> bool:
        return len(self.meetings) >= self.target


def current_user() -> str:
    """Who is recording: $CCMKIT_USER, else the login name."""
    user = os.environ.get(USER_ENV, "").strip()
    if user:
        return user[:200]
    try:
        return getpass.getuser()[:200]
    except (OSError, KeyError):
        return f"uid {os.getuid()}"


def read_package(folder: Path, iso3: str) -> Package:
    """The package in ``folder`` (``manifest.json``), checked: its State and every file's hash."""
    manifest = folder / "manifest.json"
    try:
        raw = manifest.read_bytes()
        data = json.loads(raw)
        code = data["state"]["code"]
        documents = data["documents"]
    except FileNotFoundError:
        raise CcmkitError(f"--package {folder}: no manifest.json there; give the State's "
                          "package folder (OUT/<ISO3>) written by `ccmkit package`") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CcmkitError(f"--package {manifest}: not a ccmkit manifest ({exc})") from None
    if code != iso3:
        raise CcmkitError(f"--package {folder}: the package is for {code}, the record for "
                          f"{iso3}; give the package sent to {iso3}")
    for doc in documents:
        path = folder / str(doc.get("path", ""))
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            raise CcmkitError(f"--package {folder}: {doc.get('path')} listed in manifest.json "
                              "is missing; give the complete package folder") from None
        if digest != doc.get("sha256"):
            raise CcmkitError(f"--package {folder}: {doc.get('path')} differs from the file "
                              "the manifest lists; log the package exactly as generated")
    return Package(str(manifest.resolve()), hashlib.sha256(raw).hexdigest())


def _text(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    reason = refused_character(value)
    if reason:
        raise CcmkitError(f"{name}: the text holds {reason}, which no output can carry; "
                          "remove it")
    if len(value) > MAX_TEXT:
        raise CcmkitError(f"{name}: {len(value)} characters, more than {MAX_TEXT}; shorten it")
    return value or None


def check(f: Fields) -> Fields:
    """``f`` validated and normalised (the State as ISO3, empty text as None)."""
    if f.stage not in STAGES:
        raise CcmkitError(f"stage {f.stage!r} is not one of {', '.join(STAGES)}")
    if f.channel is not None and f.channel not in CHANNELS:
        raise CcmkitError(f"channel {f.channel!r} is not one of {', '.join(CHANNELS)}")
    if f.due is not None and f.due < f.date:
        raise CcmkitError(f"due date {f.due} is before the record's date {f.date}; "
                          "check --due and --date")
    if f.package is not None and (len(f.package.sha256) != 64
                                  or set(f.package.sha256) - set("0123456789abcdef")):
        raise CcmkitError(f"package SHA-256 {f.package.sha256!r} is not 64 hex digits")
    return replace(f, state=find_state(f.state).iso3, lead=_text(f.lead, "lead"),
                   with_whom=_text(f.with_whom, "with whom"), note=_text(f.note, "note"),
                   next_step=_text(f.next_step, "next step"))


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _record(e: Entry) -> Record:
    package = Package(e.package, e.package_sha256 or "") if e.package else None
    return Record(
        id=e.id, state=e.state, date=e.date, stage=e.stage, channel=e.channel, lead=e.lead,
        with_whom=e.with_whom, note=e.note, next_step=e.next_step, due=e.due, package=package,
        recorded_by=e.recorded_by, recorded_at=_utc(e.recorded_at) or e.recorded_at,
        removed_by=e.removed_by, removed_at=_utc(e.removed_at),
    )


def _columns(f: Fields) -> dict[str, Any]:
    values = {x.name: getattr(f, x.name) for x in fields(Fields) if x.name != "package"}
    values["package"] = f.package.path if f.package else None
    values["package_sha256"] = f.package.sha256 if f.package else None
    return values


def _jsonable(value: Any) -> Any:
    if isinstance(value, Package):
        return asdict(value)
    return value.isoformat() if isinstance(value, date) else value


class Log:
    """The follow-up log at a database URL (migrated to the current schema on opening)."""

    def __init__(self, url: str | None = None, user: str | None = None) -> None:
        self.url = resolve_url(url)
        self.user = user or current_user()
        self.engine = make_engine(self.url)
        with self._errors():
            upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def as_user(self, user: str) -> Log:
        """The same log (same engine), recording changes as ``user`` (e.g. a web user)."""
        other = copy.copy(self)
        other.user = user[:200]
        return other

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Database failures as one line naming the log."""
        try:
            yield
        except DBAPIError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            raise StorageError(f"log at {describe(self.url)}: {detail}") from None
        except SQLAlchemyError as exc:
            raise StorageError(f"log at {describe(self.url)}: {exc}") from None

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self._errors(), writing(self.engine) as connection, \
                Session(bind=connection) as session:
            yield session
            session.flush()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._errors(), Session(self.engine) as session:
            yield session

    def _change(self, session: Session, entry: Entry, action: str, detail: Any = None) -> None:
        session.add(Change(entry=entry, action=action, changed_by=self.user,
                           changed_at=datetime.now(UTC),
                           detail=json.dumps(detail, ensure_ascii=False) if detail else None))

    def add(self, record: Fields) -> Record:
        """Store one record; returns it with its id."""
        return self.add_many([record])[0]

    def add_many(self, records: Iterable[Fields], source: str | None = None,
                 sha256: str | None = None, again: bool = False) -> list[Record]:
        """Store every record in one transaction (all or nothing). With ``sha256`` (an
        imported file's digest), a file imported before is refused unless ``again``; the
        import is recorded."""
        checked = [check(r) for r in records]
        now = datetime.now(UTC)
        with self._write() as session:
            if sha256 is not None:
                self._import(session, sha256, source or "", len(checked), now, again)
            rows = [{**_columns(r), "recorded_by": self.user, "recorded_at": now}
                    for r in checked]
            # Core bulk inserts (batched statements): 20,000 records hold the write lock for
            # about a second, well inside the busy timeout other writers wait.
            ids = session.execute(insert(Entry).returning(Entry.id,
                                                          sort_by_parameter_order=True),
                                  rows).scalars().all()
            detail = json.dumps({"source": source}, ensure_ascii=False) if source else None
            session.execute(insert(Change), [
                {"entry_id": i, "action": "import" if source else "add",
                 "changed_by": self.user, "changed_at": now, "detail": detail} for i in ids])
        return [_record(Entry(id=i, **row)) for i, row in zip(ids, rows, strict=True)]

    def _import(self, session: Session, sha256: str, source: str, count: int, now: datetime,
                again: bool) -> None:
        """Record an import; the same file again is refused (in the write transaction, so
        two imports of one file at once cannot both pass)."""
        before = session.scalars(select(Import).where(Import.sha256 == sha256)
                                 .order_by(Import.id)).first()
        if before is not None and not again:
            when = (_utc(before.imported_at) or before.imported_at).date()
            raise CcmkitError(f"{source}: this file was imported on {when} by "
                              f"{before.imported_by} ({before.records} records); nothing "
                              "imported. To add its records a second time, pass --again")
        session.add(Import(sha256=sha256, source=source[:500], records=count,
                           imported_by=self.user, imported_at=now))

    def get(self, record_id: int) -> Record:
        """One record, live or removed."""
        with self._read() as session:
            return _record(self._entry(session, record_id))

    @staticmethod
    def _entry(session: Session, record_id: int) -> Entry:
        # ids beyond a 64-bit integer cannot exist (and would overflow the database driver)
        entry = session.get(Entry, record_id) if 0 < record_id < 2**63 else None
        if entry is None:
            raise CcmkitError(f"no record with id {record_id}; see `ccmkit log list "
                              "--format json` for ids")
        return entry

    def records(self, state: str | None = None, stage: str | None = None,
                since: date | None = None, removed: bool = False,
                newest_first: bool = False) -> list[Record]:
        """Live records (and removed ones with ``removed``), oldest first (or newest first)."""
        order = (Entry.date.desc(), Entry.id.desc()) if newest_first else (Entry.date, Entry.id)
        query = select(Entry).order_by(*order)
        if state is not None:
            query = query.where(Entry.state == find_state(state).iso3)
        if stage is not None:
            if stage not in STAGES:
                raise CcmkitError(f"stage {stage!r} is not one of {', '.join(STAGES)}")
            query = query.where(Entry.stage == stage)
        if since is not None:
            query = query.where(Entry.date >= since)
        if not removed:
            query = query.where(Entry.removed_at.is_(None))
        with self._read() as session:
            return [_record(e) for e in session.scalars(query)]

    def history(self, record_id: int) -> list[dict[str, Any]]:
        """Every change made to a record: action, by, at, detail."""
        with self._read() as session:
            entry = self._entry(session, record_id)
            return [{"action": c.action, "by": c.changed_by,
                     "at": (_utc(c.changed_at) or c.changed_at).isoformat(),
                     "detail": json.loads(c.detail) if c.detail else None}
                    for c in entry.changes]

    def edit(self, record_id: int, **changes: Any) -> Record:
        """Change some fields of a live record; the old values stay in its history."""
        unknown = set(changes) - {x.name for x in fields(Fields)}
        if unknown:
            raise CcmkitError(f"cannot edit {', '.join(sorted(unknown))}")
        if not changes:
            raise CcmkitError(f"record {record_id}: give at least one field to change")
        before = self.get(record_id)
        if before.removed_at is not None:
            raise CcmkitError(f"record {record_id} was removed by {before.removed_by} on "
                              f"{before.removed_at:%Y-%m-%d}; it cannot be edited")
        after = check(replace(before, **changes))
        diff = {name: [_jsonable(getattr(before, name)), _jsonable(getattr(after, name))]
                for name in (x.name for x in fields(Fields))
                if getattr(before, name) != getattr(after, name)}
        if not diff:
            return before
        with self._write() as session:
            entry = self._entry(session, record_id)
            if _record(entry) != before:
                raise CcmkitError(f"record {record_id} was changed by someone else meanwhile; "
                                  "look at it again and repeat the edit")
            for name, value in _columns(after).items():
                setattr(entry, name, value)
            self._change(session, entry, "edit", diff)
            session.flush()
            return _record(entry)

    def remove(self, record_id: int) -> Record:
        """Mark a record removed (who, when); it stays in the database and its history."""
        with self._write() as session:
            entry = self._entry(session, record_id)
            if entry.removed_at is not None:
                raise CcmkitError(f"record {record_id} was already removed by "
                                  f"{entry.removed_by} on {_utc(entry.removed_at):%Y-%m-%d}")
            entry.removed_by = self.user
            entry.removed_at = datetime.now(UTC)
            self._change(session, entry, "remove")
            session.flush()
            return _record(entry)

    def restore(self, record_id: int) -> Record:
        """Undo a removal: the record is live again; the history keeps both (who, when)."""
        with self._write() as session:
            entry = self._entry(session, record_id)
            if entry.removed_at is None:
                raise CcmkitError(f"record {record_id} is not removed; nothing to restore")
            removed_at = _utc(entry.removed_at)
            detail = {"removed_by": entry.removed_by,
                      "removed_at": removed_at.isoformat() if removed_at else None}
            entry.removed_by = None
            entry.removed_at = None
            self._change(session, entry, "restore", detail)
            session.flush()
            return _record(entry)

    def latest(self) -> dict[str, Record]:
        """Each State's latest live record (by date, then stage order, then id)."""
        rank = {stage: i for i, stage in enumerate(STAGES)}
        result: dict[str, Record] = {}
        for r in self.records():
            seen = result.get(r.state)
            if seen is None or (r.date, rank[r.stage], r.id) >= (seen.date, rank[seen.stage],
                                                                 seen.id):
                result[r.state] = r
        return result

    def report(self, top15: Sequence[str] | None = None, today: date | None = None) -> Report:
        """The deliverables as of ``today``; ``top15`` (ISO3 codes) from the targeting ranking."""
        today = today or date.today()
        live = self.records()
        with self._read() as session:
            removed = len(session.scalars(select(Entry.id).where(
                Entry.removed_at.is_not(None))).all())
        meetings, other = _meetings(live)
        latest = self.latest()
        stages = {s: tuple(sorted(c for c, r in latest.items() if r.stage == s)) for s in STAGES}
        late = [Overdue(r.state, r.id, r.next_step, r.due, (today - r.due).days, r.lead)
                for r in latest.values() if r.due is not None and r.due < today]
        overdue = tuple(sorted(late, key=lambda o: (o.due, o.state)))
        ranked = tuple(find_state(code).iso3 for code in top15) if top15 is not None else None
        never = tuple(c for c in ranked if c not in latest) if ranked is not None else None
        return Report(today=today, target=MEETINGS_TARGET, meetings=meetings,
                      not_bilateral=other, stages=stages, overdue=overdue, top15=ranked,
                      never_contacted=never, records=len(live), removed=removed,
                      states=tuple(sorted(latest)))


def _meetings(records: Sequence[Record]) -> tuple[tuple[Meeting, ...], tuple[Meeting, ...]]:
    """Meetings (a State on a date, stage meeting-held or next-step-agreed): bilateral
    (Geneva or capital level, counted towards the target) and the others."""
    grouped: dict[tuple[str, date], list[Record]] = {}
    for r in records:
        if r.stage in MEETING_STAGES:
            grouped.setdefault((r.state, r.date), []).append(r)
    bilateral: list[Meeting] = []
    other: list[Meeting] = []
    for (state, day), group in sorted(grouped.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        channels = [r.channel for r in group if r.channel]
        channel = next((c for c in channels if c in BILATERAL_CHANNELS),
                       channels[0] if channels else None)
        lead = next((r.lead for r in group if r.lead), None)
        meeting = Meeting(state, day, channel, lead, tuple(r.id for r in group))
        (bilateral if channel in BILATERAL_CHANNELS else other).append(meeting)
    return tuple(bilateral), tuple(other)
