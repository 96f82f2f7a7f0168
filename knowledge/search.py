"""Finding the entry that answers a question.

Two stages, both pure:

1. Structured references ("หมวด 3", "ประเด็น 4.2 ระดับ advance", "ตัวชี้วัดที่ 3", "C4", "คลินิกหมวด 2")
   resolve exactly through the entries' declared ``refs``: no ranking luck.
2. Everything else is ranked with BM25 over Thai tokens (title, keywords and example questions weigh
   more than the answer text). The confidence is the share of the question's information
   (IDF-weighted, unknown words weighing most) that the best entry covers, so "ผลบอลเมื่อคืน" has
   a low confidence even if "ผล" matches something.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from knowledge.answerability import Constraints, constraints_of, unmet
from knowledge.followup import (
    FollowUpWords,
    Topic,
    follow_up,
    load_followup_words,
    ordinal_in_question,
    without_ordinal,
)
from knowledge.passages import Passage, PassageHit, PassageIndex, load_sources
from knowledge.ranking import bm25
from knowledge.schema import LEVEL_NAMES, Entry
from thai import analyze, prepare
from thai.pipeline import fingerprint, preload, recording

#: Words that carry no topic: question words, politeness, fillers.
STOPWORDS = frozenset(
    """คือ อะไร คืออะไร ไร อะไรบ้าง บ้าง ยังไง อย่างไร ไง ไหน ที่ไหน เมื่อไร เมื่อไหร่ ไหม มั้ย หรือ หรือไม่
    ครับ ค่ะ คะ ค่า คับ นะ นะคะ นะครับ จ้า จ้ะ จ๊ะ หน่อย ด้วย ขอ ช่วย บอก อยาก ทราบ รู้ ถาม สอบถาม
    เป็น มี ของ ที่ และ กับ ใน ให้ ได้ ไป มา จะ ว่า แล้ว ก็ การ ความ เรื่อง เกี่ยวกับ หมายถึง แปลว่า
    เท่าไร เท่าไหร่ กี่ ทำ ต้อง ควร คุณ เรา ผม ฉัน หนู ดู ขอดู อธิบาย สรุป ประกอบด้วย ประกอบ
    ยกตัวอย่าง ตัวอย่าง ความหมาย หมายความว่า ตาม เล่ม นี้ ภาษาไทย เรียก เรียกว่า นับตั้งแต่ ตั้งแต่ ถึง หน่อย
    แค่ไหน แค่ สิ่ง ที่สุด ไร อ่ะ อะ ป่าว เปล่า ปะ เหรอ หรอ ล่ะ หละ มั๊ย ได้ไหม ได้มั้ย
    the a an is are what of to and in""".split()
)

#: A standalone answer below this confidence gives way to the topic's, for a question made of the topic's words.
MIDDLING = 0.75

LEVEL_WORDS = {
    "basic": "basic",
    "พื้นฐาน": "basic",
    "advance": "advance",
    "advanced": "advance",
    "ก้าวหน้า": "advance",
    "significance": "significance",
    "significant": "significance",
    "พัฒนาจนเกิดผล": "significance",
}
LEVEL_TITLES = {
    "basic": "ระดับพื้นฐาน Basic (A&D)",
    "advance": "ระดับก้าวหน้า Advance (Alignment)",
    "significance": "ระดับพัฒนาจนเกิดผล Significance (Integration)",
}
FACETS = {
    "เจตนารมณ์": "เจตนารมณ์",
    "เจตนา": "เจตนารมณ์",
    "เป้าหมาย": "เป้าหมาย",
    "จุดเน้น": "จุดเน้น",
    "เน้น": "จุดเน้น",
    "สำคัญ": "จุดเน้น",
    "หัวใจ": "จุดเน้น",
    "องค์ประกอบ": "องค์ประกอบ",
}

FIELD_WEIGHTS = {"title": 3, "refs": 3, "keywords": 3, "questions": 2, "answer": 1}
ANSWER_ONLY_CREDIT = 0.5
REFINE_CONFIDENCE = 0.6
K1 = 1.2
B = 0.6

_GAP = re.compile(r"(?<![\d.])([1-7])\.([1-6])\.(\d)(?![\d.])")
_PRADEN = re.compile(r"(?<![\d.])([1-7])\.([1-6])(?![\d.])")
_HMUAD = re.compile(r"หมวด(?:ที่)?\s*([1-7])(?!\d)")
_KPI = re.compile(r"(?:ตัวชี้วัด(?:ที่)?|kpi|ตัวชี้วัดตัวที่)\s*(?:ที่)?\s*(\d{1,2})(?![\d.])", re.IGNORECASE)
_C = re.compile(r"(?<![a-z0-9])c\s?([1-6])(?!\d)", re.IGNORECASE)
_FACTOR = re.compile(r"ปัจจัย(?:.*?(?:ข้อ(?:ที่)?|ประการที่)|\s*(?:ที่)?)\s*([1-3])(?![\d.])")
_STEP = re.compile(r"ขั้น(?:ตอน)?(?:ที่)?\s*([1-6])(?!\d)")
_REF_NUMBER = re.compile(r"(?:หมวด|ประเด็น|ตัวชี้วัด|ที่|คลินิก)\s+(\d+)")
#: Polite endings at the end of a question: taken off before tokenising ("เว็บไหนคะ" splits badly with them).
_ENDINGS = re.compile(r"(?:\s*(?:นะ|น้า|จ้ะ|จ้า|ค่ะ|คะ|ค่า|ครับ|คับ|ครับผม|ฮะ|ฮับ|งับ|จ๊ะ|อ่ะ|อะ|ป่ะ|ปะ))+[\s?!.]*$")
#: Words that ask for a contact, not about whom.
_CONTACT_WORDS = frozenset("เบอร์ โทร โทรศัพท์ มือถือ อีเมล อีเมล์ email e-mail ติดต่อ ขอ หน่อย ของ".split())
#: Words of a reference itself: not what a narrow question asks beyond it.
REF_WORDS = frozenset({"หมวด", "ประเด็น", "ที่", "ตัวชี้วัด", "คลินิก", "ข้อ", "ระดับ", "pmqa", "คณะทำงาน"})
#: A passage answers when it holds this share of the question's information…
PASSAGE_CONFIDENCE = 0.55
#: …and, against a ranked entry, this much more of it than the entry's whole text does.
PASSAGE_MARGIN = 0.2
#: A passage answers the part of a question a reference does not (the words beyond "หมวด 6").
NARROW_CONFIDENCE = 0.6
_NO_HMUAD = re.compile(r"(?:หมวด|ประเด็น)(?:ที่)?\s*(0|[89]|[1-9]\d)(?![\d])")
_NO_PRADEN = re.compile(r"ประเด็น(?:ที่)?\s*([1-6])\.([5-9])(?![\d.])|ประเด็น(?:ที่)?\s*(7)\.([7-9])(?![\d.])")
#: Latin words of everyday chat that are not names of things ("ok", "pmqa" is in the source anyway).
_COMMON_LATIN = frozenset({"ok", "okay", "hi", "hello", "thanks", "thank", "you", "line", "bot", "what", "is", "the",
                           "and", "or", "of", "to", "in", "a", "an", "how", "who", "when", "where", "kpi", "pdpa",
                           "adr", "level", "basic", "advance", "advanced", "significance", "significant", "menu",
                           "help", "faq", "no", "yes", "gift", "policy", "fy", "q", "excel", "pdf", "app"})
CLINIC_WORDS = frozenset({"คลินิก", "ตาราง", "pmqa", "กำหนดการ", "ให้คำปรึกษา", "คำปรึกษา", "ทั้งหมด", "วัน"})
_DATE = re.compile(r"\d{1,2}\s*(?:ม\.?ค|ก\.?พ|มี\.?ค|เม\.?ย|พ\.?ค|มิ\.?ย|ก\.?ค|ส\.?ค|ก\.?ย|ต\.?ค|พ\.?ย|ธ\.?ค"
                   r"|มกรา|กุมภา|มีนา|เมษา|พฤษภา|มิถุนา|กรกฎา|สิงหา|กันยา|ตุลา|พฤศจิกา|ธันวา)")
_ACTIVITY = re.compile(r"กิจกรรม(?:ที่)?\s*(\d{1,2})(?![\d.])")


EARLY_REFS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (_GAP, lambda m: f"gap {m.group(1)}.{m.group(2)}.{m.group(3)}"),
    (_KPI, lambda m: f"ตัวชี้วัด {int(m.group(1))}"),
]
LATE_REFS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (_C, lambda m: f"C{m.group(1)}"),
    (_STEP, lambda m: f"ขั้น {m.group(1)}"),
    (_ACTIVITY, lambda m: f"กิจกรรม {int(m.group(1))}"),
]


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    confidence: float


@dataclass(frozen=True)
class Resolution:
    """What the search found: an exact reference (``exact``), a ranked entry, a passage of the source, or
    neither; and, when the source does not say what was asked, what it does not say (``unstated``)."""

    entry: Entry | None
    confidence: float
    exact: bool = False
    level: str = ""
    candidates: tuple[Hit, ...] = ()
    prepared: str = ""
    #: The sentence or table row of a source newsletter that holds the fact asked for.
    passage: Passage | None = None
    #: Passages shown with ``passage`` (a list that the passage introduces).
    passage_more: tuple[Passage, ...] = ()
    #: What the question asks that the source does not state ("ข้อมูลของปี 2566"), when nothing meets it.
    unstated: str = ""
    #: A correction of a false premise ("PMQA 4.0 มี 7 หมวด"), answered with ``entry``.
    correction: str = ""
    #: The self-contained question a follow-up was read as ("ประเด็น 4.2 ระดับ advance").
    followed: str = ""
    #: The item of the answer's list a follow-up asks for ("แนวทางแรก" → 1, "อันสุดท้าย" → -1; 0: all of it).
    item: int = 0

    @property
    def answered(self) -> bool:
        return (self.entry is not None or self.passage is not None) and not self.unstated


def question_key(text: str) -> str:
    """A question reduced to its words (no spaces, punctuation, polite endings or case)."""
    return "".join(query_tokens(text))


def query_tokens(text: str) -> list[str]:
    return [t for t in analyze(text) if t not in STOPWORDS and not t.isspace()]


class KnowledgeBase:
    """Entries plus the indexes that find them. Build once at start; searching is read-only."""

    def __init__(self, entries: list[Entry], passages: list[Passage] | None = None,
                 followups: FollowUpWords | None = None, passage_index: PassageIndex | None = None) -> None:
        self.entries = entries
        self.passages = passage_index or PassageIndex(passages or [], query_tokens)
        self._mentions: dict[str, frozenset[int]] = {}
        self.followups = followups or FollowUpWords(frozenset(), frozenset(), {}, 30)
        self.by_id = {e.id: e for e in entries}
        self._position = {e.id: i for i, e in enumerate(entries)}
        self.by_ref = {ref: e for e in entries for ref in e.refs}
        #: Titles and example questions, folded: a question asked exactly as written finds its entry.
        self.by_question: dict[str, Entry] = {}
        for e in entries:
            for q in (e.title, *e.questions):
                self.by_question.setdefault(question_key(q), e)
        self._build_index()

    # ----- index -------------------------------------------------------------------------
    def _doc_tokens(self, e: Entry) -> tuple[Counter[str], frozenset[str]]:
        """The entry's weighted bag of words, and the words its text says (title, answer, levels)."""
        bag: Counter[str] = Counter()
        said: set[str] = set()
        fields = {
            "title": [e.title],
            "refs": list(e.refs),
            "keywords": list(e.keywords),
            "questions": list(e.questions),
            "answer": [e.answer, *e.levels.values()],
        }
        for name, texts in fields.items():
            weight = FIELD_WEIGHTS[name]
            for text in texts:
                for tok in query_tokens(text):
                    bag[tok] += weight
                    if name in ("title", "answer"):
                        said.add(tok)
        return bag, frozenset(said)

    def _strong_tokens(self, e: Entry) -> frozenset[str]:
        """Words that say what the entry is about (not merely words its answer happens to use)."""
        texts = [e.title, *e.refs, *e.keywords, *e.questions]
        return frozenset(tok for text in texts for tok in query_tokens(text))

    def _build_index(self) -> None:
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._lengths: list[int] = []
        self._strong: list[frozenset[str]] = []
        #: Every word of each entry's whole text: does the entry *say* what a narrow question asks?
        self._said: list[frozenset[str]] = []
        for i, e in enumerate(self.entries):
            self._strong.append(self._strong_tokens(e))
            bag, said = self._doc_tokens(e)
            self._said.append(said)
            self._lengths.append(sum(bag.values()))
            for tok, tf in bag.items():
                self._postings[tok].append((i, tf))
        n = max(1, len(self.entries))
        self._avg_len = sum(self._lengths) / n
        self._idf = {
            tok: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for tok, p in self._postings.items()
        }
        #: An unknown word is as informative as the rarest known one.
        self._unknown_idf = math.log(1 + (n - 0.5) / 0.5)
        corpus = " ".join([*(e.answer for e in self.entries), *(e.title for e in self.entries),
                           *(p.text for p in self.passages.passages)]).casefold()
        curated = " ".join(" ".join([*e.keywords, *e.questions, *e.refs]) for e in self.entries).casefold()
        self._latin = frozenset(re.findall(r"[a-z][a-z0-9&\-]{1,}", f"{corpus} {curated}")) | _COMMON_LATIN
        self._this_year = max((p.issue.year for p in self.passages.passages), default=0)

    # ----- ranking -----------------------------------------------------------------------
    def rank(self, text: str, limit: int = 5) -> list[Hit]:
        tokens = list(dict.fromkeys(query_tokens(text)))
        if not tokens:
            return []
        scores, covered = bm25(tokens, self._postings, self._idf, self._unknown_idf, self._lengths, self._avg_len,
                               K1, B, lambda doc, tok: 1.0 if tok in self._strong[doc] else ANSWER_ONLY_CREDIT)
        ranked = sorted(scores, key=lambda d: (-scores[d], d))[:limit]
        return [Hit(self.entries[d], scores[d], covered.get(d, 0.0)) for d in ranked]

    # ----- structured references ---------------------------------------------------------
    def resolve_ref(self, prepared: str) -> tuple[Entry | None, str]:
        """An exact reference in the question, and the ประเด็น level asked for (if any).

        Checked in order of specificity: "3.1.1" before "3.1", a clinic before its หมวด."""
        low = prepared.casefold()
        for pattern, ref_of in EARLY_REFS:
            if (m := pattern.search(low)) and (e := self.by_ref.get(ref_of(m))):
                return e, ""
        if "คลินิก" in low and (e := self._clinic(low)):
            return e, ""
        if (m := _FACTOR.search(low)) and (e := self.by_ref.get(f"ปัจจัย {m.group(1)}")):
            return e, ""
        if (m := _PRADEN.search(low)) and (e := self.by_ref.get(f"ประเด็น {m.group(1)}.{m.group(2)}")):
            return e, next((LEVEL_WORDS[w] for w in LEVEL_WORDS if w in low), "")
        if m := _HMUAD.search(low):
            base = f"หมวด {m.group(1)}"
            facet = next((self.by_ref[f"{base}/{f}"] for w, f in FACETS.items()
                          if w in low and f"{base}/{f}" in self.by_ref), None)
            if facet is not None:
                return facet, ""
            if e := self.by_ref.get(base):
                # "หมวด 5 ระดับ advance": the levels are those of the หมวด's ประเด็น (``levels_of_hmuad``).
                return e, next((LEVEL_WORDS[w] for w in LEVEL_WORDS if w in low), "")
        for pattern, ref_of in LATE_REFS:
            if (m := pattern.search(low)) and (e := self.by_ref.get(ref_of(m))):
                return e, ""
        return None, ""

    def levels_of_hmuad(self, hmuad: int) -> list[Entry]:
        """The ประเด็น of a หมวด that describe the three levels (the source gives them for หมวด 3–6 only)."""
        found = (self.by_ref.get(f"ประเด็น {hmuad}.{n}") for n in range(1, 7))
        return [e for e in found if e is not None and e.levels]

    def _clinic(self, low: str) -> Entry | None:
        numbers = set(_HMUAD.findall(low))
        if len(numbers) == 1:
            return self.by_ref.get(f"คลินิก หมวด {numbers.pop()}")
        bare = not numbers and not set(query_tokens(low)) - CLINIC_WORDS
        if bare or len(numbers) > 1 or _DATE.search(low):
            return self.by_ref.get("คลินิก")  # the schedule, comparing sessions, a date's session: the table
        return None

    def _same_kind_for(self, prepared: str, topic: Topic) -> Entry | None:
        """"แล้วหมวด 3 ล่ะ" after the หมวด 5 working group's meeting: the same kind of entry for หมวด 3, found by
        the knowledge files' id convention (``meeting-hmuad-5`` → ``meeting-hmuad-3``)."""
        m = _HMUAD.search(prepared.casefold())
        if m is None or not topic.hmuad or f"hmuad-{topic.hmuad}" not in topic.key:
            return None
        rest = [t for t in query_tokens(prepared) if t not in {"หมวด", m.group(1), "ที่"}
                and t.casefold() not in self.followups.markers]
        if rest:
            return None
        return self.by_id.get(topic.key.replace(f"hmuad-{topic.hmuad}", f"hmuad-{m.group(1)}"))

    def with_entries(self, entries: list[Entry]) -> KnowledgeBase:
        """The same knowledge base with other entries (kept answers added): the passages are not indexed again."""
        kb = KnowledgeBase(entries, None, self.followups, passage_index=self.passages)
        return kb

    def words_of(self, entry: Entry) -> frozenset[str]:
        """The words an entry's title and answer use (for reading follow-ups about it)."""
        i = self._position.get(entry.id)
        return self._said[i] if i is not None else frozenset()

    def knows_word(self, word: str) -> bool:
        """Whether the source (or everyday chat English) uses this Latin word, or one a typo away ("off")."""
        word = word.casefold()
        if word in self._latin or len(word) < 3:
            return True
        return any(_one_edit(word, known) for known in self._latin if abs(len(known) - len(word)) <= 1)

    def find(self, text: str, threshold: float, topic: Topic | None = None) -> Resolution:
        """The answer to one message, read as a follow-up of ``topic`` when it cannot stand alone."""
        base = prepare(text)
        prepared = _ENDINGS.sub("", base).strip() or base
        if topic is not None:
            own, _ = self.resolve_ref(prepared)
            words = [t for t in analyze(prepared) if not t.isspace()
                     and (t.casefold() in self.followups.markers or t not in STOPWORDS)]
            fu = follow_up(prepared, words, topic, self.followups, own is not None)
            same_kind = self._same_kind_for(prepared, topic)
            if same_kind is not None:
                return Resolution(same_kind, 1.0, exact=True, prepared=prepared, followed=same_kind.title)
            if fu is not None and fu.certain:
                found = self._find(fu.question, threshold, asked=prepared)
                if found.entry is not None or found.passage is not None or found.unstated:
                    return replace(found, followed=fu.question, prepared=prepared, item=fu.item)
            alone = self._find(prepared, threshold)
            if fu is not None and not fu.certain and not alone.exact:
                # Made of the topic's own words ("อบรมจัดโดยใคร" after No Gift Policy): asked of the topic when
                # the question alone finds nothing, or only a middling match.
                found = self._find(fu.question, threshold, asked=prepared)
                if found.answered and (not alone.answered or alone.confidence < MIDDLING
                                       and found.confidence > alone.confidence):
                    return replace(found, followed=fu.question, prepared=prepared)
            return self._own_item(alone, threshold)
        return self._own_item(self._find(prepared, threshold), threshold)

    def _own_item(self, found: Resolution, threshold: float) -> Resolution:
        """"PMQA Mechanism ขั้นสุดท้ายคืออะไร": the one step asked for, when the answer is a list of steps. The
        ordinal's words are not the answer's, so a question they leave unanswered is tried without them."""
        item = ordinal_in_question(found.prepared.casefold())
        if not item or found.unstated or found.item:
            return found
        if found.entry is None and found.passage is None:
            found = self._find(without_ordinal(found.prepared), threshold, asked=found.prepared)
        return replace(found, item=item) if found.entry is not None and not found.unstated else found

    def _find(self, prepared: str, threshold: float, asked: str = "") -> Resolution:
        """``asked``: what the person typed, when ``prepared`` is a follow-up's rewriting of it. The constraints
        (years, numbers, the kind of value) are the person's own, not those of the topic's words."""
        correction = self._correction(prepared)
        if correction is not None:
            return correction
        constraints = constraints_of(asked or prepared, self.knows_word, self._this_year)
        tokens = list(dict.fromkeys(query_tokens(prepared)))
        entry, level = self.resolve_ref(prepared)
        if entry is not None:
            if level and not entry.levels:  # "หมวด 5 ระดับ basic": the level of each of its ประเด็น
                return self._check(Resolution(entry, 1.0, exact=True, level=level, prepared=prepared),
                                   constraints, tokens)
            chosen = self._refine(entry, prepared) or entry
            found = Resolution(chosen, 1.0, exact=True, level=level, prepared=prepared)
            narrower = self._narrower_passage(chosen, tokens, prepared)
            if narrower is not None:
                found = self._passage_resolution(narrower, found)
            return self._check(found, constraints, tokens)
        same = self.by_question.get(question_key(prepared))
        if same is not None:
            return self._check(Resolution(same, 1.0, prepared=prepared), constraints, tokens)
        hits = tuple(self.rank(prepared))
        numbers = {t for t in tokens if t.isdigit()}
        # A passage that names other numbers than the question's (another date, another หมวด) is not its answer.
        best_passage = next((h for h in self.passages.rank(tokens, limit=5)
                             if numbers <= self._passage_words(h.passage)), None)
        if hits and hits[0].confidence >= threshold:
            found = Resolution(hits[0].entry, hits[0].confidence, candidates=hits, prepared=prepared)
            if best_passage is not None:
                said = self._coverage(tokens, self._said[self._position[hits[0].entry.id]])
                if best_passage.coverage >= PASSAGE_CONFIDENCE and best_passage.coverage >= said + PASSAGE_MARGIN:
                    found = self._passage_resolution(best_passage, found)
            return self._check(found, constraints, tokens)
        if best_passage is not None and best_passage.coverage >= PASSAGE_CONFIDENCE:
            found = self._passage_resolution(best_passage, Resolution(None, best_passage.coverage, candidates=hits,
                                                                     prepared=prepared))
            return self._check(found, constraints, tokens)
        topic = self._topic_overview(prepared)
        if topic is not None:
            return Resolution(topic, hits[0].confidence if hits else 0.0, candidates=hits, prepared=prepared)
        unsure = Resolution(None, hits[0].confidence if hits else 0.0, candidates=hits, prepared=prepared)
        # "ผลประเมิน ITA": nothing answers, and the source never names the thing asked about: say so.
        return replace(unsure, unstated=unmet(constraints, "")) if constraints.unknown_names else unsure

    # ----- passages and answerability ----------------------------------------------------
    def _coverage(self, tokens: list[str], words: frozenset[str]) -> float:
        """Share of the question's information (passage IDF) found in ``words``."""
        total = have = 0.0
        for tok in tokens:
            w = self.passages.idf.get(tok, self.passages.unknown_idf) * (0.3 if len(tok) == 1 else 1.0)
            total += w
            if tok in words:
                have += w
        return have / total if total else 0.0

    def _narrower_passage(self, entry: Entry, tokens: list[str], prepared: str) -> PassageHit | None:
        """A reference ("หมวด 6") answers a broad question; when the question asks something narrower
        that the entry does not say ("...แบ่งกิจกรรมปรับปรุงประสิทธิภาพเป็นกี่ประเภท"), the passage that
        says it wins, the reference counting as strong evidence for passages about the same thing."""
        said = self._said[self._position[entry.id]]
        strong = self._strong[self._position[entry.id]]
        focus = [t for t in tokens if t not in strong and t not in REF_WORDS and not t.isdigit() and len(t) > 1]
        if not focus:
            return None
        entry_says = self._coverage(focus, said)
        if entry_says >= NARROW_CONFIDENCE:
            return None
        anchors = [r for r in entry.refs if re.fullmatch(r"(?:หมวด|ประเด็น) [\d.]+|คลินิก หมวด \d", r)]
        boost = frozenset().union(*(self._mentioning(r) for r in anchors)) if anchors else frozenset()
        if not boost:
            return None  # nothing ties a passage to the reference: the entry stays the answer
        numbers = {t for t in tokens if t.isdigit()} - {r.split()[-1] for r in anchors} - {
            part for r in anchors for part in r.split()[-1].split(".")}
        for hit in self.passages.rank(tokens, limit=5, boost=boost):
            words = self._passage_words(hit.passage)
            if (hit.passage.id in boost and numbers <= words
                    and self._coverage(focus, words) >= max(NARROW_CONFIDENCE, entry_says + PASSAGE_MARGIN)):
                return hit
        return None

    def _mentioning(self, ref: str) -> frozenset[int]:
        """The passages that name this reference ("หมวด 6"), found once per reference and kept."""
        found = self._mentions.get(ref)
        if found is None:
            found = self._mentions[ref] = self._find_mentions(ref)
        return found

    def _find_mentions(self, ref: str) -> frozenset[int]:
        number = ref.split()[-1]
        word = "หมวด" if ref.startswith(("หมวด", "คลินิก")) else "ประเด็น"
        pattern = re.compile(rf"{word}(?:ที่)?\s*{re.escape(number)}(?![\d.])|(?<![\d.]){re.escape(number)}(?=\s)"
                             if word == "ประเด็น" else rf"{word}(?:ที่)?\s*{re.escape(number)}(?!\d)")
        return frozenset(p.id for p in self.passages.passages if pattern.search(f"{p.heading} {p.text}"))

    def _passage_words(self, passage: Passage) -> frozenset[str]:
        return self.passages.words(passage.id)

    def _passage_resolution(self, hit: PassageHit, base: Resolution) -> Resolution:
        more = self._continuation(hit.passage)
        return replace(base, entry=base.entry, passage=hit.passage, passage_more=more,
                       confidence=max(base.confidence, hit.coverage))

    def _continuation(self, passage: Passage) -> tuple[Passage, ...]:
        """The items of a list that a passage introduces ("... แบ่งเป็น 3 ประเภท ดังนี้")."""
        if not re.search(r"(ดังนี้|ได้แก่|ประกอบด้วย|:|\d+\s*(?:ประเภท|แบบ|ข้อ|ด้าน|ขั้นตอน|ประการ|รูปแบบ|ระดับ|ส่วน))\s*$",
                         passage.text):
            return ()
        following = self.passages.passages[passage.id + 1: passage.id + 7]
        return tuple(p for p in following if p.heading == passage.heading and p.section == passage.section)

    def _answer_text(self, found: Resolution) -> str:
        if found.passage is not None:
            return " ".join([found.passage.heading, found.passage.text, *(p.text for p in found.passage_more)])
        if found.entry is not None:
            e = found.entry
            return " ".join([e.title, e.answer, *e.levels.values()])
        return ""

    def _check(self, found: Resolution, constraints: Constraints, tokens: list[str]) -> Resolution:
        """Answer only what the source says: a year, an issue, a meeting, a name or the kind of value asked
        for that the answer lacks is looked for in the passages, and said to be unstated if none has it."""
        if not constraints:
            return found
        missing = unmet(constraints, self._answer_text(found))
        if not missing and constraints.asked in ("phone", "email") and not self._near_value(found, tokens):
            missing = "เบอร์โทรศัพท์หรืออีเมลของ" + (" ".join(_subject(tokens))[:40] or "ผู้ที่ถาม")
        if not missing:
            return found
        if found.passage is not None and found.entry is not None:
            # The passage chosen over the entry lacks what was asked ("…ครั้งที่ 1/2567 จัดที่ไหน"), the entry has it.
            whole = replace(found, passage=None, passage_more=())
            if not unmet(constraints, self._answer_text(whole)):
                return whole
        if not constraints.unknown_names and not constraints.issue:
            # The numbers a passage must share: not those of a reference ("หมวด 2 มีกี่ประเด็น" is answered by
            # "หมวดละ 4 ประเด็น", which names no 2).
            numbers = {t for t in tokens if t.isdigit()} - set(_REF_NUMBER.findall(" ".join(tokens)))
            for hit in self.passages.rank(tokens, limit=8):
                text = f"{hit.passage.heading} {hit.passage.text}"
                if (hit.coverage >= NARROW_CONFIDENCE and numbers <= self._passage_words(hit.passage)
                        and not unmet(constraints, text)):
                    return self._passage_resolution(hit, replace(found, exact=False))
        return replace(found, unstated=missing)

    def _near_value(self, found: Resolution, tokens: list[str]) -> bool:
        """A phone number or e-mail in the answer belongs to what was asked about only if one of the question's
        words stands near it ("เบอร์โทรวิทยากร" is not answered by the group's own number)."""
        text = self._answer_text(found).casefold()
        subject = _subject(tokens)
        if not subject:
            return True
        for m in re.finditer(r"\d[\d\s-]{6,}\d|\S+@\S+", text):
            window = text[max(0, m.start() - 120): m.end() + 60]
            if any(t in window for t in subject):
                return True
        return False

    def _correction(self, prepared: str) -> Resolution | None:
        """A question about something that does not exist ("หมวด 8") gets the correction, not "not sure"."""
        low = prepared.casefold()
        if (m := _NO_HMUAD.search(low)) and (e := self.by_id.get("pmqa-structure")):
            return Resolution(e, 1.0, exact=True, prepared=prepared,
                              correction=f"PMQA 4.0 มี 7 หมวด (หมวด 1 – หมวด 7) ไม่มีหมวด {m.group(1)} ค่ะ")
        if (m := _NO_PRADEN.search(low)) and (e := self.by_ref.get(f"หมวด {m.group(1)}")):
            count = sum(1 for r in self.by_ref if re.fullmatch(rf"ประเด็น {m.group(1)}\.\d", r))
            return Resolution(e, 1.0, exact=True, prepared=prepared,
                              correction=f"หมวด {m.group(1)} มี {count} ประเด็น (ไม่มีประเด็น {m.group(1)}.{m.group(2)}) ค่ะ")
        return None

    def _topic_overview(self, prepared: str) -> Entry | None:
        """A question about the clinics that no single entry explains well gets the whole schedule
        rather than "not sure": the topic is certain even when the detail is not."""
        if "คลินิก" in prepared.casefold():
            return self.by_ref.get("คลินิก")
        return None

    def _refine(self, entry: Entry, prepared: str) -> Entry | None:
        """"ประชุมคณะทำงานหมวด 5 วันไหน" names หมวด 5 but asks about its meeting: when a broad
        reference (a หมวด's overview) comes with other words that another entry about the same หมวด
        explains clearly, answer with that entry instead."""
        broad = [r for r in entry.refs if r.startswith("หมวด ") and "/" not in r]
        if not broad:
            return None
        marker = broad[0]
        rest = [t for t in query_tokens(prepared) if t not in {"หมวด", marker.split()[1]}]
        if not rest:
            return None
        for hit in self.rank(prepared, limit=3):
            about_same = (marker in hit.entry.title or any(r.startswith(marker) for r in hit.entry.refs)
                          or marker in hit.entry.answer)
            if hit.entry is not entry and about_same and hit.confidence >= REFINE_CONFIDENCE:
                return hit.entry
            if hit.entry is entry:
                return None
        return None


