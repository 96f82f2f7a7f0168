"""Integrity activities: each fiscal year's imported plan, and who took part in what, on which day.

A participation points at the plan by activity code and item number (not by row ids), so a plan can be
re-imported without touching the records. ``user_key`` is the person's LINE user id until they ask for their
data to be deleted; then it becomes a random token, so the counts in reports stay while the person does not.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models import ID, Base, ImportedCatalogue, UTCDateTime, utcnow


class ActivityPlan(ImportedCatalogue, Base):
    """One fiscal year's activity catalogue as imported (the YAML's shape, checked again on every read)."""

    __tablename__ = "activity_plans"

    plan: Mapped[dict] = mapped_column(JSON)


class Participation(Base):
    """One person took part in one item of one activity on one day. The unique key makes every
    duplicate (a redelivered event, a double tap, the same message twice) fail instead of counting twice."""

    __tablename__ = "participations"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    user_key: Mapped[str] = mapped_column(String(64))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    activity_code: Mapped[str] = mapped_column(String(64))
    item_no: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    #: The person's unit when they logged it (kept after a PDPA deletion, for the per-unit counts).
    unit: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    #: "tap" (step by step) or "text" (understood from a sentence).
    source: Mapped[str] = mapped_column(String(16), default="tap")
    #: The confirmation the record came from, so a late second tap can say "already saved".
    confirm_key: Mapped[str] = mapped_column(String(32), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_key", "fiscal_year", "activity_code", "item_no", "day", name="uq_participation"),
        Index("ix_participations_year_day", "fiscal_year", "day"),
    )
