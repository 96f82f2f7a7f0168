"""Integrity activities in chat: logging a participation (tap by tap, or understood from a sentence such as
"เมื่อวานเข้าอบรม No Gift Policy มาค่ะ"), a person's own records, withdrawing the latest, PDPA deletion, and
the round's summary for managers.

Nothing is stored until the person confirms a summary; the database's unique key makes every duplicate
(redelivery, double tap, the same sentence twice) answer "บันทึกไว้แล้ว" instead of counting twice.
"""

from __future__ import annotations

import re
import secrets
from datetime import date

from core.dispatch import Context
from core.messages import Card, CardRow, CardSection, Choice, Reply, Request, Text
from db import activity_store as store
from db import adr_store
from db.activities import Participation
from handlers.activity_language import (
    Understood,
    date_example,
    day_problem,
    parse_day,
    reports_participation,
    understand,
)
from handlers.common import ask, command, folded_words, is_command, private_chat, tap
from handlers.flow import Flow, is_cancel, looks_like_question
from handlers.help import HELP_WORDS
from handlers.registration import REGISTER_WORDS, need_registration
from knowledge.activities import Activity, Item, Plan
from thai import normalize, prepare
from thai._cache import text_cache

START_WORDS = ("บันทึกกิจกรรม", "ลงกิจกรรม", "บันทึกการเข้าร่วมกิจกรรม", "บันทึกการเข้าร่วม", "บันทึกกิจกรรมคุณธรรม")
MINE_WORDS = ("กิจกรรมของฉัน", "กิจกรรมของผม", "กิจกรรมของหนู", "รายการของฉัน", "ประวัติกิจกรรม", "กิจกรรมที่บันทึกไว้")
WITHDRAW_WORDS = ("ลบรายการล่าสุด", "ถอนรายการล่าสุด", "ยกเลิกรายการล่าสุด", "ลบกิจกรรมล่าสุด")
FORGET_WORDS = ("ลบข้อมูลของฉัน", "ลบข้อมูลส่วนตัว", "ลบข้อมูลส่วนบุคคล", "ลบบัญชี")
REPORT_WORDS = ("สรุปกิจกรรม", "รายงานกิจกรรม", "สรุปการเข้าร่วมกิจกรรม")
CONFIRM_WORDS = ("ยืนยัน", "ตกลง", "ใช่", "ok", "โอเค", "ถูกต้อง")
NONE_WORDS = ("ไม่มี", "-", "ไม่", "ไม่มีค่ะ", "ไม่มีครับ", "ข้าม")
MANAGER_ROLES = {"manager", "admin"}
NOTE_MAX = 300
MINE_LINES = 15

# ================================================================================== the handler

def _with_note(reply: Reply, note: str) -> Reply:
    if not note:
        return reply
    return Reply(messages=(Text(note), *reply.messages), choices=reply.choices, handler=reply.handler)


def _item_label(item: Item) -> str:
    return f"กิจกรรมที่ {item.number} {item.short}"


def _number_in(text: str) -> int | None:
    if len(text) > 40:
        return None
    m = re.fullmatch(r"(?:กิจกรรม|รายการ|ข้อ)?\s*(?:ที่)?\s*(\d{1,2})", normalize(prepare(text)).strip())
    return int(m.group(1)) if m else None


