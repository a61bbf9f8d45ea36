"""HTTP-level security: anonymous refused everywhere, CSRF, rate-limited sign-in, roles, cookies,
errors without tracebacks."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from ccmkit.errors import CcmkitError
from ccmkit.log.db import writing
from ccmkit.web.errors import scrub
from ccmkit.web.security import PUBLIC
from ccmkit.web.users import add_user, remove_user, sessions, set_password
from tests.web.conftest import EDITOR, TOKEN, VIEWER, csrf_token, make_app, sign_in

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop


ARGS = {"iso3": "COD", "job_id": "A" * 24, "kind": "package", "relpath": "COD.zip",
        "filename": "style.css", "record_id": "1", "fmt": "csv", "lang": "en",
        "token": "A" * 32}


def internal_rules(app: Flask) -> list[tuple[str, str, set[str]]]:
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{name}>", ARGS[name]).replace(f"<path:{name}>", ARGS[name])
        path = path.replace("<any(package, workshop):kind>", "package")
        path = path.replace("<any(package, workshop, targets, 'barrier-map'):kind>", "package")
        path = path.replace("<any(targets, 'barrier-map'):kind>", "targets")
        path = path.replace("<int:record_id>", "1").replace("<any(csv, xlsx):fmt>", "csv")
        path = path.replace("<any(docx, pdf, xlsx):fmt>", "pdf")
        rules.append((rule.endpoint, path, set(rule.methods or ())))
    return rules


def test_every_internal_page_refuses_anonymous(app: Flask, client: FlaskClient) -> None:
    rules = internal_rules(app)
    assert {"/states", "/states/COD", "/package", "/workshop", "/", "/log", "/log/report",
            "/log/1", "/log/export.csv", "/targets", "/targets/export.csv", "/barrier-map",
            f"/targets/{ARGS['job_id']}", f"/targets/{ARGS['job_id']}/files/COD.zip"
            } <= {p for _e, p, _m in rules}
    assert all("<" not in p for _e, p, _m in rules), "a rule's argument was not filled in"
    for endpoint, path, methods in rules:
        response = client.get(path)
        if "GET" in methods:
            assert response.status_code == 302, (endpoint, path, response.status_code)
            assert response.headers["Location"].startswith("/login?next="), path
            page = client.get(response.headers["Location"]).get_data(as_text=True)
            assert "Democratic Republic" not in page and "Stockpiles" not in page
        if "POST" in methods:
            token = csrf_token(client)
            posted = client.post(path, data={"csrf_token": token, "state": "COD"})
            assert posted.status_code == 302, (endpoint, path, posted.status_code)
            assert posted.headers["Location"].startswith("/login")


def test_public_pages_are_only_sign_in_language_and_static(app: Flask) -> None:
    assert frozenset({"auth.login", "auth.set_language", "static",
                      "log.calendar_feed"}) == PUBLIC


def test_calendar_feed_needs_a_live_token(client: FlaskClient) -> None:
    """The one public page with data: a wrong, empty or revoked token gets nothing."""
    for token in ("x" * 43, "A" * 500):
        assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_form_without_csrf_token_is_refused(editor: FlaskClient) -> None:
    response = editor.post("/package", data={"state": "COD", "documents": "instrument"})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert editor.post("/logout").status_code == 400
    assert editor.get("/states").status_code == 200  # still signed in: the sign-out was refused
    bad = editor.post("/package", data={"state": "COD", "csrf_token": "forged"})
    assert bad.status_code == 400


def test_sign_in_without_csrf_token_is_refused(client: FlaskClient) -> None:
    response = client.post("/login", data={"name": EDITOR[0], "password": EDITOR[1]})
    assert response.status_code == 400
    assert client.get("/states").status_code == 302


def test_wrong_passwords_are_rate_limited(client: FlaskClient) -> None:
    for _ in range(5):
        assert sign_in(client, (EDITOR[0], "wrong password")).status_code == 401
    limited = sign_in(client, (EDITOR[0], "wrong password"))
    assert limited.status_code == 429
    assert "Too many attempts" in limited.get_data(as_text=True)
    # the right password does not get through either while the limit holds
    assert sign_in(client, EDITOR).status_code == 429
    assert client.get("/states").status_code == 302


def test_failures_from_elsewhere_never_lock_the_owner_out(client: FlaskClient) -> None:
    """F5: an attacker's failures for an account count at the attacker's address only."""
    for _ in range(5):
        assert sign_in(client, (VIEWER[0], "guess"), REMOTE_ADDR="10.0.0.2").status_code == 401
    assert sign_in(client, (VIEWER[0], "guess"), REMOTE_ADDR="10.0.0.2").status_code == 429
    owner = client.application.test_client()
    assert sign_in(owner, VIEWER, REMOTE_ADDR="10.0.0.3").status_code == 302


def test_one_account_tried_from_many_addresses_is_limited_per_address(
        client: FlaskClient) -> None:
    for number in range(5):
        response = sign_in(client, (EDITOR[0], "guess"), REMOTE_ADDR=f"10.0.1.{number}")
        assert response.status_code == 401
    assert sign_in(client, (EDITOR[0], "guess"), REMOTE_ADDR="10.0.1.0").status_code == 401
    for _ in range(4):
        sign_in(client, (EDITOR[0], "guess"), REMOTE_ADDR="10.0.1.0")
    assert sign_in(client, (EDITOR[0], "guess"), REMOTE_ADDR="10.0.1.0").status_code == 429


def _through_proxy(client: FlaskClient, who: tuple[str, str], client_address: str):
    """A sign-in as the documented reverse proxy sends it: from the proxy's own address, with
    the browser's address in X-Forwarded-For."""
    token = csrf_token(client)
    return client.post("/login", data={"name": who[0], "password": who[1], "csrf_token": token},
                       headers={"X-Forwarded-For": client_address,
                                "X-Forwarded-Proto": "https",
                                "Referer": "https://localhost/login"},
                       environ_base={"REMOTE_ADDR": "127.0.0.1"})


