"""Alembic migrations build exactly the models' schema, on SQLite and PostgreSQL, and go back down."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import db.all_models  # noqa: F401
from db.migrate import downgrade, upgrade
from db.models import Base
from db.session import database_url


def test_migrations_match_the_models_and_downgrade(db_url: str):
    upgrade(db_url)
    engine = create_engine(database_url(db_url))
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    downgrade(db_url, "base")
    upgrade(db_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine.dispose()
