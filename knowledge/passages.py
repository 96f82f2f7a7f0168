"""Every passage of the source documents, searchable on its own.

The curated YAML entries answer the common questions well, but a narrow question ("หมวด 6 แบ่งกิจกรรม
ปรับปรุงประสิทธิภาพเป็นกี่ประเภท") is answered by one sentence or table row buried in a section. So each
newsletter in ``knowledge/sources/*.txt`` is cut into passages at start-up, with no YAML written:

* a prose line is a passage (long lines are cut at word boundaries, short fragments of an
  infographic are joined to their neighbours);
* a table row is a passage that carries its column headers ("น้ำหนัก: ร้อยละ 5");
* each passage keeps its heading path (section › sub-heading) and its newsletter issue, so an answer
  can say where it comes from, and a newer issue can win on facts that change.

Pure: text in, passages out; the index ranks with BM25 like the entries do.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from knowledge.ranking import bm25

#: A passage longer than this is cut at word boundaries into pieces about this long.
LONGEST_PASSAGE = 320
#: Lines shorter than this are fragments (an infographic's label), joined to the next line.
SHORTEST_LINE = 40
#: A block of one line this short, without a tab, is a heading.
LONGEST_HEADING = 100
K1 = 1.2
B = 0.5
OLDER_ISSUE = 0.9

#: Brackets and bold marks glued to words ("[Innovation]", "**Stop**") hide them from the tokeniser.
_BRACKETS = re.compile(r"[\[\]()*“”\"'{}]")
_ISSUE = re.compile(r"ฉบับที่\s*(\d{1,2})\s*/\s*(25\d\d)")


@dataclass(frozen=True)
class Issue:
    """One newsletter issue: "ฉบับที่ 2/2567". Ordered by (year, number): later is newer."""

    number: int
    year: int
    file: str

    @property
    def label(self) -> str:
        return f"ฉบับที่ {self.number}/{self.year}"

    @property
    def order(self) -> tuple[int, int]:
        return (self.year, self.number)


@dataclass(frozen=True)
class Passage:
    id: int
    text: str
    section: str
    heading: str
    issue: Issue

    @property
    def path(self) -> str:
        """Where the passage stands, for the citation: "section › sub-heading"."""
        parts = [p for p in (self.section, self.heading) if p]
        if len(parts) == 2 and (parts[1] in parts[0] or parts[0] in parts[1]):
            parts = [max(parts, key=len)]
        return " › ".join(parts)

    def citation(self) -> str:
        where = f" — {self.path}" if self.path else ""
        return f"สารประชาสัมพันธ์การพัฒนาระบบบริหาร สสช. {self.issue.label}{where}"


def read_issue(text: str, file: str) -> Issue:
    """The issue named near the top of the newsletter ("ฉบับที่ 2/2567"); 0/0 when it names none."""
    m = _ISSUE.search(text[:3000])
    return Issue(int(m.group(1)), int(m.group(2)), file) if m else Issue(0, 0, file)


def _blocks(lines: list[str]) -> Iterable[list[str]]:
    block: list[str] = []
    for raw in lines:
        line = raw.rstrip()
        if line.strip():
            block.append(line)
        elif block:
            yield block
            block = []
    if block:
        yield block


def _cut(text: str, longest: int = LONGEST_PASSAGE) -> list[str]:
    """A long line cut at spaces into pieces of at most about ``longest`` characters."""
    if len(text) <= longest:
        return [text]
    pieces: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > longest:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        if pieces and len(current) < SHORTEST_LINE:
            pieces[-1] = f"{pieces[-1]} {current}"
        else:
            pieces.append(current)
    return pieces


def _table_rows(block: list[str]) -> list[str]:
    """Rows of a tab-separated table, each with its column headers: "ตัวชี้วัด: … · น้ำหนัก: ร้อยละ 5"."""
    header: list[str] = []
    rows: list[str] = []
    for line in block:
        cells = [c.strip() for c in line.split("\t")]
        if "\t" not in line:
            rows.append(line.strip())
            continue
        if not header:
            header = cells
            continue
        filled = [(header[i] if i < len(header) else "", c) for i, c in enumerate(cells) if c]
        if len(filled) == 1:
            rows.append(filled[0][1])
            continue
        # A row whose first cell labels it ("ผลการดำเนินงาน") reads as label: values.
        rows.append(" · ".join(f"{h}: {c}" if h and h != c else c for h, c in filled))
    if header and not rows:
        rows.append(" · ".join(c for c in header if c))
    return rows


def contents_titles(lines: list[str]) -> list[str]:
    """The section titles of the table of contents: each one follows a block that is only a page number."""
    titles: list[str] = []
    blocks = list(_blocks(lines[:400]))
    for before, block in zip(blocks, blocks[1:], strict=False):
        if len(before) == 1 and re.fullmatch(r"\d{1,3}", before[0].strip()) and "\t" not in block[0]:
            titles.append(block[0].strip())
    return titles


def _fold(line: str) -> str:
    return re.sub(r"\s+", "", line)


def _section_of(block: list[str], titles: list[str]) -> str:
    """The contents title a block opens with (titles are often broken over several lines in the body)."""
    head = _fold("".join(block[:3]))
    if len(head) < 15:
        return ""
    for title in titles:
        folded = _fold(title)
        if head.startswith(folded) or (len(head) >= 30 and folded.startswith(head[: len(folded)][:60])):
            return title
    return ""


def split_source(text: str, issue: Issue, start_id: int = 0) -> list[Passage]:
    """Cut one newsletter into passages with their heading paths."""
    lines = text.replace("\r\n", "\n").split("\n")
    titles = contents_titles(lines)
    listed: set[str] = set()
    passages: list[Passage] = []
    section = heading = ""

    heading_used = True

    def add(body: str) -> None:
        nonlocal heading_used
        body = re.sub(r"\s+", " ", body).strip(" -•*")
        if len(body) >= 8:
            heading_used = True
            for piece in _cut(body):
                passages.append(Passage(start_id + len(passages), piece, section, heading, issue))

    def keep_unused_heading() -> None:
        """A short heading no passage followed still says something: keep it as a passage of its own."""
        if not heading_used and heading:
            add(heading)

    for block in _blocks(lines):
        first = block[0].strip()
        title = _section_of(block, titles)
        if title:
            # The contents list each title once, in order; a title seen again opens its section in the body.
            if title in listed:
                section, heading = title, ""
                continue
            listed.add(title)
            if len(block) <= 2:
                add(" ".join(line.strip() for line in block))  # an entry of the contents: what the issue holds
                continue
        if len(block) == 1 and "\t" not in block[0] and len(first) <= LONGEST_HEADING:
            if not re.fullmatch(r"[\d\s.]+", first):
                keep_unused_heading()
                heading, heading_used = first, False
                if len(first) >= SHORTEST_LINE:
                    add(first)
            continue
        if any("\t" in line for line in block):
            for row in _table_rows(block):
                add(row)
            continue
        pending = ""
        for line in block:
            part = line.strip()
            if len(part) < SHORTEST_LINE:
                pending = f"{pending} {part}".strip()
                continue
            add(f"{pending} {part}".strip() if pending else part)
            pending = ""
        if pending:
            if passages and passages[-1].section == section and len(pending) < SHORTEST_LINE:
                last = passages.pop()
                add(f"{last.text} {pending}")
            else:
                add(pending)
    keep_unused_heading()
    return passages


def load_sources(folder: Path) -> list[Passage]:
    """Every ``*.txt`` newsletter in ``folder``, newest issue first (ids follow that order)."""
    texts = [(p, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))]
    issues = sorted(((read_issue(t, p.name), t) for p, t in texts), key=lambda it: it[0].order, reverse=True)
    passages: list[Passage] = []
    for issue, text in issues:
        passages += split_source(text, issue, start_id=len(passages))
    return passages


@dataclass(frozen=True)
class PassageHit:
    passage: Passage
    score: float
    #: Share of the question's information (IDF-weighted) the passage holds.
    coverage: float


#: A passage that ends by introducing a list: its items follow it.
_INTRODUCES_LIST = re.compile(r"(ดังนี้|ได้แก่|ประกอบด้วย|:|\d+\s*(?:ประเภท|แบบ|ข้อ|ด้าน|ขั้นตอน|ประการ|รูปแบบ|ระดับ|ส่วน))\s*$")


class PassageIndex:
    """BM25 over passages. ``tokens_of`` is the same analyser the questions go through."""

    def __init__(self, passages: list[Passage], tokens_of) -> None:  # type: ignore[no-untyped-def]
        self.passages = passages
        self._tokens_of = tokens_of
        self._mentions: dict[str, frozenset[int]] = {}
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._lengths: list[float] = []
        self._bags: list[frozenset[str]] = []
        for p in passages:
            bag: Counter[str] = Counter()
            for tok in tokens_of(_BRACKETS.sub(" ", p.text)):
                bag[tok] += 1.0
            for tok in tokens_of(_BRACKETS.sub(" ", p.heading)):
                bag[tok] += 0.5  # the heading says what the passage is about, weighing less than its words
            self._bags.append(frozenset(bag))
            self._lengths.append(sum(bag.values()))
            for tok, tf in bag.items():
                self._postings[tok].append((p.id, tf))
        # Facts that change (results, schedules) are told again in later issues: among equally good
        # passages, a newer issue's wins (each issue older weighs 10% less).
        orders = sorted({p.issue.order for p in passages}, reverse=True)
        self._age = [orders.index(p.issue.order) for p in passages]
        n = max(1, len(passages))
        self._avg = sum(self._lengths) / n if self._lengths else 1.0
        self.idf = {t: math.log(1 + (n - len(ps) + 0.5) / (len(ps) + 0.5)) for t, ps in self._postings.items()}
        self.unknown_idf = math.log(1 + (n - 0.5) / 0.5)

    def mentioning(self, key: str, names: re.Pattern[str], stop: re.Pattern[str], carried: int) -> frozenset[int]:
        """The passages whose heading or text ``names`` matches, and up to ``carried`` after each in the same
        section that ``stop`` does not match (they go on about it); found once per ``key`` and kept."""
        found = self._mentions.get(key)
        if found is None:
            ids: set[int] = set()
            last: Passage | None = None
            for p in self.passages:
                text = f"{p.heading} {p.text}"
                if names.search(text):
                    ids.add(p.id)
                    last = p
                elif last is not None and p.section == last.section and p.id - last.id <= carried \
                        and not stop.search(text):
                    ids.add(p.id)
                elif stop.search(text):
                    last = None
            found = self._mentions[key] = frozenset(ids)
        return found

    def continuation(self, passage: Passage) -> tuple[Passage, ...]:
        """The items of a list that a passage introduces ("... แบ่งเป็น 3 ประเภท ดังนี้")."""
        if not _INTRODUCES_LIST.search(passage.text):
            return ()
        following = self.passages[passage.id + 1: passage.id + 7]
        return tuple(p for p in following if p.heading == passage.heading and p.section == passage.section)

    def words(self, passage_id: int) -> frozenset[str]:
        """The words of one passage (its text and heading), as the index holds them."""
        return self._bags[passage_id]

    def knows(self, token: str) -> bool:
        return token in self.idf

    def rank(self, tokens: list[str], limit: int = 5, boost: frozenset[int] = frozenset()) -> list[PassageHit]:
        """Passages by BM25; ``boost`` ids (the passages of a section the question names) score more."""
        tokens = list(dict.fromkeys(tokens))
        if not tokens:
            return []
        scores, covered = bm25(tokens, self._postings, self.idf, self.unknown_idf, self._lengths, self._avg, K1, B)
        for doc in boost & scores.keys():
            scores[doc] *= 1.5
        for doc in scores:
            scores[doc] *= OLDER_ISSUE ** self._age[doc]
        ranked = sorted(scores, key=lambda d: (-scores[d], d))[:limit]
        return [PassageHit(self.passages[d], scores[d], covered.get(d, 0.0)) for d in ranked]

    def ids_mentioning(self, token: str) -> frozenset[int]:
        return frozenset(doc for doc, _ in self._postings.get(token, ()))


__all__ = ["Issue", "Passage", "PassageHit", "PassageIndex", "load_sources", "read_issue", "split_source"]
