""""ลบรายการล่าสุด": withdrawing one's latest record, within a day of logging it, after a confirmation."""

from __future__ import annotations

import secrets

from core.dispatch import Context
from core.messages import Reply, Request
from db import activity_store as store
from db.activities import Participation
from handlers.activities.common import FLOW, describe
from handlers.common import ask, tap


def withdraw(req: Request, ctx: Context) -> Reply:
    latest = store.latest_of(ctx.session, req.user_id)
    if latest is None:
        return Reply.text("ยังไม่มีรายการให้ลบค่ะ", [ask("บันทึกกิจกรรม")])
    what = describe(ctx, latest)
    if ctx.now - latest.recorded_at > store.WITHDRAW_WINDOW:
        logged = latest.recorded_at.astimezone(store.BANGKOK)
        return Reply.text(f"รายการล่าสุด ({what}) บันทึกไว้เมื่อ {store.thai_date(logged.date())} "
                          f"{logged:%H:%M} น. เกิน 24 ชั่วโมงแล้ว จึงลบเองไม่ได้ค่ะ หากบันทึกผิด "
                          "กรุณาแจ้งผู้ดูแลระบบนะคะ", [ask("กิจกรรมของฉัน")])
    key = secrets.token_hex(8)
    FLOW.go(ctx, req.user_id, "withdraw", {"key": key, "record": latest.id})
    return Reply.text(f"ต้องการลบรายการล่าสุดนี้ใช่ไหมคะ\n{what}",
                      [tap("ยืนยันลบ", f"act:withdraw|{key}", "ยืนยันลบรายการล่าสุด"), tap("ยกเลิก", "act:cancel")])


def withdraw_confirmed(req: Request, ctx: Context, key: str) -> Reply:
    data = FLOW.data(ctx)
    if FLOW.step(ctx) != "withdraw" or data.get("key") != key:
        return Reply.text("ไม่มีคำขอลบที่รออยู่ค่ะ (อาจลบไปแล้ว ยกเลิก หรือเกิน 10 นาที) "
                          "พิมพ์ “กิจกรรมของฉัน” เพื่อตรวจสอบนะคะ", [ask("กิจกรรมของฉัน")])
    FLOW.end(ctx, req.user_id)
    rec = ctx.session.get(Participation, int(data.get("record") or 0))
    what = describe(ctx, rec) if rec is not None else ""
    outcome = store.withdraw(ctx.session, int(data.get("record") or 0), req.user_id, ctx.now)
    if outcome == "late":
        return Reply.text("ลบไม่ได้แล้วค่ะ รายการนี้บันทึกไว้เกิน 24 ชั่วโมง กรุณาแจ้งผู้ดูแลระบบนะคะ")
    if outcome == "gone":
        return Reply.text("รายการนี้ถูกลบไปแล้วค่ะ", [ask("กิจกรรมของฉัน")])
    return Reply.text(f"ลบรายการแล้วค่ะ 🗑️\n{what}", [ask("บันทึกกิจกรรม"), ask("กิจกรรมของฉัน")])
