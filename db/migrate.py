"""Alembic, driven from code so ``make run``, the Procfile and tests migrate the same way."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from db.session import database_url, inbox_database_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return cfg


def databases(url: str) -> list[str]:
    """The main database and, on SQLite, the inbox's file (``inbox_database_url``). Both get the same
    schema, so that one set of migrations describes both; the inbox file uses only ``inbound_events``."""
    main, inbox = database_url(url), inbox_database_url(url)
    return [main] if inbox == main else [main, inbox]


def upgrade(url: str, revision: str = "head") -> None:
    for each in databases(url):
        command.upgrade(alembic_config(each), revision)


def downgrade(url: str, revision: str) -> None:
    for each in databases(url):
        command.downgrade(alembic_config(each), revision)
