"""Answers from the knowledge base, and an honest "not sure" with the closest topics."""

from __future__ import annotations

import re
from dataclasses import replace

from core.dispatch import Context
from core.features import HelpEntry, MenuArea, MenuEntry
from core.messages import Card, CardSection, Choice, Message, Reply, Request, Text
from db import handoff_store
from db.models import Unanswered
from handlers.common import ask, short_label, tap
from handlers.handoff import FORWARD_CHOICE
from knowledge.answerability import ASKED_NAMES, names_person, without_asking
from knowledge.followup import Topic, topic_of
from knowledge.items import item_of
from knowledge.passages import Passage
from knowledge.query import query_tokens
from knowledge.references import LEVEL_TITLES, level_text
from knowledge.schema import LEVEL_NAMES, Entry
from knowledge.search import KnowledgeBase, Resolution

NOT_SURE = (
    "ขออภัยค่ะ ไม่แน่ใจว่าเข้าใจคำถามนี้ถูกต้อง และไม่พบคำตอบในเอกสารที่บอทมี "
    "(สารประชาสัมพันธ์การพัฒนาระบบบริหาร สสช. ฉบับที่ 2/2567)"
)
MAX_CANDIDATES = 3
#: A question is read from its first this many characters: a 5,000-character message (LINE's most) then
#: costs what a question costs to understand. Longer texts are drafts or pastes, not questions.
UNDERSTOOD_CHARS = 300


