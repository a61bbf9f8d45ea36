"""The web workbench: a Flask app over the same library as the command line.

``create_app()`` builds the app (also the target for gunicorn: ``'ccmkit.web:create_app()'``).
Pages live in blueprints per area; every page needs a signed-in user except the sign-in page.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from ccmkit.errors import CcmkitError
from ccmkit.i18n import N_
from ccmkit.web.services import Services

SECRET_ENV = "CCMKIT_SECRET_KEY"
OUTPUT_ENV = "CCMKIT_WEB_OUTPUT"
WORKERS_ENV = "CCMKIT_WEB_WORKERS"
EXECUTOR_ENV = "CCMKIT_WEB_EXECUTOR"
SESSION_HOURS_ENV = "CCMKIT_SESSION_HOURS"  # a session ends this long after sign-in (8)
SESSION_IDLE_ENV = "CCMKIT_SESSION_IDLE_MINUTES"  # ... or this long after its last request (60)
PROXIES_ENV = "CCMKIT_PROXIES"  # reverse proxies in front whose X-Forwarded-* to trust (0)
HSTS_ENV = "CCMKIT_HSTS"  # 1: send Strict-Transport-Security on every response (HTTPS only)
PRIVATE_UMASK = 0o077  # files the server creates are readable by the server's user only


def _env_int(name: str, default: int, low: int, high: int) -> int:
    """An integer setting from the environment, or one clear line saying what is allowed."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise CcmkitError(f"{name}={raw[:20]!r}: give a whole number from {low} to {high}")
    return int(raw)


def web_data_dir() -> Path:
    """ccmkit's web folder in the user data directory (secret key, generated files)."""
    from platformdirs import user_data_path

    return user_data_path("ccmkit", appauthor=False) / "web"


def job_root(web_dir: Path | None = None) -> Path:
    """Where the server keeps its jobs: $CCMKIT_WEB_OUTPUT, else ``jobs`` in the web folder."""
    return Path(os.environ.get(OUTPUT_ENV) or (web_dir or web_data_dir()) / "jobs")


def _secret_key(folder: Path) -> str:
    """$CCMKIT_SECRET_KEY, else a random key kept (mode 0600) in the web folder, so sessions
    survive a restart and every server process signs with the same key."""
    given = os.environ.get(SECRET_ENV)
    if given:
        return given
    path = folder / "secret_key"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The application, configured from ``config``, then the environment, then defaults."""
    os.umask(PRIVATE_UMASK)  # job folders 0700, generated files and the SQLite log 0600
    app = Flask(__name__)
    config = dict(config or {})
    folder = Path(config.pop("CCMKIT_WEB_DIR", None) or web_data_dir())
    lifetime = timedelta(hours=_env_int(SESSION_HOURS_ENV, 8, 1, 24 * 30))
    app.config.update(
        SECRET_KEY=None,
        SESSION_COOKIE_NAME="ccmkit_session",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=True,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=lifetime,
        SESSION_REFRESH_EACH_REQUEST=False,  # the cookie's expiry does not slide
        CCMKIT_SESSION_LIFETIME=lifetime,  # from sign-in, checked on the server
        CCMKIT_SESSION_IDLE=timedelta(minutes=_env_int(SESSION_IDLE_ENV, 60, 1, 24 * 60)),
        CCMKIT_PROXIES=_env_int(PROXIES_ENV, 0, 0, 5),
        CCMKIT_HSTS=os.environ.get(HSTS_ENV, "").strip() == "1",
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        WTF_I18N_ENABLED=False,  # WTForms' own catalogs, in the interface language (forms.py)
        MAX_CONTENT_LENGTH=1_000_000,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        CCMKIT_LOGIN_LIMIT="5 per minute;30 per hour",
        CCMKIT_DB=None,
        CCMKIT_OUTPUT_DIR=str(job_root(folder)),
        CCMKIT_WORKERS=int(os.environ.get(WORKERS_ENV) or os.cpu_count() or 1),
        CCMKIT_WARM=False,
        CCMKIT_EXECUTOR=os.environ.get(EXECUTOR_ENV) or "pool",  # "inline": in the request
    )
    app.config.update(config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _secret_key(folder)
    app.debug = False
    if app.config["CCMKIT_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["CCMKIT_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    from ccmkit.web import (
        auth,
        errors,
        followup,
        generate,
        i18n,
        security,
        states,
        workbench,
    )

    app.extensions["ccmkit"] = Services.from_config(app.config)
    i18n.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(states.bp)
    app.register_blueprint(generate.bp)
    app.register_blueprint(followup.bp)
    app.register_blueprint(workbench.bp)
    nav = [("states.index", N_("States")), ("generate.package", N_("Package")),
           ("generate.workshop", N_("Workshop")), ("workbench.targets", N_("Targets")),
           ("workbench.barrier_map", N_("Barrier map")), ("workbench.facts_page", N_("Facts")),
           ("log.index", N_("Log")),
           ("log.report", N_("Report"))]
    app.context_processor(lambda: {"nav": nav})
    return app
