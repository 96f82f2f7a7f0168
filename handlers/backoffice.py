""""เว็บผู้ดูแล": a single-use sign-in link to the back office, for admins, editors and managers.

The link is pushed to the person's own LINE chat, never put in the reply: the chat page goes through these
handlers too, and a link must reach only the LINE account it signs in as.
"""

from __future__ import annotations

from core.dispatch import Context
from core.messages import Reply, Request
from core.signin import BACK_OFFICE_ROLES, LINK_TTL, make_link
from db.models import AuditLog
from handlers.access import only, personal, role
from handlers.common import is_command

LINK_WORDS = ("เว็บผู้ดูแล", "เว็บแอดมิน", "หน้าเว็บผู้ดูแล", "เข้าเว็บผู้ดูแล", "ขอลิงก์เว็บผู้ดูแล", "backoffice",
              "back office", "admin web")


class BackOfficeLinkHandler:
    name = "backoffice"
    access = {"link": only(
        role(BACK_OFFICE_ROLES, "ขออภัยค่ะ เว็บผู้ดูแลเปิดได้เฉพาะผู้ดูแลระบบ ผู้ดูแลเนื้อหา (editor) และผู้บริหาร (manager) เท่านั้น"),
        personal(text="ลิงก์เข้าเว็บผู้ดูแลเป็นของแต่ละคน กรุณาขอในแชตส่วนตัวกับบอทนะคะ"))}

    def command_of(self, req: Request, ctx: Context) -> str:
        return "link"

    def check(self, req: Request, ctx: Context) -> bool:
        return req.kind == "text" and is_command(req.text, *LINK_WORDS)

    def handle(self, req: Request, ctx: Context) -> Reply:
        if not ctx.settings.signing_key:
            return Reply.text("ขออภัยค่ะ ระบบนี้ยังไม่ได้ตั้งค่าเว็บผู้ดูแล (ไม่มี LINE channel secret หรือ BOT_SECRET_KEY)")
        link = make_link(ctx.settings, ctx.session, req.user_id, ctx.now)
        ctx.session.add(AuditLog(actor=req.user_id, action="backoffice.link", detail={}))
        minutes = int(LINK_TTL.total_seconds() // 60)
        ctx.push(req.user_id, Reply.text(
            f"ลิงก์เข้าเว็บผู้ดูแล (ใช้ได้ครั้งเดียว ภายใน {minutes} นาที อย่าส่งต่อให้ผู้อื่นนะคะ)\n{link}",
            handler="backoffice-link"))
        return Reply.text(f"ส่งลิงก์เข้าเว็บผู้ดูแลทาง LINE ให้แล้วค่ะ ใช้ได้ครั้งเดียวภายใน {minutes} นาที")
