"""Multi-step conversations kept in the ``conversations`` table (so they survive a restart and work across
worker processes), with a cancel that works at every step and a 10-minute timeout.

Like python-telegram-bot's ConversationHandler, reduced to what the handlers here need: a flow has a name
(the dispatcher routes a person in it to the handler with that name), a current step and a little data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete

from core.dispatch import Context
from core.messages import Request
from db.models import Conversation
from handlers.common import head_and_tail, is_command
from thai import prepare

TTL = timedelta(minutes=10)
CANCEL_WORDS = ("ยกเลิก", "cancel", "ไม่เอาแล้ว", "ไม่ทำแล้ว", "เลิก", "stop")


#: Words that make a message a question. A person who left a flow and now asks something gets an answer,
#: not "please pick a button".
QUESTION_WORDS = ("?", "อะไร", "อย่างไร", "ยังไง", "ไหน", "เมื่อไร", "เมื่อไหร่", "ทำไม", "หรือเปล่า", "รึเปล่า",
                  "หรือไม่", "ไหม", "มั้ย", "มั๊ย", "ใคร", "กี่", "คือ", "หมายถึง", "บ้าง", "เท่าไร", "ไหร่", "แค่ไหน",
                  "ไร", "มั่ง")


#: The short ones also occur inside names and words ("ไหมแก้ว", "ไม่เป็นไร"); where that matters, only the rest count.
AMBIGUOUS_QUESTION_WORDS = ("ไหม", "กี่", "คือ", "บ้าง", "ไร", "มั่ง")


def looks_like_question(text: str, clearly: bool = False) -> bool:
    """Read on the prepared text: "[ib0k8g]nvf;yowso" (wrong layout) is "บริจาคเลือดวันไหน", "กีคะแนน" is "กี่คะแนน"."""
    folded = prepare(head_and_tail(text))
    words = [w for w in QUESTION_WORDS if w not in AMBIGUOUS_QUESTION_WORDS] if clearly else QUESTION_WORDS
    return any(word in folded for word in words)


def is_cancel(req: Request) -> bool:
    """``ยกเลิก`` typed (or tapped as a message), or a postback ending in ``:cancel``."""
    if req.kind == "postback":
        return req.data.endswith(":cancel")
    return req.kind == "text" and is_command(req.text, *CANCEL_WORDS)


@dataclass(frozen=True)
class Flow:
    name: str
    #: What the flow is called in messages, e.g. "การบันทึกกิจกรรม".
    title: str

    def current(self, ctx: Context) -> Conversation | None:
        conv = ctx.conversation
        return conv if conv is not None and conv.flow == self.name else None

    def step(self, ctx: Context) -> str:
        conv = self.current(ctx)
        return conv.step if conv is not None else ""

    def data(self, ctx: Context) -> dict[str, Any]:
        conv = self.current(ctx)
        return dict(conv.data or {}) if conv is not None else {}

    def go(self, ctx: Context, user_id: str, step: str, data: dict[str, Any]) -> None:
        """Start the flow or move it to ``step``; either way the 10 minutes start again.
        (A person is in one flow at a time: starting this one replaces any other.) Not from a group or room:
        a flow is personal (``core.dispatch.shared_view``)."""
        if ctx.shared_chat:
            return
        conv = ctx.conversation
        if conv is None or conv.line_user_id != user_id:
            conv = ctx.session.get(Conversation, user_id)
        if conv is None:
            conv = Conversation(line_user_id=user_id)
            ctx.session.add(conv)
        # A new dict, so the JSON column is seen as changed.
        conv.flow, conv.step, conv.data, conv.expires_at = self.name, step, dict(data), ctx.now + TTL
        ctx.conversation = conv

    def end(self, ctx: Context, user_id: str) -> None:
        """Leave the flow. A bulk delete, so a second worker ending the same flow is not an error. (Not from a
        group or room, whose answers never see the person's flow.)"""
        if ctx.shared_chat:
            return
        ctx.session.execute(delete(Conversation).where(Conversation.line_user_id == user_id))
        ctx.conversation = None

    def expired(self, ctx: Context) -> bool:
        return ctx.expired_flow == self.name

    def expired_note(self) -> str:
        minutes = int(TTL.total_seconds() // 60)
        return (f"ขออภัยค่ะ {self.title}ที่ค้างไว้หมดเวลาแล้ว (เกิน {minutes} นาทีโดยไม่มีการตอบ) "
                f"ข้อมูลที่กรอกไว้ยังไม่ได้บันทึกนะคะ")
