"""The ADR draft checker in chat: a person picks a ประเด็น, pastes a draft answer (in one message or several:
LINE cuts at 5,000 characters), says "ตรวจเลย", and reads what the draft lacks before the committee does.

The analysis is ``adr`` (pure); this handler only collects the draft in the ``conversations`` row, shows the
report, and keeps a draft only when the person asks ("บันทึกร่าง"). "ยกเลิก" works at every step and the flow
expires like the others (the draft goes with it).
"""

from __future__ import annotations

import re
import secrets

from adr import check, count_chars, join_parts, praden_of
from adr.render import report_card, report_text
from adr.rules import Rules, load_rules, rules_path
from core.dispatch import Context
from core.features import HelpEntry, MenuEntry
from core.messages import Choice, Reply, Request, Text
from db import adr_store
from db.activity_store import bangkok_today, thai_date
from handlers.access import only, personal
from handlers.common import ask, command, folded_words, is_command, private_chat, tap
from handlers.flow import Flow, is_cancel, looks_like_question
from handlers.help import HELP_WORDS
from thai import normalize

START_WORDS = ("ตรวจคำตอบ ADR", "ตรวจร่างคำตอบ", "ตรวจร่างคำตอบ ADR", "ตรวจคำตอบ", "ตรวจ ADR", "ตรวจร่าง ADR",
               "ตรวจร่าง", "เช็คคำตอบ ADR", "เช็กคำตอบ ADR", "ตรวจคำตอบ PMQA")
DONE_WORDS = ("ตรวจเลย", "เสร็จ", "เสร็จแล้ว", "ครบแล้ว", "ส่งครบแล้ว", "ตรวจ", "ตรวจได้เลย", "จบ", "done")
SAVE_WORDS = ("บันทึกร่าง", "เก็บร่าง", "บันทึกร่างนี้", "เก็บร่างนี้")
AGAIN_WORDS = ("ตรวจร่างใหม่", "ส่งร่างใหม่", "แก้ร่าง")
MINE_WORDS = ("ร่างของฉัน", "ร่างคำตอบของฉัน", "ร่างที่บันทึกไว้", "ร่างของผม", "ร่างของหนู")
_NUMBERED = re.compile(r"^(ดู|ลบ|ตรวจ)ร่าง(?:ที่)?(\d{1,2})$")
_PRADEN = re.compile(r"^(?:ประเด็น(?:ที่)?)?(\d)\.(\d)$")
_HMUAD = re.compile(r"^(?:หมวด(?:ที่)?)?([1-7])$")
#: A message this long in the ประเด็น step is a draft sent early, kept until the ประเด็น is known.
DRAFT_LIKE = 80
LIST_PREVIEW = 45
PRADEN_PER_HMUAD = {1: 4, 2: 4, 3: 4, 4: 4, 5: 4, 6: 4, 7: 6}


def _rules(ctx: Context) -> Rules:
    return load_rules(rules_path(ctx.settings.knowledge_dir))


def _start_rest(text: str) -> tuple[bool, str, str]:
    """Whether a message starts the checker, what follows the command on its first line (a ประเด็น), and the
    lines after it (a draft)."""
    first, _, rest = text.strip().partition("\n")
    flat = command(first)
    for word in sorted(folded_words(START_WORDS), key=len, reverse=True):
        if flat.startswith(word):
            return True, flat[len(word):], rest.strip()
    return False, "", ""


def _praden_code(flat: str) -> str:
    """"3.4" from "ประเด็น3.4" / "3.4" (the message folded, no spaces), or ""."""
    m = _PRADEN.match(flat.replace("ประเด็นที่", "ประเด็น"))
    return f"{m.group(1)}.{m.group(2)}" if m else ""


