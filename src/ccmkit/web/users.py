"""Users of the web workbench: name, role and an argon2 password hash, in the log's database.

The table (``web_user``) belongs to the follow-up log's schema (``ccmkit.log.models.WebUser``,
Alembic revision 0003); the database is the log's (``--db``/``$CCMKIT_DB``, default SQLite in
the user data folder), migrated on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ccmkit.errors import CcmkitError
from ccmkit.log.db import describe, make_engine, resolve_url, writing
from ccmkit.log.migrate import upgrade
from ccmkit.log.models import WebUser
from ccmkit.vocab import ROLES

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
users = cast(Table, WebUser.__table__)

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
        raise CcmkitError(f"cannot open the database {describe(resolved)}: "
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
    if not done:
        raise CcmkitError(f"no user {name!r}; see `ccmkit users list`")


def remove_user(engine: Engine, name: str) -> None:
    with writing(engine) as conn:
        done = conn.execute(delete(users).where(users.c.name == name)).rowcount
    if not done:
        raise CcmkitError(f"no user {name!r}; see `ccmkit users list`")


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.name)).all()
    return [User(r.id, r.name, r.role, r.password_hash) for r in rows]


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
