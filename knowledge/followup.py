"""Follow-up questions resolved against the last topic ("ประเด็น 4.2" → "แล้วระดับ advance ล่ะ").

Pure: the question (already prepared by ``thai.prepare``), its tokens and the remembered topic in, a
self-contained question out (or None when the message is not a follow-up). The words that mark a
follow-up are data: ``knowledge/conversation/followups.yaml``.

Rewriting into a self-contained question, rather than answering "from the topic" directly, keeps one
way of answering: the rewritten question goes through the same references and ranking as any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from knowledge.loader import load_yaml
from knowledge.schema import LEVEL_WORDS, Entry, SchemaError

_ITEM = re.compile(r"(?:ข้อ|ประเด็น|อัน|ตัว)(?:ที่)?\s*([1-9])(?![\d.])")
_BARE_NUMBER = re.compile(r"^\D*?(?<![\d.])([1-9])(?![\d.])\D*$")
_HMUAD = re.compile(r"หมวด(?:ที่)?\s*([1-9])(?!\d)")
#: "แล้ว 11 ล่ะ", "ตัวที่ 11 ล่ะ" after an indicator: a number alone, of one or two digits.
_ONE_NUMBER = re.compile(r"^\D*?(?<![\d.])(\d{1,2})(?![\d.])\D*$")
_HMUAD_OF = re.compile(r"(?:หมวด|ประเด็น)(?:ที่)?\s*([1-7])")
_PRADEN_REF = re.compile(r"^ประเด็น ([1-7])\.([1-6])$")
#: A message of nothing but these asks about the topic ("ยกตัวอย่างหน่อย", "อธิบายเพิ่ม", "สรุปให้หน่อย").
_QUESTION_WORD = re.compile(r"ที่ไหน|ไหน|เมื่อไหร่|เมื่อไร|กี่โมง|ยังไง|อย่างไร|เท่าไหร่|เท่าไร|ใคร|อะไร|ไง|"
                            r"ตัวอย่าง|อธิบาย|สรุป|ขยายความ")
#: An indicator's result or target in a round ("ผลรอบ 6 เดือนเป็นไง") is asked of the indicator; the round's own
#: dates ("รอบ 6 เดือนนับตั้งแต่วันไหน") are not.
_ROUND_WORDS = frozenset({"รอบ", "เดือน"})
_ROUND_VALUES = frozenset({"ผล", "ผลรอบ", "ได้ผล", "คะแนน", "เป้า", "เป้าหมาย", "ค่าเป้าหมาย", "ผ่าน", "ผลงาน",
                           "ผลการดำเนินงาน"})
_STEP_WORDS = re.compile(r"(ถัดไป|ต่อไป|ก่อนหน้า)")
_KPI_ID = re.compile(r"^kpi-(\d{1,2})$")
_CLINIC = re.compile(r"^คลินิก หมวด ([1-7])$")


#: "the first / the last one": about the items of the topic, never a topic of their own.
ORDINALS = frozenset({"แรก", "สุดท้าย", "ที่สอง", "ที่สาม", "ที่หนึ่ง", "สอง", "สาม", "ถัดไป", "ต่อไป", "ก่อนหน้า"})


@dataclass(frozen=True)
class FollowUpWords:
    markers: frozenset[str]
    attributes: frozenset[str]
    deictic: dict[str, str]
    memory_minutes: int

    @cached_property
    def asking(self) -> frozenset[str]:
        """Words that only ask (attributes and markers), not what is asked about."""
        return self.attributes | self.markers

    def beyond_asking(self, words: list[str]) -> list[str]:
        """The words of a message that say what it is about (not asking words, not numbers), folded."""
        return [w.casefold() for w in words if w.casefold() not in self.asking and not w.isdigit()]


@dataclass(frozen=True)
class Topic:
    """What the last answer was about, reduced to what a follow-up can refer to."""

    key: str  # an entry id, or "passage:<id>"
    kind: str  # praden, hmuad, clinic, meeting, indicator, activity, entry, passage
    anchor: str  # a self-contained way to name it: "ประเด็น 4.2", "คลินิกหมวด 5", "ตัวชี้วัดที่ 3"
    hmuad: int = 0
    praden: str = ""  # "4.2"
    #: The words the topic's text uses: a short question made of them is probably about it ("แนวทางแรกคืออะไร").
    words: frozenset[str] = frozenset()
    #: The question last answered about it ("TQA เริ่มใช้ปีไหน"): "แล้ว PMQA ล่ะ" asks the same of PMQA.
    question: str = ""


def load_followup_words(path: Path) -> FollowUpWords:
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise SchemaError(f"{path.name}: ต้องเป็น mapping (must be a mapping)")
    lists = {}
    for name in ("markers", "attributes"):
        value = data.get(name)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise SchemaError(f"{path.name}: '{name}' ต้องเป็นรายการข้อความ ({name} must be a list of words)")
        lists[name] = frozenset(v.strip().casefold() for v in value)
    deictic = data.get("deictic") or {}
    kinds = {"hmuad", "praden", "indicator", "activity", "clinic", "topic"}
    if not isinstance(deictic, dict) or not all(isinstance(k, str) and v in kinds for k, v in deictic.items()):
        raise SchemaError(f"{path.name}: 'deictic' ต้องจับคู่คำกับ {sorted(kinds)}")
    minutes = data.get("memory_minutes", 30)
    if not isinstance(minutes, int) or not 1 <= minutes <= 24 * 60:
        raise SchemaError(f"{path.name}: 'memory_minutes' ต้องเป็นจำนวนนาที 1–1440")
    return FollowUpWords(lists["markers"], lists["attributes"], dict(deictic), minutes)


def topic_of(entry: Entry) -> Topic:
    """The topic an answered entry leaves behind."""
    for ref in entry.refs:
        if m := _PRADEN_REF.match(ref):
            return Topic(entry.id, "praden", ref, int(m.group(1)), f"{m.group(1)}.{m.group(2)}")
        if m := _CLINIC.match(ref):
            return Topic(entry.id, "clinic", f"คลินิกหมวด {m.group(1)}", int(m.group(1)))
    if m := _KPI_ID.match(entry.id):
        return Topic(entry.id, "indicator", f"ตัวชี้วัดที่ {int(m.group(1))}")
    hmuad = int(m.group(1)) if (m := _HMUAD_OF.search(entry.title)) else 0
    if not hmuad and len(named := set(_HMUAD_OF.findall(entry.source))) == 1:
        hmuad = int(named.pop())  # "… Functional Strategy (หมวด 5)": the part of the source about one หมวด
    if entry.id.startswith("meeting-hmuad-"):
        return Topic(entry.id, "meeting", f"ประชุมคณะทำงานหมวด {hmuad}", hmuad)
    if entry.id.startswith("hmuad-") and any(r.startswith("หมวด ") for r in entry.refs):
        ref = entry.refs[0]
        facet = ref.split("/", 1)[1] if "/" in ref else ""
        return Topic(entry.id, "hmuad", f"{facet}หมวด {hmuad}" if facet else f"หมวด {hmuad}", hmuad)
    # The title without its parenthesis: "คลินิก หมวดรวม (10 เม.ย. 2567)" would be read as a date's question.
    title = re.sub(r"\s*\([^)]*\)", "", entry.title).strip() or entry.title
    if entry.id.startswith("activity-") or entry.topic == "กิจกรรมคุณธรรม":
        return Topic(entry.id, "activity", title, hmuad)
    return Topic(entry.id, "entry", title, hmuad)


@dataclass(frozen=True)
class FollowUp:
    question: str
    #: True when the message cannot stand alone ("ห้องไหน", "ข้อ 2 ล่ะ"); False when it might ("แล้ว ADR ล่ะ"),
    #: so the caller tries it as it stands first.
    certain: bool
    #: "แนวทางแรก", "กิจกรรมที่ 3 ล่ะ": the item of the topic's list that is asked for (0: the whole topic).
    item: int = 0
    #: Certain only because its words are the topic's ("ถ้าน้อยล่ะ"): a subject of its own ("แล้ว PMQA ล่ะ" after
    #: TQA, whose text names PMQA) still switches the topic (the caller checks).
    by_words: bool = False


#: Topics whose answer may be a list of items (activities, options): "the first one" is one of its items.
#: PMQA 4.0 has 7 หมวด (a clinic each).
HMUAD_COUNT = 7
ITEM_TOPICS = frozenset({"activity", "entry", "passage", "meeting"})
_ORDINAL_WORDS = {"แรก": 1, "หนึ่ง": 1, "สุดท้าย": -1}
_ORDINAL = re.compile(r"(?:ข้อ|อัน|กิจกรรม|แนวทาง|ทางเลือก|ขั้น|ขั้นตอน|ประการ|รายการ)(?:ที่)?\s*([1-9])(?![\d.])"
                      r"|ที่\s*([1-9])(?![\d.])")


def ordinal_of(low: str) -> int:
    """Which item a message asks for: "ข้อ 2" → 2, "แนวทางแรก" → 1, "อันสุดท้าย" → -1 (0: none)."""
    if m := _ORDINAL.search(low):
        return int(m.group(1) or m.group(2))
    squeezed = low.replace(" ", "")
    return next((n for word, n in _ORDINAL_WORDS.items() if word in squeezed), 0)


#: The word an ordinal follows ("ระดับ" of "ระดับแรก"), and those that name any item of a list.
_ORDINAL_NOUN = re.compile(r"([ก-๙]{2,10}?)(?:ที่)?(?:แรก|สุดท้าย|\d)")
#: Only these name an item by counting (a number may be a reference's: "หมวด 2").
_WORD_ORDINAL_NOUN = re.compile(r"([ก-๙]{2,10}?)(?:ที่)?(?:แรก|สุดท้าย)")
_ANY_ITEM = ("อัน", "ข้อ", "ตัว", "รายการ", "เรื่อง")


def ordinal_noun(text: str, words_only: bool = False) -> str:
    """What an ordinal calls the items it counts ("องค์ประกอบ" of "องค์ประกอบแรก"); "" for any item ("อันที่สอง").
    ``words_only``: only "…แรก" / "…สุดท้าย", not "… 2" (which may be a reference)."""
    m = (_WORD_ORDINAL_NOUN if words_only else _ORDINAL_NOUN).search(text.replace(" ", ""))
    called = m.group(1) if m else ""
    return "" if any(called.endswith(w) for w in _ANY_ITEM) else called


_OWN_ORDINAL = re.compile(r"(?:ขั้นตอน|ขั้น|แนวทาง|ประการ|ทางเลือก)\s*(?:ที่\s*([1-9])(?![\d.])|(แรก|สุดท้าย))")


def ordinal_in_question(low: str) -> int:
    """The item a self-contained question asks for ("PMQA Mechanism ขั้นสุดท้ายคืออะไร" → -1, "ขั้นที่ 3" → 3).
    Stricter than ``ordinal_of``: only words that name a step of a list, never "ข้อ"/"ที่ N" (references)."""
    m = _OWN_ORDINAL.search(low)
    if m is None:
        return 0
    return int(m.group(1)) if m.group(1) else _ORDINAL_WORDS[m.group(2)]


def without_ordinal(text: str) -> str:
    """The question with its step ordinal taken out ("PMQA Mechanism ขั้นสุดท้ายคืออะไร" → "PMQA Mechanism คืออะไร"):
    the ordinal names a place in a list, not words the answer shares."""
    return re.sub(r"\s+", " ", _OWN_ORDINAL.sub(" ", text)).strip()


def follow_up(prepared: str, tokens: list[str], topic: Topic | None, words: FollowUpWords,
              has_own_reference: bool) -> FollowUp | None:
    """A self-contained question for a follow-up about ``topic``; None when this is not a follow-up.

    ``tokens`` are the question's content tokens (stop words removed); ``has_own_reference`` says
    whether the question names a หมวด, ประเด็น, indicator... of its own.
    """
    if topic is not None and topic.kind in ITEM_TOPICS:
        low = prepared.casefold()
        item = ordinal_of(low)
        toks = [t.casefold() for t in tokens]
        rest = [t for t in toks if t not in words.markers and t not in words.attributes and not t.isdigit()
                and t not in ORDINALS and t not in topic.words and t not in {"ที่", "ข้อ", "อัน", "กิจกรรม"}]
        if item and not rest and (any(t in words.markers for t in toks) or len(toks) <= 4):
            return FollowUp(topic.anchor, True, item)
    found = _rewrite(prepared, tokens, topic, words, has_own_reference)
    if found is None:
        return None
    rewritten, certain, *by_words = found
    return FollowUp(rewritten, certain, by_words=bool(by_words and by_words[0]))


def topic_says(topic: Topic, word: str) -> bool:
    """The topic's text uses the word, or begins a compound with it ("เชื่อม" of "เชื่อมโยง")."""
    return word in topic.words or (len(word) >= 4 and any(w.startswith(word) for w in topic.words))


