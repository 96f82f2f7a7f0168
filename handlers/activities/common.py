"""What the activity flows share: the flow itself, the command words, and the small helpers every step uses."""

from __future__ import annotations

import re

from core.dispatch import Context
from core.messages import Reply, Text
from db import activity_store as store
from db.activities import Participation
from handlers.common import ask, command, folded_words, polite_core
from handlers.flow import Flow
from knowledge.activities import Item, Plan
from thai import normalize, prepare
from thai._cache import text_cache

#: One flow for logging, withdrawing and erasing: a person is in one of them at a time, at a named step.
FLOW = Flow("activity", "การบันทึกกิจกรรม")

START_WORDS = ("บันทึกกิจกรรม", "ลงกิจกรรม", "บันทึกการเข้าร่วมกิจกรรม", "บันทึกการเข้าร่วม", "บันทึกกิจกรรมคุณธรรม")
MINE_WORDS = ("กิจกรรมของฉัน", "กิจกรรมของผม", "กิจกรรมของหนู", "รายการของฉัน", "ประวัติกิจกรรม", "กิจกรรมที่บันทึกไว้")
WITHDRAW_WORDS = ("ลบรายการล่าสุด", "ถอนรายการล่าสุด", "ยกเลิกรายการล่าสุด", "ลบกิจกรรมล่าสุด")
FORGET_WORDS = ("ลบข้อมูลของฉัน", "ลบข้อมูลส่วนตัว", "ลบข้อมูลส่วนบุคคล", "ลบบัญชี")
REPORT_WORDS = ("สรุปกิจกรรม", "รายงานกิจกรรม", "สรุปการเข้าร่วมกิจกรรม")
CONFIRM_WORDS = ("ยืนยัน", "ตกลง", "ใช่", "ok", "โอเค", "ถูกต้อง")
NONE_WORDS = ("ไม่มี", "-", "ไม่", "ไม่มีค่ะ", "ไม่มีครับ", "ข้าม")
#: What a group is told instead of anyone's records (``handlers.access.personal``).
PERSONAL_LEAD = "เรื่องกิจกรรมของแต่ละคน กรุณาพิมพ์ในแชตส่วนตัวกับบอทนะคะ"


def with_note(reply: Reply, note: str) -> Reply:
    if not note:
        return reply
    return Reply(messages=(Text(note), *reply.messages), choices=reply.choices, handler=reply.handler)


def item_label(item: Item) -> str:
    return f"กิจกรรมที่ {item.number} {item.short}"


def number_in(text: str) -> int | None:
    if len(text) > 40:
        return None
    m = re.fullmatch(r"(?:กิจกรรม|รายการ|ข้อ)?\s*(?:ที่)?\s*(\d{1,2})", normalize(prepare(text)).strip())
    return int(m.group(1)) if m else None


def current_plan(ctx: Context) -> Plan | None:
    return store.plan_for(ctx.session, store.fiscal_year_of(store.bangkok_today(ctx.now)))


def stale(ctx: Context) -> Reply:
    why = (FLOW.expired_note() if FLOW.expired(ctx) else
           "ขออภัยค่ะ ปุ่มนี้หมดอายุแล้ว (รายการถูกยกเลิก บันทึกไปแล้ว หรือเกิน 10 นาที)")
    return Reply.text(f"{why} พิมพ์ “บันทึกกิจกรรม” เพื่อเริ่มใหม่นะคะ", [ask("บันทึกกิจกรรม"), ask("กิจกรรมของฉัน")])


def describe(ctx: Context, rec: Participation) -> str:
    """One record in a line: its day, activity and item (as the plan of its year names them), and its note."""
    plan = store.plan_for(ctx.session, rec.fiscal_year)
    act = plan.activity(rec.activity_code) if plan else None
    item = act.item(rec.item_no) if act else None
    what = f"{act.short if act else rec.activity_code} · {item_label(item) if item else rec.item_no}"
    return f"{store.thai_date(rec.day)} {what}" + (f" ({rec.note})" if rec.note else "")


@text_cache()
def command_name(text: str) -> str:
    """Which of the activity commands a message is ("" for none); asked of every message."""
    flat = command(text)
    if not flat:
        return ""
    core = polite_core(flat)  # "บันทึกกิจกรรมค่ะ", "ขอดูกิจกรรมของฉันหน่อย"
    for name, words in (("start", START_WORDS), ("mine", MINE_WORDS), ("withdraw", WITHDRAW_WORDS),
                        ("forget", FORGET_WORDS)):
        if flat in folded_words(words) or core in folded_words(words):
            return name
    if any(flat.startswith(w) or core.startswith(w) for w in folded_words(REPORT_WORDS)):
        return "report"
    return ""
