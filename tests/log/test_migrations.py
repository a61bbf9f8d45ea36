"""Schema migrations: a log made by the first schema is migrated with its records intact."""

from __future__ import annotations

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from ccmkit.log.db import make_engine
from ccmkit.log.migrate import VERSION_TABLE, config, current, head, upgrade
from ccmkit.log.models import Base
from ccmkit.log.store import Log
from ccmkit.vocab import CHANNELS, STAGES
from tests.log.conftest import assert_one_error, dump, run_log

OLD_ROWS = [
    ("KEN", "2025-11-03", "contacted", "geneva", "Norway", "Counsellor", None, "Send Q&A",
     "2025-12-01", "/packages/KEN/manifest.json", "isu-geneva", "2025-11-03 09:15:00"),
    ("HTI", "2025-11-20", "meeting-held", "capital", "Costa Rica", None, "Bon accueil", None,
     None, None, "coordinator", "2025-11-21 16:40:00"),
]


def test_first_schema_migrated_with_records_intact(db_url) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        assert current(connection) == "0001"
        assert "log_change" not in inspect(connection).get_table_names()
        for row in OLD_ROWS:
            connection.execute(text(
                "INSERT INTO log_entry (state, date, stage, channel, lead, with_whom, note, "
                "next_step, due, package, recorded_by, recorded_at) VALUES (:s, :d, :st, :c, "
                ":l, :w, :n, :ns, :due, :p, :rb, :ra)"),
                dict(zip(("s", "d", "st", "c", "l", "w", "n", "ns", "due", "p", "rb", "ra"), row,
                         strict=True)))
    engine.dispose()

    log = Log(db_url)  # the current ccmkit opens it: migrated on first use
    with log.engine.connect() as connection:
        assert current(connection) == head() == "0007"
    records = log.records()
    assert [(r.state, r.date, r.stage, r.channel, r.lead, r.with_whom, r.note, r.next_step,
             r.due, r.recorded_by) for r in records] == [
        ("KEN", date(2025, 11, 3), "contacted", "geneva", "Norway", "Counsellor", None,
         "Send Q&A", date(2025, 12, 1), "isu-geneva"),
        ("HTI", date(2025, 11, 20), "meeting-held", "capital", "Costa Rica", None,
         "Bon accueil", None, None, "coordinator")]
    assert records[0].package is not None and records[0].package.sha256 == ""
    assert records[0].recorded_at.isoformat() == "2025-11-03T09:15:00+00:00"
    history = log.history(records[1].id)
    assert history == [{"action": "add", "by": "coordinator", "at": "2025-11-21T16:40:00+00:00",
                        "detail": None}]
    # the migrated log works like a new one
    assert log.remove(records[0].id).removed_by == "tester"
    assert [r.state for r in log.records()] == ["HTI"]
    log.close()


def test_opening_twice_does_not_migrate_again(db_url) -> None:
    Log(db_url).close()
    before = dump(db_url)
    Log(db_url).close()
    assert dump(db_url) == before


def test_migrated_schema_matches_the_models(db_url) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        assert compare_metadata(context, Base.metadata) == []
        checks = {c["name"]: c["sqltext"] for c in
                  inspect(connection).get_check_constraints("log_entry")}
    engine.dispose()
    assert set(checks) == {"ck_log_entry_stage", "ck_log_entry_channel"}
    for value in (*STAGES, *CHANNELS):
        assert f"'{value}'" in checks["ck_log_entry_stage"] + checks["ck_log_entry_channel"]


def test_migration_vocabularies_are_the_current_ones() -> None:
    """The newest revision that sets STAGES or CHANNELS has today's values: a change to either
    needs a new revision (which then is the one compared here)."""
    newest: dict[str, tuple[str, ...]] = {}
    for revision in ScriptDirectory.from_config(config()).walk_revisions():  # head first
        for name in ("STAGES", "CHANNELS"):
            if name not in newest and hasattr(revision.module, name):
                newest[name] = tuple(getattr(revision.module, name))
    assert newest == {"STAGES": tuple(STAGES), "CHANNELS": tuple(CHANNELS)}


@pytest.mark.parametrize("value", ["finished", "email"])
def test_database_refuses_values_outside_the_vocabulary(db_url, value) -> None:
    from sqlalchemy.exc import IntegrityError

    Log(db_url).close()
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    column = "stage" if value == "finished" else "channel"
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO log_entry (state, date, stage, channel, recorded_by, recorded_at) "
            "VALUES ('KEN', '2026-01-01', :stage, :channel, 'x', '2026-01-01 00:00:00')"),
            {"stage": "contacted", "channel": None, column: value})
    engine.dispose()


def test_a_log_from_a_newer_ccmkit_is_refused(db_url) -> None:
    Log(db_url).close()
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '0099'"))
    engine.dispose()
    before = dump(db_url)
    assert_one_error(run_log(db_url, "list"), "schema revision '0099'", "upgrade ccmkit")
    assert dump(db_url) == before


def test_user_ids_are_never_reused_after_the_upgrade(db_url) -> None:
    """0004: a web_user table made before it (SQLite: without AUTOINCREMENT) keeps its users,
    and an id freed by a removal is never given again."""
    from ccmkit.web.users import add_user, authenticate, remove_user

    engine = make_engine(db_url)
    upgrade(engine, "0003")
    with engine.begin() as connection:
        for name in ("amina", "pierre"):
            connection.execute(text(
                "INSERT INTO web_user (name, role, password_hash, created_at) "
                "VALUES (:name, 'editor', 'x', '2026-11-26 10:00:00')"), {"name": name})
    upgrade(engine)
    removed = remove_user(engine, "pierre")
    assert add_user(engine, "carol", "viewer", "carol-password-1").id > removed
    assert authenticate(engine, "carol", "carol-password-1") is not None
    assert "web_session" in inspect(engine).get_table_names()
    engine.dispose()
