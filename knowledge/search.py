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
from dataclasses import dataclass

from knowledge.schema import LEVEL_NAMES, Entry
from thai import analyze, prepare

#: Words that carry no topic: question words, politeness, fillers.
STOPWORDS = frozenset(
    """คือ อะไร คืออะไร ไร อะไรบ้าง บ้าง ยังไง อย่างไร ไง ไหน ที่ไหน เมื่อไร เมื่อไหร่ ไหม มั้ย หรือ หรือไม่
    ครับ ค่ะ คะ ค่า คับ นะ นะคะ นะครับ จ้า จ้ะ จ๊ะ หน่อย ด้วย ขอ ช่วย บอก อยาก ทราบ รู้ ถาม สอบถาม
    เป็น มี ของ ที่ และ กับ ใน ให้ ได้ ไป มา จะ ว่า แล้ว ก็ การ ความ เรื่อง เกี่ยวกับ หมายถึง แปลว่า
    เท่าไร เท่าไหร่ กี่ ทำ ต้อง ควร คุณ เรา ผม ฉัน หนู ดู ขอดู อธิบาย สรุป ประกอบด้วย ประกอบ
    the a an is are what of to and in""".split()
)

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
    """What the search found: an exact reference (``exact``), a ranked answer, or neither."""

    entry: Entry | None
    confidence: float
    exact: bool = False
    level: str = ""
    candidates: tuple[Hit, ...] = ()
    prepared: str = ""


def question_key(text: str) -> str:
    """A question reduced to its words (no spaces, punctuation, polite endings or case)."""
    return "".join(query_tokens(text))


def query_tokens(text: str) -> list[str]:
    return [t for t in analyze(text) if t not in STOPWORDS and not t.isspace()]


class KnowledgeBase:
    """Entries plus the indexes that find them. Build once at start; searching is read-only."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.by_id = {e.id: e for e in entries}
        self.by_ref = {ref: e for e in entries for ref in e.refs}
        #: Titles and example questions, folded: a question asked exactly as written finds its entry.
        self.by_question: dict[str, Entry] = {}
        for e in entries:
            for q in (e.title, *e.questions):
                self.by_question.setdefault(question_key(q), e)
        self._build_index()

    # ----- index -------------------------------------------------------------------------
    def _doc_tokens(self, e: Entry) -> Counter[str]:
        bag: Counter[str] = Counter()
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
        return bag

    def _strong_tokens(self, e: Entry) -> frozenset[str]:
        """Words that say what the entry is about (not merely words its answer happens to use)."""
        texts = [e.title, *e.refs, *e.keywords, *e.questions]
        return frozenset(tok for text in texts for tok in query_tokens(text))

    def _build_index(self) -> None:
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._lengths: list[int] = []
        self._strong: list[frozenset[str]] = []
        for i, e in enumerate(self.entries):
            self._strong.append(self._strong_tokens(e))
            bag = self._doc_tokens(e)
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

    # ----- ranking -----------------------------------------------------------------------
    def rank(self, text: str, limit: int = 5) -> list[Hit]:
        tokens = list(dict.fromkeys(query_tokens(text)))
        if not tokens:
            return []
        scores: dict[int, float] = defaultdict(float)
        covered: dict[int, float] = defaultdict(float)
        total_info = 0.0
        for tok in tokens:
            idf = self._idf.get(tok)
            # Single Thai/Latin characters say little; don't let them dominate the coverage.
            info_weight = 0.3 if len(tok) == 1 else 1.0
            total_info += (idf if idf is not None else self._unknown_idf) * info_weight
            if idf is None:
                continue
            for doc, tf in self._postings[tok]:
                norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * self._lengths[doc] / self._avg_len))
                scores[doc] += idf * norm
                # A word found only in the answer body explains the question less than a title word.
                covered[doc] += idf * info_weight * (1.0 if tok in self._strong[doc] else ANSWER_ONLY_CREDIT)
        ranked = sorted(scores, key=lambda d: (-scores[d], d))[:limit]
        return [
            Hit(self.entries[d], scores[d], covered[d] / total_info if total_info else 0.0) for d in ranked
        ]

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
            if e := facet or self.by_ref.get(base):
                return e, ""
        for pattern, ref_of in LATE_REFS:
            if (m := pattern.search(low)) and (e := self.by_ref.get(ref_of(m))):
                return e, ""
        return None, ""

    def _clinic(self, low: str) -> Entry | None:
        numbers = set(_HMUAD.findall(low))
        if len(numbers) == 1:
            return self.by_ref.get(f"คลินิก หมวด {numbers.pop()}")
        bare = not numbers and not set(query_tokens(low)) - CLINIC_WORDS
        if bare or len(numbers) > 1 or _DATE.search(low):
            return self.by_ref.get("คลินิก")  # the schedule, comparing sessions, a date's session: the table
        return None

    def find(self, text: str, threshold: float) -> Resolution:
        prepared = prepare(text)
        entry, level = self.resolve_ref(prepared)
        if entry is not None:
            refined = self._refine(entry, prepared)
            return Resolution(refined or entry, 1.0, exact=True, level=level, prepared=prepared)
        same = self.by_question.get(question_key(prepared))
        if same is not None:
            return Resolution(same, 1.0, prepared=prepared)
        hits = tuple(self.rank(prepared))
        if hits and hits[0].confidence >= threshold:
            return Resolution(hits[0].entry, hits[0].confidence, candidates=hits, prepared=prepared)
        topic = self._topic_overview(prepared)
        if topic is not None:
            return Resolution(topic, hits[0].confidence if hits else 0.0, candidates=hits, prepared=prepared)
        return Resolution(None, hits[0].confidence if hits else 0.0, candidates=hits, prepared=prepared)


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
            about_same = marker in hit.entry.title or any(r.startswith(marker) for r in hit.entry.refs)
            if hit.entry is not entry and about_same and hit.confidence >= REFINE_CONFIDENCE:
                return hit.entry
            if hit.entry is entry:
                return None
        return None


def level_text(entry: Entry, level: str) -> str:
    return f"{LEVEL_TITLES[level]}: {entry.levels[level]}" if level in entry.levels else ""


__all__ = ["FACETS", "LEVEL_NAMES", "Hit", "KnowledgeBase", "Resolution", "level_text", "query_tokens"]