def _subject(tokens: list[str]) -> list[str]:
    """The words of a contact question that say whose contact it is."""
    return [t for t in tokens if len(t) > 1 and t not in _CONTACT_WORDS and not any(w in t for w in ("เบอร์", "โทร"))]


def _one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one typed character at most (added, dropped or changed)."""
    if a == b:
        return True
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def load_knowledge_base(knowledge_dir: Path, cache_dir: Path | None = None) -> KnowledgeBase:
    """The knowledge base the bot answers from: the entries, every passage of ``sources/*.txt``, and the
    follow-up words.

    Tokenising its ~6,000 texts is most of a start-up's second; ``cache_dir`` keeps their tokens from one start
    to the next (``tokens-<fingerprint>.json``: a change to ``thai/`` or PyThaiNLP makes a new file)."""
    from knowledge.loader import load_entries

    cache = _token_cache(cache_dir)
    with recording() as seen:
        kb = KnowledgeBase(load_entries(knowledge_dir), load_sources(knowledge_dir / "sources"),
                           load_followup_words(knowledge_dir / "conversation" / "followups.yaml"))
    if cache is not None and not seen.keys() <= _SAVED.get(cache, set()):
        _save_tokens(cache, seen)
    return kb


#: Per cache file, the texts this process read from it or wrote to it (a file is read once per process).
_SAVED: dict[Path, set[str]] = {}


def _token_cache(cache_dir: Path | None) -> Path | None:
    if cache_dir is None:
        return None
    import json

    path = cache_dir / f"tokens-{fingerprint()}.json"
    if path in _SAVED:
        return path
    _SAVED[path] = set()
    try:
        known = {text: tuple(tokens) for text, tokens in json.loads(path.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return path  # none yet, or unreadable: the tokens are made again and saved
    preload(known)
    _SAVED[path] = set(known)
    return path


def _save_tokens(path: Path, seen: dict[str, tuple[str, ...]]) -> None:
    import json
    import os

    try:
        known: dict[str, list[str]] = {}
        try:
            known = dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            known = {}  # none yet, or broken: replaced whole
        known.update({text: list(tokens) for text, tokens in seen.items()})
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(known, ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)
        _SAVED[path] = set(known)
    except (OSError, ValueError):
        pass  # a read-only disk: the next start tokenises again


def level_text(entry: Entry, level: str) -> str:
    return f"{LEVEL_TITLES[level]}: {entry.levels[level]}" if level in entry.levels else ""


__all__ = ["FACETS", "LEVEL_NAMES", "Hit", "KnowledgeBase", "Resolution", "level_text", "load_knowledge_base",
           "query_tokens"]