class AdrHandler:
    name = "adr"
    flow = Flow("adr", "การตรวจร่างคำตอบ")

    #: Kept drafts are a person's own: listed, shown, checked or deleted only in a one-on-one chat.
    access = {"drafts": only(personal("ร่างของแต่ละคน กรุณาดูในแชตส่วนตัวกับบอทนะคะ"))}
    help = (HelpEntry(4, "ตรวจร่างคำตอบ PMQA ก่อนส่งคณะทำงาน (ADR ครบไหม เกิน 3,000 อักขระไหม ปีถูกไหม) — "
                         "พิมพ์ “ตรวจคำตอบ ADR” หรือ “ตรวจคำตอบ ADR ประเด็น 3.4” แล้วขึ้นบรรทัดใหม่วางร่าง · "
                         "ร่างที่บันทึกไว้: “ร่างของฉัน”"),)
    menu = (MenuEntry(6, ask("ตรวจร่างคำตอบ ADR", "ตรวจคำตอบ ADR")),)
    erases = (adr_store.erase_drafts,)

    def command_of(self, req: Request, ctx: Context) -> str:
        if req.kind != "text":
            return ""
        return "drafts" if self._own_command(req.text) else ""

    # ----- routing ---------------------------------------------------------------------------
    def interrupts(self, req: Request, ctx: Context) -> bool:
        """"ตรวจคำตอบ ADR" starts the checker even in the middle of another flow."""
        return req.kind == "text" and bool(req.text.strip()) and bool(_start_rest(req.text)[0])

    def check(self, req: Request, ctx: Context) -> bool:
        if req.kind == "postback":
            return req.data.startswith("adr:")
        if req.kind != "text" or not req.text.strip():
            return False
        if _start_rest(req.text)[0] or self._own_command(req.text):
            return True
        step = self.flow.step(ctx)
        if step:
            if is_cancel(req):
                return True
            if step == "draft":  # everything is the draft (it may ask questions) except the help menu
                return not is_command(req.text, *HELP_WORDS)
            if step == "praden":
                flat = command(req.text)
                return (bool(_praden_code(flat) or _HMUAD.match(flat)) or len(req.text) >= DRAFT_LIKE
                        or not looks_like_question(req.text))
            # After a report: keep it, start again, or paste the revised draft straight away.
            return step == "checked" and (is_command(req.text, *SAVE_WORDS, *AGAIN_WORDS)
                                          or len(req.text) >= DRAFT_LIKE)
        if self.flow.expired(ctx):
            return is_command(req.text, *DONE_WORDS, *SAVE_WORDS, *AGAIN_WORDS) or len(req.text) >= DRAFT_LIKE
        return is_command(req.text, *SAVE_WORDS)  # told there is no checked draft to keep

    @staticmethod
    def _own_command(text: str) -> bool:
        flat = command(text)
        return flat in folded_words(MINE_WORDS) or bool(_NUMBERED.match(flat))

    # ----- handling --------------------------------------------------------------------------
    def handle(self, req: Request, ctx: Context) -> Reply:
        if req.kind == "postback":
            return self._postback(req, ctx)
        flat = command(req.text)
        numbered = _NUMBERED.match(flat)
        if numbered:  # before the start words: "ตรวจร่าง 1" is a kept draft, not ประเด็น 1
            return self.numbered(req, ctx, numbered.group(1), int(numbered.group(2)))
        if flat in folded_words(MINE_WORDS):
            return self.mine(req, ctx)
        step = self.flow.step(ctx)
        started, head, draft = _start_rest(req.text)
        if started and not (step == "checked" and is_command(req.text, *AGAIN_WORDS)):  # "ตรวจร่างใหม่"
            return self.start(req, ctx, head, draft)
        if is_cancel(req):
            self.flow.end(ctx, req.user_id)
            return Reply.text("ยกเลิกการตรวจร่างแล้วค่ะ ร่างที่ส่งมาไม่ได้เก็บไว้", [ask("ตรวจคำตอบ ADR")])
        if req.chat_type != "user" and is_command(req.text, *SAVE_WORDS):
            return self.save(req, ctx)  # drafts are kept only in a one-on-one chat: say so
        if not step:
            if self.flow.expired(ctx):
                return Reply.text(self.flow.expired_note() + " พิมพ์ “ตรวจคำตอบ ADR” เพื่อเริ่มใหม่ค่ะ",
                                  [ask("ตรวจคำตอบ ADR")])
            return Reply.text("ยังไม่มีร่างที่ตรวจไว้ค่ะ (อาจยกเลิกหรือเกิน 10 นาทีแล้ว) "
                              "พิมพ์ “ตรวจคำตอบ ADR” แล้วส่งร่างมาได้เลย", [ask("ตรวจคำตอบ ADR")])
        if step == "praden":
            return self._praden_step(req, ctx)
        if step == "draft":
            return self._draft_step(req, ctx)
        if is_command(req.text, *SAVE_WORDS):
            return self.save(req, ctx)
        code = self.flow.data(ctx).get("praden", "")
        if not is_command(req.text, *AGAIN_WORDS):  # a revised draft, pasted after the report
            self.flow.go(ctx, req.user_id, "draft", {"praden": code, "parts": []})
            return self._draft_step(req, ctx)
        self.flow.go(ctx, req.user_id, "draft", {"praden": code, "parts": []})
        return self._ask_draft(ctx, code, "ส่งร่างใหม่มาได้เลยค่ะ")

    # ----- the steps -------------------------------------------------------------------------
    def start(self, req: Request, ctx: Context, head: str, draft: str) -> Reply:
        code = _praden_code(head)
        parts = [draft] if draft else []
        if code and praden_of(ctx.services.kb, code) is not None:
            if parts:
                return self._report(req, ctx, code, parts)
            self.flow.go(ctx, req.user_id, "draft", {"praden": code, "parts": []})
            return self._ask_draft(ctx, code, "")
        note = f"ขออภัยค่ะ ไม่พบประเด็น {head} " if head and (code or head[:1].isdigit()) else ""
        self.flow.go(ctx, req.user_id, "praden", {"parts": parts})
        intro = ("ตรวจร่างคำตอบ PMQA ตามหลัก ADR (Approach, Deployment, Result) จำนวนอักขระ (ไม่เกิน 3,000) "
                 "และปีที่ประเมินค่ะ 📝\n") if not note else note
        got = f"ได้รับร่างแล้ว ({len(draft):,} ตัวอักษร) " if parts else ""
        return self._ask_hmuad(intro + got + "ร่างนี้เป็นคำตอบของประเด็นไหนคะ เลือกหมวดจากปุ่ม หรือพิมพ์ เช่น 3.4")

    def _ask_hmuad(self, text: str) -> Reply:
        choices = [tap(f"หมวด {n}", f"adr:hmuad|{n}", f"หมวด {n}") for n in range(1, 8)]
        return Reply.text(text, [*choices, ask("ยกเลิก")])

    def _ask_praden(self, ctx: Context, hmuad: int, text: str = "") -> Reply:
        choices: list[Choice] = []
        titles: list[str] = []
        for n in range(1, PRADEN_PER_HMUAD.get(hmuad, 0) + 1):
            code = f"{hmuad}.{n}"
            praden = praden_of(ctx.services.kb, code)
            if praden is not None:
                short = praden.title.removeprefix(f"ประเด็น {code}").strip()
                choices.append(tap(f"{code} {short}", f"adr:praden|{code}", f"ประเด็น {code}"))
                titles.append(f"• {praden.title}")
        listed = "\n".join(titles)
        return Reply.text((text or f"หมวด {hmuad} มีประเด็นเหล่านี้ค่ะ เลือกจากปุ่ม หรือพิมพ์เลขประเด็น") + "\n"
                          + listed, [*choices, tap("เลือกหมวดอื่น", "adr:hmuads", "เลือกหมวดอื่น"), ask("ยกเลิก")])

    def _praden_step(self, req: Request, ctx: Context) -> Reply:
        data = self.flow.data(ctx)
        flat = command(req.text)
        code = _praden_code(flat)
        if code:
            return self._chosen(req, ctx, code, data.get("parts") or [])
        hmuad = _HMUAD.match(flat)
        if hmuad:
            self.flow.go(ctx, req.user_id, "praden", data)
            return self._ask_praden(ctx, int(hmuad.group(1)))
        if len(req.text) >= DRAFT_LIKE:
            parts = list(data.get("parts") or [])
            most = _rules(ctx).draft_max
            if sum(len(p) for p in parts) + len(req.text) > most:
                self.flow.go(ctx, req.user_id, "praden", data)
                return self._ask_hmuad(f"ขออภัยค่ะ ร่างยาวเกิน {most:,} ตัวอักษร จึงไม่ได้รับข้อความล่าสุด "
                                       "ร่างนี้เป็นคำตอบของประเด็นไหนคะ")
            self.flow.go(ctx, req.user_id, "praden", {"parts": [*parts, req.text]})
            return self._ask_hmuad("ได้รับร่างแล้วค่ะ ร่างนี้เป็นคำตอบของประเด็นไหนคะ เลือกหมวดจากปุ่ม หรือพิมพ์ เช่น 3.4")
        self.flow.go(ctx, req.user_id, "praden", data)
        return self._ask_hmuad(f"ขออภัยค่ะ ไม่เข้าใจ “{req.text.strip()[:30]}” กรุณาเลือกหมวดจากปุ่ม "
                               "หรือพิมพ์เลขประเด็น เช่น 3.4 (หรือ “ยกเลิก”)")

    def _chosen(self, req: Request, ctx: Context, code: str, parts: list[str]) -> Reply:
        if praden_of(ctx.services.kb, code) is None:
            self.flow.go(ctx, req.user_id, "praden", {"parts": parts})
            return self._ask_hmuad(f"ขออภัยค่ะ ไม่พบประเด็น {code} (หมวด 1–6 มีประเด็นละ 4 ข้อ หมวด 7 มี 7.1–7.6) "
                                   "กรุณาเลือกจากปุ่มค่ะ")
        if parts:
            return self._report(req, ctx, code, parts)
        self.flow.go(ctx, req.user_id, "draft", {"praden": code, "parts": []})
        return self._ask_draft(ctx, code, "")

    def _ask_draft(self, ctx: Context, code: str, lead: str) -> Reply:
        praden = praden_of(ctx.services.kb, code)
        title = praden.title if praden else f"ประเด็น {code}"
        text = (f"{lead + chr(10) if lead else ''}{title}\nวางร่างคำตอบได้เลยค่ะ ส่งได้หลายข้อความ "
                "(LINE ตัดข้อความที่ 5,000 ตัวอักษร) ส่งครบแล้วพิมพ์ “ตรวจเลย” ร่างจะไม่ถูกเก็บไว้ "
                "เว้นแต่สั่ง “บันทึกร่าง” หลังตรวจค่ะ")
        return Reply.text(text, [ask("ยกเลิก")])

    def _draft_step(self, req: Request, ctx: Context) -> Reply:
        data = self.flow.data(ctx)
        code, parts = data.get("praden", ""), list(data.get("parts") or [])
        if is_command(req.text, *DONE_WORDS):
            if not parts:
                self.flow.go(ctx, req.user_id, "draft", data)
                return Reply.text("ยังไม่ได้รับร่างคำตอบเลยค่ะ วางร่างแล้วพิมพ์ “ตรวจเลย” นะคะ", [ask("ยกเลิก")])
            return self._report(req, ctx, code, parts)
        rules = _rules(ctx)
        total = sum(len(p) for p in parts) + len(req.text)
        if total > rules.draft_max:
            self.flow.go(ctx, req.user_id, "draft", data)
            return Reply.text(f"ขออภัยค่ะ ร่างยาวเกิน {rules.draft_max:,} ตัวอักษร จึงไม่ได้รับข้อความล่าสุด "
                              f"(ร่างที่รับไว้ {len(parts)} ส่วน ยังอยู่) พิมพ์ “ตรวจเลย” เพื่อตรวจส่วนที่รับไว้ "
                              "หรือ “ยกเลิก”", [ask("ตรวจเลย"), ask("ยกเลิก")])
        parts.append(req.text)
        self.flow.go(ctx, req.user_id, "draft", {"praden": code, "parts": parts})
        chars = count_chars(join_parts(parts))
        return Reply.text(f"รับร่างส่วนที่ {len(parts)} แล้วค่ะ (รวม {chars:,} อักขระ) ส่งส่วนต่อไปได้เลย "
                          "หรือพิมพ์ “ตรวจเลย” เมื่อครบ", [ask("ตรวจเลย"), ask("ยกเลิก")])

    def _report(self, req: Request, ctx: Context, code: str, parts: list[str]) -> Reply:
        praden = praden_of(ctx.services.kb, code)
        if praden is None:  # the knowledge base changed under the flow
            self.flow.end(ctx, req.user_id)
            return Reply.text(f"ขออภัยค่ะ ไม่พบประเด็น {code} แล้ว กรุณาเริ่มใหม่ด้วย “ตรวจคำตอบ ADR”")
        report = check(parts, praden, _rules(ctx))
        self.flow.go(ctx, req.user_id, "checked", {"praden": code, "parts": parts})
        choices = [ask("บันทึกร่าง"), ask("ตรวจร่างใหม่"), ask("ยกเลิก")] if req.chat_type == "user" else []
        return Reply(messages=(report_card(report), Text(report_text(report))), choices=tuple(choices))

    # ----- kept drafts -----------------------------------------------------------------------
    def save(self, req: Request, ctx: Context) -> Reply:
        if req.chat_type != "user":
            return private_chat(ctx, "บันทึกร่างได้เฉพาะในแชตส่วนตัวกับบอทนะคะ")
        data = self.flow.data(ctx)
        text = join_parts(data.get("parts") or [])
        kept = adr_store.save(ctx.session, req.user_id, data.get("praden", ""), text, count_chars(text), ctx.now)
        if kept is None:
            return Reply.text(f"ขออภัยค่ะ เก็บร่างได้สูงสุด {adr_store.MAX_DRAFTS} ร่าง กรุณาลบร่างเก่าก่อน "
                              "(พิมพ์ “ร่างของฉัน” แล้ว “ลบร่าง 20”) ร่างนี้ยังอยู่ในแชต 10 นาทีค่ะ", [ask("ร่างของฉัน")])
        self.flow.end(ctx, req.user_id)
        return Reply.text(f"บันทึกร่างประเด็น {kept.praden} แล้วค่ะ ({kept.chars:,} อักขระ) ดูได้ที่ “ร่างของฉัน” "
                          "ร่างเป็นของคุณเท่านั้น และจะถูกลบเมื่อสั่ง “ลบข้อมูลของฉัน”", [ask("ร่างของฉัน")])

    def mine(self, req: Request, ctx: Context) -> Reply:
        drafts = adr_store.drafts_of(ctx.session, req.user_id)
        if not drafts:
            return Reply.text("ยังไม่มีร่างที่บันทึกไว้ค่ะ ตรวจร่างด้วย “ตรวจคำตอบ ADR” แล้วแตะ “บันทึกร่าง”",
                              [ask("ตรวจคำตอบ ADR")])
        lines = []
        for i, d in enumerate(drafts, start=1):
            preview = " ".join(d.text.split())
            preview = preview[:LIST_PREVIEW] + ("…" if len(preview) > LIST_PREVIEW else "")
            lines.append(f"{i}) ประเด็น {d.praden} · {d.chars:,} อักขระ · {thai_date(bangkok_today(d.saved_at))}\n"
                         f"   {preview}")
        text = (f"ร่างของคุณ {len(drafts)} ร่าง (ใหม่สุดก่อน)\n" + "\n".join(lines)
                + "\nพิมพ์ “ดูร่าง 1” เพื่อดูทั้งร่าง “ตรวจร่าง 1” เพื่อตรวจอีกครั้ง หรือ “ลบร่าง 1”")
        return Reply.text(text, [ask("ดูร่าง 1"), ask("ตรวจร่าง 1"), ask("ลบร่าง 1")])

    def numbered(self, req: Request, ctx: Context, verb: str, number: int) -> Reply:
        draft = adr_store.numbered(ctx.session, req.user_id, number)
        if draft is None:
            return Reply.text(f"ไม่พบร่างที่ {number} ค่ะ พิมพ์ “ร่างของฉัน” เพื่อดูรายการ", [ask("ร่างของฉัน")])
        what = f"ร่างที่ {number} ประเด็น {draft.praden} ({draft.chars:,} อักขระ)"
        if verb == "ดู":
            return Reply(messages=(Text(f"{what} ค่ะ คัดลอกไปแก้ได้เลย"), Text(draft.text)),
                         choices=(ask(f"ตรวจร่าง {number}"), ask("ร่างของฉัน")))
        if verb == "ตรวจ":
            return self._report(req, ctx, draft.praden, [draft.text])
        key = secrets.token_hex(6)
        self.flow.go(ctx, req.user_id, "delete", {"key": key, "draft": draft.id})
        return Reply.text(f"ต้องการลบ{what} ใช่ไหมคะ ลบแล้วกู้คืนไม่ได้",
                          [tap("ยืนยันลบร่าง", f"adr:del|{key}", f"ยืนยันลบร่างที่ {number}"), tap("ยกเลิก", "adr:cancel")])

    # ----- buttons ---------------------------------------------------------------------------
    def _postback(self, req: Request, ctx: Context) -> Reply:
        action, _, arg = req.data.removeprefix("adr:").partition("|")
        step = self.flow.step(ctx)
        if action == "cancel":
            self.flow.end(ctx, req.user_id)
            return Reply.text("ยกเลิกแล้วค่ะ", [ask("ร่างของฉัน")])
        if action == "del":
            data = self.flow.data(ctx)
            if step != "delete" or data.get("key") != arg:
                return Reply.text("ไม่มีคำขอลบร่างที่รออยู่ค่ะ (อาจลบไปแล้วหรือเกิน 10 นาที)", [ask("ร่างของฉัน")])
            self.flow.end(ctx, req.user_id)
            gone = adr_store.delete_one(ctx.session, req.user_id, int(data.get("draft") or 0))
            return Reply.text("ลบร่างแล้วค่ะ" if gone else "ร่างนี้ถูกลบไปแล้วค่ะ", [ask("ร่างของฉัน")])
        if step != "praden":
            return Reply.text("ปุ่มนี้ใช้ไม่ได้แล้วค่ะ (อาจยกเลิกหรือเกิน 10 นาที) พิมพ์ “ตรวจคำตอบ ADR” เพื่อเริ่มใหม่",
                              [ask("ตรวจคำตอบ ADR")])
        data = self.flow.data(ctx)
        if action == "hmuads":
            self.flow.go(ctx, req.user_id, "praden", data)
            return self._ask_hmuad("เลือกหมวดค่ะ")
        if action == "hmuad" and arg.isdigit() and int(arg) in PRADEN_PER_HMUAD:
            self.flow.go(ctx, req.user_id, "praden", data)
            return self._ask_praden(ctx, int(arg))
        if action == "praden":
            return self._chosen(req, ctx, normalize(arg)[:5], data.get("parts") or [])
        return Reply.text("ขออภัยค่ะ ปุ่มนี้ใช้ไม่ได้แล้ว")


__all__ = ["AdrHandler", "MINE_WORDS", "START_WORDS"]
