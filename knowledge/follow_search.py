"""Reading a follow-up against the topic: the parts of ``KnowledgeBase.find`` that weigh what the person said
against the topic they were talking about (``knowledge.followup`` rewrites the message; this decides whether
the rewriting, the message alone or another subject answers it).

A mixin of ``KnowledgeBase``: it uses the base's search (``_find``, ``_check``), entries and follow-up words.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from knowledge.answerability import ASKED_NAMES
from knowledge.followup import Topic, topic_says
from knowledge.query import query_tokens
from knowledge.resolution import Resolution

if TYPE_CHECKING:
    from knowledge.search import KnowledgeBase

#: A standalone answer below this confidence gives way to the topic's, for a question made of the topic's words.
MIDDLING = 0.75
#: A question naming what the topic is about, that the topic's answer covers this well, is about the topic.
TOPIC_COVERS = 0.8
#: Answers found alone this close to the best one: the message alone does not choose between them.
UNDECIDED = 0.03
#: "แล้ว X ล่ะ": the particle that asks the last question again of X.
WHAT_ABOUT = frozenset({"ล่ะ", "หละ", "ละ", "ล่า"})
#: Kinds of value that belong to one thing: a person, a room, a time or a date of another thing is no answer.
SUBJECT_BOUND = frozenset({"person", "who", "room", "time", "date"})


class FollowUpSearch:
    """How a follow-up is weighed against its topic (mixed into ``KnowledgeBase``)."""

    def _asked_of_topic(self: KnowledgeBase, question: str, asked: str, topic: Topic, threshold: float,
                        names_a_reference: bool) -> Resolution:
        """The follow-up ``question`` (the topic's name and what was ``asked``) searched. A reference its topic's
        title holds is not the person's ("แล้วเมื่อก่อนล่ะ" after "แนวทางการเลือกเขียนคำตอบ … รายหมวด 1 - 6" is not
        about หมวด 1): then the topic's own entry is checked against what was asked."""
        found = self._find(question, threshold, asked=asked)
        mine = self.by_id.get(topic.key)
        if (names_a_reference or mine is None or not found.exact or found.entry is None or found.entry is mine
                or topic.kind not in ("entry", "activity") or self.resolve_ref(topic.anchor)[0] is None):
            return found  # a reference of the person's own, or one a deictic word stood for ("หมวดนี้")
        tokens = list(dict.fromkeys(query_tokens(question)))
        return self._check(Resolution(mine, 1.0, prepared=question), self._constraints(asked), tokens)

    def _other_event(self: KnowledgeBase, found: Resolution, topic: Topic, asked: str) -> Resolution | None:
        """"จัดที่ห้องไหน" after a point of the สป.ดศ. meeting found the room of another meeting: the room, time,
        date or person of an entry the topic's is not related to (nor from the same part of the source) belongs
        to something else. Said as not stated, about the topic. None: the answer is the topic's own."""
        own = self.by_id.get(topic.key)
        other = found.entry
        if own is None or other is None or other is own or found.unstated:
            return None
        asked_kind = self._constraints(asked).asked
        if asked_kind not in SUBJECT_BOUND:
            return None
        if other.id in own.related or own.id in other.related or _section(other.source) == _section(own.source):
            return None
        return Resolution(own, found.confidence, prepared=asked, unstated=ASKED_NAMES[asked_kind])

    @staticmethod
    def _topic_wins(about_topic: Resolution, alone: Resolution, names_topic: bool, undecided: bool = False) -> bool:
        """A question of the topic's own words is about the topic when alone it finds nothing, or only a middling
        match; or, when its words are what the topic is about ("รางวัล" of Hall of Fame), when the topic's answer
        covers it well, even to say the source does not state what was asked ("ใครได้รางวัลบ้าง": no one is named,
        whoever else the source names); or when alone it finds several answers it cannot choose between
        ("เชื่อมกับผลลัพธ์ข้อไหน" alone: 7.2, 7.3 and 7.6 alike; after Business Strategy: its own link)."""
        covers = names_topic and about_topic.confidence >= TOPIC_COVERS
        if about_topic.unstated:
            return covers
        if not about_topic.answered:
            return False
        return (not alone.answered or alone.confidence < MIDDLING and about_topic.confidence > alone.confidence
                or covers or undecided and about_topic.confidence >= MIDDLING)

    def _names_its_own(self: KnowledgeBase, prepared: str) -> bool:
        """A meeting number, an issue or a year of its own ("แล้วครั้งที่ 2 ประชุมเมื่อไหร่" is no item of a list)."""
        c = self._constraints(prepared)
        return bool(c.meeting or c.issue or c.years)

    def _asked_again(self: KnowledgeBase, topic: Topic, words: list[str], alone: Resolution,
                     threshold: float) -> Resolution | None:
        """"แล้ว PMQA ล่ะ" after "TQA เริ่มใช้ปีไหน": the last question asked again of the other subject the message
        names ("PMQA เริ่มใช้ปีไหน"), when that finds an answer about it. None: answer the message as it stands."""
        own = self.by_id.get(topic.key)
        other = alone.entry
        if own is None or other is None or other is own or not topic.question:
            return None
        said = [w.casefold() for w in words]
        if not any(w in WHAT_ABOUT for w in said):
            return None
        rest = [w for w in said if w not in self.followups.markers and not w.isdigit()]
        if not rest or not all(w in {k.casefold() for k in other.keywords} for w in rest):
            return None
        if all(w in {k.casefold() for k in own.keywords} for w in rest):
            return None  # "แล้วรางวัลล่ะ" after Hall of Fame: what the topic itself is about, not another subject
        before = topic.question.casefold()
        said_of_own = [k.casefold() for k in own.keywords if len(k) > 1 and k.casefold() in before]
        subject = max(said_of_own, key=len, default="")
        if not subject:
            return None
        question = before.replace(subject, f" {' '.join(rest)} ", 1).strip()
        found = self._find(question, threshold)
        # About the other subject: its own entry, or one whose title names it (not a list naming every activity).
        named = found.entry.title.casefold() if found.entry else ""
        if found.unstated or not found.answered or not (found.entry is other or all(w in named for w in rest)):
            return None
        return replace(found, followed=question, prepared=alone.prepared)

    def _switches(self: KnowledgeBase, topic: Topic, words: list[str], alone: Resolution) -> bool:
        """Whether the message's own words name another entry (its keywords: "PMQA"), found ``alone``, and not what
        the topic's own title names ("แล้ว Stay ล่ะ" after 3S (Say, Stay, Strive) is one of its items)."""
        own = self.by_id.get(topic.key)
        if alone.entry is None or alone.entry.id == topic.key or own is None:
            return False
        rest = self.followups.beyond_asking(words)
        names = {k.casefold() for k in alone.entry.keywords}  # whole keywords: "น้อย" of "อย่างน้อย" names nothing
        titled = {t.casefold() for t in query_tokens(own.title)}
        return bool(rest) and all(w in names for w in rest) and not all(w in titled for w in rest)

    def _undecided(self: KnowledgeBase, topic: Topic, words: list[str], alone: Resolution) -> bool:
        """Alone, the message finds two entries about equally well and names neither ("เชื่อมกับผลลัพธ์ข้อไหน": 7.2,
        7.3 and 7.6 alike) with words the topic's text uses ("เชื่อม" of its "เชื่อมโยง"), so it cannot choose;
        "Deployment ใน ADR" names its own."""
        hits = alone.candidates
        rest = self.followups.beyond_asking(words)
        if not rest or not all(topic_says(topic, w) for w in rest):
            return False  # "แล้ว corporate ล่ะ" after Stay/Stop/Start names something the topic does not say
        return (not alone.exact and alone.passage is None and len(hits) >= 2 and hits[0].entry is alone.entry
                and hits[1].confidence >= hits[0].confidence - UNDECIDED and not self._switches(topic, words, alone))

    def _names(self: KnowledgeBase, topic: Topic, words: list[str], alone: Resolution) -> bool:
        """Whether the message's words, beyond asking (attributes, markers), name what the topic's entry is about
        (words of its title, or whole keywords: "รางวัล" of Hall of Fame), and not what the entry found alone is
        about (Digitization's own entry)."""
        rest = self.followups.beyond_asking(words)
        if not rest:
            return False

        def named_by(entry_id: str) -> bool:
            e = self.by_id.get(entry_id)
            if e is None:
                return False
            names = {k.casefold() for k in e.keywords} | {t.casefold() for t in query_tokens(e.title)}
            return all(w in names for w in rest)

        return named_by(topic.key) and not (alone.entry is not None and named_by(alone.entry.id))


def _section(source: str) -> str:
    """The part of the source an entry comes from ("… – ประเด็นที่ 4" is of its meeting)."""
    return source.split(" – ")[0].strip()


__all__ = ["MIDDLING", "SUBJECT_BOUND", "TOPIC_COVERS", "FollowUpSearch"]
