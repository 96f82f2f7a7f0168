"""BM25 over the curated entries: title, references, keywords and example questions weigh more than the answer.

The confidence of a hit is the share of the question's information (IDF-weighted, unknown words weighing most)
that the entry covers, a word its answer merely uses counting half ("ผลบอลเมื่อคืน" has a low confidence even if
"ผล" matches something). Pure: built once from the entries, read-only after.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from knowledge.ranking import bm25
from knowledge.schema import Entry

FIELD_WEIGHTS = {"title": 3, "refs": 3, "keywords": 3, "questions": 2, "answer": 1}
ANSWER_ONLY_CREDIT = 0.5
K1 = 1.2
B = 0.6


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    confidence: float


class EntryIndex:
    """The entries' words: what each is about (``strong``), what its text says (``said``), and their ranking."""

    def __init__(self, entries: list[Entry], tokens_of: Callable[[str], list[str]]) -> None:
        self.entries = entries
        self._tokens_of = tokens_of
        self._position = {e.id: i for i, e in enumerate(entries)}
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._lengths: list[int] = []
        self._strong: list[frozenset[str]] = []
        #: Every word of each entry's whole text: does the entry *say* what a narrow question asks?
        self._said: list[frozenset[str]] = []
        for i, e in enumerate(entries):
            self._strong.append(self._strong_tokens(e))
            bag, said = self._doc_tokens(e)
            self._said.append(said)
            self._lengths.append(sum(bag.values()))
            for tok, tf in bag.items():
                self._postings[tok].append((i, tf))
        n = max(1, len(entries))
        self._avg_len = sum(self._lengths) / n
        self._idf = {tok: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for tok, p in self._postings.items()}
        #: An unknown word is as informative as the rarest known one.
        self._unknown_idf = math.log(1 + (n - 0.5) / 0.5)

    def _doc_tokens(self, e: Entry) -> tuple[Counter[str], frozenset[str]]:
        """The entry's weighted bag of words, and the words its text says (title, answer, levels)."""
        bag: Counter[str] = Counter()
        said: set[str] = set()
        fields = {"title": [e.title], "refs": list(e.refs), "keywords": list(e.keywords),
                  "questions": list(e.questions), "answer": [e.answer, *e.levels.values()]}
        for name, texts in fields.items():
            weight = FIELD_WEIGHTS[name]
            for text in texts:
                for tok in self._tokens_of(text):
                    bag[tok] += weight
                    if name in ("title", "answer"):
                        said.add(tok)
        return bag, frozenset(said)

    def _strong_tokens(self, e: Entry) -> frozenset[str]:
        """Words that say what the entry is about (not merely words its answer happens to use)."""
        return frozenset(tok for text in (e.title, *e.refs, *e.keywords, *e.questions) for tok in self._tokens_of(text))

    def said(self, entry: Entry) -> frozenset[str]:
        """The words the entry's title and answer use (empty for an entry not in the index)."""
        i = self._position.get(entry.id)
        return self._said[i] if i is not None else frozenset()

    def strong(self, entry: Entry) -> frozenset[str]:
        i = self._position.get(entry.id)
        return self._strong[i] if i is not None else frozenset()

    def rank(self, tokens: list[str], limit: int = 5) -> list[Hit]:
        tokens = list(dict.fromkeys(tokens))
        if not tokens:
            return []
        scores, covered = bm25(tokens, self._postings, self._idf, self._unknown_idf, self._lengths, self._avg_len,
                               K1, B, lambda doc, tok: 1.0 if tok in self._strong[doc] else ANSWER_ONLY_CREDIT)
        ranked = sorted(scores, key=lambda d: (-scores[d], d))[:limit]
        return [Hit(self.entries[d], scores[d], covered.get(d, 0.0)) for d in ranked]


__all__ = ["EntryIndex", "Hit"]