def test_behind_a_proxy_each_browser_is_counted_apart(tmp_path: Path) -> None:
    """F5: with CCMKIT_PROXIES=1 the limiter keys on the address the proxy reports, so five
    failures with invented names do not lock every user out."""
    app = make_app(tmp_path, CCMKIT_PROXIES=1)
    attacker = app.test_client()
    for number in range(5):
        response = _through_proxy(attacker, (f"nobody{number}", "guess"), "203.0.113.40")
        assert response.status_code == 401
    assert _through_proxy(attacker, ("nobody9", "guess"), "203.0.113.40").status_code == 429
    colleague = app.test_client()
    assert _through_proxy(colleague, EDITOR, "203.0.113.41").status_code == 302


def test_without_the_proxy_setting_forwarded_addresses_are_ignored(client: FlaskClient) -> None:
    for number in range(5):
        response = _through_proxy(client, (f"nobody{number}", "guess"), f"203.0.113.{number}")
        assert response.status_code == 401
    assert _through_proxy(client, ("nobody9", "guess"), "203.0.113.99").status_code == 429


def test_successful_sign_ins_do_not_count(client: FlaskClient) -> None:
    for _ in range(7):
        assert sign_in(client, EDITOR).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/states")})


def test_viewer_reads_but_cannot_write(viewer: FlaskClient) -> None:
    assert viewer.get("/states/COD").status_code == 200
    page = viewer.get("/package?state=COD").get_data(as_text=True)
    assert 'id="generate" disabled' in page
    token = csrf_token(viewer, "/package")
    for path, data in (("/package", {"state": "COD", "documents": "instrument"}),
                       ("/workshop", {"selection": "group:AMU"}),
                       ("/targets", {"lang": "en", "top": "15", "status": "outside"}),
                       ("/barrier-map", {"lang": "en", "group": "ASEAN"})):
        response = viewer.post(path, data={**data, "csrf_token": token})
        assert response.status_code == 403, path
        assert "viewers can read" in response.get_data(as_text=True)
    assert not list((viewer.application.config["CCMKIT_OUTPUT_DIR"] and
                     __import__("pathlib").Path(viewer.application.config["CCMKIT_OUTPUT_DIR"])
                     ).glob("*/status.json"))


