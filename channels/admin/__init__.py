"""The back office (``/admin``): web pages for the people who run the bot, who are not developers.

Signed in with a single-use link the bot sends in LINE (``core/signin.py``), never a shared password. Each page
allows some roles (``allow``); every form carries a CSRF token; every action goes to the audit log.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Blueprint, Flask

from core.config import Settings

HERE = Path(__file__).resolve().parent
admin = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates",
                  static_folder="static", static_url_path="/static")
#: How long a signed-in session lasts (the cookie and the server both hold it to this).
SESSION_TTL = timedelta(hours=2)


def init_app(app: Flask, settings: Settings) -> None:
    """Sessions and the back office's routes. In local mode (no LINE credentials) the pages open without
    signing in, as the chat page does: there is no LINE to send a link through."""
    import hashlib

    key = settings.signing_key or hashlib.sha256(f"local:{settings.database_url}".encode()).hexdigest()
    app.secret_key = key
    app.config.update(
        SESSION_COOKIE_NAME="nso_bot_admin",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=SESSION_TTL,
    )
    if settings.line_enabled and not settings.public_url:
        import logging

        logging.getLogger(__name__).warning("BOT_PUBLIC_URL is not set: back-office links will point at %s",
                                            settings.base_url)
    from channels.admin import adr_page, auth, dashboards, pages  # noqa: F401  (routes)

    app.register_blueprint(admin)
