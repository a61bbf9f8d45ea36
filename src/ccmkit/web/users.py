"""Users of the web workbench: name, role and an argon2 password hash, in the log's database.

The table (``web_user``) belongs to the follow-up log's schema (``ccmkit.log.models.WebUser``,
Alembic revision 0003); the database is the log's (``--db``/``$CCMKIT_DB``, default SQLite in
the user data folder), migrated on first use.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ccmkit.errors import CcmkitError, StorageError
from ccmkit.log.db import describe, make_engine, resolve_url, writing
from ccmkit.log.migrate import upgrade
from ccmkit.log.models import WebSession, WebUser
from ccmkit.vocab import ROLES

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
users = cast(Table, WebUser.__table__)
sessions = cast(Table, WebSession.__table__)
SEEN_EVERY = timedelta(minutes=1)  # how often a session's last-seen time is written

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("ccmkit: no such user, same work as a real check")


@dataclass(frozen=True)
class User:
    """A signed-up user, as the web layer sees one."""

    id: int
    name: str
    role: str
    password_hash: str

    @property
    def can_write(self) -> bool:
        """Editors generate packages and write the log; viewers read."""
        return self.role == "editor"


def open_database(url: str | None = None) -> Engine:
    """The log's database at ``url`` (or $CCMKIT_DB, or the default file), migrated."""
    resolved = resolve_url(url)
    engine = make_engine(resolved)
    try:
        upgrade(engine)
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot open the database {describe(resolved)}: "
                          f"{type(exc).__name__}; check --db / CCMKIT_DB") from None
    return engine


def check_name(name: str) -> str:
    """The name if it is a valid user name, else a CcmkitError saying what is allowed."""
    if not NAME_PATTERN.match(name):
        raise CcmkitError(f"user name {name[:70]!r} is not valid: use 1 to 64 letters, digits, "
                          "'.', '_', '@' or '-', starting with a letter or digit")
    return name


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise CcmkitError(f"the password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return password


def add_user(engine: Engine, name: str, role: str, password: str) -> User:
    """Create a user; an existing name is an error (nothing is changed)."""
    check_name(name)
    if role not in ROLES:
        raise CcmkitError(f"role {role!r} is not valid; use one of {', '.join(ROLES)}")
    hashed = _hasher.hash(check_password(password))
    try:
        with writing(engine) as conn:
            key = conn.execute(insert(users).values(
                name=name, role=role, password_hash=hashed,
                created_at=datetime.now(UTC))).inserted_primary_key
            new_id = int(key[0]) if key else 0
    except IntegrityError:
        raise CcmkitError(f"user {name!r} already exists; choose another name or use "
                          "`ccmkit users set-password`") from None
    return User(new_id, name, role, hashed)


def set_password(engine: Engine, name: str, password: str) -> None:
    """Replace a user's password (their open sessions end)."""
    hashed = _hasher.hash(check_password(password))
    with writing(engine) as conn:
        done = conn.execute(update(users).where(users.c.name == name)
                            .values(password_hash=hashed)).rowcount
        conn.execute(delete(sessions).where(sessions.c.user_id.in_(
            select(users.c.id).where(users.c.name == name))))
    if not done:
        raise CcmkitError(f"no user {name!r}; see `ccmkit users list`")


def remove_user(engine: Engine, name: str) -> int:
    """Remove the user and end their sessions; returns the id they had (never given again)."""
    with writing(engine) as conn:
        found = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
        if found is not None:
            conn.execute(delete(sessions).where(sessions.c.user_id == found))
            conn.execute(delete(users).where(users.c.id == found))
    if found is None:
        raise CcmkitError(f"no user {name!r}; see `ccmkit users list`")
    return int(found)


JOBS_MARK = ".database"  # in the job folder: which database's user ids own its jobs


def _database_mark(engine: Engine) -> str:
    return hashlib.sha256(describe(str(engine.url)).encode()).hexdigest()


def bind_jobs(root: Path, engine: Engine) -> None:
    """Mark the server's job folder as owned by this database's users, and delete the jobs of
    users who no longer exist in it (removed while the server was stopped)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / JOBS_MARK).write_text(_database_mark(engine), encoding="ascii")
    known = {user.id for user in list_users(engine)}
    _remove_jobs(root, engine, lambda owner: owner not in known)


def remove_jobs(root: Path, engine: Engine, owner: int) -> int:
    """Delete every job of user id ``owner`` (its files, internal briefs included) in the job
    folder of the server using this database; returns how many (0 for another database's
    folder)."""
    try:
        mark = (root / JOBS_MARK).read_text(encoding="ascii")
    except OSError:
        return 0
    if mark != _database_mark(engine):
        return 0
    return _remove_jobs(root, engine, lambda found: found == owner)


def _remove_jobs(root: Path, engine: Engine, chosen: Callable[[int], bool]) -> int:
    """Delete the jobs (rows and files) of the owners `chosen` picks; how many."""
    from ccmkit.jobs.store import JobStore

    store = JobStore(engine, root)
    try:
        removed = 0
        for owner, count in store.owners().items():
            if chosen(owner):
                store.delete_owner(owner)
                removed += count
        return removed
    finally:
        store.close()


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.name)).all()
    return [User(r.id, r.name, r.role, r.password_hash) for r in rows]


def _session_key(token: str) -> str:
    """What the database keeps of a session id: its SHA-256 (a copy of the table signs no one
    in)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def start_session(engine: Engine, user: User, lifetime: timedelta) -> str:
    """A new session for ``user``: a random id for the cookie, its hash kept on the server.
    Sessions past ``lifetime`` are cleared on the way."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with writing(engine) as conn:
        conn.execute(delete(sessions).where(sessions.c.created_at < now - lifetime))
        conn.execute(insert(sessions).values(id=_session_key(token), user_id=user.id,
                                             created_at=now, seen_at=now))
    return token


def session_user(engine: Engine, token: str, lifetime: timedelta, idle: timedelta
                 ) -> User | None:
    """The user of a live session: signed in less than ``lifetime`` ago and seen less than
    ``idle`` ago (else the session is ended); None for an ended or unknown session."""
    key = _session_key(token)
    with engine.connect() as conn:
        row = conn.execute(select(users, sessions.c.created_at.label("signed_in"),
                                  sessions.c.seen_at)
                           .join(sessions, sessions.c.user_id == users.c.id)
                           .where(sessions.c.id == key)).first()
    if row is None:
        return None
    now = datetime.now(UTC)
    if now - _aware(row.signed_in) > lifetime or now - _aware(row.seen_at) > idle:
        end_session(engine, token)
        return None
    if now - _aware(row.seen_at) > min(SEEN_EVERY, idle / 4):
        with writing(engine) as conn:
            conn.execute(update(sessions).where(sessions.c.id == key).values(seen_at=now))
    return User(row.id, row.name, row.role, row.password_hash)


def end_session(engine: Engine, token: str) -> None:
    """Sign a session out on the server: its cookie, wherever copied, no longer works."""
    with writing(engine) as conn:
        conn.execute(delete(sessions).where(sessions.c.id == _session_key(token)))


def get_user(engine: Engine, user_id: int) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id)).first()
    return User(row.id, row.name, row.role, row.password_hash) if row else None


def authenticate(engine: Engine, name: str, password: str) -> User | None:
    """The user if the password matches, else None (same work whether the name exists)."""
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name[:64])).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    return User(row.id, row.name, row.role, row.password_hash)