def _rewrite(prepared: str, tokens: list[str], topic: Topic | None, words: FollowUpWords,
             has_own_reference: bool) -> tuple[str, bool] | tuple[str, bool, bool] | None:
    """The rewritten question, whether it is certainly a follow-up, and (last rule only) whether it is certain only
    because its words are the topic's."""
    if topic is None or not prepared.strip():
        return None
    low = prepared.casefold()
    toks = [t.casefold() for t in tokens]
    marked = any(t in words.markers for t in toks)
    deixis = next((w for w in words.deictic if w in low.replace(" ", "")), "")
    rest = [t for t in toks if t not in words.markers and t not in words.attributes and not t.isdigit()
            and t not in {"หมวด", "ที่", "ข้อ", "อัน", "ตัว", "ระดับ", "ประเด็น"} and t not in ORDINALS
            and not (t in _ROUND_WORDS and topic.kind == "indicator" and _ROUND_VALUES & set(toks))]
    # "ที่ไหน", "กี่โมง", "เมื่อไหร่": nothing but a question word is a question about the topic.
    only_attributes = (bool(toks) and not rest) or (not toks and bool(_QUESTION_WORD.search(low)))
    # Every word the topic's own text uses, in a short question: probably about it (tried if it finds nothing alone).
    about_topic = bool(rest) and len(rest) <= 4 and all(topic_says(topic, t) for t in rest)
    if not (marked or deixis or only_attributes or about_topic):
        return None
    level = next((LEVEL_WORDS[t] for t in toks if t in LEVEL_WORDS), "")
    if level and topic.praden and not has_own_reference:
        return f"ประเด็น {topic.praden} ระดับ {level}", True
    own_hmuad = _HMUAD.search(low)
    bare = not [t for t in toks if t not in words.markers and not t.isdigit() and t not in {"หมวด", "ที่"}]
    if own_hmuad and bare:
        number = own_hmuad.group(1)
        if topic.kind == "clinic":
            return f"คลินิกหมวด {number}", True
        if topic.kind == "meeting":
            return f"ประชุมคณะทำงานหมวด {number}", True
        if topic.kind == "praden" and level:
            return None  # "หมวด 5 ระดับ advance" names no ประเด็น: let the search say so
        if topic.kind == "hmuad" and topic.anchor != f"หมวด {topic.hmuad}":
            return topic.anchor.replace(f"หมวด {topic.hmuad}", f"หมวด {number}"), True
        return None
    if has_own_reference and not deixis:
        return None
    step = _STEP_WORDS.search(low.replace(" ", ""))
    if step and topic.praden and not rest:
        # "ประเด็นถัดไปล่ะ" / "ข้อก่อนหน้า": the next or previous ประเด็น of the same หมวด.
        hmuad, number = (int(x) for x in topic.praden.split("."))
        number += 1 if step.group(1) in ("ถัดไป", "ต่อไป") else -1
        last = 6 if hmuad == 7 else 4
        if 1 <= number <= last:
            return f"ประเด็น {hmuad}.{number}", True
        return f"หมวด {hmuad}", True
    if topic.kind == "clinic" and topic.hmuad and not rest and not _HMUAD.search(low) and (nth := ordinal_of(low)):
        # "อันสุดท้ายล่ะ" after one หมวด's clinic: the schedule's last (there is one clinic per หมวด).
        n = HMUAD_COUNT if nth == -1 else nth
        if 1 <= n <= HMUAD_COUNT:
            return f"คลินิกหมวด {n}", True
    if (topic.hmuad and ("ประเด็น" in low or topic.kind in ("hmuad", "praden")) and not _HMUAD.search(low)
            and (nth := ordinal_of(low)) and not rest):
        last = 6 if topic.hmuad == 7 else 4
        n = last if nth == -1 else nth
        if 1 <= n <= last:
            return f"ประเด็น {topic.hmuad}.{n}", True  # "ประเด็นแรก" of the หมวด being talked about
    if (topic.kind == "indicator" and not rest and not _HMUAD.search(low) and not _ROUND_WORDS & set(toks)
            and (number := _ONE_NUMBER.match(low))):
        return f"ตัวชี้วัดที่ {int(number.group(1))}", True  # "แล้ว 11 ล่ะ" after ตัวชี้วัดที่ 10
    item = _ITEM.search(low) or (_BARE_NUMBER.match(low) if not rest else None)
    if item and topic.hmuad and not rest and not _HMUAD.search(low):
        n = int(item.group(1))
        if 1 <= n <= 6 and topic.hmuad <= 6:
            return f"ประเด็น {topic.hmuad}.{n}", True
    if deixis:
        kind = words.deictic[deixis]
        anchor = {"hmuad": f"หมวด {topic.hmuad}" if topic.hmuad else topic.anchor,
                  "praden": f"ประเด็น {topic.praden}" if topic.praden else topic.anchor}.get(kind, topic.anchor)
        squeezed = low.replace(" ", "")
        return squeezed.replace(deixis, f" {anchor} ").strip(), True
    anchor = f"หมวด {topic.hmuad}" if topic.kind == "hmuad" and topic.hmuad else topic.anchor
    if rest and not marked:
        # Tried against the topic only if it finds nothing alone: "ระดับการประเมินมีกี่ระดับ" uses the words of
        # many topics and stands alone (making such questions certain follow-ups misreads more questions than it helps).
        return (f"{anchor} {prepared}", False) if about_topic else None
    # Another facet of a หมวด ("เป้าหมายล่ะ" after its เจตนารมณ์) is asked of the หมวด, not of the facet shown;
    # "ถ้าน้อยล่ะ" after what to do when a risk is high: words the topic's own text uses, marked as a follow-up.
    return f"{anchor} {prepared}", not rest or about_topic, bool(rest)


__all__ = ["FollowUp", "FollowUpWords", "Topic", "follow_up", "load_followup_words", "ordinal_in_question",
           "ordinal_noun", "topic_of", "topic_says", "without_ordinal"]
