"""Per-State settings, kept in the log's database: what the ISU knows about a State beyond the
shipped data (addressee, signing authority, planned deposit date, instrument, Art. 18
declaration, package languages, overrides of its concerns and engagement, notes).

Settings are a profile mapping (the keys of ``ccmkit.data.profile.ProfileFile``), checked with
the profile schema when saved and given to ``PackageRequest`` by every generation (the web's
package, brief and workshop, and ``ccmkit package``/``brief``). Every save is one transaction
that leaves a row of history: who, when, each field's old and new value.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from ccmkit.data.profile import profile_from_mapping
from ccmkit.log.db import DB_ENV, default_path
from ccmkit.log.models import StateSetting, StateSettingChange
from ccmkit.log.store import Log, _utc

# The settings' fields, as dotted profile keys, in the order pages show them.
FIELDS = ("addressee", "signatory.title", "signatory.title_text", "planned_deposit_date",
          "instrument", "provisional_application", "languages", "overrides.concerns",
          "overrides.engagement", "notes")


@dataclass(frozen=True)
class StateSettings:
    """A State's settings: the profile mapping, and who saved it last, when."""

    iso3: str
    profile: dict[str, Any]
    updated_by: str | None = None
    updated_at: datetime | None = None

    def get(self, key: str) -> Any:
        """A dotted key's value (``signatory.title``), None when not set."""
        value: Any = self.profile
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value


def flatten(mapping: dict[str, Any]) -> dict[str, Any]:
    """The settings' fields as dotted keys, the unset ones left out."""
    found = StateSettings("", mapping)
    return {key: found.get(key) for key in FIELDS if found.get(key) not in (None, [], "")}


def check(iso3: str, profile: dict[str, Any]) -> dict[str, Any]:
    """The mapping, validated with the profile schema (DataError naming the field)."""
    clean = {k: v for k, v in profile.items() if v not in (None, [], "", {})}
    profile_from_mapping(clean, f"settings of {iso3}")
    return clean


class Settings:
    """The per-State settings of a log's database."""

    def __init__(self, log: Log) -> None:
        self.log = log

    def get(self, iso3: str) -> StateSettings:
        """The State's settings (an empty mapping when none were saved)."""
        with self.log._read() as session:
            row = session.get(StateSetting, iso3)
            if row is None:
                return StateSettings(iso3, {})
            return StateSettings(iso3, json.loads(row.profile), row.updated_by,
                                 _utc(row.updated_at))

    def profile(self, iso3: str) -> dict[str, Any] | None:
        """The profile mapping for ``PackageRequest`` (None when nothing is set)."""
        return self.get(iso3).profile or None

    def profiles(self, codes: tuple[str, ...]) -> dict[str, dict[str, Any]]:
        """The saved settings of several States (a workshop), by ISO3."""
        with self.log._read() as session:
            rows = session.scalars(select(StateSetting).where(StateSetting.iso3.in_(codes)))
            return {row.iso3: json.loads(row.profile) for row in rows}

    def save(self, iso3: str, profile: dict[str, Any]) -> dict[str, list[Any]]:
        """Replace the State's settings (checked); the changed fields ``{key: [old, new]}``."""
        clean = check(iso3, profile)
        now = datetime.now(UTC)
        with self.log._write() as session:
            row = session.get(StateSetting, iso3)
            before = flatten(json.loads(row.profile)) if row is not None else {}
            after = flatten(clean)
            diff = {key: [before.get(key), after.get(key)] for key in FIELDS
                    if before.get(key) != after.get(key)}
            if not diff:
                return {}
            text = json.dumps(clean, ensure_ascii=False, sort_keys=True)
            if row is None:
                session.add(StateSetting(iso3=iso3, profile=text, updated_by=self.log.user,
                                         updated_at=now))
            else:
                row.profile, row.updated_by, row.updated_at = text, self.log.user, now
            session.add(StateSettingChange(iso3=iso3, changed_by=self.log.user, changed_at=now,
                                           detail=json.dumps(diff, ensure_ascii=False)))
            return diff

    def history(self, iso3: str) -> list[dict[str, Any]]:
        """Every change of the State's settings, newest first: by, at, {key: [old, new]}."""
        query = (select(StateSettingChange).where(StateSettingChange.iso3 == iso3)
                 .order_by(StateSettingChange.id.desc()))
        with self.log._read() as session:
            return [{"by": c.changed_by, "at": _utc(c.changed_at),
                     "changes": json.loads(c.detail)} for c in session.scalars(query)]


def configured_url(given: str | None) -> str | None:
    """The database the CLI reads settings from: ``--db``, ``$CCMKIT_DB``, or the default log
    file if it exists (None: no database configured, no settings)."""
    if given or os.environ.get(DB_ENV, "").strip():
        return given or os.environ[DB_ENV].strip()
    return str(default_path()) if default_path().is_file() else None


def stored_profile(iso3: str, db: str | None) -> dict[str, Any] | None:
    """The State's saved settings from the configured database, for one CLI run."""
    return stored_profiles((iso3,), db).get(iso3)


def stored_profiles(codes: tuple[str, ...], db: str | None) -> dict[str, dict[str, Any]]:
    """The saved settings of these States (ISO3) from the configured database, for one CLI
    run (a batch); empty without a database."""
    url = configured_url(db)
    if url is None:
        return {}
    log = Log(url)
    try:
        return {k: v for k, v in Settings(log).profiles(codes).items() if v}
    finally:
        log.close()
