"""Integrity activities in chat, one flow a module: logging a participation tap by tap (``logging_flow``) or
from a sentence (``free_text``, understood by ``language``), a person's own records (``history``), withdrawing
the latest (``deletion``), PDPA erasure (``erasure``), and the round's summary for managers (``reports``).

This handler routes a message to the flow it belongs to; who may use each command is declared in ``access``
and applied by the dispatcher.
"""

from __future__ import annotations

from core.dispatch import Context
from core.features import HelpEntry, MenuArea, MenuEntry
from core.messages import Reply, Request
from db import activity_store
from handlers.access import MANAGER_ROLES, only, personal, registered, role
from handlers.activities.common import CONFIRM_WORDS, FLOW, NONE_WORDS, PERSONAL_LEAD, command_name, with_note
from handlers.activities.deletion import withdraw, withdraw_confirmed
from handlers.activities.erasure import forget, forget_confirmed
from handlers.activities.free_text import answers_a_step, free_text, from_sentence
from handlers.activities.history import mine
from handlers.activities.logging_flow import answer_step, confirm, picked_day, start
from handlers.activities.reports import NOT_A_MANAGER, report
from handlers.common import ask, is_command
from handlers.flow import is_cancel, looks_like_question
from handlers.help import HELP_WORDS
from handlers.registration import REGISTER_WORDS

_PERSONAL = personal(PERSONAL_LEAD)
_COMMANDS = {"start": start, "mine": mine, "withdraw": withdraw, "forget": forget}


#: Steps whose only answers are yes or no (a tap, or "ยืนยัน" / "ยกเลิก" typed).
YES_OR_NO_STEPS = frozenset({"confirm", "withdraw", "forget"})


class ActivitiesHandler:
    name = "activity"
    flow = FLOW

    # Records are personal even where registration is not needed to see them; logging is for registered staff
    # (a guest with records still sees them: ``history.mine``); the summary is for managers, in any chat.
    access = {"start": only(_PERSONAL, registered()), "mine": only(_PERSONAL), "withdraw": only(_PERSONAL),
              "forget": only(_PERSONAL), "other": only(_PERSONAL),
              "report": only(registered(), role(MANAGER_ROLES, NOT_A_MANAGER, (ask("กิจกรรมของฉัน"),)))}
    help = (HelpEntry(2, "บันทึกการเข้าร่วมกิจกรรมส่งเสริมคุณธรรม — พิมพ์ “บันทึกกิจกรรม” หรือเล่าเป็นประโยค เช่น "
                         "“เมื่อวานเข้าอบรม No Gift Policy”"),)
    menu = (MenuEntry(7, ask("บันทึกกิจกรรม")), MenuEntry(8, ask("กิจกรรมของฉัน")))
    rich_menu = (MenuArea(3, "บันทึกกิจกรรม", "LOG ACTIVITY", "บันทึกกิจกรรม", "#E65100"),
                 MenuArea(4, "กิจกรรมของฉัน", "MY ACTIVITIES", "กิจกรรมของฉัน", "#6A1B9A"))
    erases = (activity_store.erase_participations,)

    # ----- routing ---------------------------------------------------------------------------
    def check(self, req: Request, ctx: Context) -> bool:
        if req.kind == "postback":
            return req.data.startswith("act:")
        if req.kind != "text" or not req.text.strip():
            return False
        if command_name(req.text) or is_cancel(req):  # a lone "ยกเลิก" is told nothing is pending
            return True
        if is_command(req.text, *HELP_WORDS, *REGISTER_WORDS):
            return False
        conv = FLOW.current(ctx)
        if conv is not None:
            if conv.step in YES_OR_NO_STEPS:
                # Waiting for "ยืนยัน": a message with no yes or no in it is something else ("ตัวชี้วัดที่ 11
                # น้ำหนักเท่าไหร่", "เก่งมาก"), answered by its own handler while the confirmation waits.
                folded = "".join(req.text.casefold().split())
                return len(folded) <= 20 and folded.startswith((*CONFIRM_WORDS, *NONE_WORDS, "ยกเลิก"))
            # In the middle of a flow everything is an answer, except a question (answered by its handler).
            return conv.step == "note" or not looks_like_question(req.text)
        if FLOW.expired(ctx) and answers_a_step(req.text, ctx):
            return True  # told politely that the flow timed out
        return free_text(req.text, ctx) is not None

    def command_of(self, req: Request, ctx: Context) -> str:
        """The command whose access rule applies: a named one, "other" for a step's answer or a sentence, ""
        for a cancel or a button (a button says itself why it no longer works)."""
        if req.kind == "postback" or is_cancel(req):
            return ""
        return command_name(req.text) or "other"

    def refused(self, req: Request, ctx: Context, command: str, reply: Reply) -> Reply:
        """A refusal still says that the flow left waiting timed out; refusing to start a log ends any flow."""
        note = FLOW.expired_note() if FLOW.current(ctx) is None and FLOW.expired(ctx) else ""
        if command == "start":
            FLOW.end(ctx, req.user_id)
        return with_note(reply, note)

    # ----- handling --------------------------------------------------------------------------
    def handle(self, req: Request, ctx: Context) -> Reply:
        note = FLOW.expired_note() if FLOW.current(ctx) is None and FLOW.expired(ctx) else ""
        if is_cancel(req):
            active = FLOW.current(ctx) is not None
            FLOW.end(ctx, req.user_id)
            if active:
                return Reply.text("ยกเลิกแล้วค่ะ ยังไม่ได้บันทึกอะไร", [ask("บันทึกกิจกรรม"), ask("กิจกรรมของฉัน")])
            return with_note(Reply.text("ไม่มีรายการที่ค้างอยู่ค่ะ", [ask("บันทึกกิจกรรม")]), note)
        if req.kind == "postback":
            return self._postback(req, ctx)
        name = command_name(req.text)
        if name == "report":
            return with_note(report(req, ctx), note)
        if name:
            return with_note(_COMMANDS[name](req, ctx), note)
        if FLOW.current(ctx) is not None:
            return answer_step(req, ctx)
        free = free_text(req.text, ctx)
        if free is not None:
            return with_note(from_sentence(req, ctx, *free), note)
        return Reply.text((note or "ขออภัยค่ะ ไม่มีรายการที่ค้างอยู่") + " พิมพ์ “บันทึกกิจกรรม” เพื่อเริ่มใหม่ได้เลยค่ะ",
                          [ask("บันทึกกิจกรรม"), ask("กิจกรรมของฉัน")])

    @staticmethod
    def _postback(req: Request, ctx: Context) -> Reply:
        action, _, arg = req.data.removeprefix("act:").partition("|")
        if action == "ok":
            return confirm(req, ctx, arg)
        if action == "date":
            return picked_day(req, ctx)
        if action == "withdraw":
            return withdraw_confirmed(req, ctx, arg)
        if action == "forget":
            return forget_confirmed(req, ctx, arg)
        return Reply.text("ขออภัยค่ะ ปุ่มนี้ใช้ไม่ได้แล้ว พิมพ์ “บันทึกกิจกรรม” เพื่อเริ่มใหม่นะคะ")


__all__ = ["ActivitiesHandler"]
