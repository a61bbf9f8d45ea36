"""One clear message page for every error, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ccmkit.errors import CcmkitError
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
CSRF_MESSAGE = N_("This form has expired or lacks its security token. Reload the page and send "
                  "it again.")


def page(code: int, message: str) -> tuple[str, int]:
    return render_template("error.html", code=code, message=message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> tuple[str, int]:
        return page(400, _(CSRF_MESSAGE))

    @app.errorhandler(CcmkitError)
    def _ccmkit(exc: CcmkitError) -> tuple[str, int]:
        return page(400, str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[str, int]:
        code = exc.code or 500
        return page(code, _(MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])))

    @app.errorhandler(Exception)
    def _bug(exc: Exception) -> tuple[str, int]:
        log.exception("unhandled error")
        return page(500, _(MESSAGES[500]))
