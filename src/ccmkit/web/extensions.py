"""The Flask extensions' objects, made once here (the usual Flask layout): the blueprints and
the protections import them; ``ccmkit.web.create_app`` binds them to the app."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"
