"""Answers from the knowledge base, and an honest "not sure" with the closest topics."""

from __future__ import annotations

from core.dispatch import Context
from core.messages import Card, CardSection, Choice, Message, Reply, Request, Text
from db.models import Unanswered
from handlers.common import ask, short_label, tap
from handlers.handoff import FORWARD_CHOICE
from knowledge.schema import LEVEL_NAMES, Entry
from knowledge.search import LEVEL_TITLES, KnowledgeBase, level_text

NOT_SURE = (
    "ขออภัยค่ะ ไม่แน่ใจว่าเข้าใจคำถามนี้ถูกต้อง และไม่พบคำตอบในเอกสารที่บอทมี "
    "(สารประชาสัมพันธ์การพัฒนาระบบบริหาร สสช. ฉบับที่ 2/2567)"
)
MAX_CANDIDATES = 3
#: Below this a candidate is too weak to be offered even as a suggestion.
MIN_SUGGESTION = 0.12


def entry_choice(entry: Entry) -> Choice:
    # A numbered reference ("ประเด็น 3.1", "C4") is the clearest short label; otherwise the title.
    ref = next((r for r in entry.refs if len(r) <= 20 and any(ch.isdigit() for ch in r)), "")
    label = ref or entry.title
    return tap(short_label(label), f"kb:{entry.id}", entry.title)


def levels_card(entry: Entry) -> Card:
    sections = tuple(CardSection(title=LEVEL_TITLES[name], body=entry.levels[name]) for name in LEVEL_NAMES)
    alt = f"{entry.title} — " + " / ".join(f"{n.capitalize()}: {entry.levels[n]}" for n in LEVEL_NAMES)
    return Card(title=entry.title, alt_text=alt[:400], subtitle="ระดับการพัฒนา 3 ระดับ", sections=sections)


def answer_entry(entry: Entry, kb: KnowledgeBase, level: str = "") -> Reply:
    messages: list[Message] = []
    focus = level_text(entry, level)
    body = f"{entry.title}\n\n{focus}" if focus else f"{entry.title}\n\n{entry.answer}"
    messages.append(Text(f"{body}\n\n📄 ที่มา: {entry.source}"))
    if entry.levels:
        messages.append(levels_card(entry))
    choices = [entry_choice(kb.by_id[r]) for r in entry.related if r in kb.by_id]
    return Reply(messages=tuple(messages), choices=tuple(choices[:13]))


class KnowledgeHandler:
    name = "pmqa"

    @staticmethod
    def _indicator(entry: Entry, ctx: Context) -> Reply | None:
        """An indicator found by a free question: show its live card (results for registered staff)."""
        from db import kpi_store
        from handlers.kpi import KpiHandler

        view = kpi_store.round_view(ctx.session)
        indicator = view.catalogue.indicator(int(entry.id.split("-")[1])) if view else None
        return KpiHandler().detail(ctx, view, indicator) if view and indicator else None

    def check(self, req: Request, ctx: Context) -> bool:
        return (req.kind == "text" and bool(req.text.strip())) or req.data.startswith("kb:")

    def handle(self, req: Request, ctx: Context) -> Reply:
        kb: KnowledgeBase = ctx.services.kb
        if req.data.startswith("kb:"):
            entry = kb.by_id.get(req.data[3:])
            if entry is None:
                return Reply.text("ขออภัยค่ะ ไม่พบหัวข้อนี้แล้ว (เนื้อหาอาจถูกปรับปรุง) ลองพิมพ์คำถามใหม่นะคะ")
            if entry.id.startswith("kpi-") and entry.id != "kpi-overview":
                return self._indicator(entry, ctx) or answer_entry(entry, kb)
            return answer_entry(entry, kb)
        found = kb.find(req.text, ctx.settings.answer_threshold)
        if found.entry is not None and found.entry.id.startswith("kpi-") and found.entry.id != "kpi-overview":
            return self._indicator(found.entry, ctx) or answer_entry(found.entry, kb)
        if found.entry is not None:
            return answer_entry(found.entry, kb, found.level)
        suggestions = [h for h in found.candidates if h.confidence >= MIN_SUGGESTION][:MAX_CANDIDATES]
        ctx.session.add(
            Unanswered(
                line_user_id=req.user_id,
                text=req.text[:2000],
                normalized=found.prepared[:2000],
                candidates=[
                    {"id": h.entry.id, "title": h.entry.title, "score": round(h.score, 3),
                     "confidence": round(h.confidence, 3)}
                    for h in found.candidates[:MAX_CANDIDATES]
                ],
                asked_at=ctx.now,
            )
        )
        text = NOT_SURE
        if suggestions:
            text += "\nหัวข้อที่ใกล้เคียง: " + ", ".join(h.entry.title for h in suggestions)
            text += "\nแตะหัวข้อด้านล่าง หรือพิมพ์ “เมนู” เพื่อดูสิ่งที่บอทช่วยได้ค่ะ"
        else:
            text += "\nลองถามเรื่อง PMQA 4.0, KPI หรือกิจกรรมคุณธรรม หรือพิมพ์ “เมนู” ค่ะ"
        from handlers.activity_language import reports_participation
        from handlers.help import MENU_CHOICES

        choices = [entry_choice(h.entry) for h in suggestions] or list(MENU_CHOICES[:4])
        choices.append(FORWARD_CHOICE)  # a person answers what the bot cannot (handlers/handoff.py)
        if reports_participation(req.text):
            # "เข้าร่วมกิจกรรมเมื่อวาน" names no activity the bot knows: offer to log it step by step.
            text += "\nถ้าต้องการบันทึกการเข้าร่วมกิจกรรม แตะ “บันทึกกิจกรรม” ได้เลยค่ะ"
            choices = [ask("บันทึกกิจกรรม"), *choices][:13]
        return Reply.text(text, choices, handler="pmqa-unsure")
