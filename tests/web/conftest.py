"""Web fixtures: an app on a fresh database and output folder, with an editor and a viewer;
jobs run inline, in the request (the worker pool is tested live in tests/jobs)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ccmkit.web import create_app
from ccmkit.web.extensions import limiter
from ccmkit.web.users import add_user

EDITOR = ("alice", "correct-horse-battery")
VIEWER = ("victor", "viewer-password-1")
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its cheapest for the in-process web tests, which add users and sign in for
    each test (the live-server tests run the shipped setting)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("ccmkit.web.users._hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def make_app(tmp: Path, **config: object) -> Flask:
    app = create_app({
        "SECRET_KEY": "test-secret", "CCMKIT_DB": f"sqlite:///{tmp / 'web.sqlite3'}",
        "CCMKIT_OUTPUT_DIR": str(tmp / "jobs"), "CCMKIT_WEB_DIR": str(tmp / "web"),
        "CCMKIT_WORKERS": 2, "CCMKIT_EXECUTOR": "inline", **config,
    })
    limiter.reset()  # one limiter per process: each test starts with no failed sign-in
    engine = app.extensions["ccmkit"].engine
    add_user(engine, EDITOR[0], "editor", EDITOR[1])
    add_user(engine, VIEWER[0], "viewer", VIEWER[1])
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path)
    yield app
    app.extensions["ccmkit"].jobs.shutdown()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the form on ``path``, as a browser would read it."""
    page = client.get(path).get_data(as_text=True)
    found = TOKEN.search(page)
    assert found, f"no CSRF token on {path}"
    return found.group(1) or found.group(2)


def sign_in(client: FlaskClient, who: tuple[str, str], **environ: str):
    token = csrf_token(client)
    return client.post("/login", data={"name": who[0], "password": who[1], "csrf_token": token},
                       environ_base=environ)


@pytest.fixture
def editor(client: FlaskClient) -> FlaskClient:
    assert sign_in(client, EDITOR).status_code == 302
    return client


@pytest.fixture
def viewer(client: FlaskClient) -> FlaskClient:
    assert sign_in(client, VIEWER).status_code == 302
    return client
