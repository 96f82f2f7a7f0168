"""People in the loop: a person's question goes to the content owners, and an owner answers it in LINE.

The person says "ขอคุยกับเจ้าหน้าที่" (or taps "ส่งต่อให้เจ้าหน้าที่", offered with every "not sure"): their last
unanswered question, or the one they type next, is pushed to the admins and editors with a button "ตอบ". The
owner types the answer, then sends it and keeps it as a knowledge entry, or only sends it.
"""

from __future__ import annotations

from core.dispatch import Context
from core.messages import Card, CardRow, CardSection, Reply, Request
from db import handoff_store as store
from db.models import Unanswered, User
from handlers.common import ask, is_command, tap
from handlers.flow import Flow, is_cancel
from handlers.help import HELP_WORDS
from knowledge.kept import thai_when
from knowledge.schema import MAX_ANSWER_CHARS

HANDOFF_WORDS = ("ขอคุยกับเจ้าหน้าที่", "ถามเจ้าหน้าที่", "ส่งต่อให้เจ้าหน้าที่", "คุยกับเจ้าหน้าที่", "ติดต่อเจ้าหน้าที่",
                 "ขอคุยกับคน", "คุยกับคน", "ขอสายเจ้าหน้าที่")
FORWARD_CHOICE = ask("ส่งต่อให้เจ้าหน้าที่")
#: From the source's masthead (กลุ่มพัฒนาระบบบริหาร สำนักงานสถิติแห่งชาติ).
CONTACT = "กลุ่มพัฒนาระบบบริหาร โทรศัพท์ 0 2141 7290 - 94 · อีเมล adgnso.th@nso.mail.go.th"
FORWARDED = "ส่งต่อให้เจ้าหน้าที่แล้วค่ะ 🙏 เจ้าหน้าที่จะตอบกลับทาง LINE นี้ หรือติดต่อได้โดยตรงที่ " + CONTACT
QUESTION_MAX = 2000
#: "ส่งและบันทึกเป็นคำตอบ" is 21 characters, one more than LINE allows on a button.
KEEP_LABEL = "ส่ง+บันทึกเป็นคำตอบ"


