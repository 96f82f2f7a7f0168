"""Greeting, help menu, and polite answers to stickers, images and other non-text messages."""

from __future__ import annotations

from collections.abc import Sequence

from core.dispatch import Context
from core.features import HelpEntry, MenuArea
from core.messages import Reply, Request
from handlers.common import is_command

HELP_WORDS = ("ช่วยเหลือ", "เมนู", "help", "menu", "วิธีใช้", "ใช้ยังไง", "ทำอะไรได้บ้าง", "สวัสดี", "hello", "hi", "start")

GREETING = "สวัสดีค่ะ น้องบอท PMQA ของ สสช. ช่วยได้ {count} เรื่องค่ะ"


def help_text(entries: Sequence[HelpEntry]) -> str:
    """The greeting, every feature's numbered line (``help`` on the handlers, in order), then the hints."""
    topics = [e.text for e in entries if not e.footnote]
    lines = [GREETING.format(count=len(topics)), *(f"{i}) {text}" for i, text in enumerate(topics, start=1))]
    footnotes = [e.text for e in entries if e.footnote]
    return "\n".join([*lines, " · ".join(footnotes)] if footnotes else lines)


class HelpHandler:
    name = "help"
    help = (HelpEntry(99, "พิมพ์ “เมนู” เพื่อดูข้อความนี้อีกครั้ง", footnote=True),)
    rich_menu = (MenuArea(6, "ช่วยเหลือ", "HELP", "ช่วยเหลือ", "#37474F"),)

    def check(self, req: Request, ctx: Context) -> bool:
        return req.kind == "follow" or (req.kind == "text" and is_command(req.text, *HELP_WORDS))

    def interrupts(self, req: Request, ctx: Context) -> bool:
        return req.kind == "text" and is_command(req.text, *HELP_WORDS)

    def handle(self, req: Request, ctx: Context) -> Reply:
        return Reply.text(help_text(ctx.features.help), ctx.features.menu)


class NonTextHandler:
    """LINE sends stickers, photos, files and locations too: answer them, never stay silent."""

    name = "non-text"

    def check(self, req: Request, ctx: Context) -> bool:
        return req.kind in {"sticker", "media", "location", "other"}

    def handle(self, req: Request, ctx: Context) -> Reply:
        if req.kind == "sticker":
            text = "ขอบคุณสำหรับสติกเกอร์ค่ะ 😊 ถามเรื่อง PMQA 4.0, KPI หรือบันทึกกิจกรรมได้เลย หรือแตะเมนูด้านล่างค่ะ"
        else:
            text = (
                "ขออภัยค่ะ ตอนนี้บอทอ่านได้เฉพาะข้อความพิมพ์ ยังเปิดรูป ไฟล์ เสียง หรือตำแหน่งไม่ได้ "
                "ลองพิมพ์คำถามเป็นข้อความ หรือแตะเมนูด้านล่างนะคะ"
            )
        return Reply.text(text, ctx.features.menu[:5])