def understood_part(text: str) -> str:
    """The part of a message the bot reads as a question (cut at a space near ``UNDERSTOOD_CHARS``)."""
    if len(text) <= UNDERSTOOD_CHARS:
        return text
    cut = text[:UNDERSTOOD_CHARS]
    space = cut.rfind(" ", UNDERSTOOD_CHARS // 2)
    return cut[:space] if space > 0 else cut
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


def answer_entry(entry: Entry, kb: KnowledgeBase, level: str = "", lead: str = "") -> Reply:
    ref = entry.refs[0] if entry.refs else ""
    if level and not entry.levels and (m := re.fullmatch(r"หมวด ([1-7])", ref)):
        return answer_hmuad_level(entry, int(m.group(1)), level, kb)
    if level and not entry.levels and (m := re.fullmatch(r"ประเด็น ([1-7]\.[1-6])", ref)):
        # "ประเด็น 1.2 ระดับ advance": the source sets levels for some หมวด's ประเด็น only.
        lead = f"เอกสารไม่ได้ระบุ{LEVEL_TITLES[level]}ของประเด็น {m.group(1)} ค่ะ (ไม่พบในสารประชาสัมพันธ์ฯ) {levels_given(kb)}"
        return replace(answer_entry(entry, kb, lead=lead), handler="pmqa-unstated")
    messages: list[Message] = []
    focus = level_text(entry, level)
    body = f"{entry.title}\n\n{focus}" if focus else f"{entry.title}\n\n{entry.answer}"
    if lead:
        body = f"{lead}\n\n{body}"
    messages.append(Text(f"{body}\n\n📄 ที่มา: {entry.source}"))
    choices: list[Choice] = []
    if entry.levels and not focus:
        messages.append(levels_card(entry))
    elif entry.levels:
        # One level was asked for: answer that one, and offer the other two rather than repeat them.
        choices.append(tap("ดูทั้ง 3 ระดับ", f"kb:{entry.id}", entry.title))
    choices += [entry_choice(kb.by_id[r]) for r in entry.related if r in kb.by_id]
    return Reply(messages=tuple(messages), choices=tuple(choices[:13]), topic=entry.id)


def levels_given(kb: KnowledgeBase) -> str:
    """Which หมวด the source gives the three levels for, in words ("(… เฉพาะประเด็นของหมวด 3–6)")."""
    given = [h for h in range(1, 8) if kb.levels_of_hmuad(h)]
    if not given:
        return ""
    span = f"{given[0]}–{given[-1]}" if given == list(range(given[0], given[-1] + 1)) and len(given) > 1 else (
        ", ".join(map(str, given)))
    return f"(ระดับการพัฒนา 3 ระดับระบุไว้เฉพาะประเด็นของหมวด {span})"


def answer_hmuad_level(entry: Entry, hmuad: int, level: str, kb: KnowledgeBase) -> Reply:
    """"หมวด 5 ระดับ advance": the source sets the levels per ประเด็น, so the answer is that level of each of
    the หมวด's ประเด็น; for a หมวด whose ประเด็น have no levels in the source, it says so."""
    pradens = kb.levels_of_hmuad(hmuad)
    if not pradens:
        lead = f"เอกสารไม่ได้ระบุ{LEVEL_TITLES[level]}ของหมวด {hmuad} ค่ะ (ไม่พบในสารประชาสัมพันธ์ฯ) {levels_given(kb)}"
        reply = answer_entry(entry, kb, lead=lead)
        return replace(reply, handler="pmqa-unstated")
    lines = [f"{p.title}\n{p.levels[level]}" for p in pradens]
    text = f"{LEVEL_TITLES[level]} ของ{entry.title} (รายประเด็น)\n\n" + "\n\n".join(lines)
    text += f"\n\n📄 ที่มา: {pradens[0].source}"
    choices = [tap(short_label(f"{p.refs[0]} ทุกระดับ"), f"kb:{p.id}", p.title) for p in pradens]
    return Reply(messages=(Text(text[:4800]),), choices=tuple(choices), handler="pmqa", topic=entry.id)


def answer_passage(found: Resolution, kb: KnowledgeBase) -> Reply:
    """A fact quoted from the newsletter itself, with where it stands; the broader entry as a button."""
    passage: Passage = found.passage  # type: ignore[assignment]
    lines = [passage.text, *(p.text for p in found.passage_more)]
    quoted = "\n".join(f"• {line}" if i else line for i, line in enumerate(lines))
    where = f" ({passage.path})" if passage.path else ""
    text = f"จากสารประชาสัมพันธ์ฯ {passage.issue.label}{where}:\n\n{quoted}\n\n📄 ที่มา: {passage.citation()}"
    text = text.replace("**", "")  # the source's bold marks: LINE would show them as typed
    choices = [entry_choice(found.entry)] if found.entry is not None else []
    choices += [entry_choice(h.entry) for h in found.candidates[:3] if h.entry is not found.entry]
    # A question that named a หมวด, ประเด็น or clinic keeps that as its topic ("หมวด 2 มีกี่ประเด็น" → "ประเด็นแรกล่ะ").
    named = found.entry is not None and bool(found.entry.refs) and kb.resolve_ref(found.prepared)[0] is not None
    topic = found.entry.id if named and found.entry is not None else f"passage:{passage.id}"
    return Reply(messages=(Text(text[:4800]),), choices=tuple(choices[:4]), handler="pmqa-passage", topic=topic)


_LABELLED = re.compile(r"^\s*•\s*([A-Za-z][A-Za-z&\- ]{0,30}?)\s*[–:\-]\s*\S")


def labelled_item(entry: Entry, text: str) -> str:
    """"Strive คืออะไร" asked of a list of labelled items ("• Say – …", "• Stay – …", "• Strive – …"): that item
    alone, when the question is short and names exactly one label."""
    words = re.findall(r"[A-Za-z][A-Za-z&\-]*", text)  # "A คืออะไร" of ADR's "• A – Approach"
    if len(text) > 40 or len(words) != 1:
        return ""
    lines = [line.strip() for line in entry.answer.splitlines()]
    labelled = [(m.group(1).strip().casefold(), line) for line in lines if (m := _LABELLED.match(line))]
    hits = [line for label, line in labelled if label == words[0].casefold()]
    return hits[0] if len(labelled) >= 2 and len(hits) == 1 else ""


def bullet_asked(entry: Entry, text: str, markers: frozenset[str]) -> str:
    """"ค่าเป้าหมายมาตรฐานเท่าไหร่", "ขั้นต้นล่ะ": the one bullet of the entry's list that holds every word the
    short question adds to the entry's title, when exactly one does."""
    if len(text) > 40:
        return ""
    bullets = [line.strip() for line in entry.answer.splitlines() if line.strip().startswith("•")]
    if len(bullets) < 2:
        return ""
    title = set(query_tokens(entry.title))
    asked = {t for t in query_tokens(text) if t not in title and t.casefold() not in markers and not t.isdigit()}
    # "บริจาคเงินให้ที่ไหนบ้าง": the words that only ask ("ที่ไหนบ้าง") are in no bullet; what it is about is.
    about = {t for t in asked if not _ONLY_ASKS.fullmatch(t)}
    hits = [b for b in bullets if asked <= set(query_tokens(b))]
    if len(hits) == 1:
        return hits[0]
    if not about or about == asked:
        return ""
    hits = [b for b in bullets if about <= set(query_tokens(b))]
    return hits[0] if len(hits) == 1 else ""


#: Tokens that only ask for a value, and say nothing of which bullet holds it.
_ONLY_ASKS = re.compile(r"(?:ที่ไหน|ไหน|เมื่อไหร่|เมื่อไร|เท่าไหร่|เท่าไร|ใคร|อะไร|ยังไง|อย่างไร|บ้าง)+")


def bullet_followed(entry: Entry, topic: Topic | None, text: str, kb: KnowledgeBase) -> str:
    """"วันไหน", "ที่ไหน" after "บริจาคโลหิตด้วยใช่ไหม" was answered with the activity's blood donation: the same
    bullet, when only a kind of value is asked (a date, a place, a person), the bullet gives it, and the new
    question names nothing else ("จุดเน้นล่ะ", "กิจกรรมที่ 2 ล่ะ" ask about something other than the bullet)."""
    if topic is None or topic.key != entry.id or not topic.question:
        return ""
    asked, rest = without_asking(text)
    if not asked:
        return ""
    shown = bullet_asked(entry, topic.question, kb.followups.markers)
    if not shown:
        return ""
    title = set(query_tokens(entry.title))
    said = set(query_tokens(shown))
    new = [t for t in query_tokens(rest) if t not in title and t.casefold() not in kb.followups.markers
           and not _ONLY_ASKS.fullmatch(t)]
    if any(t not in said for t in new):
        return ""
    return shown if kb.says_asked(text, shown) else ""


def answer_item(entry: Entry, line: str, kb: KnowledgeBase) -> Reply:
    """One item of a list the person was just shown ("แนวทางแรกคืออะไร"), the whole entry a tap away."""
    text = f"{entry.title}\n\n{line}\n\n📄 ที่มา: {entry.source}"
    return Reply(messages=(Text(text),), choices=(tap("ดูทั้งหมด", f"kb:{entry.id}", entry.title),),
                 handler="pmqa", topic=entry.id)


def answer_unstated(found: Resolution, kb: KnowledgeBase) -> Reply:
    """The source does not say what was asked: say so, and offer what it does say."""
    offers: list[Entry] = []
    if found.entry is not None:
        offers.append(found.entry)
    offers += [h.entry for h in found.candidates if h.entry not in offers and h.confidence >= MIN_SUGGESTION]
    if found.unstated in (ASKED_NAMES["person"], ASKED_NAMES["who"]):
        # Another person's name beside "the source names no one" would read as the answer.
        offers = [e for e in offers if e is found.entry or not names_person(e.title)]
    text = (f"เอกสารไม่ได้ระบุ{found.unstated}ค่ะ (ไม่พบในสารประชาสัมพันธ์การพัฒนาระบบบริหาร สสช. "
            f"{kb.passages.passages[0].issue.label if kb.passages.passages else 'ฉบับที่ 2/2567'} ที่บอทใช้ตอบ)")
    if offers:
        text += "\nสิ่งที่เอกสารระบุไว้ใกล้เคียง: " + ", ".join(e.title for e in offers[:MAX_CANDIDATES])
    text += "\nหากต้องการข้อมูลนี้ ติดต่อกลุ่มพัฒนาระบบบริหาร โทร 0 2141 7290 - 94 ได้ค่ะ"
    # What was asked about stays the topic ("หมวด 2 มีกี่ประเด็น" unstated, then "ประเด็นแรกล่ะ").
    topic = found.entry.id if found.exact and found.entry is not None else ""
    return Reply(messages=(Text(text),), choices=tuple(entry_choice(e) for e in offers[:MAX_CANDIDATES]),
                 handler="pmqa-unstated", topic=topic)


class KnowledgeHandler:
    name = "pmqa"
    help = (HelpEntry(1, "ตอบคำถาม PMQA 4.0 — เช่น “หมวด 3 คืออะไร”, “ประเด็น 4.2 ระดับ advance”, “ADR คืออะไร”, "
                         "“คลินิกหมวด 2 วันไหน”"),)
    menu = (MenuEntry(1, ask("PMQA 4.0 คืออะไร")), MenuEntry(2, ask("7 หมวด PMQA", "PMQA มีกี่หมวด")),
            MenuEntry(3, ask("เขียนคำตอบแบบ ADR", "ADR คืออะไร")), MenuEntry(4, ask("ตารางคลินิก", "ตารางคลินิก PMQA")))
    rich_menu = (MenuArea(1, "PMQA 4.0", "PMQA 4.0", "PMQA 4.0 คืออะไร", "#1B5E20"),
                 MenuArea(5, "ตารางคลินิก", "CLINIC", "ตารางคลินิก PMQA", "#00695C"))
    #: The questions it could not answer are kept (for the content owners) with who asked.
    erases = (handoff_store.erase_questions,)

    @staticmethod
    def _indicator(entry: Entry, ctx: Context, text: str) -> Reply | None:
        """An indicator found by a free question: show its live card (results for registered staff), of the
        round the message names ("แล้วรอบ 12 เดือนล่ะ")."""
        from db import kpi_store
        from handlers.kpi import KpiHandler

        view = kpi_store.round_view(ctx.session)
        indicator = view.catalogue.indicator(int(entry.id.split("-")[1])) if view else None
        if view is None or indicator is None:
            return None
        return KpiHandler().detail(ctx, KpiHandler._asked_round(ctx, view, text), indicator)

    @staticmethod
    def _topic(req: Request, ctx: Context, kb: KnowledgeBase) -> Topic | None:
        """The person's last topic in this chat, for a follow-up ("แล้วระดับ advance ล่ะ")."""
        from db.topics import recall_with_question

        key, question = recall_with_question(ctx.session, req, ctx.now, kb.followups.memory_minutes, ctx.topics)
        if key.startswith("passage:"):
            index = int(key.split(":", 1)[1]) if key.split(":", 1)[1].isdigit() else -1
            if 0 <= index < len(kb.passages.passages):
                p = kb.passages.passages[index]
                return Topic(key, "passage", p.heading or p.section, words=kb.passages.words(index), question=question)
            return None
        entry = kb.by_id.get(key)
        if entry is None:
            return None
        return replace(topic_of(entry), words=kb.words_of(entry), question=question)

    @staticmethod
    def _keep_unanswered(req: Request, ctx: Context, found: Resolution) -> None:
        """Stored for the people who own the content to review."""
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

    def check(self, req: Request, ctx: Context) -> bool:
        return (req.kind == "text" and bool(req.text.strip())) or req.data.startswith("kb:")

    def handle(self, req: Request, ctx: Context) -> Reply:
        kb: KnowledgeBase = ctx.services.kb
        if req.data.startswith("kb:"):
            entry = kb.by_id.get(req.data[3:])
            if entry is None:
                return Reply.text("ขออภัยค่ะ ไม่พบหัวข้อนี้แล้ว (เนื้อหาอาจถูกปรับปรุง) ลองพิมพ์คำถามใหม่นะคะ")
            if entry.id.startswith("kpi-") and entry.id != "kpi-overview":
                return self._indicator(entry, ctx, req.text) or answer_entry(entry, kb)
            return answer_entry(entry, kb)
        topic = self._topic(req, ctx, kb)
        found = kb.find(understood_part(req.text), ctx.settings.answer_threshold, topic)
        if (found.followed and found.entry is not None and found.passage is None and not found.unstated
                and not found.item and (one := bullet_followed(found.entry, topic, req.text, kb))):
            # Still on the one bullet the last answer showed: its question stays what "แล้ว X ล่ะ" repeats.
            return replace(answer_item(found.entry, one, kb), topic_question=topic.question)  # type: ignore[union-attr]
        reply = self._answer(found, req, ctx, kb)
        if reply.handler == "pmqa-unstated" and found.followed and topic is not None:
            # Asked of the topic and not stated ("ใครเป็นประธาน" of a meeting): still talking about the topic.
            reply = replace(reply, topic=topic.key)
        # What was asked of the topic, as a question that stands alone: the next "แล้ว X ล่ะ" asks the same of X.
        return replace(reply, topic_question=found.followed or found.prepared) if reply.topic else reply

    def _answer(self, found: Resolution, req: Request, ctx: Context, kb: KnowledgeBase) -> Reply:
        indicator = (found.entry is not None and found.passage is None and found.entry.id.startswith("kpi-")
                     and found.entry.id != "kpi-overview")
        if indicator and found.unstated and (card := self._indicator(found.entry, ctx, req.text)):  # type: ignore[arg-type]
            return card  # results and rounds live in the KPI data, not in the entry's text
        if found.unstated:
            self._keep_unanswered(req, ctx, found)
            return answer_unstated(found, kb)
        if found.item and found.entry is not None and (
                one := item_of(found.entry, found.item, found.ordinal_from or req.text)):
            return answer_item(found.entry, one, kb)
        if found.entry is not None and found.passage is None and not found.entry.levels and (
                one := labelled_item(found.entry, req.text) or bullet_asked(found.entry, req.text,
                                                                             kb.followups.markers)):
            return answer_item(found.entry, one, kb)
        if found.passage is not None:
            return answer_passage(found, kb)
        if found.entry is not None and found.entry.id.startswith("kpi-") and found.entry.id != "kpi-overview":
            return self._indicator(found.entry, ctx, req.text) or answer_entry(found.entry, kb)
        if found.entry is not None:
            return answer_entry(found.entry, kb, found.level, lead=found.correction)
        suggestions = [h for h in found.candidates if h.confidence >= MIN_SUGGESTION][:MAX_CANDIDATES]
        self._keep_unanswered(req, ctx, found)
        text = NOT_SURE
        if suggestions:
            text += "\nหัวข้อที่ใกล้เคียง: " + ", ".join(h.entry.title for h in suggestions)
            text += "\nแตะหัวข้อด้านล่าง หรือพิมพ์ “เมนู” เพื่อดูสิ่งที่บอทช่วยได้ค่ะ"
        else:
            text += "\nลองถามเรื่อง PMQA 4.0, KPI หรือกิจกรรมคุณธรรม หรือพิมพ์ “เมนู” ค่ะ"
        from handlers.activities.language import reports_participation

        choices = [entry_choice(h.entry) for h in suggestions] or list(ctx.features.menu[:4])
        choices.append(FORWARD_CHOICE)  # a person answers what the bot cannot (handlers/handoff.py)
        if reports_participation(req.text):
            # "เข้าร่วมกิจกรรมเมื่อวาน" names no activity the bot knows: offer to log it step by step.
            text += "\nถ้าต้องการบันทึกการเข้าร่วมกิจกรรม แตะ “บันทึกกิจกรรม” ได้เลยค่ะ"
            choices = [ask("บันทึกกิจกรรม"), *choices][:13]
        return Reply.text(text, choices, handler="pmqa-unsure")
