"""HTTP-level security: anonymous refused everywhere, CSRF, rate-limited sign-in, roles, cookies,
errors without tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ccmkit.web.security import PUBLIC
from ccmkit.web.users import set_password
from tests.web.conftest import EDITOR, VIEWER, csrf_token, make_app, sign_in

ARGS = {"iso3": "COD", "job_id": "A" * 24, "kind": "package", "relpath": "COD.zip",
        "filename": "style.css", "record_id": "1", "fmt": "csv"}


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


def test_rate_limit_follows_the_account_across_addresses(client: FlaskClient) -> None:
    for number in range(5):
        response = sign_in(client, (VIEWER[0], "guess"), REMOTE_ADDR=f"10.0.0.{number + 1}")
        assert response.status_code == 401
    assert sign_in(client, VIEWER, REMOTE_ADDR="10.0.0.99").status_code == 429
    # another account from a fresh address is not affected
    assert sign_in(client, EDITOR, REMOTE_ADDR="10.0.0.100").status_code == 302


def test_successful_sign_ins_do_not_count(client: FlaskClient) -> None:
    for _ in range(7):
        assert sign_in(client, EDITOR).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/states")})


def test_viewer_reads_but_cannot_write(viewer: FlaskClient) -> None:
    assert viewer.get("/states/COD").status_code == 200
    page = viewer.get("/package").get_data(as_text=True)
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


def test_next_never_leaves_the_site(client: FlaskClient) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        token = csrf_token(client)
        response = client.post(f"/login?next={target}",
                               data={"name": EDITOR[0], "password": EDITOR[1],
                                     "csrf_token": token})
        assert response.headers["Location"] == "/states", target
    token = csrf_token(client)
    response = client.post("/login?next=/states/KEN", data={
        "name": EDITOR[0], "password": EDITOR[1], "csrf_token": token})
    assert response.headers["Location"] == "/states/KEN"


def test_new_password_ends_open_sessions(app: Flask, editor: FlaskClient) -> None:
    assert editor.get("/states").status_code == 200
    set_password(app.extensions["ccmkit"].engine, EDITOR[0], "a-brand-new-password")
    assert editor.get("/states").status_code == 302


def test_security_headers(editor: FlaskClient) -> None:
    response = editor.get("/states")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Cache-Control"] == "no-store"


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
