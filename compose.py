"""The composition root: the engine with its knowledge, handlers and LINE channel, built in one place.

Used by the app (``bot.create_app``), the admin commands (``kb eval`` builds one on a scratch database) and the
tests. Nothing here starts a thread or migrates a database: the callers decide that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.config import PROJECT_ROOT, Settings
from core.engine import Engine, Services

if TYPE_CHECKING:
    from knowledge.search import KnowledgeBase


def build_engine(settings: Settings) -> Engine:
    """Everything but the web layer, on a migrated database (the seeds are written here)."""
    import thai
    from adr.rules import load_rules, rules_path
    from channels.line import LineSender, read_event
    from db import activity_store
    from db.kpi_store import ensure_seeded
    from handlers import build_dispatcher
    from knowledge.search import load_knowledge_base
    from knowledge.smalltalk import load_smalltalk

    thai.warm_up(PROJECT_ROOT / "instance" / "cache")
    kb = load_knowledge_base(settings.knowledge_dir, PROJECT_ROOT / "instance" / "cache")
    load_rules(rules_path(settings.knowledge_dir))  # the ADR checker's rules: a broken file stops the start
    services = Services(kb=kb, smalltalk=load_smalltalk(settings.knowledge_dir / "conversation" / "smalltalk.yaml"))
    engine = Engine(settings, build_dispatcher(), services)
    use_kept_answers(engine, kb)
    ensure_seeded(engine.sessions, settings.knowledge_dir / "indicators")
    activity_store.ensure_seeded(engine.sessions, settings.knowledge_dir / "activities")  # the integrity plan
    engine.move_waiting_events()
    engine.read_event = read_event
    if settings.line_enabled:
        sender = LineSender(settings)
        engine.sender = sender.send
        engine.profile_lookup = sender.display_name
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
