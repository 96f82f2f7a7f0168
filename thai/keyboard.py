"""Undo text typed with the wrong keyboard layout ("s,;f 6" → "หมวด 6", "ยทๆฟ" → "PMQA").

Thai phone and desktop users switch layouts constantly and often type a whole word before
noticing. Such a word matches nothing, so it is worth converting back — but only when the
conversion is clearly more plausible than what was typed: real English ("KPI", "Hall of Fame"),
numbers ("4.2") and codes ("C4") are never touched.

The decision is made per run of Latin or Thai characters. A Latin run becomes Thai when its Thai
reading is well-formed Thai script mostly covered by dictionary words (PyThaiNLP's bundled list
plus the domain words), and the Latin was not a known English word. A Thai run becomes English
when its Latin reading is a known English or domain word and the Thai was not Thai.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pythainlp.util.keyboard import EN_TH_KEYB_PAIRS, TH_EN_KEYB_PAIRS

from thai._cache import text_cache
from thai.normalize import normalize
from thai.vocabulary import ENGLISH_WORDS, common_thai_words, segment, thai_dictionary

EN_TO_TH = str.maketrans(EN_TH_KEYB_PAIRS)
TH_TO_EN = str.maketrans(TH_EN_KEYB_PAIRS)

_RUNS = re.compile(r"([\u0e00-\u0e7f]+)|([^\u0e00-\u0e7f\s]+)")
_NUMBER = re.compile(r"\d+(?:\.\d+)*")
_CODE = re.compile(r"[A-Za-z]{1,2}\d+(?:\.\d+)*|[A-Za-z]+\d+\.\d+(?:\.\d+)*")
_URLISH = re.compile(r"@|://|^www\.|\.(?:com|net|org|go\.th|ac\.th|co\.th|th)$", re.IGNORECASE)
_LETTER = re.compile(r"[A-Za-z]")
#: Keys that give Thai letters but are punctuation in English: inside a word they betray the layout.
_TELLTALE = re.compile(r"[A-Za-z0-9][;,\[\]'./\\\-=`<>{}:\"][A-Za-z0-9;,\[\]'./\\\-=`]")
_EDGE_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)(?=[^\d.])|(?<=[^\d.])(\d+(?:\.\d+)*)$")
_SENTENCE_END = re.compile(r"[!?]+$")
#: A digit touching a letter, or a capital inside a lower-case word: "8iy[", "gCrkt" (เฉพาะ).
_MIXED = re.compile(r"\d[A-Za-z]|[A-Za-z]\d|[a-z][A-Z]")
#: Capitals that give ASCII symbols on the Thai layout (X → ")", M → "?"): never part of a Thai word.
_LETTER_TO_SYMBOL = frozenset(k for k, v in EN_TH_KEYB_PAIRS.items() if k.isalpha() and not "\u0e00" <= v <= "\u0e7f")
#: English words have vowels; Thai typed on letter keys often has none ("Ffp" = โดย, "xbf" = ปิด).
_VOWEL = re.compile(r"[aeiouyAEIOUY]")

_ABOVE_BELOW = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47")  # ั ิ ี ึ ื ุ ู ฺ ็
_TONE = frozenset("\u0e48\u0e49\u0e4a\u0e4b\u0e4c")  # ่ ้ ๊ ๋ ์
_LEAD = frozenset("เแโใไ")
_THAI_LETTERS = frozenset(chr(c) for c in range(0x0E01, 0x0E2F)) | {"ฤ", "ฦ"}


def _well_formed(thai: str) -> bool:
    """Thai spelling rules a real word obeys and a layout accident usually breaks.

    Above/below vowels sit on a consonant, tone marks on a consonant or such a vowel, SARA AA/AM
    and SARA A follow a consonant or mark, lead vowels are followed by a consonant, and no Thai
    digit or symbol hides inside the word.
    """
    prev = ""
    for i, ch in enumerate(thai):
        nxt = thai[i + 1] if i + 1 < len(thai) else ""
        if ch in _ABOVE_BELOW:
            if prev not in _THAI_LETTERS:
                return False
        elif ch in _TONE:
            if prev not in _THAI_LETTERS and prev not in _ABOVE_BELOW:
                return False
        elif ch in "าำะ":
            if prev not in _THAI_LETTERS and prev not in _TONE and not (ch == "ะ" and prev == "า"):
                return False  # only เ-าะ ("เพราะ") puts SARA A after SARA AA
        elif ch in _LEAD:
            if nxt not in _THAI_LETTERS:
                return False
        elif ch == "ๆ":
            if not prev or prev == "ๆ":
                return False
        elif ch not in _THAI_LETTERS and "\u0e00" <= ch <= "\u0e7f":
            return False  # Thai digits, ฿, ฯ, NIKHAHIT alone: shifted keys, not words
        prev = ch
    return True


def _coverage(thai: str) -> float:
    """Share of ``thai`` covered by dictionary words of two or more letters (newmm split)."""
    if not thai:
        return 0.0
    words = thai_dictionary()
    covered = sum(len(w) for w in segment(thai) if len(w) > 1 and w in words)
    return covered / len(thai)


def _thai_part(text: str) -> str:
    return "".join(ch for ch in text if "\u0e00" <= ch <= "\u0e7f")


def _english_known(run: str) -> bool:
    core = run.strip(".,!?;:'\"()[]{}").casefold()
    return run.casefold() in ENGLISH_WORDS or core in ENGLISH_WORDS


def _latin_to_thai(run: str) -> str | None:
    """The Thai this Latin run was meant to be, or None if it is English, a number or a code."""
    if not _LETTER.search(run) or _URLISH.search(run) or _english_known(run):
        return None
    if _NUMBER.fullmatch(run) or _CODE.fullmatch(run):
        return None
    words = [w for w in re.split(r"[&/\-]", run) if w]
    if len(words) > 1 and all(_english_known(w) or _NUMBER.fullmatch(w) for w in words):
        return None
    tail = _SENTENCE_END.search(run)
    body, end = (run[: tail.start()], tail.group(0)) if tail else (run, "")
    candidates = [body.translate(EN_TO_TH)]
    # Keep a number at either edge as typed: "s,;f6" is "หมวด6", not "หมวดุ".
    edge = _EDGE_NUMBER.search(body)
    if edge:
        kept = edge.group(0)
        converted = body[: edge.start()].translate(EN_TO_TH) + kept + body[edge.end() :].translate(EN_TO_TH)
        candidates.insert(0, converted)
    suspicious = bool(_TELLTALE.search(body) or _MIXED.search(body))
    letters_only = body.isascii() and body.isalpha()
    no_vowel = letters_only and not _VOWEL.search(body)
    if letters_only and not no_vowel and (body.isupper() or body.istitle()):
        return None  # "XFC", "Time": all-caps and capitalised words are English
    if letters_only and len(body) < 3:
        return None  # "sd", "hr": abbreviations
    if any(ch in _LETTER_TO_SYMBOL for ch in body):
        return None  # X, Z, M, W give ")", "(", "?", '"' on the Thai layout: no Thai word needs them
    if letters_only and not no_vowel and len(body) < 4:
        # "cat", "did" or "dki" (การ)? Only a very common Thai word tips the balance.
        thai = body.translate(EN_TO_TH)
        return thai if thai in common_thai_words() else None
    best, best_share, best_coverage = None, 0.0, 0.0
    for cand in candidates:
        thai = _thai_part(cand)
        if len(thai) < 2 or not _well_formed(thai):
            continue
        coverage = _coverage(thai)
        if letters_only and len(segment(thai)) > max(1, len(thai) // 4):
            # English words read on the Thai layout fall apart into many two-letter "words";
            # a Thai word typed with letter keys only ("grikt" = "เพราะ") stays whole.
            coverage = 0.0
        # Judge the whole run, so a digit kept as typed counts against its candidate unless the
        # other reading explains it no better ("8iy[" is "ครับ", "s,;f6" is "หมวด6").
        share = coverage * len(thai) / len(cand)
        if share > best_share:
            best, best_share, best_coverage = cand, share, coverage
    if best is None:
        return None
    if suspicious:
        threshold = 0.6
    elif letters_only:
        threshold = 0.99  # could be English we don't list: only a clean dictionary hit will do
    else:
        threshold = 0.8
    return best + end if best_coverage >= threshold else None


@lru_cache(maxsize=1)
def _thai_forms() -> dict[str, str]:
    """How each English word comes out when typed on the Thai layout, lower and upper case."""
    forms: dict[str, str] = {}
    for low, canonical in ENGLISH_WORDS.items():
        for typed in {low, canonical, canonical.upper()}:
            thai = typed.translate(EN_TO_TH)
            if thai != typed and len(typed) >= 2:
                forms.setdefault(thai, canonical)
    return forms


_LONGEST_FORM = max(map(len, ENGLISH_WORDS))


def _thai_to_latin(run: str) -> str | None:
    """The English word this Thai run was meant to be (whole run or a leading part), else None."""
    forms = _thai_forms()
    words = thai_dictionary()
    canonical = forms.get(run)
    if canonical is not None and run not in words:
        # Two letters ("ทำ" is "me") only when the Thai is not even well-formed; longer ones when
        # the Thai is not fully made of dictionary words ("ฟกพ" is "ADR" although "ฟก" is a word).
        if (not _well_formed(run)) if len(canonical) < 3 else _coverage(run) < 1.0:
            return canonical
        return None
    # "ยทๆฟคืออะไร": an English word typed on the Thai layout, then Thai without a space.
    if not any(run[:k] in forms for k in range(3, min(len(run), _LONGEST_FORM + 1))):
        return None
    breaks, pos = set(), 0
    pieces = segment(run)
    for piece in pieces:
        pos += len(piece)
        breaks.add(pos)
    for k in sorted(breaks, reverse=True):
        head = run[:k]
        canonical = forms.get(head)
        if canonical is None or len(canonical) < 3 or k == len(run):
            continue
        if _coverage(head) == 0.0 and _coverage(run[k:]) >= 0.8:
            return canonical + run[k:]
    return None


@text_cache()
def fix_layout(text: str) -> str | None:
    """``text`` with wrong-layout words converted back, or None when nothing looks mistyped.

    "s,;f 6 คืออะไร" → "หมวด 6 คืออะไร", "ยทๆฟ" → "PMQA". English words, numbers ("4.2") and
    codes ("C4") are kept as typed. The result is normalized.
    """
    changed = False
    parts: list[str] = []
    last = 0
    for m in _RUNS.finditer(text):
        parts.append(text[last : m.start()])
        run = m.group(0)
        fixed = _thai_to_latin(run) if m.group(1) else _latin_to_thai(run)
        if fixed is not None and fixed != run:
            changed = True
            run = fixed
        parts.append(run)
        last = m.end()
    parts.append(text[last:])
    if not changed:
        return None
    out = normalize("".join(parts))
    return out if out != text else None


__all__ = ["EN_TO_TH", "ENGLISH_WORDS", "TH_TO_EN", "fix_layout"]
