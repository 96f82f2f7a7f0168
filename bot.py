"""The application: ``gunicorn -c gunicorn.conf.py 'bot:create_app()'`` (``make run``), or for development
``flask --app 'bot:create_app(start_workers=True)' run``.

``create_app`` adds the web layer (the channels, the back office, health and metrics) to the engine that
``compose.build_engine`` wires. The admin commands live on ``app.cli`` (``flask --app bot kb …``, ``users …``,
``chat``, ``work``); none of them starts the answering workers but ``work``.
"""

from __future__ import annotations

import logging
import os

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from flask import Flask, jsonify  # noqa: E402
from sqlalchemy import text  # noqa: E402

from compose import build_engine  # noqa: E402
from core.config import PROJECT_ROOT, Settings  # noqa: E402

log = logging.getLogger("bot")


def create_app(settings: Settings | None = None, *, migrate: bool | None = None,
               start_workers: bool = False) -> Flask:
    """The app. ``migrate``: bring the database up to date first (default: yes, unless ``BOT_SKIP_MIGRATE=1``;
    the engine's build writes its seeds, so it needs the schema). ``start_workers``: answer stored events in
    this process's threads; off by default, since a command (``flask --app bot kb …``) needs none, and gunicorn
    starts them in each worker after the fork (``gunicorn.conf.py``)."""
    settings = settings or Settings.from_env()
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.config["BOT_SETTINGS"] = settings
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    from db.migrate import upgrade

    if migrate if migrate is not None else os.environ.get("BOT_SKIP_MIGRATE") != "1":
        upgrade(settings.database_url)
    engine = build_engine(settings)
    app.config["BOT_ENGINE"] = engine

    from channels.line import webhook

    app.register_blueprint(webhook)
    if settings.chat_page:
        from channels.web import chat_page

        app.register_blueprint(chat_page)
    from channels.admin import init_app as init_back_office

    init_back_office(app, settings)

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        try:
            with engine.readonly() as conn:
                conn.execute(text("SELECT 1"))
            if engine.inbox_apart:  # where the webhook stores LINE's events (a file of its own on SQLite)
                with engine.inbox_read_db.connect() as conn:
                    conn.execute(text("SELECT 1 FROM inbound_events LIMIT 1"))
        except Exception:
            return jsonify(status="unavailable", database=False), 503
        return jsonify(status="ok", database=True, knowledge_entries=len(engine.services.kb.entries))

    @app.get("/metrics")
    def metrics():  # type: ignore[no-untyped-def]
        from core.observability import metrics_payload

        return app.response_class(metrics_payload(), mimetype="text/plain; version=0.0.4")

    from commands import register_commands

    register_commands(app)
    if start_workers:
        engine.start_workers()
    log.info("bot ready: %r", settings)
    return app
