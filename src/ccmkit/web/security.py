"""Protections every page gets: CSRF tokens, sign-in required, viewers read only, headers."""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, request
from flask_login import current_user

from ccmkit.web.extensions import csrf, limiter, login_manager

# Endpoints anyone may reach; every other one needs a signed-in user. The calendar feed is
# reached by a calendar program with no session: its secret token is its key.
PUBLIC = frozenset({"auth.login", "auth.set_language", "static", "log.calendar_feed"})
# Endpoints a viewer may send a form to (everything else that writes is for editors).
VIEWER_FORMS = frozenset({"auth.login", "auth.logout", "auth.set_language",
                          "log.calendar_link"})  # the user's own calendar link
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-src 'self'; object-src 'self'; frame-ancestors 'self'; form-action 'self'; "
       "base-uri 'none'")
# Sent over HTTPS (a secure request, as the proxy reports it with CCMKIT_PROXIES, or always
# with CCMKIT_HSTS=1): browsers then refuse plain HTTP to this host for a year.
HSTS = "max-age=31536000"


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    limiter.init_app(app)

    @app.before_request
    def _require_user() -> Response | None:
        if request.endpoint in PUBLIC:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if request.method not in SAFE_METHODS and request.endpoint not in VIEWER_FORMS \
                and not current_user.can_write:
            abort(403)
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        if request.is_secure or current_app.config["CCMKIT_HSTS"]:
            response.headers["Strict-Transport-Security"] = HSTS
        return response
