"""Registration: a person gives their full name and unit, the request waits for an admin, and the admin
approves or rejects it with a button. Both sides hear the outcome in LINE."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.dispatch import Context
from core.features import HelpEntry, MenuEntry
from core.messages import Card, CardRow, CardSection, Reply, Request
from db import activity_store
from db.models import AuditLog, User
from handlers.access import PENDING, only, personal, role
from handlers.common import ask, command, is_command, tap
from handlers.flow import Flow, is_cancel, looks_like_question
from handlers.help import HELP_WORDS
from thai import normalize

REGISTER_WORDS = ("ลงทะเบียน", "ขอลงทะเบียน", "สมัคร", "สมัครสมาชิก", "สมัครใช้งาน", "register")
NAME_MAX = 100
_NAME_OK = re.compile(r"^[\u0E00-\u0E7FA-Za-z][\u0E00-\u0E7FA-Za-z .'\-]*$")
STATUS_TEXT = {"active": "อนุมัติแล้ว", "pending": "รออนุมัติ", "guest": "ไม่ได้อนุมัติ"}


def _unit_key(text: str) -> str:
    return command(text).replace(".", "")


def _clean_name(text: str) -> str:
    return " ".join(normalize(text).split())


def _name_problem(text: str) -> str:
    """Why a message is not a full name (empty when it is one)."""
    if len(text) > NAME_MAX * 2:  # not folded first: that would cost with the length
        return f"ชื่อยาวเกิน {NAME_MAX} ตัวอักษร"
    name = _clean_name(text)
    if len(name) > NAME_MAX:
        return f"ชื่อยาวเกิน {NAME_MAX} ตัวอักษร"
    if not _NAME_OK.match(name) or len(name.split(" ")) < 2 or len(name) < 4:
        return "กรุณาพิมพ์ทั้งชื่อและนามสกุล เว้นวรรคระหว่างกัน ใช้ตัวอักษรเท่านั้น"
    return ""


class RegistrationHandler:
    name = "register"
    flow = Flow("register", "การลงทะเบียน")

    # Names and units are not typed where a group reads them; only an admin decides a request.
    access = {"register": only(personal("กรุณาลงทะเบียนในแชตส่วนตัวกับบอทนะคะ (ข้อมูลส่วนบุคคลไม่ควรพิมพ์ในกลุ่ม)")),
              "decide": only(role({"admin"}, "ขออภัยค่ะ การอนุมัติการลงทะเบียนทำได้เฉพาะผู้ดูแลระบบ (admin) เท่านั้น"))}
    help = (HelpEntry(90, "ผู้ที่ยังไม่ได้ลงทะเบียน พิมพ์ “ลงทะเบียน” ได้เลยค่ะ", footnote=True),)
    menu = (MenuEntry(9, ask("ลงทะเบียน")),)
    erases = (activity_store.erase_registration,)

    def command_of(self, req: Request, ctx: Context) -> str:
        if req.kind == "postback":
            action, _, target = req.data.removeprefix("reg:").partition("|")
            return "decide" if action in {"approve", "reject"} and target else ""
        if is_cancel(req):
            return ""
        return "register" if is_command(req.text, *REGISTER_WORDS) else ""

    def check(self, req: Request, ctx: Context) -> bool:
        if req.kind == "postback":
            return req.data.startswith("reg:")
        if req.kind != "text":
            return False
        if is_command(req.text, *REGISTER_WORDS):
            return True
        if is_command(req.text, *HELP_WORDS):
            return False
        if self.flow.step(ctx) == "name" and not _name_problem(req.text) and not looks_like_question(req.text, True):
            return True  # a name may hold a short question word ("ไหมแก้ว")
        if looks_like_question(req.text):
            return False  # a question mid-way goes to its own handler; the request waits
        if self.flow.current(ctx) is not None:
            return True
        # After a timeout, only what looks like an answer (a unit, a name) is told the request timed out.
        return self.flow.expired(ctx) and (self._unit_of(req.text, ctx) is not None or _name_problem(req.text) == "")

    def handle(self, req: Request, ctx: Context) -> Reply:
        if req.kind == "postback":
            return self._decide(req, ctx)
        if is_cancel(req):
            self.flow.end(ctx, req.user_id)
            return Reply.text("ยกเลิกการลงทะเบียนแล้วค่ะ ยังไม่ได้ส่งคำขอ พิมพ์ “ลงทะเบียน” เมื่อพร้อมนะคะ")
        if is_command(req.text, *REGISTER_WORDS):
            return self._start(req, ctx)
        step = self.flow.step(ctx)
        if step == "name":
            return self._name(req, ctx)
        if step == "unit":
            return self._unit(req, ctx)
        return Reply.text(self.flow.expired_note() + " พิมพ์ “ลงทะเบียน” เพื่อเริ่มใหม่ค่ะ", [ask("ลงทะเบียน")])

    # ----- the person ------------------------------------------------------------------------
    def _start(self, req: Request, ctx: Context) -> Reply:
        user = ctx.user
        if user is not None and user.status == "active":
            who = f"{user.full_name} ({user.unit})" if user.full_name else "บัญชีนี้"
            return Reply.text(f"คุณลงทะเบียนไว้แล้วค่ะ: {who} ใช้งานได้เลย เช่น พิมพ์ “บันทึกกิจกรรม”",
                              [ask("บันทึกกิจกรรม"), ask("กิจกรรมของฉัน")])
        if user is not None and user.status == "pending":
            return Reply.text(f"{PENDING}\n(ชื่อ: {user.full_name} · หน่วยงาน: {user.unit})")
        self.flow.go(ctx, req.user_id, "name", {})
        return Reply.text("ลงทะเบียนเพื่อบันทึกการเข้าร่วมกิจกรรมค่ะ 📝\nขั้นที่ 1/2: กรุณาพิมพ์ชื่อและนามสกุล "
                          "(เช่น สมชาย ใจดี)", [ask("ยกเลิก")])

    def _name(self, req: Request, ctx: Context) -> Reply:
        problem = _name_problem(req.text)
        if problem:
            self.flow.go(ctx, req.user_id, "name", {})
            return Reply.text(f"ขออภัยค่ะ {problem} (เช่น สมชาย ใจดี) หรือพิมพ์ “ยกเลิก”", [ask("ยกเลิก")])
        name = _clean_name(req.text)
        self.flow.go(ctx, req.user_id, "unit", {"name": name})
        return self._ask_unit(ctx, f"ขอบคุณค่ะ คุณ{name}\nขั้นที่ 2/2: สังกัดหน่วยงานใดคะ เลือกจากปุ่มด้านล่าง")

    def _ask_unit(self, ctx: Context, text: str) -> Reply:
        units = [ask(u) for u in ctx.settings.units[:12]]
        return Reply.text(text, [*units, ask("ยกเลิก")])

    @staticmethod
    def _unit_of(text: str, ctx: Context) -> str | None:
        return next((u for u in ctx.settings.units if _unit_key(u) == _unit_key(text)), None)

    def _unit(self, req: Request, ctx: Context) -> Reply:
        data = self.flow.data(ctx)
        chosen = self._unit_of(req.text, ctx)
        if chosen is None:
            self.flow.go(ctx, req.user_id, "unit", data)
            listed = ", ".join(ctx.settings.units)
            return self._ask_unit(ctx, f"ขออภัยค่ะ ไม่พบหน่วยงาน “{req.text.strip()[:40]}” กรุณาเลือกจากปุ่ม "
                                       f"({listed}) หรือพิมพ์ “ยกเลิก”")
        return self._submit(req, ctx, data.get("name", ""), chosen)

    def _submit(self, req: Request, ctx: Context, name: str, unit: str) -> Reply:
        self.flow.end(ctx, req.user_id)
        user = ctx.user
        if user is None:
            user = User(line_user_id=req.user_id, display_name=req.display_name[:200], role="staff")
            ctx.session.add(user)
            ctx.user = user
        elif user.status == "active":
            return Reply.text("คุณลงทะเบียนไว้แล้วค่ะ ไม่ต้องส่งคำขอซ้ำ", [ask("บันทึกกิจกรรม")])
        user.full_name, user.unit, user.status = name, unit, "pending"
        ctx.session.add(AuditLog(actor=req.user_id, action="registration.request",
                                 detail={"user": req.user_id, "unit": unit}))
        admins = [a for a in activity_store.admin_ids(ctx.session, ctx.settings.admin_ids) if a != req.user_id]
        for admin in admins:
            ctx.push(admin, self._request_card(req.user_id, name, unit, user.display_name or req.display_name))
        text = (f"ส่งคำขอลงทะเบียนแล้วค่ะ ✅\nชื่อ: {name}\nหน่วยงาน: {unit}\n"
                "เมื่อผู้ดูแลระบบอนุมัติแล้ว บอทจะแจ้งทาง LINE นี้นะคะ")
        if not admins:
            text += "\n(ตอนนี้ระบบยังไม่มีผู้ดูแล กรุณาแจ้งกลุ่มพัฒนาระบบบริหารให้อนุมัติด้วยค่ะ)"
        return Reply.text(text)

    @staticmethod
    def _request_card(user_id: str, name: str, unit: str, display_name: str) -> Reply:
        rows = [CardRow("ชื่อ-สกุล", name), CardRow("หน่วยงาน", unit)]
        if display_name:
            rows.append(CardRow("ชื่อใน LINE", display_name))
        buttons = (tap("อนุมัติ", f"reg:approve|{user_id}", f"อนุมัติ {name}"),
                   tap("ไม่อนุมัติ", f"reg:reject|{user_id}", f"ไม่อนุมัติ {name}"))
        card = Card(title="คำขอลงทะเบียนใหม่", subtitle="แตะปุ่มเพื่ออนุมัติหรือไม่อนุมัติ",
                    alt_text=f"คำขอลงทะเบียนใหม่: {name} ({unit}) — เปิดเพื่ออนุมัติหรือไม่อนุมัติ",
                    sections=(CardSection(rows=tuple(rows)),), buttons=buttons)
        return Reply(messages=(card,))

    # ----- the admin -------------------------------------------------------------------------
    def _decide(self, req: Request, ctx: Context) -> Reply:
        action, _, target = req.data.removeprefix("reg:").partition("|")
        if action not in {"approve", "reject"} or not target:
            return Reply.text("ขออภัยค่ะ ปุ่มนี้ใช้ไม่ได้แล้ว")
        # Locked on PostgreSQL, so two admins tapping at once decide once.
        user = ctx.session.scalar(select(User).where(User.line_user_id == target).with_for_update())
        if user is None:
            return Reply.text("ไม่พบคำขอนี้แล้วค่ะ (ผู้ขออาจยกเลิกหรือลบข้อมูลของตนไปแล้ว)")
        who = f"{user.full_name or user.display_name or target} ({user.unit or '-'})"
        if user.status != "pending":
            return Reply.text(f"คำขอของ {who} ได้รับการดำเนินการไปแล้วค่ะ "
                              f"(สถานะตอนนี้: {STATUS_TEXT.get(user.status, user.status)})")
        approved = action == "approve"
        user.status = "active" if approved else "guest"
        ctx.session.add(AuditLog(actor=req.user_id, action=f"registration.{action}", detail={"user": target}))
        if approved:
            ctx.push(target, Reply.text(
                "ผู้ดูแลระบบอนุมัติการลงทะเบียนของคุณแล้วค่ะ 🎉 ตอนนี้บันทึกการเข้าร่วมกิจกรรมได้เลย "
                "พิมพ์ “บันทึกกิจกรรม” หรือเล่า เช่น “เมื่อวานเข้าอบรม No Gift Policy”",
                [ask("บันทึกกิจกรรม"), ask("กิจกรรมของฉัน")]))
            return Reply.text(f"อนุมัติ {who} แล้วค่ะ ✅ แจ้งผู้ขอทาง LINE แล้ว")
        ctx.push(target, Reply.text(
            "ขออภัยค่ะ คำขอลงทะเบียนของคุณยังไม่ได้รับการอนุมัติ หากข้อมูลไม่ถูกต้อง พิมพ์ “ลงทะเบียน” "
            "เพื่อส่งใหม่ หรือสอบถามกลุ่มพัฒนาระบบบริหารนะคะ", [ask("ลงทะเบียน")]))
        return Reply.text(f"ไม่อนุมัติคำขอของ {who} แล้วค่ะ แจ้งผู้ขอทาง LINE แล้ว")


__all__ = ["REGISTER_WORDS", "RegistrationHandler"]