class ActivitiesHandler:
    name = "activity"
    flow = Flow("activity", "การบันทึกกิจกรรม")

    # ----- routing ---------------------------------------------------------------------------
    def check(self, req: Request, ctx: Context) -> bool:
        if req.kind == "postback":
            return req.data.startswith("act:")
        if req.kind != "text" or not req.text.strip():
            return False
        if self._command(req.text) or is_cancel(req):  # a lone "ยกเลิก" is told nothing is pending
            return True
        if is_command(req.text, *HELP_WORDS, *REGISTER_WORDS):
            return False
        conv = self.flow.current(ctx)
        if conv is not None:
            # In the middle of a flow everything is an answer, except a question (answered by its handler).
            return conv.step == "note" or not looks_like_question(req.text)
        if self.flow.expired(ctx) and self._answers_a_step(req.text, ctx):
            return True  # told politely that the flow timed out
        return self._free_text(req.text, ctx) is not None

    def _answers_a_step(self, text: str, ctx: Context) -> bool:
        """Whether a message looks like an answer to one of this flow's steps (a button's text, a number,
        a date, ยืนยัน/ไม่มี) — anything else, after a timeout, belongs to the other handlers."""
        if looks_like_question(text):
            return False
        if is_command(text, *CONFIRM_WORDS, *NONE_WORDS) or _number_in(text) is not None:
            return True
        day, why = parse_day(text, store.bangkok_today(ctx.now))
        if day is not None or why:
            return True
        plan = self._plan(ctx)
        return plan is not None and understand(plan, text).named

    @staticmethod
    def _command(text: str) -> str:
        return _command_name(text)

    def _free_text(self, text: str, ctx: Context) -> tuple[Plan, Understood] | None:
        """The plan and what the sentence names, when it clearly reports a participation."""
        if not reports_participation(text):
            return None
        plan = self._plan(ctx)
        if plan is None:
            return None
        understood = understand(plan, text)
        return (plan, understood) if understood.named else None

    @staticmethod
    def _plan(ctx: Context) -> Plan | None:
        return store.plan_for(ctx.session, store.fiscal_year_of(store.bangkok_today(ctx.now)))

    # ----- handling --------------------------------------------------------------------------
    def handle(self, req: Request, ctx: Context) -> Reply:
        note = ""
        if self.flow.current(ctx) is None and self.flow.expired(ctx):
            note = self.flow.expired_note()
        if is_cancel(req):
            active = self.flow.current(ctx) is not None
            self.flow.end(ctx, req.user_id)
            if active:
                return Reply.text("ยกเลิกแล้วค่ะ ยังไม่ได้บันทึกอะไร", [ask("บันทึกกิจกรรม"), ask("กิจกรรมของฉัน")])
            return _with_note(Reply.text("ไม่มีรายการที่ค้างอยู่ค่ะ", [ask("บันทึกกิจกรรม")]), note)
        if req.kind == "postback":
            return self._postback(req, ctx)  # a stale button says itself why it no longer works
        name = self._command(req.text)
        if name == "report":
            return _with_note(self.report(req, ctx), note)
        if ctx.shared_chat:  # records are personal even where registration is not needed to see them
            return private_chat(ctx, "เรื่องกิจกรรมของแต่ละคน กรุณาพิมพ์ในแชตส่วนตัวกับบอทนะคะ")
        if name:
            run = {"start": self.start, "mine": self.mine, "withdraw": self.withdraw, "forget": self.forget}[name]
            return _with_note(run(req, ctx), note)
        if self.flow.current(ctx) is not None:
            return self._answer_step(req, ctx)
        free = self._free_text(req.text, ctx)
        if free is not None:
            return _with_note(self.from_sentence(req, ctx, *free), note)
        return Reply.text((note or "ขออภัยค่ะ ไม่มีรายการที่ค้างอยู่") + " พิมพ์ “บันทึกกิจกรรม” เพื่อเริ่มใหม่ได้เลยค่ะ",
                          [ask("บันทึกกิจกรรม"), ask("กิจกรรมของฉัน")])

    def _postback(self, req: Request, ctx: Context) -> Reply:
        action, _, arg = req.data.removeprefix("act:").partition("|")
        if action == "ok":
            return self.confirm(req, ctx, arg)
        if action == "date":
            if self.flow.step(ctx) != "date":
                return self._stale(ctx)
            picked = req.params.get("date", "")
            try:
                day = date.fromisoformat(picked)
            except ValueError:
                example = date_example(store.bangkok_today(ctx.now))
                return self._ask(req, ctx, self.flow.data(ctx),
                                 f"ขออภัยค่ะ ไม่ได้รับวันที่จากปฏิทิน กรุณาพิมพ์วันที่ เช่น “{example}” หรือ “เมื่อวาน”")
            return self._set_day(req, ctx, day)
        if action == "withdraw":
            return self.withdraw_confirmed(req, ctx, arg)
        if action == "forget":
            return self.forget_confirmed(req, ctx, arg)
        return Reply.text("ขออภัยค่ะ ปุ่มนี้ใช้ไม่ได้แล้ว พิมพ์ “บันทึกกิจกรรม” เพื่อเริ่มใหม่นะคะ")

    def _stale(self, ctx: Context) -> Reply:
        why = (self.flow.expired_note() if self.flow.expired(ctx) else
               "ขออภัยค่ะ ปุ่มนี้หมดอายุแล้ว (รายการถูกยกเลิก บันทึกไปแล้ว หรือเกิน 10 นาที)")
        return Reply.text(f"{why} พิมพ์ “บันทึกกิจกรรม” เพื่อเริ่มใหม่นะคะ", [ask("บันทึกกิจกรรม"), ask("กิจกรรมของฉัน")])

    # ----- logging, step by step ---------------------------------------------------------------
    def start(self, req: Request, ctx: Context) -> Reply:
        if not ctx.is_registered:
            self.flow.end(ctx, req.user_id)
            return need_registration(ctx)
        plan = self._plan(ctx)
        if plan is None:
            return Reply.text("ขออภัยค่ะ ยังไม่มีแผนกิจกรรมในระบบ กรุณาแจ้งผู้ดูแลระบบให้นำเข้า "
                              "(flask --app bot activities import)")
        return self._ask(req, ctx, {"plan": plan.fiscal_year, "src": "tap"})

    def from_sentence(self, req: Request, ctx: Context, plan: Plan, understood: Understood) -> Reply:
        """Propose what the sentence says; ask only for what it does not."""
        if not ctx.is_registered:
            return need_registration(ctx)
        data: dict = {"plan": plan.fiscal_year, "src": "text", "act": understood.activity,
                      "item": understood.item, "options": list(understood.candidates)}
        today = store.bangkok_today(ctx.now)
        day, why = parse_day(req.text, today)
        problem = why and f"ขออภัยค่ะ {why}"
        if day is not None:
            problem = day_problem(day, today, plan.fiscal_year)
            if not problem:
                data["day"] = day.isoformat()
        return self._ask(req, ctx, data, problem)

    def _ask(self, req: Request, ctx: Context, data: dict, problem: str = "") -> Reply:
        """Move to the first thing still missing and ask for it (or show the summary to confirm)."""
        plan = store.plan_for(ctx.session, data.get("plan") or 0) or self._plan(ctx)
        if plan is None:
            self.flow.end(ctx, req.user_id)
            return Reply.text("ขออภัยค่ะ ยังไม่มีแผนกิจกรรมในระบบ กรุณาแจ้งผู้ดูแลระบบ")
        act = plan.activity(data.get("act") or "")
        if act is not None and not data.get("item") and len(act.items) == 1:
            data["item"] = act.items[0].number
        item = act.item(int(data.get("item") or 0)) if act else None
        lead = f"{problem}\n" if problem else ""
        cancel = ask("ยกเลิก")
        if act is None:
            self.flow.go(ctx, req.user_id, "activity", data)
            options = [a for a in plan.activities if a.code in (data.get("options") or [])] or list(plan.activities)
            listing = "\n".join(f"{a.number}) {a.name}" for a in options)
            return Reply.text(f"{lead}เลือกกิจกรรมที่เข้าร่วมค่ะ\n{listing}", [*(ask(a.short) for a in options), cancel])
        if item is None:
            self.flow.go(ctx, req.user_id, "item", data)
            listing = "\n".join(f"{_item_label(i)}: {i.text[:90]}{'…' if len(i.text) > 90 else ''}"
                                for i in act.items)
            return Reply.text(f"{lead}กิจกรรม {act.name} — เข้าร่วมรายการไหนคะ\n{listing}",
                              [*(ask(i.short) for i in act.items), cancel])
        if not data.get("day"):
            self.flow.go(ctx, req.user_id, "date", data)
            picker = Choice(label="เลือกวันที่", data="act:date", action="datepicker")
            example = date_example(store.bangkok_today(ctx.now))
            return Reply.text(f"{lead}{act.short} · {_item_label(item)}\nเข้าร่วมวันไหนคะ แตะปุ่ม หรือพิมพ์วันที่ "
                              f"เช่น “{example}”", [ask("วันนี้"), ask("เมื่อวาน"), picker, cancel])
        if data.get("src") == "tap" and not data.get("note_done"):
            self.flow.go(ctx, req.user_id, "note", data)
            return Reply.text(f"{lead}มีหมายเหตุเพิ่มเติมไหมคะ (เช่น สถานที่ หรือยอดบริจาค) พิมพ์มาได้เลย "
                              "หรือแตะ “ไม่มี”", [ask("ไม่มี"), cancel])
        day = date.fromisoformat(data["day"])
        if store.find(ctx.session, req.user_id, act.code, item.number, day) is not None:
            self.flow.end(ctx, req.user_id)
            return Reply.text(f"{lead}บันทึกไว้แล้วค่ะ 😊 {act.short} · {_item_label(item)} วันที่ "
                              f"{store.thai_date(day)} มีอยู่ในระบบแล้ว ไม่ต้องบันทึกซ้ำนะคะ", [ask("กิจกรรมของฉัน")])
        data["key"] = data.get("key") or secrets.token_hex(8)
        self.flow.go(ctx, req.user_id, "confirm", data)
        heard = "จากข้อความ เข้าใจว่า" if data.get("src") == "text" else "ตรวจสอบก่อนบันทึกนะคะ"
        text = (f"{lead}{heard}\n• กิจกรรม: {act.name}\n• รายการ: {_item_label(item)}\n"
                f"• วันที่: {store.thai_date(day, weekday=True)}\n• หมายเหตุ: {data.get('note') or '-'}\n"
                "ถูกต้องไหมคะ แตะ “ยืนยัน” เพื่อบันทึก หรือ “ยกเลิก”")
        return Reply.text(text, [tap("ยืนยัน", f"act:ok|{data['key']}", "ยืนยัน"), tap("ยกเลิก", "act:cancel")])

    def _answer_step(self, req: Request, ctx: Context) -> Reply:
        step, data = self.flow.step(ctx), self.flow.data(ctx)
        plan = store.plan_for(ctx.session, data.get("plan") or 0)
        if plan is None or not ctx.is_registered:
            self.flow.end(ctx, req.user_id)
            return need_registration(ctx) if not ctx.is_registered else self._stale(ctx)
        text = req.text.strip()
        if step == "activity":
            act, named = self._pick_activity(plan, text)
            if act is None:
                return self._ask(req, ctx, data, f"ขออภัยค่ะ ไม่พบกิจกรรม “{text[:40]}” กรุณาเลือกจากปุ่มด้านล่าง "
                                                 "หรือพิมพ์ “ยกเลิก”")
            data["act"] = act.code
            if not named:  # a sentence ("บริจาคโลหิตเมื่อวาน") may name the item and the day too
                data["item"] = understand(plan, text, within=act.code).item or data.get("item") or 0
                return self._maybe_day(req, ctx, data, text)
            return self._ask(req, ctx, data)
        if step == "item":
            act = plan.activity(data.get("act") or "")
            item = self._pick_item(plan, act, text) if act else None
            if item is None:
                return self._ask(req, ctx, data, f"ขออภัยค่ะ ไม่พบรายการ “{text[:40]}” ในกิจกรรมนี้ "
                                                 "กรุณาเลือกจากปุ่มด้านล่าง หรือพิมพ์ “ยกเลิก”")
            data["item"] = item.number
            return self._maybe_day(req, ctx, data, text)
        if step == "date":
            day, why = parse_day(text, store.bangkok_today(ctx.now))
            if day is None:
                why = why or f"อ่านวันที่จาก “{text[:40]}” ไม่ได้"
                today = store.bangkok_today(ctx.now)
                return self._ask(req, ctx, data, f"ขออภัยค่ะ {why} ลองพิมพ์เช่น “เมื่อวาน” หรือ “{date_example(today)}”")
            return self._set_day(req, ctx, day)
        if step == "note":
            # Not normalised when far too long (what that costs grows with the text).
            far_too_long = len(text) > NOTE_MAX * 2
            note = "" if is_command(text, *NONE_WORDS) or far_too_long else " ".join(normalize(text).split())
            if len(note) > NOTE_MAX or far_too_long:
                return self._ask(req, ctx, data, f"ขออภัยค่ะ หมายเหตุยาวเกิน {NOTE_MAX} ตัวอักษร กรุณาย่อให้สั้นลง")
            data["note"], data["note_done"] = note, True
            return self._ask(req, ctx, data)
        if step == "confirm":
            if is_command(text, *CONFIRM_WORDS):
                return self.confirm(req, ctx, data.get("key", ""))
            return self._ask(req, ctx, data, "กรุณาแตะ “ยืนยัน” เพื่อบันทึก หรือ “ยกเลิก” ค่ะ")
        if step in {"withdraw", "forget"}:
            if is_command(text, *CONFIRM_WORDS):
                confirmed = self.withdraw_confirmed if step == "withdraw" else self.forget_confirmed
                return confirmed(req, ctx, data.get("key", ""))
            self.flow.go(ctx, req.user_id, step, data)
            return Reply.text("กรุณาแตะปุ่มยืนยัน หรือพิมพ์ “ยกเลิก” ค่ะ", [ask("ยกเลิก")])
        self.flow.end(ctx, req.user_id)
        return self._stale(ctx)

    def _maybe_day(self, req: Request, ctx: Context, data: dict, text: str) -> Reply:
        """A typed answer may carry the date too ("บริจาคโลหิต เมื่อวาน")."""
        day, _ = parse_day(text, store.bangkok_today(ctx.now))
        if day is not None and not data.get("day") and not day_problem(day, store.bangkok_today(ctx.now),
                                                                       data.get("plan")):
            data["day"] = day.isoformat()
        return self._ask(req, ctx, data)

    def _set_day(self, req: Request, ctx: Context, day: date) -> Reply:
        data = self.flow.data(ctx)
        problem = day_problem(day, store.bangkok_today(ctx.now), data.get("plan"))
        if problem:
            data.pop("day", None)
            return self._ask(req, ctx, data, problem)
        data["day"] = day.isoformat()
        return self._ask(req, ctx, data)

    @staticmethod
    def _pick_activity(plan: Plan, text: str) -> tuple[Activity | None, bool]:
        """The activity a step answer names, and whether it was named exactly (a button or a number)."""
        flat = command(text)
        for act in plan.activities:
            if flat in {command(act.short), command(act.name), command(act.code)}:
                return act, True
        number = _number_in(text)
        if number is not None:
            return next((a for a in plan.activities if a.number == number), None), True
        understood = understand(plan, text)
        return (plan.activity(understood.activity), False) if understood.activity else (None, False)

    @staticmethod
    def _pick_item(plan: Plan, act: Activity, text: str) -> Item | None:
        flat = command(text)
        for item in act.items:
            if flat in {command(item.short), command(_item_label(item))}:
                return item
        number = _number_in(text)
        if number is not None:
            return act.item(number)
        found = understand(plan, text, within=act.code).item
        return act.item(found) if found else None

    # ----- confirming ------------------------------------------------------------------------
    def confirm(self, req: Request, ctx: Context, key: str) -> Reply:
        data = self.flow.data(ctx)
        if self.flow.step(ctx) != "confirm" or not key or data.get("key") != key:
            if store.by_confirm_key(ctx.session, req.user_id, key) is not None:
                return Reply.text("บันทึกไว้แล้วค่ะ 😊 รายการนี้อยู่ในระบบแล้ว ไม่ได้บันทึกซ้ำนะคะ", [ask("กิจกรรมของฉัน")])
            return self._stale(ctx)
        self.flow.end(ctx, req.user_id)
        if not ctx.is_registered:
            return need_registration(ctx)
        plan = store.plan_for(ctx.session, data.get("plan") or 0)
        act = plan.activity(data.get("act") or "") if plan else None
        item = act.item(int(data.get("item") or 0)) if act else None
        if act is None or item is None or not data.get("day"):
            return self._stale(ctx)
        day = date.fromisoformat(data["day"])
        problem = day_problem(day, store.bangkok_today(ctx.now), plan.fiscal_year if plan else None)
        if problem:
            return Reply.text(f"ยังไม่ได้บันทึกค่ะ: {problem}", [ask("บันทึกกิจกรรม")])
        user = ctx.user
        outcome = store.record(ctx.session, store.NewRecord(
            user_key=req.user_id, activity_code=act.code, item_no=item.number, day=day,
            unit=user.unit if user else "", note=data.get("note", ""), source=data.get("src", "tap"),
            confirm_key=key), ctx.now)
        what = f"{act.short} · {_item_label(item)} วันที่ {store.thai_date(day)}"
        if outcome == "exists":
            return Reply.text(f"บันทึกไว้แล้วค่ะ 😊 {what} มีอยู่ในระบบแล้ว ไม่ได้บันทึกซ้ำนะคะ", [ask("กิจกรรมของฉัน")])
        fy = store.fiscal_year_of(day)
        count = len(store.records_of(ctx.session, req.user_id, fy))
        note = f"\nหมายเหตุ: {data['note']}" if data.get("note") else ""
        return Reply.text(f"บันทึกเรียบร้อยค่ะ ✅\n{act.name}\n{_item_label(item)}\nวันที่ {store.thai_date(day)}{note}\n"
                          f"ปีงบประมาณ {fy} คุณบันทึกแล้ว {count} รายการ ขอบคุณที่ร่วมกิจกรรมนะคะ 🙏",
                          [ask("บันทึกกิจกรรม"), ask("กิจกรรมของฉัน")])

    # ----- a person's own records ----------------------------------------------------------------
    def _describe(self, ctx: Context, rec: Participation) -> str:
        plan = store.plan_for(ctx.session, rec.fiscal_year)
        act = plan.activity(rec.activity_code) if plan else None
        item = act.item(rec.item_no) if act else None
        what = f"{act.short if act else rec.activity_code} · {_item_label(item) if item else rec.item_no}"
        return f"{store.thai_date(rec.day)} {what}" + (f" ({rec.note})" if rec.note else "")

    def mine(self, req: Request, ctx: Context) -> Reply:
        records = store.records_of(ctx.session, req.user_id)
        if not records:
            if not ctx.is_registered:
                return need_registration(ctx)
            return Reply.text("ยังไม่มีรายการที่บันทึกไว้ค่ะ พิมพ์ “บันทึกกิจกรรม” หรือเล่า เช่น "
                              "“เมื่อวานเข้าอบรม No Gift Policy”", [ask("บันทึกกิจกรรม")])
        fy = store.fiscal_year_of(store.bangkok_today(ctx.now))
        this_year = sum(1 for r in records if r.fiscal_year == fy)
        lines = [f"กิจกรรมของคุณ: ปีงบประมาณ {fy} {this_year} รายการ (ทั้งหมด {len(records)} รายการ) ล่าสุดก่อน"]
        lines += [f"{i}. {self._describe(ctx, r)}" for i, r in enumerate(records[:MINE_LINES], start=1)]
        if len(records) > MINE_LINES:
            lines.append(f"…และอีก {len(records) - MINE_LINES} รายการ")
        choices = [ask("บันทึกกิจกรรม")]
        latest = store.latest_of(ctx.session, req.user_id)
        if latest is not None and ctx.now - latest.recorded_at <= store.WITHDRAW_WINDOW:
            choices.append(ask("ลบรายการล่าสุด"))
        return Reply.text("\n".join(lines), choices)

    def withdraw(self, req: Request, ctx: Context) -> Reply:
        latest = store.latest_of(ctx.session, req.user_id)
        if latest is None:
            return Reply.text("ยังไม่มีรายการให้ลบค่ะ", [ask("บันทึกกิจกรรม")])
        what = self._describe(ctx, latest)
        if ctx.now - latest.recorded_at > store.WITHDRAW_WINDOW:
            logged = latest.recorded_at.astimezone(store.BANGKOK)
            return Reply.text(f"รายการล่าสุด ({what}) บันทึกไว้เมื่อ {store.thai_date(logged.date())} "
                              f"{logged:%H:%M} น. เกิน 24 ชั่วโมงแล้ว จึงลบเองไม่ได้ค่ะ หากบันทึกผิด "
                              "กรุณาแจ้งผู้ดูแลระบบนะคะ", [ask("กิจกรรมของฉัน")])
        key = secrets.token_hex(8)
        self.flow.go(ctx, req.user_id, "withdraw", {"key": key, "record": latest.id})
        return Reply.text(f"ต้องการลบรายการล่าสุดนี้ใช่ไหมคะ\n{what}",
                          [tap("ยืนยันลบ", f"act:withdraw|{key}", "ยืนยันลบรายการล่าสุด"), tap("ยกเลิก", "act:cancel")])

    def withdraw_confirmed(self, req: Request, ctx: Context, key: str) -> Reply:
        data = self.flow.data(ctx)
        if self.flow.step(ctx) != "withdraw" or data.get("key") != key:
            return Reply.text("ไม่มีคำขอลบที่รออยู่ค่ะ (อาจลบไปแล้ว ยกเลิก หรือเกิน 10 นาที) "
                              "พิมพ์ “กิจกรรมของฉัน” เพื่อตรวจสอบนะคะ", [ask("กิจกรรมของฉัน")])
        self.flow.end(ctx, req.user_id)
        rec = ctx.session.get(Participation, int(data.get("record") or 0))
        what = self._describe(ctx, rec) if rec is not None else ""
        outcome = store.withdraw(ctx.session, int(data.get("record") or 0), req.user_id, ctx.now)
        if outcome == "late":
            return Reply.text("ลบไม่ได้แล้วค่ะ รายการนี้บันทึกไว้เกิน 24 ชั่วโมง กรุณาแจ้งผู้ดูแลระบบนะคะ")
        if outcome == "gone":
            return Reply.text("รายการนี้ถูกลบไปแล้วค่ะ", [ask("กิจกรรมของฉัน")])
        return Reply.text(f"ลบรายการแล้วค่ะ 🗑️\n{what}", [ask("บันทึกกิจกรรม"), ask("กิจกรรมของฉัน")])

    # ----- PDPA ------------------------------------------------------------------------------
    def forget(self, req: Request, ctx: Context) -> Reply:
        records = store.records_of(ctx.session, req.user_id)
        drafts = adr_store.count_of(ctx.session, req.user_id)
        if ctx.user is None and not records and not drafts:
            return Reply.text("ไม่มีข้อมูลส่วนบุคคลของคุณในระบบค่ะ")
        key = secrets.token_hex(8)
        self.flow.go(ctx, req.user_id, "forget", {"key": key})
        return Reply.text(
            "ต้องการลบข้อมูลส่วนบุคคลของคุณใช่ไหมคะ\n"
            "• ที่จะลบถาวร: ชื่อ-นามสกุล ชื่อใน LINE รหัสผู้ใช้ LINE การลงทะเบียน และหมายเหตุทุกรายการ\n"
            + (f"• ร่างคำตอบ PMQA ที่บันทึกไว้ {drafts} ร่าง จะลบถาวร\n" if drafts else "") +
            f"• การเข้าร่วมกิจกรรม {len(records)} รายการ จะยังนับในสถิติของสำนักงานแบบไม่ระบุตัวตน\n"
            "หลังลบ หากต้องการใช้งานต้องลงทะเบียนใหม่ค่ะ",
            [tap("ยืนยันลบข้อมูล", f"act:forget|{key}", "ยืนยันลบข้อมูลของฉัน"), tap("ยกเลิก", "act:cancel")])

    def forget_confirmed(self, req: Request, ctx: Context, key: str) -> Reply:
        if self.flow.step(ctx) != "forget" or self.flow.data(ctx).get("key") != key:
            return Reply.text("ไม่มีคำขอลบข้อมูลที่รออยู่ค่ะ (อาจลบไปแล้ว ยกเลิก หรือเกิน 10 นาที) "
                              "หากต้องการลบ พิมพ์ “ลบข้อมูลของฉัน” อีกครั้งนะคะ")
        count = store.forget_person(ctx.session, req.user_id)
        ctx.forgotten.append(req.user_id)
        ctx.conversation, ctx.user = None, None
        return Reply.text(f"ลบข้อมูลส่วนบุคคลของคุณเรียบร้อยแล้วค่ะ การเข้าร่วมกิจกรรม {count} รายการ "
                          "ยังนับในสถิติแบบไม่ระบุตัวตน ขอบคุณที่ใช้บริการนะคะ 🙏")

    # ----- the round's summary ---------------------------------------------------------------
    def report(self, req: Request, ctx: Context) -> Reply:
        if not ctx.is_registered:
            return need_registration(ctx)
        if ctx.role not in MANAGER_ROLES:
            return Reply.text("ขออภัยค่ะ สรุปกิจกรรมของสำนักงานดูได้เฉพาะผู้บริหาร (manager) และผู้ดูแลระบบ "
                              "ดูรายการของตัวเองได้ที่ “กิจกรรมของฉัน” นะคะ", [ask("กิจกรรมของฉัน")])
        today = store.bangkok_today(ctx.now)
        period, problem = self._period(req.text, today)
        if period is None:
            return Reply.text(problem, [ask("สรุปกิจกรรม")])
        until = min(today, period.end)
        summary = store.summarize(ctx.session, period, until=until)
        plan = store.plan_for(ctx.session, period.fiscal_year)
        by_code = {c.key: c for c in summary.per_activity}
        act_rows = []
        for act in plan.activities if plan else ():
            c = by_code.pop(act.code, None)
            act_rows.append(CardRow(act.short, f"{c.records} ครั้ง · {c.people} คน" if c else "0"))
        act_rows += [CardRow(c.key, f"{c.records} ครั้ง · {c.people} คน") for c in by_code.values()]
        by_unit = {c.key: c for c in summary.per_unit}
        unit_rows = []
        for unit in ctx.settings.units:
            c = by_unit.pop(unit, None)
            unit_rows.append(CardRow(unit, f"{c.records} ครั้ง · {c.people} คน" if c else "0"))
        unit_rows += [CardRow(c.key or "ไม่ระบุ", f"{c.records} ครั้ง · {c.people} คน") for c in by_unit.values()]
        share = summary.share
        share_text = f"{share:.1f}%" if share is not None else "-"
        headline = (f"บุคลากรที่ลงทะเบียนเข้าร่วมแล้ว {summary.participants} จาก {summary.active_staff} คน "
                    f"({share_text}) · บันทึกทั้งหมด {summary.records} ครั้ง")
        covers = f"{period.label()} · ข้อมูลถึง {store.thai_date(until)}"
        card = Card(
            title="สรุปการเข้าร่วมกิจกรรมส่งเสริมคุณธรรม", subtitle=covers,
            alt_text=f"สรุปกิจกรรม {covers}: {headline}"[:400],
            sections=(
                CardSection(title="การมีส่วนร่วม", rows=(CardRow("บุคลากรที่ลงทะเบียน", share_text, bar=share or 0.0),)),
                CardSection(title="ตามกิจกรรม", rows=tuple(act_rows)),
                CardSection(title="ตามหน่วยงาน", rows=tuple(unit_rows)),
            ),
            footer="นับจากวันที่เข้าร่วมกิจกรรม · “คน” นับคนละครั้งต่อกลุ่ม · ส่งออกทั้งหมด: flask --app bot activities export",
        )
        text = f"สรุปการเข้าร่วมกิจกรรมส่งเสริมคุณธรรม\n{covers}\n{headline}"
        other = 12 if period.months == 6 else 6
        return Reply(messages=(Text(text), card),
                     choices=(ask(f"รอบ {other} เดือน", f"สรุปกิจกรรม {period.fiscal_year} รอบ {other} เดือน"),))

    @staticmethod
    def _period(text: str, today: date) -> tuple[store.Period | None, str]:
        """The current round, or "สรุปกิจกรรม 2567 รอบ 6 เดือน" (year and round both optional)."""
        clean = normalize(prepare(text))
        current = store.current_period(today)
        year_match = re.search(r"(?<!\d)(\d{4})(?!\d)", clean)
        fy = int(year_match.group(1)) if year_match else current.fiscal_year
        if fy < 2400:
            fy += store.BE_OFFSET
        round_match = re.search(r"(?:รอบ\s*)?(?<!\d)(6|12)\s*(?:เดือน)", clean) or re.search(r"รอบ\s*(6|12)", clean)
        months = int(round_match.group(1)) if round_match else (current.months if fy == current.fiscal_year else 12)
        if fy > current.fiscal_year:
            return None, f"ยังไม่ถึงปีงบประมาณ {fy} ค่ะ ปีปัจจุบันคือ {current.fiscal_year}"
        start = store.fiscal_start(fy)
        end = date(fy - store.BE_OFFSET, 3, 31) if months == 6 else store.fiscal_end(fy)
        return store.Period(fy, months, start, end), ""


@text_cache()
def _command_name(text: str) -> str:
    """Which of this handler's commands a message is ("" for none); asked of every message."""
    flat = command(text)
    if not flat:
        return ""
    for name, words in (("start", START_WORDS), ("mine", MINE_WORDS), ("withdraw", WITHDRAW_WORDS),
                        ("forget", FORGET_WORDS)):
        if flat in folded_words(words):
            return name
    if any(flat.startswith(w) for w in folded_words(REPORT_WORDS)):
        return "report"
    return ""
