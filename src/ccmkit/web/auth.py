"""Signing in and out, the user loaded from the session, and the interface language."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ccmkit.i18n import N_
from ccmkit.languages import registry as language_registry
from ccmkit.web import users
from ccmkit.web.extensions import limiter, login_manager
from ccmkit.web.i18n import SESSION_KEY, UI_LANGS, _
from ccmkit.web.services import services

bp = Blueprint("auth", __name__)


class WebUser(UserMixin):
    """The signed-in user and the id of their session, which the server keeps (users.py): the
    session ends at sign-out, after its lifetime or idle time, or when the password changes."""

    def __init__(self, user: users.User, session_id: str) -> None:
        self.user = user
        self.session_id = session_id
        self.name = user.name
        self.role = user.role
        self.can_write = user.can_write

    def get_id(self) -> str:
        return self.session_id


@login_manager.user_loader
def _load(session_id: str) -> WebUser | None:
    config = current_app.config
    found = users.session_user(services().engine, session_id[:64],
                               config["CCMKIT_SESSION_LIFETIME"], config["CCMKIT_SESSION_IDLE"])
    return WebUser(found, session_id) if found is not None else None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)

    @login_manager.unauthorized_handler
    def _unauthorized() -> Response:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


class LoginForm(FlaskForm):
    name = StringField(N_("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(N_("Password"), validators=[DataRequired(), Length(max=1024)])


class LanguageForm(FlaskForm):
    lang = SelectField(N_("Interface language"),
                       choices=[SelectChoice(c, language_registry()[c].name) for c in UI_LANGS])


# Characters a browser strips or reads as a separator in a URL (TAB, CR, LF, other controls,
# space, backslash): a target holding any of them is refused before it is parsed.
_UNSAFE_IN_TARGET = re.compile(r"[\x00-\x20\x7f\\]")


def safe_next(target: str | None) -> str:
    """A path of this site to go back to after signing in; anything else (another host, a
    scheme, ``//host``, ``/\\host``, control characters) gives the States page."""
    if target and target.startswith("/") and not target.startswith("//") \
            and not _UNSAFE_IN_TARGET.search(target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and not parts.path.startswith("//"):
            return target
    return url_for("states.index")


def _login_limit() -> str:
    return current_app.config["CCMKIT_LOGIN_LIMIT"]


def _failed(response: Response) -> bool:
    return response.status_code != 302


def _account_at_address() -> str:
    """The limiter's key for one account from one address: failures from elsewhere never lock
    the account's owner out."""
    name = (request.form.get("name") or "")[:64].casefold()
    return f"user:{name}@{request.remote_addr}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed,
               key_func=_account_at_address)
def login() -> Response | str | tuple[str, int]:
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        found = users.authenticate(services().engine, form.name.data or "",
                                   form.password.data or "")
        if found is not None:
            lang = session.get(SESSION_KEY)
            session.clear()
            if lang:
                session[SESSION_KEY] = lang
            session.permanent = True
            session_id = users.start_session(services().engine, found,
                                             current_app.config["CCMKIT_SESSION_LIFETIME"])
            login_user(WebUser(found, session_id))
            return redirect(safe_next(request.args.get("next")))
        error = _("Wrong user name or password.")
    elif request.method == "POST":
        error = _("Give your user name and password.")
    return render_template("login.html", form=form, error=error), 200 if not error else 401


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    if current_user.is_authenticated:
        users.end_session(services().engine, current_user.session_id)
    logout_user()
    lang = session.get(SESSION_KEY)
    session.clear()
    if lang:
        session[SESSION_KEY] = lang
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def set_language() -> Response:
    form = LanguageForm()
    if form.validate_on_submit():
        session[SESSION_KEY] = form.lang.data
    return redirect(safe_next(request.form.get("next")))


@bp.route("/")
def home() -> Response:
    return redirect(url_for("states.index"))


@bp.app_context_processor
def _globals() -> dict:
    form = LanguageForm(formdata=None)  # never reads the request body (an error page may be
    # answering a body too large to read)
    from ccmkit.web.i18n import current_lang

    form.lang.data = current_lang()
    return {"language_form": form, "user": current_user}
