"""`ccmkit users`: add, list, set-password, remove; bad input is one Error line, no change."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ccmkit.cli import cli
from ccmkit.web.users import authenticate, list_users, open_database

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop


def run(db: Path, *args: str, password: str | None = None):
    given = f"{password}\n{password}\n" if password is not None else None
    return CliRunner().invoke(cli, ["users", *args, "--db", str(db)], input=given)


def test_users_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    added = run(db, "add", "amina", "--role", "editor", password="first-password-1")
    assert added.exit_code == 0, added.output
    assert "first-password-1" not in added.output
    assert run(db, "add", "pierre", "--role", "viewer", password="second-password").exit_code == 0
    assert run(db, "list").output == "amina\teditor\npierre\tviewer\n"
    engine = open_database(str(db))
    stored = list_users(engine)[0].password_hash
    assert stored.startswith("$argon2id$") and "first-password-1" not in stored
    assert run(db, "set-password", "amina", password="changed-password").exit_code == 0
    assert authenticate(engine, "amina", "first-password-1") is None
    assert authenticate(engine, "amina", "changed-password") is not None
    assert run(db, "remove", "pierre").exit_code == 0
    assert [u.name for u in list_users(engine)] == ["amina"]


def test_bad_input_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    assert run(db, "add", "amina", "--role", "editor", password="first-password-1").exit_code == 0
    cases = [
        (("add", "amina", "--role", "viewer"), "other-password-1", "already exists"),
        (("add", "bob", "--role", "editor"), "short", "10 to 1024 characters"),
        (("add", "bad name!", "--role", "editor"), "a-long-password", "is not valid"),
        (("add", "carl", "--role", "admin"), "a-long-password", "'admin' is not one of"),
        (("remove", "nobody"), None, "no user 'nobody'"),
    ]
    for args, password, message in cases:
        result = run(db, *args, password=password)
        assert result.exit_code != 0, args
        errors = [line for line in result.output.splitlines() if line.startswith("Error")]
        assert len(errors) == 1 and message in errors[0], (args, result.output)
        assert "Traceback" not in result.output
    assert run(db, "list").output == "amina\teditor\n"
