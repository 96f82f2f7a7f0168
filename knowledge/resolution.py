"""What a search found (``Resolution``): the entry or passage that answers, or what the source does not say."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.entry_index import Hit
from knowledge.passages import Passage
from knowledge.schema import Entry


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
    #: The question whose ordinal says what the items are called ("องค์ประกอบแรก…" for a later "อันที่สองล่ะ").
    ordinal_from: str = ""

    @property
    def answered(self) -> bool:
        return (self.entry is not None or self.passage is not None) and not self.unstated


__all__ = ["Resolution"]