def test_session_cookie_is_secure_http_only_same_site(client: FlaskClient) -> None:
    response = sign_in(client, EDITOR)
    cookie = next(v for k, v in response.headers.items()
                  if k == "Set-Cookie" and v.startswith("ccmkit_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


AWAY = ("//evil.example/x", "https://evil.example/", "/\\evil.example", "/%09/evil.example",
        "/%0D/evil.example", "/%0A/evil.example", "%09//evil.example", "/%5C/evil.example",
        "javascript:alert(1)", "http:/evil.example", "///evil.example", "/%00/evil.example",
        "HTTPS://evil.example", "\\\\evil.example", "data:text/html,x")


def test_next_never_leaves_the_site(client: FlaskClient) -> None:
    """F14: after sign-in and a language change, only a path of this site; a TAB or CR in the
    target (stripped by URL parsers into ``//host``) is refused, never a 500."""
    for target in AWAY:
        token = csrf_token(client)
        response = client.post(f"/login?next={target}",
                               data={"name": EDITOR[0], "password": EDITOR[1],
                                     "csrf_token": token})
        assert response.status_code == 302, target
        assert response.headers["Location"] == "/states", target
        client.post("/logout", data={"csrf_token": csrf_token(client, "/states")})
    for target in AWAY:
        value = unquote(target)  # as a browser's form would send it
        response = client.post("/language", data={"lang": "en", "next": value,
                                                  "csrf_token": csrf_token(client)})
        assert response.status_code == 302, value
        assert response.headers["Location"] == "/states", value
    token = csrf_token(client)
    response = client.post("/login?next=/states/KEN", data={
        "name": EDITOR[0], "password": EDITOR[1], "csrf_token": token})
    assert response.headers["Location"] == "/states/KEN"


def _cookie(client: FlaskClient) -> str:
    found = client.get_cookie("ccmkit_session")
    assert found is not None
    return found.value


def _with_cookie(app: Flask, value: str) -> FlaskClient:
    """Another browser holding a copy of a session cookie."""
    other = app.test_client()
    other.set_cookie("ccmkit_session", value)
    return other


def test_signing_out_ends_the_session_on_the_server(app: Flask, editor: FlaskClient) -> None:
    """F4: a cookie copied before "Sign out" no longer works after it."""
    copied = _cookie(editor)
    assert _with_cookie(app, copied).get("/states").status_code == 200
    out = editor.post("/logout", data={"csrf_token": csrf_token(editor, "/states")})
    assert out.status_code == 302
    replayed = _with_cookie(app, copied).get("/states")
    assert replayed.status_code == 302 and replayed.headers["Location"].startswith("/login")
    assert editor.get("/states").status_code == 302


def _age_sessions(app: Flask, **ages: timedelta) -> None:
    """Move every session's sign-in (created_at) or last request (seen_at) into the past."""
    now = datetime.now(UTC)
    with writing(app.extensions["ccmkit"].engine) as conn:
        conn.execute(update(sessions).values({k: now - v for k, v in ages.items()}))


def test_a_session_ends_after_its_lifetime_even_while_used(app: Flask,
                                                          editor: FlaskClient) -> None:
    """F4: 8 hours after sign-in the session ends, however recently it was used; the cookie's
    expiry does not slide with each request."""
    assert editor.get("/states").status_code == 200
    assert not [v for k, v in editor.get("/states").headers.items() if k == "Set-Cookie"]
    _age_sessions(app, created_at=timedelta(hours=7, minutes=50))
    assert editor.get("/states").status_code == 200
    _age_sessions(app, created_at=timedelta(hours=8, minutes=1))
    assert editor.get("/states").status_code == 302


def test_an_idle_session_ends_and_an_active_one_is_kept(app: Flask, editor: FlaskClient) -> None:
    _age_sessions(app, seen_at=timedelta(minutes=50))
    assert editor.get("/states").status_code == 200  # seen again now: the idle clock restarts
    _age_sessions(app, created_at=timedelta(hours=1), seen_at=timedelta(minutes=61))
    assert editor.get("/states").status_code == 302


def test_session_lifetimes_are_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCMKIT_SESSION_HOURS", "2")
    monkeypatch.setenv("CCMKIT_SESSION_IDLE_MINUTES", "15")
    app = make_app(tmp_path)
    editor = app.test_client()
    assert sign_in(editor, EDITOR).status_code == 302
    _age_sessions(app, seen_at=timedelta(minutes=16))
    assert editor.get("/states").status_code == 302
    assert sign_in(editor, EDITOR).status_code == 302
    _age_sessions(app, created_at=timedelta(hours=2, minutes=1))
    assert editor.get("/states").status_code == 302
    monkeypatch.setenv("CCMKIT_SESSION_HOURS", "eight")
    with pytest.raises(CcmkitError, match="CCMKIT_SESSION_HOURS"):
        make_app(tmp_path / "other")


def test_new_password_ends_open_sessions(app: Flask, editor: FlaskClient) -> None:
    assert editor.get("/states").status_code == 200
    set_password(app.extensions["ccmkit"].engine, EDITOR[0], "a-brand-new-password")
    assert editor.get("/states").status_code == 302


def test_security_headers(editor: FlaskClient) -> None:
    response = editor.get("/states")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: no HSTS


def test_hsts_over_https(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """F16: HSTS when the request is HTTPS (directly, or as a trusted proxy reports it), or
    always with CCMKIT_HSTS=1; a forwarded scheme from an untrusted client is ignored."""
    direct = make_app(tmp_path / "a").test_client()
    secure = direct.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    spoofed = direct.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers
    proxied = make_app(tmp_path / "b", CCMKIT_PROXIES=1).test_client()
    forwarded = proxied.get("/login", headers={"X-Forwarded-Proto": "https",
                                                "X-Forwarded-For": "203.0.113.5"})
    assert forwarded.headers["Strict-Transport-Security"] == "max-age=31536000"
    monkeypatch.setenv("CCMKIT_HSTS", "1")
    assert "Strict-Transport-Security" in make_app(tmp_path / "c").test_client().get(
        "/login").headers


def test_removed_users_id_is_never_given_again(app: Flask) -> None:
    """F11: jobs are owned by the user id; a user created after a removal gets a new one."""
    engine = app.extensions["ccmkit"].engine
    carol = add_user(engine, "carol", "editor", "carol-password-1")
    assert remove_user(engine, "carol") == carol.id
    dave = add_user(engine, "dave", "viewer", "dave-password-1")
    assert dave.id > carol.id


def test_database_errors_never_show_the_database(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """F15: a locked log says "busy, try again", never the server's path or database URL; the
    details go to the server's log."""
    monkeypatch.setattr("ccmkit.log.db.BUSY_TIMEOUT_S", 1)
    app = make_app(tmp_path)
    editor = app.test_client()
    assert sign_in(editor, EDITOR).status_code == 302
    token = csrf_token(editor, "/log")
    holder = sqlite3.connect(tmp_path / "web.sqlite3", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        response = editor.post("/log", data={"csrf_token": token, "state": "FIN",
                                             "date": "2026-01-05", "stage": "contacted"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The log is busy" in page
    assert str(tmp_path) not in page and "sqlite" not in page and "locked" not in page
    assert "Traceback" not in page


def test_error_messages_lose_server_paths_and_urls() -> None:
    assert scrub("log at sqlite:////srv/isu/log.sqlite3: disk I/O error") == \
        "log at …: disk I/O error"
    assert scrub("cannot read /home/isu/.local/share/ccmkit/web/jobs/x/status.json (denied)") \
        == "cannot read … (denied)"
    assert scrub("postgresql+psycopg://isu@db.example.org/ccmkit: timeout") == "…: timeout"
    assert scrub("KEN: the deposit date and/or the profile") == \
        "KEN: the deposit date and/or the profile"


def test_errors_are_one_clear_message_never_a_traceback(tmp_path: Path) -> None:
    app = make_app(tmp_path)

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("secret internal detail")

    editor = app.test_client()
    assert sign_in(editor, EDITOR).status_code == 302
    response = editor.get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Traceback" not in page and "secret internal detail" not in page
    assert "Something went wrong" in page
    missing = editor.get("/states/ZZZ")
    assert missing.status_code == 404 and "no such page, State or file" in missing.get_data(
        as_text=True)


@pytest.mark.parametrize("lang, expected", [("fr", "Se connecter"), ("es", "Iniciar sesión")])
def test_sign_in_page_in_the_chosen_language(client: FlaskClient, lang: str,
                                             expected: str) -> None:
    token = csrf_token(client)
    client.post("/language", data={"lang": lang, "csrf_token": token, "next": "/login"})
    assert expected in client.get("/login").get_data(as_text=True)


class Browser:
    """A browser by hand over http.client: it keeps the ``Secure`` session cookie that urllib
    would not send back over http://127.0.0.1, and follows nothing on its own."""

    def __init__(self, port: int, cookie: str | None = None) -> None:
        self.port = port
        self.cookie = cookie

    def request(self, method: str, path: str, form: dict[str, str] | None = None
                ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": f"ccmkit_session={self.cookie}"} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        found = {k.lower(): v for k, v in response.getheaders()}
        for key, value in response.getheaders():
            if key.lower() == "set-cookie" and value.startswith("ccmkit_session="):
                self.cookie = value.split(";", 1)[0].split("=", 1)[1] or None
        connection.close()
        return response.status, found, text

    def token(self, path: str) -> str:
        _status, _headers, page = self.request("GET", path)
        found = TOKEN.search(page)
        assert found, path
        return found.group(1) or found.group(2)

    def sign_in(self, name: str, password: str) -> int:
        token = self.token("/login")
        return self.request("POST", "/login", {"name": name, "password": password,
                                               "csrf_token": token})[0]


def _ccmkit(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ccmkit", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=True)


def test_live_server_banner_file_modes_and_removed_users(tmp_path: Path) -> None:
    """F16, F11, F4 on a real `ccmkit serve` started under umask 022: no version banner; the
    job folder 0700, its files and the SQLite log 0600; a removed user's job is deleted and a
    user created later cannot open it; a cookie copied before sign-out stops working."""
    env = {**os.environ, "CCMKIT_DB": str(tmp_path / "log.sqlite3"),
           "CCMKIT_WEB_OUTPUT": str(tmp_path / "jobs"), "CCMKIT_SECRET_KEY": "live-test",
           "XDG_DATA_HOME": str(tmp_path / "xdg"), "PYTHONPATH": os.pathsep.join(sys.path)}
    _ccmkit(env, "users", "add", "carol", "--role", "editor", "--password", "carol-password-1")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(  # its own process group: its workers end with it (below)
        [sys.executable, "-m", "ccmkit", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
        preexec_fn=lambda: os.umask(0o022))
    try:
        carol = Browser(port)
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, _page = carol.request("GET", "/login")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.3)
        assert headers["server"] == "ccmkit"
        assert carol.sign_in("carol", "carol-password-1") == 302
        token = carol.token("/package")
        status, headers, _page = carol.request("POST", "/package", {
            "state": "USA", "languages": "en", "documents": "cover_note", "formats": "pdf",
            "brief": "y", "csrf_token": token})
        assert status == 302, _page
        job = headers["location"]
        while 'data-state="running"' in (page := carol.request("GET", job)[2]):
            assert time.monotonic() < deadline + 180, "generation did not finish"
            time.sleep(0.5)
        assert 'data-state="done"' in page
        folder = tmp_path / "jobs" / job.rsplit("/", 1)[1]
        files = [p for p in folder.rglob("*") if p.is_file()]
        assert any(p.name.startswith("brief-") for p in files)
        for path in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
            assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
        for path in [*files, tmp_path / "log.sqlite3"]:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

        removed = _ccmkit(env, "users", "remove", "carol")
        assert "with 1 jobs" in removed.stdout
        assert not folder.exists()
        assert carol.request("GET", job)[0] == 302  # carol's session ended with her account
        _ccmkit(env, "users", "add", "dave", "--role", "viewer", "--password", "dave-password-1")
        dave = Browser(port)
        assert dave.sign_in("dave", "dave-password-1") == 302
        assert dave.request("GET", job)[0] == 404
        copied = Browser(port, dave.cookie)
        assert copied.request("GET", "/states")[0] == 200
        assert dave.request("POST", "/logout", {"csrf_token": dave.token("/states")})[0] == 302
        assert copied.request("GET", "/states")[0] == 302
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C: the server stops its worker pool
        server.wait(timeout=60)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)  # anything of this server left behind
        log.close()
    assert "Traceback" not in (tmp_path / "server.log").read_text()
