"""One clear message page for every error, never a traceback."""

from __future__ import annotations

import logging
import re

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ccmkit.errors import CcmkitError, StorageError
from ccmkit.i18n import N_
from ccmkit.web.i18n import _

log = logging.getLogger("ccmkit.web")

MESSAGES = {
    400: N_("The request could not be understood. Go back, check the form and try again."),
    401: N_("Please sign in to see this page."),
    403: N_("Your account may not do this: viewers can read, editors generate documents and "
            "write the log."),
    404: N_("There is no such page, State or file here."),
    405: N_("This address does not accept that kind of request."),
    413: N_("What you sent is too large."),
    429: N_("Too many attempts. Wait a minute, then try again."),
    500: N_("Something went wrong on the server. The error has been logged; try again, and tell "
            "the ISU if it happens again."),
}
STORAGE_MESSAGE = N_("The log is busy or cannot be reached just now. Nothing was changed; try "
                     "again in a moment.")
# What a web page never shows: a URL with a scheme (a database URL) or an absolute path of two
# or more parts (a folder of the server).
_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://(?:[^\s'\"]*[^\s'\":,;.)])?")
_PATH = re.compile(r"(?<![\w.~/-])(?:/[\w.@+~-]+){2,}/?")
CSRF_MESSAGE = N_("This form has expired or lacks its security token. Reload the page and send "
                  "it again.")


def scrub(text: str) -> str:
    """``text`` without server paths or database URLs (each becomes "…")."""
    return _PATH.sub("…", _URL.sub("…", text))


def public_message(exc: CcmkitError) -> str:
    """What a web user reads about a ccmkit error: a database failure as "try again" (the
    details go to the server's log), anything else without server paths or URLs."""
    if isinstance(exc, StorageError):
        log.warning("%s", exc)
        return _(STORAGE_MESSAGE)
    return scrub(str(exc))


def page(code: int, message: str) -> tuple[str, int]:
    return render_template("error.html", code=code, message=message), code


def init_app(app: Flask) -> None:
    app.add_template_filter(scrub, "public")

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> tuple[str, int]:
        return page(400, _(CSRF_MESSAGE))

    @app.errorhandler(CcmkitError)
    def _ccmkit(exc: CcmkitError) -> tuple[str, int]:
        return page(503 if isinstance(exc, StorageError) else 400, public_message(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[str, int]:
        code = exc.code or 500
        return page(code, _(MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])))

    @app.errorhandler(Exception)
    def _bug(exc: Exception) -> tuple[str, int]:
        log.exception("unhandled error")
        return page(500, _(MESSAGES[500]))
