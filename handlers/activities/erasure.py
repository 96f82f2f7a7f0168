""""ลบข้อมูลของฉัน" (PDPA): what will be erased, a confirmation, then every declared store's eraser
(``ctx.features.erasers``, gathered by the dispatcher from the handlers: ``db.erasure``)."""

from __future__ import annotations

import secrets

from core.dispatch import Context
from core.messages import Reply, Request
from db import activity_store as store
from db import adr_store
from db.erasure import erase_person
from handlers.activities.common import FLOW
from handlers.common import tap


def forget(req: Request, ctx: Context) -> Reply:
    records = store.records_of(ctx.session, req.user_id)
    drafts = adr_store.count_of(ctx.session, req.user_id)
    if ctx.user is None and not records and not drafts:
        return Reply.text("ไม่มีข้อมูลส่วนบุคคลของคุณในระบบค่ะ")
    key = secrets.token_hex(8)
    FLOW.go(ctx, req.user_id, "forget", {"key": key})
    return Reply.text(
        "ต้องการลบข้อมูลส่วนบุคคลของคุณใช่ไหมคะ\n"
        "• ที่จะลบถาวร: ชื่อ-นามสกุล ชื่อใน LINE รหัสผู้ใช้ LINE การลงทะเบียน และหมายเหตุทุกรายการ\n"
        + (f"• ร่างคำตอบ PMQA ที่บันทึกไว้ {drafts} ร่าง จะลบถาวร\n" if drafts else "") +
        f"• การเข้าร่วมกิจกรรม {len(records)} รายการ จะยังนับในสถิติของสำนักงานแบบไม่ระบุตัวตน\n"
        "หลังลบ หากต้องการใช้งานต้องลงทะเบียนใหม่ค่ะ",
        [tap("ยืนยันลบข้อมูล", f"act:forget|{key}", "ยืนยันลบข้อมูลของฉัน"), tap("ยกเลิก", "act:cancel")])


def forget_confirmed(req: Request, ctx: Context, key: str) -> Reply:
    if FLOW.step(ctx) != "forget" or FLOW.data(ctx).get("key") != key:
        return Reply.text("ไม่มีคำขอลบข้อมูลที่รออยู่ค่ะ (อาจลบไปแล้ว ยกเลิก หรือเกิน 10 นาที) "
                          "หากต้องการลบ พิมพ์ “ลบข้อมูลของฉัน” อีกครั้งนะคะ")
    count = erase_person(ctx.session, req.user_id, ctx.features.erasers)
    ctx.forgotten.append(req.user_id)
    ctx.conversation, ctx.user = None, None
    return Reply.text(f"ลบข้อมูลส่วนบุคคลของคุณเรียบร้อยแล้วค่ะ การเข้าร่วมกิจกรรม {count} รายการ "
                      "ยังนับในสถิติแบบไม่ระบุตัวตน ขอบคุณที่ใช้บริการนะคะ 🙏")
