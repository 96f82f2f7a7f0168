"""Alembic migrations build exactly the models' schema, on SQLite and PostgreSQL, and go back down."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import db.all_models  # noqa: F401
from db.migrate import databases, downgrade, upgrade
from db.models import Base


def test_migrations_match_the_models_and_downgrade(db_url: str):
    """In every database file: on SQLite the inbox's file (``inbox_database_url``) gets the same schema."""
    engines = [create_engine(url) for url in databases(db_url)]
    assert len(engines) == (2 if db_url.startswith("sqlite") else 1)
    upgrade(db_url)
    for engine in engines:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    downgrade(db_url, "base")
    for engine in engines:
        with engine.connect() as conn:
            assert conn.dialect.get_table_names(conn) in ([], ["alembic_version"])
    upgrade(db_url)
    for engine in engines:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        engine.dispose()
