"""Structured references in a question: "หมวด 3", "ประเด็น 4.2 ระดับ advance", "ตัวชี้วัดที่ 3", "C4",
"คลินิกหมวด 2", "gap 3.1.1", and the ones that do not exist ("หมวด 8", "ประเด็น 3.7").

They resolve exactly through the entries' declared ``refs``: no ranking luck. Pure: built once from the
entries, read-only after.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from knowledge.followup import Topic
from knowledge.query import query_tokens
from knowledge.schema import LEVEL_WORDS, Entry

LEVEL_TITLES = {
    "basic": "ระดับพื้นฐาน Basic (A&D)",
    "advance": "ระดับก้าวหน้า Advance (Alignment)",
    "significance": "ระดับพัฒนาจนเกิดผล Significance (Integration)",
}
#: The words that ask for one facet of a หมวด (its ``หมวด N/<facet>`` entry).
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
#: Words of a reference itself: not what a narrow question asks beyond it.
REF_WORDS = frozenset({"หมวด", "ประเด็น", "ที่", "ตัวชี้วัด", "คลินิก", "ข้อ", "ระดับ", "pmqa", "คณะทำงาน"})
#: A question of only these words (and no หมวด) about the clinics asks for the whole schedule.
CLINIC_WORDS = frozenset({"คลินิก", "ตาราง", "pmqa", "กำหนดการ", "ให้คำปรึกษา", "คำปรึกษา", "ทั้งหมด", "วัน"})

_GAP = re.compile(r"(?<![\d.])([1-7])\.([1-6])\.(\d)(?![\d.])")
_PRADEN = re.compile(r"(?<![\d.])([1-7])\.([1-6])(?![\d.])")
HMUAD = re.compile(r"หมวด(?:ที่)?\s*([1-7])(?!\d)")
_KPI = re.compile(r"(?:ตัวชี้วัด(?:ที่)?|kpi|ตัวชี้วัดตัวที่)\s*(?:ที่)?\s*(\d{1,2})(?![\d.])", re.IGNORECASE)
_C = re.compile(r"(?<![a-z0-9])c\s?([1-6])(?!\d)", re.IGNORECASE)
_FACTOR = re.compile(r"ปัจจัย(?:.*?(?:ข้อ(?:ที่)?|ประการที่)|\s*(?:ที่)?)\s*([1-3])(?![\d.])")
_STEP = re.compile(r"ขั้น(?:ตอน)?(?:ที่)?\s*([1-6])(?!\d)")
_ACTIVITY = re.compile(r"กิจกรรม(?:ที่)?\s*(\d{1,2})(?![\d.])")
#: "ตัวชี้วัดตัวแรก": the first of the indicators.
_KPI_FIRST = re.compile(r"(?:ตัวชี้วัด|kpi)\s*(?:ตัว)?\s*แรก", re.IGNORECASE)
_REF_NUMBER = re.compile(r"(?:หมวด|ประเด็น|ตัวชี้วัด|ที่|คลินิก)\s+(\d+)")
_NO_HMUAD = re.compile(r"(?:หมวด|ประเด็น)(?:ที่)?\s*(0|[89]|[1-9]\d)(?![\d])")
#: "ประเด็น 2.5", "ข้อ 7.8": a ประเด็น past the last of its หมวด (หมวด 1 - 6 have four, หมวด 7 six).
_NO_PRADEN = re.compile(r"(?:ประเด็น|ข้อ)(?:ที่)?\s*(?:([1-6])\.([5-9])|(7)\.([7-9]))(?![\d.])")
#: What a topic of each kind is, in the words of a reply that the source does not state one for another หมวด.
#: "คณะทำงานหมวด 1": a หมวด's working group (not "คณะทำงาน … พิจารณาตัวชี้วัดหมวด 7", the PMQA group's agenda).
_WORKING_GROUP = re.compile(r"คณะทำงาน\s*หมวด(?:ที่)?\s*([1-7])(?!\d)")
_KIND_LABELS = {"meeting": "การประชุมคณะทำงาน", "clinic": "คลินิก"}
_GAP_WORDS = re.compile(r"gap|ช่องว่าง")
_DATE = re.compile(r"\d{1,2}\s*(?:ม\.?ค|ก\.?พ|มี\.?ค|เม\.?ย|พ\.?ค|มิ\.?ย|ก\.?ค|ส\.?ค|ก\.?ย|ต\.?ค|พ\.?ย|ธ\.?ค"
                   r"|มกรา|กุมภา|มีนา|เมษา|พฤษภา|มิถุนา|กรกฎา|สิงหา|กันยา|ตุลา|พฤศจิกา|ธันวา)")
#: An entry's refs that passages of the source name in so many words ("หมวด 6", "ประเด็น 4.2").
_ANCHOR = re.compile(r"(?:หมวด|ประเด็น) [\d.]+|คลินิก หมวด \d")

EARLY_REFS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (_GAP, lambda m: f"gap {m.group(1)}.{m.group(2)}.{m.group(3)}"),
    (_KPI, lambda m: f"ตัวชี้วัด {int(m.group(1))}"),
    (_KPI_FIRST, lambda m: "ตัวชี้วัด 1"),
]
LATE_REFS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (_C, lambda m: f"C{m.group(1)}"),
    (_STEP, lambda m: f"ขั้น {m.group(1)}"),
    (_ACTIVITY, lambda m: f"กิจกรรม {int(m.group(1))}"),
]


def level_in(low: str) -> str:
    """The level a (casefolded) question names, or ""."""
    return next((LEVEL_WORDS[w] for w in LEVEL_WORDS if w in low), "")


def level_text(entry: Entry, level: str) -> str:
    return f"{LEVEL_TITLES[level]}: {entry.levels[level]}" if level in entry.levels else ""


def reference_numbers(text: str) -> set[str]:
    """The numbers that belong to a reference ("หมวด 2"), not to what is asked about it."""
    return set(_REF_NUMBER.findall(text))


def anchors(entry: Entry) -> list[str]:
    """The entry's refs that the source's passages name ("หมวด 6", "ประเด็น 4.2", "คลินิก หมวด 2")."""
    return [r for r in entry.refs if _ANCHOR.fullmatch(r)]


def mention_pattern(ref: str) -> re.Pattern[str]:
    """How a passage names an anchor: "หมวด 6" / "หมวดที่ 6"; a ประเด็น also as its bare number ("4.2 ")."""
    number = re.escape(ref.split()[-1])
    if ref.startswith(("หมวด", "คลินิก")):
        return re.compile(rf"หมวด(?:ที่)?\s*{number}(?!\d)")
    return re.compile(rf"ประเด็น(?:ที่)?\s*{number}(?![\d.])|(?<![\d.]){number}(?=\s)")


class References:
    """The entries by their declared refs and ids, and the rules that read a reference out of a question."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        entries = list(entries)
        self.by_id = {e.id: e for e in entries}
        self.by_ref = {ref: e for e in entries for ref in e.refs}

    def resolve(self, prepared: str) -> tuple[Entry | None, str]:
        """An exact reference in the question, and the level asked for (if any).

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
            return e, level_in(low)
        if m := HMUAD.search(low):
            base = f"หมวด {m.group(1)}"
            facet = next((self.by_ref[f"{base}/{f}"] for w, f in FACETS.items()
                          if w in low and f"{base}/{f}" in self.by_ref), None)
            if facet is not None:
                return facet, ""
            if e := self.by_ref.get(base):
                # "หมวด 5 ระดับ advance": the levels are those of the หมวด's ประเด็น (``levels_of_hmuad``).
                return e, level_in(low)
        for pattern, ref_of in LATE_REFS:
            if (m := pattern.search(low)) and (e := self.by_ref.get(ref_of(m))):
                return e, ""
        return None, ""

    def levels_of_hmuad(self, hmuad: int) -> list[Entry]:
        """The ประเด็น of a หมวด that describe the three levels (the source gives them for หมวด 3–6 only)."""
        found = (self.by_ref.get(f"ประเด็น {hmuad}.{n}") for n in range(1, 7))
        return [e for e in found if e is not None and e.levels]

    def _clinic(self, low: str) -> Entry | None:
        numbers = set(HMUAD.findall(low))
        if len(numbers) == 1:
            return self.by_ref.get(f"คลินิก หมวด {numbers.pop()}")
        bare = not numbers and not set(query_tokens(low)) - CLINIC_WORDS
        if bare or len(numbers) > 1 or _DATE.search(low):
            return self.by_ref.get("คลินิก")  # the schedule, comparing sessions, a date's session: the table
        return None

    def same_kind_for(self, prepared: str, topic: Topic, markers: frozenset[str]) -> Entry | None:
        """"แล้วหมวด 3 ล่ะ" after the หมวด 5 working group's meeting: the same kind of entry for หมวด 3, found by
        the knowledge files' id convention (``meeting-hmuad-5`` → ``meeting-hmuad-3``)."""
        other = self._other_hmuad(prepared, topic, markers)
        return self.by_id.get(other[0]) if other else None

    def missing_kind_for(self, prepared: str, topic: Topic, markers: frozenset[str]) -> str:
        """"หมวด 2 ล่ะ" after the หมวด 5 working group's meeting, when the source has no หมวด 2 meeting: what it
        does not state ("การประชุมคณะทำงานหมวด 2"), or "" when the message is not such a question."""
        other = self._other_hmuad(prepared, topic, markers)
        label = _KIND_LABELS.get(topic.kind)
        if other is None or label is None or other[0] in self.by_id:
            return ""
        return f"{label}หมวด {other[1]} "

    def missing_meeting(self, prepared: str) -> tuple[Entry | None, str]:
        """"คณะทำงานหมวด 1 ประชุมวันไหน" when the source reports the meetings of other หมวด's working groups but
        not this one's: the entry of the meetings it does report, and what it does not state
        ("การประชุมคณะทำงานหมวด 1"); (None, "") otherwise."""
        low = prepared.casefold()
        m = _WORKING_GROUP.search(low)
        if m is None or "ประชุม" not in low or f"meeting-hmuad-{m.group(1)}" in self.by_id:
            return None, ""
        reported = [key for key in self.by_id if key.startswith("meeting-hmuad-")]
        if not reported:
            return None, ""
        shown = self.by_id.get("meetings-wg-hmuad") or self.by_id[reported[0]]
        return shown, f"{_KIND_LABELS['meeting']}หมวด {m.group(1)} "

    def _other_hmuad(self, prepared: str, topic: Topic, markers: frozenset[str]) -> tuple[str, str] | None:
        """A message that names only another หมวด than the topic's: the id the same kind of entry would have for
        it, and that หมวด's number."""
        m = HMUAD.search(prepared.casefold())
        if m is None or not topic.hmuad or f"hmuad-{topic.hmuad}" not in topic.key:
            return None
        if any(t not in {"หมวด", m.group(1), "ที่"} and t.casefold() not in markers for t in query_tokens(prepared)):
            return None
        return topic.key.replace(f"hmuad-{topic.hmuad}", f"hmuad-{m.group(1)}"), m.group(1)

    def correction(self, prepared: str) -> tuple[Entry, str] | None:
        """A question about something that does not exist ("หมวด 8"): the entry to answer with, and the correction."""
        low = prepared.casefold()
        if (m := _NO_HMUAD.search(low)) and (e := self.by_id.get("pmqa-structure")):
            return e, f"PMQA 4.0 มี 7 หมวด (หมวด 1 – หมวด 7) ไม่มีหมวด {m.group(1)} ค่ะ"
        if ((m := _GAP.search(low)) and f"gap {m.group(0)}" not in self.by_ref and _GAP_WORDS.search(low)
                and (e := self.by_id.get("gap-overview"))):
            chosen = sorted(r.split()[1] for r in self.by_ref if r.startswith("gap "))
            return e, (f"ประเด็นช่องว่างในการพัฒนาที่เลือกไม่มีประเด็น {m.group(0)} ค่ะ "
                       f"(ที่เลือกคือ {', '.join(chosen[:-1])} และ {chosen[-1]})" if chosen else
                       f"ประเด็นช่องว่างในการพัฒนาที่เลือกไม่มีประเด็น {m.group(0)} ค่ะ")
        if m := _NO_PRADEN.search(low):
            hmuad, number = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            if e := self.by_ref.get(f"หมวด {hmuad}"):
                count = sum(1 for r in self.by_ref if re.fullmatch(rf"ประเด็น {hmuad}\.\d", r))
                return e, f"หมวด {hmuad} มี {count} ประเด็น (ไม่มีประเด็น {hmuad}.{number}) ค่ะ"
        return None

    def topic_overview(self, prepared: str) -> Entry | None:
        """A question about the clinics that no single entry explains well gets the whole schedule
        rather than "not sure": the topic is certain even when the detail is not."""
        if "คลินิก" in prepared.casefold():
            return self.by_ref.get("คลินิก")
        return None
