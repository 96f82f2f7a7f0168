"""Greeting, help menu, and polite answers to stickers, images and other non-text messages."""

from __future__ import annotations

from core.dispatch import Context
from core.messages import Choice, Reply, Request
from handlers.common import ask, is_command

HELP_WORDS = ("ช่วยเหลือ", "เมนู", "help", "menu", "วิธีใช้", "ใช้ยังไง", "ทำอะไรได้บ้าง", "สวัสดี", "hello", "hi", "start")

MENU_CHOICES: tuple[Choice, ...] = (
    ask("PMQA 4.0 คืออะไร"),
    ask("7 หมวด PMQA", "PMQA มีกี่หมวด"),
    ask("เขียนคำตอบแบบ ADR", "ADR คืออะไร"),
    ask("ตารางคลินิก", "ตารางคลินิก PMQA"),
    ask("สถานะ KPI"),
    ask("ตรวจร่างคำตอบ ADR", "ตรวจคำตอบ ADR"),
    ask("บันทึกกิจกรรม"),
    ask("กิจกรรมของฉัน"),
    ask("ลงทะเบียน"),
)

HELP_TEXT = (
    "สวัสดีค่ะ น้องบอท PMQA ของ สสช. ช่วยได้ 4 เรื่องค่ะ\n"
    "1) ตอบคำถาม PMQA 4.0 — เช่น “หมวด 3 คืออะไร”, “ประเด็น 4.2 ระดับ advance”, “ADR คืออะไร”, "
    "“คลินิกหมวด 2 วันไหน”\n"
    "2) บันทึกการเข้าร่วมกิจกรรมส่งเสริมคุณธรรม — พิมพ์ “บันทึกกิจกรรม” หรือเล่าเป็นประโยค เช่น "
    "“เมื่อวานเข้าอบรม No Gift Policy”\n"
    "3) สถานะตัวชี้วัด (KPI) ของสำนักงาน — พิมพ์ “สถานะ KPI” หรือ “ตัวชี้วัดที่ 3”\n"
    "4) ตรวจร่างคำตอบ PMQA ก่อนส่งคณะทำงาน (ADR ครบไหม เกิน 3,000 อักขระไหม ปีถูกไหม) — พิมพ์ “ตรวจคำตอบ ADR” "
    "หรือ “ตรวจคำตอบ ADR ประเด็น 3.4” แล้วขึ้นบรรทัดใหม่วางร่าง · ร่างที่บันทึกไว้: “ร่างของฉัน”\n"
    "ผู้ที่ยังไม่ได้ลงทะเบียน พิมพ์ “ลงทะเบียน” ได้เลยค่ะ · พิมพ์ “เมนู” เพื่อดูข้อความนี้อีกครั้ง"
)


class HelpHandler:
    name = "help"

    def check(self, req: Request, ctx: Context) -> bool:
        return req.kind == "follow" or (req.kind == "text" and is_command(req.text, *HELP_WORDS))

    def interrupts(self, req: Request, ctx: Context) -> bool:
        return req.kind == "text" and is_command(req.text, *HELP_WORDS)

    def handle(self, req: Request, ctx: Context) -> Reply:
        return Reply.text(HELP_TEXT, MENU_CHOICES)


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
        return Reply.text(text, MENU_CHOICES[:5])
