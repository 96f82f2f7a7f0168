"""The back office (``/admin``): web pages for the people who run the bot, who are not developers.

Signed in with a single-use link the bot sends in LINE (``core/signin.py``), never a shared password. Each page
allows some roles (``allow``); every form carries a CSRF token; every action goes to the audit log.
"""

from __future__ import annotations

from flask import Flask

from channels.admin.blueprint import SESSION_TTL, admin
from core.config import Settings


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
