"""KPI storage: each fiscal year's imported catalogue, the current results, and every change."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models import ID, Base, ImportedCatalogue, UTCDateTime, utcnow


class KpiYear(ImportedCatalogue, Base):
    """One fiscal year's indicator catalogue as imported (``knowledge.indicators.dump_catalogue``)."""

    __tablename__ = "kpi_years"

    catalogue: Mapped[dict] = mapped_column(JSON)


class KpiResult(Base):
    """The current result of one indicator in one round."""

    __tablename__ = "kpi_results"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    indicator_no: Mapped[int] = mapped_column(Integer)
    round_months: Mapped[int] = mapped_column(Integer)
    result: Mapped[Decimal] = mapped_column(Numeric(20, 4))
    result_text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (UniqueConstraint("fiscal_year", "indicator_no", "round_months", name="uq_kpi_result"),)


class KpiChange(Base):
    """Every change of a result: who, when, old → new (and the scores then)."""

    __tablename__ = "kpi_changes"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    indicator_no: Mapped[int] = mapped_column(Integer)
    round_months: Mapped[int] = mapped_column(Integer)
    old_result: Mapped[Decimal | None] = mapped_column(Numeric(20, 4), nullable=True)
    new_result: Mapped[Decimal] = mapped_column(Numeric(20, 4))
    old_score: Mapped[Decimal | None] = mapped_column(Numeric(8, 4), nullable=True)
    new_score: Mapped[Decimal | None] = mapped_column(Numeric(8, 4), nullable=True)
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_by_name: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(16), default="chat")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
