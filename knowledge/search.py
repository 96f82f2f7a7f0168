"""Finding what answers a question: an entry, or a passage of the source.

Three stages, all pure:

1. Structured references ("หมวด 3", "ประเด็น 4.2 ระดับ advance", "ตัวชี้วัดที่ 3") resolve exactly
   (``knowledge.references``); a narrower question about a reference gets the passage that says it.
2. Everything else is ranked with BM25 over Thai tokens (title, keywords and example questions weigh
   more than the answer text), entries and passages alike. The confidence is the share of the question's
   information (IDF-weighted, unknown words weighing most) that the best one covers, so "ผลบอลเมื่อคืน" has
   a low confidence even if "ผล" matches something.
3. The answer is checked against what the question asks (``knowledge.answerability``): what the source
   does not say is said to be unstated, not answered with something near it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from pathlib import Path

from knowledge.answerability import ASKED_NAMES, Constraints, constraints_of, contact_near, contact_subject, unmet
from knowledge.entry_index import EntryIndex, Hit
from knowledge.follow_search import SUBJECT_BOUND, FollowUpSearch
from knowledge.followup import (
    FollowUpWords,
    Topic,
    follow_up,
    load_followup_words,
    ordinal_in_question,
    ordinal_noun,
    without_ordinal,
)
from knowledge.items import item_of
from knowledge.latin import LatinWords
from knowledge.passages import Passage, PassageHit, PassageIndex, load_sources
from knowledge.query import STOPWORDS, plain_question, query_tokens, question_key, use_synonyms
from knowledge.references import HMUAD, REF_WORDS, References, anchors, mention_pattern, reference_numbers
from knowledge.resolution import Resolution
from knowledge.schema import Entry
from knowledge.token_cache import cached_tokens
from thai import analyze
from thai.sound import SoundAlikeWords

REFINE_CONFIDENCE = 0.6
#: An entry that explains this much of a question is its answer over a หมวด named in passing.
CLEAR_CONFIDENCE = 0.9
#: A runner-up entry related to the one found may answer what that one lacks from this confidence on.
RELATED_FLOOR = 0.3
#: Entries this close in confidence are equally good answers: neither is picked over the other.
TIED = 0.03

#: A passage answers when it holds this share of the question's information…
PASSAGE_CONFIDENCE = 0.55
#: …and, against a ranked entry, this much more of it than the entry's whole text does.
PASSAGE_MARGIN = 0.2
#: A passage answers the part of a question a reference does not (the words beyond "หมวด 6").
NARROW_CONFIDENCE = 0.6
#: "ละ" ends "แล้วหมวด 5 ละ" (what about…), but inside a question it is "each" ("ปีละกี่วัน", "หมวดละกี่ประเด็น"):
#: no follow-up marker there.
DISTRIBUTIVE = frozenset({"ละ"})
#: "แล้ว" opens a follow-up ("แล้วหมวด 5 ล่ะ", "แล้วใครดูแล"); after a verb it is "then" ("ทำครบแล้วจะนำไปสู่อะไร").
OPENING_ONLY = frozenset({"แล้ว"})
#: Kinds of event, each with its own people, rooms and dates: "คลินิก … ใครเป็นวิทยากร" is not answered by a workshop's.
#: The words of one kind name the same kind ("workshop" is the source's "ประชุมเชิงปฏิบัติการ").
EVENT_KINDS = (frozenset({"คลินิก"}), frozenset({"ประชุม", "workshop", "สัมมนา", "ปฏิบัติการ", "อบรม"}),
               frozenset({"อบรม", "หลักสูตร"}), frozenset({"โครงการ"}), frozenset({"กิจกรรม"}))
#: Passages after one that names a หมวด, in the same section, that are still read as about it.
CARRIED = 4


class KnowledgeBase(FollowUpSearch):
    """Entries plus the indexes that find them. Build once at start; searching is read-only."""

    def __init__(self, entries: list[Entry], passages: list[Passage] | None = None,
                 followups: FollowUpWords | None = None, passage_index: PassageIndex | None = None) -> None:
        self.entries = entries
        self.passages = passage_index or PassageIndex(passages or [], query_tokens)
        self.followups = followups or FollowUpWords(frozenset(), frozenset(), {}, 30)
        self.refs = References(entries)
        self.by_id, self.by_ref = self.refs.by_id, self.refs.by_ref
        #: Titles and example questions, folded: a question asked exactly as written finds its entry.
        self.by_question: dict[str, Entry] = {}
        for e in entries:
            for q in (e.title, *e.questions):
                self.by_question.setdefault(question_key(q), e)
        self.index = EntryIndex(entries, query_tokens)
        texts = [*(e.answer for e in entries), *(e.title for e in entries), *(p.text for p in self.passages.passages),
                 *(" ".join([*e.keywords, *e.questions, *e.refs]) for e in entries)]
        self.latin = LatinWords(texts)
        said = set().union(*(self.index.said(e) for e in entries), *(self.passages.words(i) for i in
                                                                       range(len(self.passages.passages))))
        self.by_sound = SoundAlikeWords(said, texts)
        self._this_year = max((p.issue.year for p in self.passages.passages), default=0)
        self._constraints_of: dict[str, Constraints] = {}
        #: The source's own text, folded: a kind of thing it never speaks of ("สาขา") is never an answer's.
        self._said = "\n".join(f"{p.heading} {p.text}" for p in self.passages.passages).casefold()

    def rank(self, text: str, limit: int = 5) -> list[Hit]:
        return self.index.rank(query_tokens(text), limit)

    # ----- structured references ---------------------------------------------------------
    def resolve_ref(self, prepared: str) -> tuple[Entry | None, str]:
        """An exact reference in the question, and the level asked for (``References.resolve``)."""
        return self.refs.resolve(prepared)

    def levels_of_hmuad(self, hmuad: int) -> list[Entry]:
        return self.refs.levels_of_hmuad(hmuad)

    def with_entries(self, entries: list[Entry]) -> KnowledgeBase:
        """The same knowledge base with other entries (kept answers added): the passages are not indexed again."""
        kb = KnowledgeBase(entries, None, self.followups, passage_index=self.passages)
        return kb

    def words_of(self, entry: Entry) -> frozenset[str]:
        """The words an entry's title and answer use (for reading follow-ups about it)."""
        return self.index.said(entry)

    def says_asked(self, question: str, text: str) -> bool:
        """Does ``text`` give what the question asks for (its year, number, date, person...)?"""
        return not unmet(self._constraints(question), text)

    def _constraints(self, question: str) -> Constraints:
        """``constraints_of`` the question, read once per text (a follow-up reads its question several times)."""
        kept = self._constraints_of.get(question)
        if kept is None:
            if len(self._constraints_of) > 4096:
                self._constraints_of.clear()
            kept = self._constraints_of[question] = constraints_of(question, self.knows_word, self._this_year)
        return kept

    def knows_word(self, word: str) -> bool:
        """Whether the source (or everyday chat English) uses this Latin word, or one a typo away ("off")."""
        return self.latin.knows(word)

    def find(self, text: str, threshold: float, topic: Topic | None = None) -> Resolution:
        """The answer to one message, read as a follow-up of ``topic`` when it cannot stand alone."""
        prepared = self.by_sound.repair(self.latin.split_compounds(plain_question(text)))
        if topic is not None:
            own, _ = self.resolve_ref(prepared)
            tokens = [t for t in analyze(prepared) if not t.isspace()]
            words = [t for i, t in enumerate(tokens) if (t.casefold() in self.followups.markers or t not in STOPWORDS)
                     and not (t in DISTRIBUTIVE and i + 1 < len(tokens)) and not (t in OPENING_ONLY and i > 0)]
            fu = follow_up(prepared, words, topic, self.followups, own is not None)
            same_kind = self.refs.same_kind_for(prepared, topic, self.followups.markers)
            if same_kind is not None:
                return Resolution(same_kind, 1.0, exact=True, prepared=prepared, followed=same_kind.title)
            if missing := self.refs.missing_kind_for(prepared, topic, self.followups.markers):
                overview, _ = self.resolve_ref(prepared)
                return Resolution(overview, 1.0, prepared=prepared, unstated=missing)
            # The message read alone: needed below unless a certain follow-up answers it; read once.
            alone = self._find(prepared, threshold) if fu is None or fu.by_words or not fu.certain else None
            if fu is not None and fu.by_words and alone is not None and self._switches(topic, words, alone):
                fu = None  # "แล้ว PMQA ล่ะ" after TQA: PMQA is a subject of its own
            if (fu is not None and fu.item and (mine := self.by_id.get(topic.key)) is not None
                    and not self._names_its_own(prepared)):
                # "อันที่สองล่ะ": an item of the topic's own list (its title, searched, may name something else:
                # "ตัวชี้วัด 12 ตัว" is no reference to indicator 12), called what the last question called them
                # ("องค์ประกอบแรก…").
                called = (prepared if ordinal_noun(prepared) or not ordinal_noun(topic.question, words_only=True)
                          else topic.question)
                return Resolution(self._list_holding(mine, fu.item, called), 1.0, exact=True, prepared=prepared,
                                  followed=called, item=fu.item, ordinal_from=called)
            if fu is not None and fu.certain:
                found = self._asked_of_topic(fu.question, prepared, topic, threshold, own is not None)
                asking_only = all(w.casefold() in self.followups.asking for w in words)
                if asking_only and (stray := self._other_event(found, topic, prepared)):
                    return stray  # only asked a value ("จัดที่ห้องไหน"): the topic's, not another event's
                if found.entry is not None or found.passage is not None or found.unstated:
                    return replace(found, followed=fu.question, prepared=prepared, item=fu.item)
            if alone is None:
                alone = self._find(prepared, threshold)
            if again := self._asked_again(topic, words, alone, threshold):
                return again
            if fu is not None and not fu.certain and not alone.exact:
                # Made of the topic's own words ("อบรมจัดโดยใคร" after No Gift Policy): asked of the topic when
                # the question alone finds nothing, or only a middling match.
                found = self._asked_of_topic(fu.question, prepared, topic, threshold, own is not None)
                if self._topic_wins(found, alone, self._names(topic, words, alone),
                                    self._undecided(topic, words, alone)):
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
        if corrected := self.refs.correction(prepared):
            entry, correction = corrected
            return Resolution(entry, 1.0, exact=True, prepared=prepared, correction=correction)
        constraints = self._constraints(asked or prepared)
        if constraints.chosen and constraints.chosen in self._said:
            # A kind of thing the source speaks of ("ระบบ"): its answer may name one without the word ("eMENSCR").
            constraints = replace(constraints, chosen="")
        tokens = list(dict.fromkeys(query_tokens(prepared)))
        entry, level = self.resolve_ref(prepared)
        shown, missing = self.refs.missing_meeting(asked or prepared) if entry is not None else (None, "")
        if missing:
            return Resolution(shown, 1.0, prepared=prepared, unstated=missing)
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
                # Words of a reference ("ข้อ", "ประเด็น") say nothing about which text says more.
                focus = [t for t in tokens if t not in REF_WORDS] or tokens
                said = self._coverage(focus, self.index.said(hits[0].entry))
                passage_says = self._coverage(focus, self._passage_words(best_passage.passage))
                if best_passage.coverage >= PASSAGE_CONFIDENCE and passage_says >= said + PASSAGE_MARGIN:
                    found = self._passage_resolution(best_passage, found)
            return self._check(found, constraints, tokens)
        if best_passage is not None and best_passage.coverage >= PASSAGE_CONFIDENCE:
            found = self._passage_resolution(best_passage, Resolution(None, best_passage.coverage, candidates=hits,
                                                                     prepared=prepared))
            return self._check(found, constraints, tokens)
        topic = self.refs.topic_overview(prepared)
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
        said, strong = self.index.said(entry), self.index.strong(entry)
        focus = [t for t in tokens if t not in strong and t not in REF_WORDS and not t.isdigit() and len(t) > 1]
        if not focus:
            return None
        entry_says = self._coverage(focus, said)
        if entry_says >= NARROW_CONFIDENCE:
            return None
        named = anchors(entry)
        boost = frozenset().union(*(self._mentioning(r) for r in named)) if named else frozenset()
        if not boost:
            return None  # nothing ties a passage to the reference: the entry stays the answer
        numbers = {t for t in tokens if t.isdigit()} - {r.split()[-1] for r in named} - {
            part for r in named for part in r.split()[-1].split(".")}
        for hit in self.passages.rank(tokens, limit=5, boost=boost):
            words = self._passage_words(hit.passage)
            if (hit.passage.id in boost and numbers <= words
                    and self._coverage(focus, words) >= max(NARROW_CONFIDENCE, entry_says + PASSAGE_MARGIN)):
                return hit
        return None

    def _mentioning(self, ref: str) -> frozenset[int]:
        """The passages that name this reference ("หมวด 6"), and for a หมวด the few after one in the same section
        that go on about it without naming it again ("ควรเลือกกิจกรรมที่สร้างคุณค่า…" after "จุดเน้นที่สำคัญของหมวด
        6"), up to the next one that names a หมวด."""
        carried = 0 if ref.startswith("ประเด็น") else CARRIED
        return self.passages.mentioning(ref, mention_pattern(ref), HMUAD, carried)

    def _passage_words(self, passage: Passage) -> frozenset[str]:
        return self.passages.words(passage.id)

    def _passage_resolution(self, hit: PassageHit, base: Resolution) -> Resolution:
        more = self.passages.continuation(hit.passage)
        return replace(base, entry=base.entry, passage=hit.passage, passage_more=more,
                       confidence=max(base.confidence, hit.coverage))

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
        other = "" if missing or found.exact else self._other_subject(found, constraints, tokens)
        if other:
            missing = f"{ASKED_NAMES[constraints.asked]}ของ{other}"
        subject = contact_subject(tokens)
        if not missing and constraints.asked in ("phone", "email") and not contact_near(self._answer_text(found),
                                                                                     subject):
            missing = "เบอร์โทรศัพท์หรืออีเมลของ" + (" ".join(subject)[:40] or "ผู้ที่ถาม")
        if not missing:
            return found
        if found.passage is not None and found.entry is not None:
            # The passage chosen over the entry lacks what was asked ("…ครั้งที่ 1/2567 จัดที่ไหน"), the entry has it.
            whole = replace(found, passage=None, passage_more=())
            if not unmet(constraints, self._answer_text(whole)):
                return whole
        # A person, room or date asked of a reference ("ประชุมคณะทำงานหมวด 4 ใครเป็นประธาน") is that thing's: another
        # passage's chair is no answer. So is any figure of an indicator ("ตัวชี้วัดที่ 1 ได้กี่คะแนน"): its card has
        # them, not another passage's "100 คะแนน".
        bound = found.exact and (constraints.asked in SUBJECT_BOUND
                                 or found.entry is not None and found.entry.origin == "indicators")
        if not constraints.unknown_names and not constraints.issue and not bound:
            # The numbers a passage must share: not those of a reference ("หมวด 2 มีกี่ประเด็น" is answered by
            # "หมวดละ 4 ประเด็น", which names no 2).
            numbers = {t for t in tokens if t.isdigit()} - reference_numbers(" ".join(tokens))
            for hit in self.passages.rank(tokens, limit=8):
                text = f"{hit.passage.heading} {hit.passage.text}"
                words = self._passage_words(hit.passage)
                if (hit.coverage >= NARROW_CONFIDENCE and numbers <= words and not unmet(constraints, text)
                        and (not other or other in words)):
                    return self._passage_resolution(hit, replace(found, exact=False))
        if closer := self._related_that_says(found, constraints):
            return closer
        return replace(found, unstated=missing)

    def _related_that_says(self, found: Resolution, constraints: Constraints) -> Resolution | None:
        """"ทางเลือกการปรับโครงสร้าง…มีกี่แนวทาง" found the meeting, which does not count them; a runner-up entry of
        the same meeting (related either way) that meets what was asked ("2 แนวทาง") answers it."""
        top = found.entry
        if (top is None or found.passage is not None or constraints.unknown_names or constraints.issue
                or constraints.asked in SUBJECT_BOUND):  # another meeting's room is no answer (a count may be)
            return None
        for hit in found.candidates[1:4]:
            e = hit.entry
            if (hit.confidence >= RELATED_FLOOR and (e.id in top.related or top.id in e.related)
                    and not unmet(constraints, self._answer_text(Resolution(e, hit.confidence)))):
                return replace(found, entry=e, confidence=hit.confidence, exact=False)
        return None

    def _other_subject(self, found: Resolution, constraints: Constraints, tokens: list[str]) -> str:
        """"คลินิก กพร. ใครเป็นวิทยากร" answered with the workshop's speaker: a who / when / where question
        that names a kind of event (``EVENT_KINDS``) the answer is not about. Its value is another event's."""
        if constraints.asked not in SUBJECT_BOUND or found.entry is None and found.passage is None:
            return ""
        if found.passage is not None:
            about = self._passage_words(found.passage) | frozenset(query_tokens(found.passage.heading))
        else:
            about = self.index.said(found.entry) | self.index.strong(found.entry)  # type: ignore[arg-type]
        # By parts of words: "การประชุม" is a ประชุม, "เชิงปฏิบัติการ" a workshop.
        of_kind = [kind for kind in EVENT_KINDS if any(w in a for a in about for w in kind)]
        for t in tokens:
            kinds = [kind for kind in EVENT_KINDS if any(w in t.casefold() for w in kind)]
            if kinds and not any(kind in of_kind for kind in kinds):
                return t
        return ""

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
        hits = self.rank(prepared, limit=4)

        # "หมวด 3" itself, not "หมวด 3 - 6" (the umbrella of four meetings) nor "หมวด 30".
        named = re.compile(rf"{re.escape(marker)}(?![\d.]|\s*[-–]\s*\d)")

        def titled(e: Entry) -> bool:
            return any(r.startswith(marker) for r in e.refs) or bool(named.search(e.title))

        def about_same(e: Entry) -> bool:
            return titled(e) or bool(named.search(e.answer))

        # Ranked above the หมวด's own overview; an entry whose title is of the หมวด before one that mentions it.
        ahead = list(itertools.takewhile(lambda h: h.entry is not entry, hits))
        for about in (titled, about_same):
            for hit in ahead:
                if about(hit.entry) and hit.confidence >= REFINE_CONFIDENCE:
                    tied = [h.entry for h in hits if h is not hit and about_same(h.entry)
                            and abs(h.confidence - hit.confidence) <= TIED]
                    return self._parent_of(hit.entry, tied) or hit.entry
        if len(ahead) < len(hits):
            return None
        # "หมวด 6 ถ้าเกิดวิกฤตต้องมีแผนรองรับกี่ชั้น": an entry that explains nearly all of it, which the หมวด's
        # overview does not say, though it names no หมวด itself (one that names another is about that one).
        # Not when the หมวด has an event of the kind asked about ("ประธานประชุมหมวด 4": its own meeting, whose
        # chair the source does not name, not another meeting that names one).
        kinds = [k for k in EVENT_KINDS if any(w in prepared for w in k)]
        own_event = any(titled(h.entry) and any(w in h.entry.title for k in kinds for w in k) for h in hits)
        if not own_event and self._coverage(rest, self.index.said(entry)) < NARROW_CONFIDENCE:
            for hit in hits:
                text = f"{hit.entry.title} {hit.entry.answer}"
                if hit.confidence >= CLEAR_CONFIDENCE and not HMUAD.search(text):
                    return hit.entry
        return None


    def _list_holding(self, entry: Entry, item: int, called: str) -> Entry:
        """"อันสุดท้ายล่ะ" after "C4 ล่ะ" (one of the 6Cs, no list of its own): the list it is an item of, a related
        entry of its own group (``topic``) that holds the item; the entry itself otherwise."""
        if item_of(entry, item, called) or not entry.topic:
            return entry
        lists = [other for r in entry.related if (other := self.by_id.get(r)) is not None
                 and other.topic == entry.topic and item_of(other, item, called)]
        return lists[0] if len(lists) == 1 else entry

    def _parent_of(self, entry: Entry, tied: list[Entry]) -> Entry | None:
        """"gap ในหมวด 5 เลือกข้อไหน": two development gaps are of หมวด 5 and the question picks neither, so the entry
        that lists them both (related to each, and listing each as related) answers it."""
        for other in tied:
            for parent_id in set(entry.related) & set(other.related):
                parent = self.by_id.get(parent_id)
                if parent is not None and {entry.id, other.id} <= set(parent.related):
                    return parent
        return None


def load_knowledge_base(knowledge_dir: Path, cache_dir: Path | None = None) -> KnowledgeBase:
    """The knowledge base the bot answers from: the entries, every passage of ``sources/*.txt``, and the
    follow-up words. ``cache_dir`` keeps their tokens from one start to the next (``knowledge.token_cache``)."""
    from knowledge.loader import load_entries

    use_synonyms(knowledge_dir / "conversation" / "synonyms.yaml")
    with cached_tokens(cache_dir):
        return KnowledgeBase(load_entries(knowledge_dir), load_sources(knowledge_dir / "sources"),
                             load_followup_words(knowledge_dir / "conversation" / "followups.yaml"))


__all__ = ["Hit", "KnowledgeBase", "Resolution", "load_knowledge_base", "query_tokens"]