class HandoffHandler:
    name = "handoff"
    flow = Flow("handoff", "การส่งคำถามถึงเจ้าหน้าที่")
    erases = (store.erase_loop,)

    def interrupts(self, req: Request, ctx: Context) -> bool:
        """Asking for a person works in the middle of any other flow."""
        return req.kind == "text" and is_command(req.text, *HANDOFF_WORDS)

    def check(self, req: Request, ctx: Context) -> bool:
        if req.kind == "postback":
            return req.data.startswith("ho:")
        if req.kind != "text" or not req.text.strip():
            return False
        if is_command(req.text, *HANDOFF_WORDS):
            return True
        step = self.flow.step(ctx)
        return step in ("answer", "choose") or (step == "question" and not is_command(req.text, *HELP_WORDS))

    def handle(self, req: Request, ctx: Context) -> Reply:
        if is_cancel(req):
            self.flow.end(ctx, req.user_id)
            return Reply.text("ยกเลิกแล้วค่ะ ยังไม่ได้ส่งอะไรนะคะ")
        if req.kind == "postback":
            action, _, rest = req.data.removeprefix("ho:").partition("|")
            if action == "ans":
                return self._start_answer(req, ctx, rest)
            if action == "send":
                qid, _, how = rest.partition("|")
                return self._send(req, ctx, qid, how == "keep")
            return Reply.text("ขออภัยค่ะ ปุ่มนี้ใช้ไม่ได้แล้ว")
        step = self.flow.step(ctx)
        if is_command(req.text, *HANDOFF_WORDS) and step in ("", "question"):
            return self._ask_staff(req, ctx)
        if step == "question":
            return self._forward(req, ctx, store.new_forwarded(ctx.session, req.user_id, req.text[:QUESTION_MAX],
                                                               ctx.now))
        if step in ("answer", "choose"):
            return self._typed_answer(req, ctx)
        return self._ask_staff(req, ctx)

    # ----- the person who asks -------------------------------------------------------------------
    def _ask_staff(self, req: Request, ctx: Context) -> Reply:
        last = store.last_unsure(ctx.session, req.user_id, ctx.now)
        if last is not None:
            return self._forward(req, ctx, last)
        self.flow.go(ctx, req.user_id, "question", {})
        return Reply.text("พิมพ์คำถามที่ต้องการถามเจ้าหน้าที่ได้เลยค่ะ บอทจะส่งต่อให้กลุ่มพัฒนาระบบบริหาร "
                          f"(หรือพิมพ์ “ยกเลิก”)\nหรือติดต่อโดยตรงที่ {CONTACT}", [ask("ยกเลิก")])

    def _forward(self, req: Request, ctx: Context, row: Unanswered) -> Reply:
        self.flow.end(ctx, req.user_id)
        store.forward(row, ctx.now)
        ctx.session.flush()
        asker = ctx.user
        for owner in store.owners(ctx.session, ctx.settings.admin_ids):
            if owner != req.user_id:
                ctx.push(owner, self._card(row, asker))
        return Reply.text(f"{FORWARDED}\nคำถาม: “{row.text[:300]}”", handler="handoff-forward")

    @staticmethod
    def _card(row: Unanswered, asker: User | None) -> Reply:
        rows = (CardRow("ผู้ถาม", store.person_label(asker)), CardRow("เมื่อ", thai_when(row.asked_at)))
        card = Card(title="คำถามถึงเจ้าหน้าที่", subtitle="บอทตอบไม่ได้ ผู้ถามขอให้เจ้าหน้าที่ตอบ",
                    alt_text=f"คำถามถึงเจ้าหน้าที่: {row.text[:200]} — {store.person_label(asker)}",
                    sections=(CardSection(body=row.text[:1000]), CardSection(rows=rows)),
                    buttons=(tap("ตอบ", f"ho:ans|{row.id}", "ตอบคำถามนี้"),))
        return Reply(messages=(card,))

    # ----- the content owner ---------------------------------------------------------------------
    @staticmethod
    def _is_owner(ctx: Context) -> bool:
        return ctx.role in store.OWNER_ROLES

    def _question(self, ctx: Context, raw: str) -> Unanswered | None:
        return ctx.session.get(Unanswered, int(raw)) if raw.isdigit() else None

    def _start_answer(self, req: Request, ctx: Context, raw: str) -> Reply:
        if not self._is_owner(ctx):
            return Reply.text("ขออภัยค่ะ การตอบคำถามทำได้เฉพาะผู้ดูแลเนื้อหา (editor) และผู้ดูแลระบบ")
        row = self._question(ctx, raw)
        if row is None or not row.text:
            return Reply.text("ไม่พบคำถามนี้แล้วค่ะ (ผู้ถามอาจลบข้อมูลของตนไปแล้ว)")
        if row.answered_at is not None:
            return Reply.text(store.answered_note(row, ctx.session))
        self.flow.go(ctx, req.user_id, "answer", {"q": row.id})
        return Reply.text(f"พิมพ์คำตอบสำหรับคำถามนี้ได้เลยค่ะ\n“{row.text[:300]}”\n(หรือพิมพ์ “ยกเลิก”)",
                          [ask("ยกเลิก")])

    def _typed_answer(self, req: Request, ctx: Context) -> Reply:
        qid = self.flow.data(ctx).get("q")
        text = req.text.strip()[:MAX_ANSWER_CHARS]
        self.flow.go(ctx, req.user_id, "choose", {"q": qid, "answer": text})
        return Reply.text(f"คำตอบที่จะส่ง:\n{text}\n\nแตะ “ส่งและบันทึกเป็นคำตอบ” (ส่งให้ผู้ถาม และใช้ตอบคำถามเดียวกันหรือ"
                          "คล้ายกันต่อไป) หรือ “ส่งอย่างเดียว” ค่ะ (พิมพ์คำตอบใหม่แทนได้)", [
            tap(KEEP_LABEL, f"ho:send|{qid}|keep", "ส่งและบันทึกเป็นคำตอบ"),
            tap("ส่งอย่างเดียว", f"ho:send|{qid}|only", "ส่งอย่างเดียว"),
            ask("ยกเลิก")])

    def _send(self, req: Request, ctx: Context, raw: str, keep: bool) -> Reply:
        if not self._is_owner(ctx) or ctx.user is None:
            return Reply.text("ขออภัยค่ะ การตอบคำถามทำได้เฉพาะผู้ดูแลเนื้อหา (editor) และผู้ดูแลระบบ")
        data = self.flow.data(ctx)
        if self.flow.step(ctx) != "choose" or str(data.get("q")) != raw:
            return Reply.text("ปุ่มนี้หมดอายุแล้วค่ะ แตะ “ตอบ” ที่คำถามอีกครั้งเพื่อพิมพ์คำตอบนะคะ")
        self.flow.end(ctx, req.user_id)
        done = store.answer(ctx.session, int(raw), by=ctx.user, text=str(data.get("answer", "")), keep=keep,
                            now=ctx.now)
        if done.outcome == "already" and done.question is not None:
            return Reply.text(store.answered_note(done.question, ctx.session))
        if done.outcome != "answered":
            return Reply.text("ไม่พบคำถามนี้แล้วค่ะ (ผู้ถามอาจลบข้อมูลของตนไปแล้ว) ยังไม่ได้ส่งอะไรนะคะ")
        if done.push is not None and done.question is not None:
            ctx.push(done.question.line_user_id, done.push)
        kept = " และบันทึกเป็นคำตอบในฐานความรู้แล้ว (คำถามเดียวกันหรือคล้ายกันจะได้คำตอบนี้)" if keep else ""
        return Reply.text(f"ส่งคำตอบถึงผู้ถามแล้วค่ะ ✅{kept}", handler="handoff-answer")
