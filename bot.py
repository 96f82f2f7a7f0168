"""The application: ``flask --app bot run`` / ``gunicorn 'bot:create_app()'``.

``create_app`` wires configuration, storage, knowledge, handlers and the channels together.
The admin commands live on ``app.cli`` (``flask --app bot kb …``, ``users …``, ``chat``).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from flask import Flask, jsonify  # noqa: E402
from sqlalchemy import text  # noqa: E402

from core.config import PROJECT_ROOT, Settings  # noqa: E402
from core.engine import Engine, Services  # noqa: E402

if TYPE_CHECKING:
    from knowledge.search import KnowledgeBase

log = logging.getLogger("bot")


def build_engine(settings: Settings) -> Engine:
    """Everything but the web layer: used by the app, the CLI and the tests."""
    import thai
    from handlers import build_dispatcher
    from knowledge.search import load_knowledge_base

    thai.warm_up()
    from adr.rules import load_rules, rules_path
    from knowledge.smalltalk import load_smalltalk

    kb = load_knowledge_base(settings.knowledge_dir, PROJECT_ROOT / "instance" / "cache")
    load_rules(rules_path(settings.knowledge_dir))  # the ADR checker's rules: a broken file stops the start
    services = Services(kb=kb, smalltalk=load_smalltalk(settings.knowledge_dir / "conversation" / "smalltalk.yaml"))
    engine = Engine(settings, build_dispatcher(), services)
    use_kept_answers(engine, kb)
    from db.kpi_store import ensure_seeded

    ensure_seeded(engine.sessions, settings.knowledge_dir / "indicators")
    from db import activity_store
    activity_store.ensure_seeded(engine.sessions, settings.knowledge_dir / "activities")  # the integrity plan
    engine.move_waiting_events()
    if settings.line_enabled:
        from channels.line import LineSender, event_to_request

        sender = LineSender(settings)
        engine.sender = sender.send
        engine.profile_lookup = sender.display_name
        engine.event_to_request = event_to_request
    else:
        from channels.line import event_to_request

        engine.event_to_request = event_to_request
    return engine


def use_kept_answers(engine: Engine, files: KnowledgeBase) -> None:
    """The answers content owners kept (``kept_answers``) join the knowledge base now, and again whenever they
    change (checked before answering, at most every few seconds: ``db/kept_store.py``). The source's passages
    and the follow-up words stay as they are; only the entries are indexed again."""
    from dataclasses import replace

    from db.kept_store import KnowledgeRefresher
    from db.session import transaction

    def install(kb: object) -> None:
        engine.services = replace(engine.services, kb=kb)

    engine.refresh_knowledge = KnowledgeRefresher(files.entries, files.with_entries, install)
    with transaction(engine.sessions) as session:
        engine.refresh_knowledge(session)


def create_app(settings: Settings | None = None, *, start_workers: bool | None = None) -> Flask:
    settings = settings or Settings.from_env()
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.config["BOT_SETTINGS"] = settings
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    from db.migrate import upgrade

    if os.environ.get("BOT_SKIP_MIGRATE") != "1":
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
    deferred = os.environ.get("BOT_DEFER_WORKERS") == "1"  # gunicorn starts them after forking
    if start_workers if start_workers is not None else (settings.run_workers and not deferred and not _is_cli()):
        engine.start_workers()
    log.info("bot ready: %r", settings)
    return app


def _is_cli() -> bool:
    """True when the process runs a ``flask`` command other than ``run`` (no workers needed)."""
    import sys

    argv = sys.argv
    return bool(argv) and os.path.basename(argv[0]) in {"flask", "flask.exe"} and "run" not in argv[1:3]
