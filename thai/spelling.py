"""Repair misspelt domain words ("ตัวชีวัด", "ผลลัพท์", "บุคคลากร") so they still match the knowledge base.

Staff type fast on phones: tone marks go missing, ิ/ี and ็/้ get swapped, a final ด becomes ท, a
consonant is doubled or dropped. The knowledge base spells each domain word one way, so an
unrepaired word is invisible to BM25 and to the reference regexes.

How: every domain word's plausible misspellings are generated once (weighted edits: Thai
marks and sound-alike consonants are cheap) into one lookup table, and a message is scanned left to
right with exact dictionary look-ups, so a message costs a few microseconds, not an edit-distance
computation per word. Correct text is never touched: a domain word spelt right is matched as itself
first, and a "misspelling" that is a real Thai word ("หมวก" near "หมวด") is not in the table.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from thai._cache import text_cache
from thai._stored import stored
from thai.vocabulary import DOMAIN_WORDS, is_word_boundary, thai_dictionary

#: Known misspellings, listed where the generic rules can't reach them: too far from the word
#: ("ผู้มีส่วนได้เสีย"), or listed in the dictionary as variants ("คลีนิก", "ดิจิตอล").
ALIASES: dict[str, str] = {
    "ผู้มีส่วนได้เสีย": "ผู้มีส่วนได้ส่วนเสีย",
    "ผู้มีส่วนไดเสีย": "ผู้มีส่วนได้ส่วนเสีย",
    "คลีนิก": "คลินิก",
    "คลินิค": "คลินิก",
    "คลีนิค": "คลินิก",
    "ดิจิตอล": "ดิจิทัล",
    "ดิจิตัล": "ดิจิทัล",
    "ดิจิทอล": "ดิจิทัล",
    "เจตนารมย์": "เจตนารมณ์",
    "ประเมิณ": "ประเมิน",
    "บุคคลากร": "บุคลากร",
    "ผลลัพท์": "ผลลัพธ์",
    "ผลลัพ": "ผลลัพธ์",
    "ยุทศาสตร์": "ยุทธศาสตร์",
    "ยุทธศาสตร": "ยุทธศาสตร์",
    "ยุธศาสตร์": "ยุทธศาสตร์",
    "สมรรถณะ": "สมรรถนะ",
    "ระบบราชกา": "ระบบราชการ",
    "ความผูกพันธ์": "ความผูกพัน",
    "ผูกพันธ์": "ผูกพัน",
    "คอไร": "คืออะไร",  # chat shorthand
    "ตชว.": "ตัวชี้วัด",  # staff shorthand
    "ตชว": "ตัวชี้วัด",
    "คทง.": "คณะทำงาน",  # staff shorthand
    "คทง": "คณะทำงาน",
    "วิกฤต": "วิกฤติ",  # both spellings are in use; the source writes วิกฤติ
    "คือไร": "คืออะไร",
}

#: English domain terms typed in Thai letters, as staff say them ("แอดวานซ์", "โนกิฟโพลิซี่"): read as the English.
TRANSLITERATIONS: dict[str, str] = {
    "พีเอ็มคิวเอ": "PMQA",
    "เคพีไอ": "KPI",
    "เอดีอาร์": "ADR",
    "เบสิก": "basic",
    "เบสิค": "basic",
    "แอดวานซ์": "advance",
    "แอดวานส์": "advance",
    "แอดวานซ": "advance",
    "ซิกนิฟิแคนซ์": "significance",
    "ซิกนิฟิแคนท์": "significance",
    "โนกิฟโพลิซี่": "No Gift Policy",
    "โนกิฟท์โพลิซี่": "No Gift Policy",
    "โนกิฟ": "No Gift",
    "ฮอลออฟเฟม": "Hall of Fame",
    "ฮอลล์ออฟเฟม": "Hall of Fame",
    "เบตเตอร์": "Better",
    "เบ็ตเตอร์": "Better",
    "ดิจิทัลเซอร์เวย์": "Digital Survey",
    "คลินิค": "คลินิก",
}

_TONES = "\u0e48\u0e49\u0e4a\u0e4b"  # ่ ้ ๊ ๋
_CHEAP_MARKS = _TONES + "\u0e4c\u0e47\u0e31\u0e4d\u0e3a"  # + ์ ็ ั ํ ฺ
_UPPER_LOWER = "\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39"  # ิ ี ึ ื ุ ู
_LEAD = "เแโใไ"
_FOLLOW = "ะาำๅ"
_CONSONANTS = "".join(chr(c) for c in range(0x0E01, 0x0E2F))
#: Characters that never start a word: a match must not end right before one, nor start with one.
NON_STARTERS = frozenset(_CHEAP_MARKS + _UPPER_LOWER + _FOLLOW + "\u0e4e")
#: Swaps a hurried typist makes at no real cost to meaning.
_MARK_SWAPS = {
    **{t: _TONES.replace(t, "") + "\u0e47" for t in _TONES},
    "\u0e47": _TONES,
    "\u0e34": "\u0e35\u0e36",
    "\u0e35": "\u0e34\u0e37",
    "\u0e36": "\u0e37\u0e34",
    "\u0e37": "\u0e36\u0e35",
    "\u0e38": "\u0e39",
    "\u0e39": "\u0e38",
    "ใ": "ไ",
    "ไ": "ใ",
}
#: Consonants that sound the same anywhere in a syllable.
_SOUND_ALIKE = ("กขคฆ", "จชฉฌ", "ซสศษ", "ดฎ", "ตฏ", "ทธฑฒถฐ", "พภผ", "ฟฝ", "นณ", "ยญ", "ลฬ", "หฮ")
#: Consonants that sound the same as the last sound of a syllable ("หมวด"/"หมวท", "ลัพธ์"/"ลัพท์").
_FINAL_ALIKE = ("กขคฆ", "ดตทธฎฏฐฑฒถจชซศษส", "บปพภฟ", "นณญรลฬ")
#: Look-alike letters (cost of a full edit).
_LOOK_ALIKE = ("ดค", "ถภ", "ผพ", "ฝฟ", "บป", "ขช", "ชซ", "ฎฏ", "ฑฒ", "วร", "ฃข", "ฅค")

CHEAP = 0.5
FULL = 1.0
#: At most two slips per word, whatever they cost.
MAX_EDITS = 2


def _groups_of(ch: str, groups: tuple[str, ...]) -> str:
    return "".join(g.replace(ch, "") for g in groups if ch in g)


def _is_final(word: str, i: int) -> bool:
    """Whether the consonant at ``i`` closes a syllable (where finals like ด/ท/ธ sound alike)."""
    nxt = word[i + 1] if i + 1 < len(word) else ""
    if nxt in ("", "\u0e4c") or (nxt in _TONES and i + 2 == len(word)):
        return True
    prev = word[i - 1] if i else ""
    return nxt in _CONSONANTS and (prev in _UPPER_LOWER + _CHEAP_MARKS + "าำ")


def budget(word: str) -> float:
    """Weighted edits allowed: one cheap slip for ≤4 letters, one edit below 8 letters, else two."""
    n = len(word)
    return CHEAP if n <= 4 else FULL if n < 8 else 2 * FULL


def _edits(word: str, structural: bool) -> Iterator[tuple[str, float]]:
    """Single misspellings of ``word`` with their cost."""
    n = len(word)
    for i, ch in enumerate(word):
        head, tail = word[:i], word[i + 1 :]
        if ch in _CHEAP_MARKS:
            yield head + tail, CHEAP
        for other in _MARK_SWAPS.get(ch, ""):
            yield head + other + tail, CHEAP
        if ch in _CONSONANTS:
            alike = _groups_of(ch, _SOUND_ALIKE)
            if _is_final(word, i):
                alike += _groups_of(ch, _FINAL_ALIKE)
            for other in alike:
                yield head + other + tail, CHEAP
        if not structural:
            continue
        if ch in _CONSONANTS:
            for other in _groups_of(ch, _LOOK_ALIKE):
                yield head + other + tail, FULL
            yield head + ch + ch + tail, FULL
            if 0 < i and (i < n - 1 or n >= 8):
                # Drop the letter with its silent mark: "เจตนารมณ์" → "เจตนารม".
                yield head + (tail[1:] if tail[:1] == "\u0e4c" else tail), FULL
            if i + 1 < n and word[i + 1] in _CONSONANTS and word[i + 1] != ch:
                yield head + word[i + 1] + ch + tail[1:], FULL
        elif ch in _UPPER_LOWER + _LEAD + _FOLLOW and 0 < i:
            yield head + tail, FULL


def _variants(word: str) -> dict[str, float]:
    """All misspellings of ``word`` within its budget, cheapest cost kept."""
    limit = budget(word)
    structural = len(word) >= 6
    found: dict[str, float] = {}
    frontier = {word: 0.0}
    for _ in range(MAX_EDITS):
        nxt: dict[str, float] = {}
        for form, cost in frontier.items():
            for variant, step in _edits(form, structural):
                total = cost + step
                if total <= limit and total < found.get(variant, limit + 1) and variant != word:
                    found[variant] = total
                    nxt[variant] = total
        frontier = nxt
    return found


def _plausible(variant: str) -> bool:
    """A misspelling we could actually find in text: long enough and starting at a letter."""
    return len(variant) >= 3 and variant[0] not in NON_STARTERS and variant[-1] not in _LEAD


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, tuple[str, float]], dict[str, tuple[int, ...]]]:
    """The misspelling table, built or read back from an earlier start (``thai._stored``)."""
    return stored("spelling", _build_table)


def _build_table() -> tuple[dict[str, tuple[str, float]], dict[str, tuple[int, ...]]]:
    """Misspelling → (domain word, cost), plus first-two-letters → candidate lengths (longest first).

    Dropped: forms that are a domain word themselves, real dictionary words (unless listed in
    ALIASES), and forms equally close to two different domain words.
    """
    dictionary = thai_dictionary()
    table: dict[str, tuple[str, float]] = {w: (w, 0.0) for w in DOMAIN_WORDS}
    ambiguous: set[str] = set()
    for word in sorted(DOMAIN_WORDS):
        for variant, cost in _variants(word).items():
            if variant in DOMAIN_WORDS or variant in dictionary or not _plausible(variant):
                continue
            seen = table.get(variant)
            if seen is None or cost < seen[1]:
                table[variant] = (word, cost)
                ambiguous.discard(variant)
            elif cost == seen[1] and seen[0] != word:
                ambiguous.add(variant)
    for variant in ambiguous:
        del table[variant]
    for variant, word in {**ALIASES, **TRANSLITERATIONS}.items():
        table[variant] = (word, CHEAP)
    index: dict[str, set[int]] = {}
    for form in table:
        index.setdefault(form[:2], set()).add(len(form))
    return table, {k: tuple(sorted(v, reverse=True)) for k, v in index.items()}


def _overlaps_other_word(text: str, start: int, end: int, target: str) -> bool:
    """A correctly spelt domain word crosses the match, or ends it after a correct word ("การ" + "องค์การ" is
    two right words, not "การนำองค์การ" misspelt): leave those words alone."""
    table, index = _table()
    dictionary = thai_dictionary()
    for k in range(start + 1, end):
        for n in index.get(text[k : k + 2], ()):
            form = text[k : k + n]
            if form in DOMAIN_WORDS and (k + n > end or form not in target):
                return True
            if form in DOMAIN_WORDS and k + n == end and (text[start:k] in DOMAIN_WORDS or text[start:k] in dictionary):
                return True
    return False


def _correct_once(text: str) -> str:
    table, index = _table()
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        lengths = index.get(text[i : i + 2])
        if lengths and not (i and text[i - 1] in _LEAD):
            for length in lengths:
                j = i + length
                if j > n:
                    continue
                hit = table.get(text[i:j])
                if hit is None:
                    continue
                word, cost = hit
                if cost and (
                    (j < n and text[j] in NON_STARTERS)
                    or _overlaps_other_word(text, i, j, word)
                    or not is_word_boundary(text, i, j)
                ):
                    continue
                out.append(word)
                i = j
                break
            else:
                out.append(text[i])
                i += 1
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


#: Marks a typist in a hurry leaves out, several at once ("ตวชีวด" for "ตัวชี้วัด"): tones, ็ ์ ั and the
#: vowels above and below. A word with them all gone is its skeleton.
_DROPPABLE = frozenset(_TONES + "\u0e4c\u0e47\u0e31" + _UPPER_LOWER)
#: Only words whose skeleton is this long are repaired from it: a short skeleton fits too many words.
_MIN_SKELETON = 5


def skeleton(word: str) -> str:
    return "".join(ch for ch in word if ch not in _DROPPABLE)


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


@lru_cache(maxsize=1)
def _skeletons() -> tuple[dict[str, tuple[str, ...]], int]:
    """Skeleton → the domain words that have it (words of two marks or more), and the longest skeleton."""
    by_skeleton: dict[str, list[str]] = {}
    for word in DOMAIN_WORDS:
        bare = skeleton(word)
        if len(bare) >= _MIN_SKELETON and len(word) - len(bare) >= 2:
            by_skeleton.setdefault(bare, []).append(word)
    return {k: tuple(v) for k, v in by_skeleton.items()}, max(map(len, by_skeleton), default=0)


@lru_cache(maxsize=1)
def _skeleton_prefixes() -> frozenset[str]:
    """Every beginning of a skeleton: a stretch whose bare letters begin none of them is given up at once."""
    return frozenset(k[:n] for k in _skeletons()[0] for n in range(1, len(k) + 1))


def _thai_letter(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e5b"


def _starts_a_word(text: str, i: int) -> bool:
    """Whether newmm starts a word at ``i`` ("สังคมส่วนรวม" is สังคม + ส่วนรวม: no "มีส่วนร่วม" starts at its ม)."""
    return i == 0 or not _thai_letter(text[i - 1]) or is_word_boundary(text, i, i)


def _repair_skeletons(text: str) -> str:
    """Words typed with several marks missing: the stretch of text, read without marks, is the skeleton
    of exactly one domain word, and the stretch is that word with marks deleted (never letters changed)."""
    by_skeleton, longest = _skeletons()
    prefixes = _skeleton_prefixes()
    dictionary = thai_dictionary()
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] in NON_STARTERS or (i and text[i - 1] in _LEAD):
            out.append(text[i])
            i += 1
            continue
        best = None
        bare = ""
        for j in range(i + 1, min(n, i + 2 * longest) + 1):
            ch = text[j - 1]
            if not _thai_letter(ch):
                break
            if ch not in _DROPPABLE:
                bare += ch
                if bare not in prefixes:
                    break
            if j < n and text[j] in NON_STARTERS or len(bare) < _MIN_SKELETON:
                continue
            window = text[i:j]
            fits = [w for w in by_skeleton.get(bare, ()) if _is_subsequence(window, w)]
            if (len(fits) == 1 and window not in dictionary and window != fits[0]
                    and _starts_a_word(text, i)):
                best = (j, fits[0])
        if best is None:
            out.append(text[i])
            i += 1
            continue
        out.append(best[1])
        i = best[0]
    return "".join(out)


@text_cache()
def correct_domain(text: str) -> str:
    """``text`` with misspelt domain words replaced by their correct spelling; all else unchanged.

    "ตัวชีวัด" → "ตัวชี้วัด", "ผลลัพท์" → "ผลลัพธ์", "หมวท" → "หมวด". Idempotent.
    """
    text = _repair_skeletons(text)
    for _ in range(3):
        fixed = _correct_once(text)
        if fixed == text:
            break
        text = fixed
    return text


def warm_up() -> None:
    """Build the misspelling tables now rather than on the first message."""
    _table()
    _skeleton_prefixes()


__all__ = ["ALIASES", "TRANSLITERATIONS", "DOMAIN_WORDS", "budget", "correct_domain", "warm_up"]
