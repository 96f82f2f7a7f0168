"""The round's summary of participation ("สรุปกิจกรรม", "สรุปกิจกรรม 2567 รอบ 6 เดือน"), for managers: per
activity, per unit, and the share of registered staff who took part."""

from __future__ import annotations

import re
from datetime import date

from core.dispatch import Context
from core.messages import Card, CardRow, CardSection, Reply, Request, Text
from db import activity_store as store
from handlers.common import ask
from thai import normalize, prepare

#: Who is told the summary is not for them, and where to see their own records.
NOT_A_MANAGER = ("ขออภัยค่ะ สรุปกิจกรรมของสำนักงานดูได้เฉพาะผู้บริหาร (manager) และผู้ดูแลระบบ "
                 "ดูรายการของตัวเองได้ที่ “กิจกรรมของฉัน” นะคะ")


def report(req: Request, ctx: Context) -> Reply:
    """The round's summary card for managers (who may see it: ``ActivitiesHandler.access``)."""
    today = store.bangkok_today(ctx.now)
    period, problem = period_of(req.text, today)
    if period is None:
        return Reply.text(problem, [ask("สรุปกิจกรรม")])
    until = min(today, period.end)
    summary = store.summarize(ctx.session, period, until=until)
    plan = store.plan_for(ctx.session, period.fiscal_year)
    by_code = {c.key: c for c in summary.per_activity}
    act_rows = []
    for act in plan.activities if plan else ():
        c = by_code.pop(act.code, None)
        act_rows.append(CardRow(act.short, f"{c.records} ครั้ง · {c.people} คน" if c else "0"))
    act_rows += [CardRow(c.key, f"{c.records} ครั้ง · {c.people} คน") for c in by_code.values()]
    by_unit = {c.key: c for c in summary.per_unit}
    unit_rows = []
    for unit in ctx.settings.units:
        c = by_unit.pop(unit, None)
        unit_rows.append(CardRow(unit, f"{c.records} ครั้ง · {c.people} คน" if c else "0"))
    unit_rows += [CardRow(c.key or "ไม่ระบุ", f"{c.records} ครั้ง · {c.people} คน") for c in by_unit.values()]
    share = summary.share
    share_text = f"{share:.1f}%" if share is not None else "-"
    headline = (f"บุคลากรที่ลงทะเบียนเข้าร่วมแล้ว {summary.participants} จาก {summary.active_staff} คน "
                f"({share_text}) · บันทึกทั้งหมด {summary.records} ครั้ง")
    covers = f"{period.label()} · ข้อมูลถึง {store.thai_date(until)}"
    card = Card(
        title="สรุปการเข้าร่วมกิจกรรมส่งเสริมคุณธรรม", subtitle=covers,
        alt_text=f"สรุปกิจกรรม {covers}: {headline}"[:400],
        sections=(
            CardSection(title="การมีส่วนร่วม", rows=(CardRow("บุคลากรที่ลงทะเบียน", share_text, bar=share or 0.0),)),
            CardSection(title="ตามกิจกรรม", rows=tuple(act_rows)),
            CardSection(title="ตามหน่วยงาน", rows=tuple(unit_rows)),
        ),
        footer="นับจากวันที่เข้าร่วมกิจกรรม · “คน” นับคนละครั้งต่อกลุ่ม · ส่งออกทั้งหมด: flask --app bot activities export",
    )
    text = f"สรุปการเข้าร่วมกิจกรรมส่งเสริมคุณธรรม\n{covers}\n{headline}"
    other = 12 if period.months == 6 else 6
    return Reply(messages=(Text(text), card),
                 choices=(ask(f"รอบ {other} เดือน", f"สรุปกิจกรรม {period.fiscal_year} รอบ {other} เดือน"),))

def period_of(text: str, today: date) -> tuple[store.Period | None, str]:
    """The current round, or "สรุปกิจกรรม 2567 รอบ 6 เดือน" (year and round both optional)."""
    clean = normalize(prepare(text))
    current = store.current_period(today)
    year_match = re.search(r"(?<!\d)(\d{4})(?!\d)", clean)
    fy = int(year_match.group(1)) if year_match else current.fiscal_year
    if fy < 2400:
        fy += store.BE_OFFSET
    round_match = re.search(r"(?:รอบ\s*)?(?<!\d)(6|12)\s*(?:เดือน)", clean) or re.search(r"รอบ\s*(6|12)", clean)
    months = int(round_match.group(1)) if round_match else (current.months if fy == current.fiscal_year else 12)
    if fy > current.fiscal_year:
        return None, f"ยังไม่ถึงปีงบประมาณ {fy} ค่ะ ปีปัจจุบันคือ {current.fiscal_year}"
    start = store.fiscal_start(fy)
    end = date(fy - store.BE_OFFSET, 3, 31) if months == 6 else store.fiscal_end(fy)
    return store.Period(fy, months, start, end), ""
