"""Reading and changing integrity-activity data: plans per fiscal year, participation records, the
fiscal calendar the reports use, and the PDPA deletion.

Fiscal years are Buddhist-era years starting 1 October (fiscal year 2570 = 1 Oct 2569 – 30 Sep 2570).
Round 1 is the 6-month report (October–March); round 2 is the 12-month report (the whole year).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db.activities import ActivityPlan, Participation
from db.erasure import ANON_PREFIX, ERASED_NAME, Erasure
from db.models import AuditLog, User, utcnow
from db.parsed import ParsedCatalogues
from knowledge.activities import ActivitiesError, Plan, latest_activities_path, load_activities, parse_plan

log = logging.getLogger(__name__)

BANGKOK = timezone(timedelta(hours=7))
BE_OFFSET = 543
#: How long after logging a person may still withdraw their latest record themselves.
WITHDRAW_WINDOW = timedelta(days=1)

MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")


# ----- calendar ----------------------------------------------------------------------------------

def bangkok_today(now: datetime) -> date:
    """The office's calendar day (a record made at 00:30 Bangkok time belongs to that day, not UTC's)."""
    return now.astimezone(BANGKOK).date()


def thai_date(day: date, weekday: bool = False) -> str:
    """``24 พ.ย. 2569`` (Buddhist era), or ``วันอังคารที่ 24 พ.ย. 2569``."""
    text = f"{day.day} {MONTHS_SHORT[day.month - 1]} {day.year + BE_OFFSET}"
    return f"วัน{WEEKDAYS[day.weekday()]}ที่ {text}" if weekday else text


def fiscal_year_of(day: date) -> int:
    be = day.year + BE_OFFSET
    return be + 1 if day.month >= 10 else be


def fiscal_start(fiscal_year: int) -> date:
    return date(fiscal_year - BE_OFFSET - 1, 10, 1)


def fiscal_end(fiscal_year: int) -> date:
    return date(fiscal_year - BE_OFFSET, 9, 30)


@dataclass(frozen=True)
class Period:
    """A reporting round: the 6-month round covers October–March, the 12-month round the whole year."""

    fiscal_year: int
    months: int
    start: date
    end: date

    def label(self) -> str:
        return (f"ปีงบประมาณ {self.fiscal_year} รอบ {self.months} เดือน "
                f"({thai_date(self.start)} – {thai_date(self.end)})")


def current_period(today: date) -> Period:
    fy = fiscal_year_of(today)
    start = fiscal_start(fy)
    if today.month >= 10 or today.month <= 3:
        return Period(fy, 6, start, date(fy - BE_OFFSET, 3, 31))
    return Period(fy, 12, start, fiscal_end(fy))


# ----- plans -------------------------------------------------------------------------------------

def dump_plan(plan: Plan) -> dict:
    """The plan in its YAML shape, so what is stored is checked by the same ``parse_plan`` on every read."""
    return {
        "fiscal_year": plan.fiscal_year, "title": plan.title, "source": plan.source,
        "activities": [
            {"number": a.number, "code": a.code, "name": a.name, "short": a.short, "aliases": list(a.aliases),
             "items": [{"number": i.number, "short": i.short, "text": i.text, "keywords": list(i.keywords)}
                       for i in a.items]}
            for a in plan.activities
        ],
    }


_plans: ParsedCatalogues[Plan] = ParsedCatalogues(parse_plan)


def plan_for(session: Session, fiscal_year: int) -> Plan | None:
    """The plan that applies to a fiscal year: its own, else the newest earlier one (a plan stays in force
    until the next year's file is imported), else the oldest there is."""
    key = select(ActivityPlan.fiscal_year, ActivityPlan.imported_at)
    row = session.execute(key.where(ActivityPlan.fiscal_year <= fiscal_year)
                          .order_by(ActivityPlan.fiscal_year.desc()).limit(1)).first()
    if row is None:
        row = session.execute(key.order_by(ActivityPlan.fiscal_year).limit(1)).first()
    if row is None:
        return None
    year = row.fiscal_year
    return _plans.get(year, row.imported_at, lambda: session.scalar(
        select(ActivityPlan.plan).where(ActivityPlan.fiscal_year == year)))


def orphans_if_imported(session: Session, plan: Plan) -> list[tuple[int, str, int]]:
    """Records that would point at an activity or item the new plan does not have (fiscal year, code, item)."""
    later = session.scalar(select(func.min(ActivityPlan.fiscal_year))
                           .where(ActivityPlan.fiscal_year > plan.fiscal_year))
    earlier = session.scalar(select(func.count()).select_from(ActivityPlan)
                             .where(ActivityPlan.fiscal_year < plan.fiscal_year))
    query = select(Participation.fiscal_year, Participation.activity_code, Participation.item_no).distinct()
    if earlier:
        query = query.where(Participation.fiscal_year >= plan.fiscal_year)
    if later is not None:
        query = query.where(Participation.fiscal_year < later)
    known = {(a.code, i.number) for a in plan.activities for i in a.items}
    return sorted((fy, code, item) for fy, code, item in session.execute(query) if (code, item) not in known)


def import_plan(session: Session, plan: Plan, actor: str = "import") -> str:
    """Store (or replace) a year's plan. Returns ``"added"`` or ``"replaced"``."""
    row = session.get(ActivityPlan, plan.fiscal_year)
    outcome = "replaced" if row is not None else "added"
    if row is None:
        row = ActivityPlan(fiscal_year=plan.fiscal_year)
        session.add(row)
    row.title, row.plan, row.imported_by, row.imported_at = plan.title, dump_plan(plan), actor, utcnow()
    session.add(AuditLog(actor=actor, action="activities.import",
                         detail={"fiscal_year": plan.fiscal_year, "activities": len(plan.activities)}))
    session.flush()
    return outcome


def ensure_seeded(sessions: sessionmaker[Session], folder: Path) -> None:
    """On an empty database, import the newest plan file so staff can log from the start. A broken file
    is logged, not fatal: the rest of the bot still answers (``kb check`` names the mistake)."""
    with sessions() as session, session.begin():
        if session.scalar(select(func.count()).select_from(ActivityPlan)):
            return
    path = latest_activities_path(folder)
    if path is None:
        return
    try:
        plan = load_activities(path)
    except ActivitiesError:
        log.exception("activity plan %s not seeded", path)
        return
    try:
        with sessions() as session, session.begin():
            import_plan(session, plan, actor="seed")
    except IntegrityError:
        pass  # another process seeded it at the same moment


# ----- records -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class NewRecord:
    user_key: str
    activity_code: str
    item_no: int
    day: date
    unit: str = ""
    note: str = ""
    source: str = "tap"
    confirm_key: str = ""


def record(session: Session, new: NewRecord, now: datetime) -> Literal["saved", "exists"]:
    """Insert one participation. The unique key decides: a duplicate (even one committed by another worker
    a moment ago) rolls back only its savepoint, and the caller's transaction goes on."""
    try:
        with session.begin_nested():
            session.add(Participation(
                user_key=new.user_key, fiscal_year=fiscal_year_of(new.day), activity_code=new.activity_code,
                item_no=new.item_no, day=new.day, unit=new.unit, note=new.note, source=new.source,
                confirm_key=new.confirm_key, recorded_at=now))
    except IntegrityError:
        return "exists"
    return "saved"


def find(session: Session, user_key: str, activity_code: str, item_no: int, day: date) -> Participation | None:
    return session.scalar(select(Participation).where(
        Participation.user_key == user_key, Participation.fiscal_year == fiscal_year_of(day),
        Participation.activity_code == activity_code, Participation.item_no == item_no, Participation.day == day))


def by_confirm_key(session: Session, user_key: str, key: str) -> Participation | None:
    if not key:
        return None
    return session.scalar(select(Participation).where(Participation.user_key == user_key,
                                                      Participation.confirm_key == key))


def records_of(session: Session, user_key: str, fiscal_year: int | None = None) -> list[Participation]:
    query = select(Participation).where(Participation.user_key == user_key)
    if fiscal_year is not None:
        query = query.where(Participation.fiscal_year == fiscal_year)
    return list(session.scalars(query.order_by(Participation.day.desc(), Participation.id.desc())))


def latest_of(session: Session, user_key: str) -> Participation | None:
    return session.scalar(select(Participation).where(Participation.user_key == user_key)
                          .order_by(Participation.recorded_at.desc(), Participation.id.desc()).limit(1))


def withdraw(session: Session, record_id: int, user_key: str, now: datetime) -> Literal["deleted", "late", "gone"]:
    """Remove a person's own record, only within a day of logging it."""
    row = session.get(Participation, record_id)
    if row is None or row.user_key != user_key:
        return "gone"
    if now - row.recorded_at > WITHDRAW_WINDOW:
        return "late"
    session.execute(delete(Participation).where(Participation.id == record_id))
    session.add(AuditLog(actor=user_key, action="activities.withdraw",
                         detail={"code": row.activity_code, "item": row.item_no, "day": row.day.isoformat()}))
    return "deleted"


def erase_participations(erasure: Erasure) -> None:
    """PDPA erasure: the person's records stay, under the erasure's random key and without their notes, so the
    counts in reports do not change."""
    result = erasure.session.execute(update(Participation).where(Participation.user_key == erasure.line_user_id)
                                     .values(user_key=erasure.token, note="", confirm_key=""))
    erasure.anonymised = result.rowcount or 0


def erase_registration(erasure: Erasure) -> None:
    """PDPA erasure: the registration (full name, LINE name, unit, role) goes; using the bot again means
    registering again."""
    erasure.session.execute(delete(User).where(User.line_user_id == erasure.line_user_id))


# ----- people ------------------------------------------------------------------------------------

def admin_ids(session: Session, configured: Iterable[str]) -> list[str]:
    """Who is asked to approve registrations: active admins in the database and ``BOT_ADMIN_IDS``."""
    stored = session.scalars(select(User.line_user_id).where(User.role == "admin", User.status == "active"))
    return sorted(set(stored) | set(configured))


# ----- reports -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Count:
    key: str
    records: int
    people: int


@dataclass(frozen=True)
class Summary:
    period: Period
    per_activity: list[Count]
    per_unit: list[Count]
    records: int
    #: Registered (active) people with at least one record in the period.
    participants: int
    active_staff: int

    @property
    def share(self) -> float | None:
        return 100.0 * self.participants / self.active_staff if self.active_staff else None


def summarize(session: Session, period: Period, until: date | None = None) -> Summary:
    end = min(period.end, until) if until else period.end
    in_period = (Participation.day >= period.start) & (Participation.day <= end)

    def grouped(column) -> list[Count]:  # type: ignore[no-untyped-def]
        rows = session.execute(
            select(column, func.count(), func.count(func.distinct(Participation.user_key)))
            .where(in_period).group_by(column).order_by(func.count().desc(), column))
        return [Count(str(k or ""), n, people) for k, n, people in rows]

    active = select(User.line_user_id).where(User.status == "active")
    participants = session.scalar(select(func.count(func.distinct(Participation.user_key)))
                                  .where(in_period, Participation.user_key.in_(active))) or 0
    return Summary(
        period=period, per_activity=grouped(Participation.activity_code), per_unit=grouped(Participation.unit),
        records=session.scalar(select(func.count()).select_from(Participation).where(in_period)) or 0,
        participants=participants,
        active_staff=session.scalar(select(func.count()).select_from(User).where(User.status == "active")) or 0,
    )


EXPORT_HEADER = ["วันที่", "วันที่ (พ.ศ.)", "ชื่อ-สกุล", "หน่วยงาน", "กิจกรรม", "รายการ", "หมายเหตุ", "บันทึกเมื่อ",
                 "ปีงบประมาณ", "รหัสกิจกรรม", "รายการที่", "ช่องทาง"]


def export_rows(session: Session, start: date | None = None, end: date | None = None) -> list[list[str]]:
    """One row per record, oldest first, with names from the plan that applies to each record's year."""
    query = (select(Participation, User).outerjoin(User, User.line_user_id == Participation.user_key)
             .order_by(Participation.day, Participation.id))
    if start:
        query = query.where(Participation.day >= start)
    if end:
        query = query.where(Participation.day <= end)
    rows: list[list[str]] = []
    plans: dict[int, Plan | None] = {}
    for rec, user in session.execute(query):
        if rec.fiscal_year not in plans:
            plans[rec.fiscal_year] = plan_for(session, rec.fiscal_year)
        plan = plans[rec.fiscal_year]
        activity = plan.activity(rec.activity_code) if plan else None
        item = activity.item(rec.item_no) if activity else None
        if user is not None:
            name = user.full_name or user.display_name
        else:
            name = ERASED_NAME if rec.user_key.startswith(ANON_PREFIX) else ""
        rows.append([
            rec.day.isoformat(), thai_date(rec.day), name, rec.unit,
            activity.name if activity else rec.activity_code,
            f"กิจกรรมที่ {rec.item_no} {item.short}" if item else f"กิจกรรมที่ {rec.item_no}",
            rec.note, rec.recorded_at.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M:%S"),
            str(rec.fiscal_year), rec.activity_code, str(rec.item_no), rec.source,
        ])
    return rows
