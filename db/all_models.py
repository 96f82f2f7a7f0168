"""Imports every model module so that ``Base.metadata`` knows all tables (for Alembic and tests)."""

from db import activities, backoffice, kpi, models  # noqa: F401
