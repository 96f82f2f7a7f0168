"""The Latin words of the knowledge: which names the source uses ("ITA" is not one), and the word pairs it writes
apart that staff type as one ("checklist" for the source's "Check list"). Pure: built once from the texts."""

from __future__ import annotations

import re
from collections.abc import Iterable

_LATIN = re.compile(r"[a-z][a-z0-9&\-]{1,}")
#: Latin words of everyday chat that are not names of things ("ok", "pmqa" is in the source anyway).
_COMMON_LATIN = frozenset({"ok", "okay", "hi", "hello", "thanks", "thank", "you", "line", "bot", "what", "is", "the",
                           "and", "or", "of", "to", "in", "a", "an", "how", "who", "when", "where", "kpi", "pdpa",
                           "adr", "level", "basic", "advance", "advanced", "significance", "significant", "menu",
                           "help", "faq", "no", "yes", "gift", "policy", "fy", "q", "excel", "pdf", "app"})
#: A whole Latin word: not a part of "e-document" or "4.0".
_WORD = re.compile(r"(?<![A-Za-z0-9\-])[A-Za-z]{4,}(?![A-Za-z0-9\-])")
#: A Latin word this long, one slip from exactly one known word, is read as it ("catalgo"); a shorter one only
#: beside a word the knowledge writes it with ("no gfit policy", "development gab"): "smart" is no "start".
FREE_REPAIR = 6
#: A whole Latin word of any length.
_WHOLE = re.compile(r"(?<![A-Za-z0-9\-])[A-Za-z]{2,}(?![A-Za-z0-9\-])")
_PAIR = re.compile(r"(?=\b([a-z]{2,})\s+([a-z]{2,})\b)")
_TRIPLE = re.compile(r"(?=\b([a-z]{2,})\s+([a-z]{2,})\s+([a-z]{2,})\b)")


class LatinWords:
    def __init__(self, texts: Iterable[str]) -> None:
        text = " ".join(texts).casefold()
        self.words = frozenset(_LATIN.findall(text)) | _COMMON_LATIN
        pairs = _PAIR.findall(text)
        self.compounds = {a + b: f"{a} {b}" for a, b in pairs if a + b not in self.words}
        # "nogiftpolicy", "halloffame": three words the knowledge writes apart, typed as one.
        self.compounds.update({a + b + c: f"{a} {b} {c}" for a, b, c in _TRIPLE.findall(text)
                               if a + b + c not in self.words and a + b + c not in self.compounds})
        self.pairs = frozenset(pairs)  # "development gap": a short word's slip is read in its company
        self._by_length: dict[int, list[str]] = {}
        for known in sorted(self.words):
            self._by_length.setdefault(len(known), []).append(known)
        self._repairs: dict[str, str] = {}  # a typed word → the known word it is a typo of ("": none)
        self._slips: dict[str, list[str]] = {}

    def knows(self, word: str) -> bool:
        """Whether the knowledge (or everyday chat English) uses this word, or one a typo away ("off")."""
        word = word.casefold()
        if word in self.words or len(word) < 3:
            return True
        return any(_one_edit(word, known) for known in self._near_length(word))

    def split_compounds(self, text: str) -> str:
        """"checklist" → "check list", where the knowledge writes the two words apart; a typo of a word the
        knowledge uses read as that word ("catalgo" → "catalog", "no gfit policy" → "no gift policy")."""
        text = _WORD.sub(lambda m: self._repaired(m.group(0)), text)
        return self._repaired_short(text)

    def _repaired_short(self, text: str) -> str:
        """"development gab" → "development gap": a short word one slip from a known word that the word before or
        after it is written beside in the knowledge (alone, "ITA" is a name, never guessed)."""
        found = list(_WHOLE.finditer(text))
        out, last = [], 0
        for i, m in enumerate(found):
            word = m.group(0).casefold()
            if not 3 <= len(word) < FREE_REPAIR or word in self.words:
                continue
            before = found[i - 1].group(0).casefold() if i and text[found[i - 1].end():m.start()].isspace() else ""
            after = (found[i + 1].group(0).casefold()
                     if i + 1 < len(found) and text[m.end():found[i + 1].start()].isspace() else "")
            near = [k for k in self._one_slip_from(word) if (before, k) in self.pairs or (k, after) in self.pairs]
            if len(near) == 1:
                out += [text[last:m.start()], near[0]]
                last = m.end()
        return "".join(out) + text[last:] if out else text

    def _one_slip_from(self, word: str) -> list[str]:
        """Known words of three letters or more one slip from ``word`` (kept: a question's words repeat)."""
        if word not in self._slips:
            if len(self._slips) > 4096:
                self._slips.clear()
            self._slips[word] = [k for k in self._near_length(word) if len(k) >= 3 and _one_edit(word, k)]
        return self._slips[word]

    def _repaired(self, word: str) -> str:
        low = word.casefold()
        if low in self.compounds:
            return self.compounds[low]
        if low in self.words:
            return word
        if low not in self._repairs:
            if len(self._repairs) > 4096:
                self._repairs.clear()
            near = self._one_slip_from(low) if len(low) >= FREE_REPAIR else []
            self._repairs[low] = near[0] if len(near) == 1 else ""
        return self._repairs[low] or word

    def _near_length(self, word: str) -> list[str]:
        """Known words one character shorter, as long, or one longer."""
        return [k for n in (len(word) - 1, len(word), len(word) + 1) for k in self._by_length.get(n, ())]


def _one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one typing slip at most: a character added, dropped or changed, or two swapped
    ("gfit" for "gift")."""
    if a == b:
        return True
    if len(a) < len(b):
        a, b = b, a
    if len(a) - len(b) > 1:
        return False
    i = 0
    while i < len(b) and a[i] == b[i]:
        i += 1
    if len(a) > len(b):
        return a[i + 1:] == b[i:]  # one character added
    return a[i + 1:] == b[i + 1:] or (a[i + 2:] == b[i + 2:] and a[i:i + 2] == b[i:i + 2][::-1])


__all__ = ["LatinWords"]
