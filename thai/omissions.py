"""Put back what a hurried typist left out: tone marks ("ทีไหน" → "ที่ไหน", "เทาไหร" → "เท่าไหร่") and a letter
("ยกตัอย่าง" → "ยกตัวอย่าง").

Many staff type without tone marks (่ ้ ๊ ๋ ์) altogether, and fast typing drops letters. A word without them is
often no word, or a rare one, so it matches nothing in the knowledge base, and "ที 3" is not "ที่ 3" to the
reference patterns.

How: a stretch of Thai that newmm cannot read as common words is read again as the most probable
sequence of words, where a word may also be one typed without its marks, or a common word with one letter
missing (a unigram model over the Thai National Corpus frequencies bundled in PyThaiNLP; a restored word pays
a penalty, so a real word that happens to be another word's bare form, "ขอ" beside "ข้อ", stays as typed, and
a reading that still leaves a piece that is no word changes nothing). Correct text is never
touched: a stretch that reads as dictionary words, none of them a rare bare form of a much more common
word, is left alone without being scored.
"""

from __future__ import annotations

import math
import re
from functools import cached_property, lru_cache

from thai._cache import text_cache
from thai._stored import stored
from thai.vocabulary import DOMAIN_WORDS, segment, thai_dictionary, thai_word_counts

#: The marks that go missing: the four tone marks and the silent-letter mark.
MARKS = "\u0e48\u0e49\u0e4a\u0e4b\u0e4c"
_STRIP = str.maketrans("", "", MARKS)
_THAI_RUN = re.compile(r"[\u0e01-\u0e4e]+")
#: How much more probable a restored word must be than the bare form typed (log scale): ×20.
PENALTY = math.log(20)
#: A word with a letter left out must be this much more probable than reading the text as typed (×200).
DROP_PENALTY = math.log(200)
#: Words that may have lost a letter: the corpus's most frequent ones, and the domain's, of this length at least.
DROP_VOCABULARY = 8000
MIN_DROP_LENGTH = 3
#: A dictionary word the corpus hardly saw, this long at least, may be a slip ("ทำงน" for "ทำงาน"); shorter ones
#: are often names' parts ("ณัฐ").
MIN_SLIP_WORD = 4
#: An unreadable character costs more than any word.
_UNKNOWN = 30.0
#: Words of asking and of chat, which the written corpus under-counts: as probable as its ~100th word.
CHAT_WORDS = frozenset("""อะไร กี่ ที่ ไหน ไหม ได้ ไม่ ต้อง เท่าไหร่ เท่าไร ไหร่ ใช่ บ้าง ด้วย ห้อง ช่วย ยังไง อย่างไร
    ล่ะ หน่อย แล้ว เมื่อไหร่ เมื่อไร ตั้งแต่ ถึง ก่อน ต่อ เรื่อง ข้อ ครั้ง ใคร ผู้ เข้า ร่วม ให้ ว่า""".split())
CHAT_RANK = 100
#: Written as typed, never "restored": months without their dots ("5 เมย 67") or said short ("3 สิงหา").
KEEP = frozenset("มค กพ มีค เมย พค มิย กค สค กย ตค พย ธค มกรา กุมภา มีนา เมษา พฤษภา มิถุนา กรกฎา สิงหา กันยา ตุลา "
                 "พฤศจิกา ธันวา".split())
_MONTH = re.compile("|".join(sorted(KEEP, key=len, reverse=True)))
#: A word the corpus has seen fewer times than this is too rare to lean on when restoring its neighbours.
RARE_COUNT = 20
#: …and the domain's words as probable as its ~500th.
DOMAIN_RANK = 500
#: Stretches longer than this are left as typed (a pasted document is not a chat message).
MAX_RUN = 120
#: Runs this short next to a dot are abbreviations.
ABBREVIATION = 4


def bare(word: str) -> str:
    return word.translate(_STRIP)


class _Model:
    """Word costs (−log p) and, per bare form, the marked word it most probably is."""

    def __init__(self) -> None:
        self.counts = thai_word_counts()
        self.words = thai_dictionary() | KEEP
        self.log_total = math.log(sum(self.counts.values()) or 1)
        self.unseen = self.log_total - math.log(min(self.counts.values(), default=1) / 2)
        # Written Thai is not chat: here the domain's words are common, and the words of asking most common of all.
        self.known = {w: min(self._corpus_cost(w), math.log(rank)) for words, rank in
                      ((DOMAIN_WORDS, DOMAIN_RANK), (CHAT_WORDS, CHAT_RANK), (KEEP, CHAT_RANK)) for w in words}
        self.best: dict[str, str] = stored("bare-forms", self._bare_forms)
        self.longest = max(map(len, self.words))

    def _bare_forms(self) -> dict[str, str]:
        best: dict[str, str] = {}
        for w in self.words:
            b = w.translate(_STRIP)
            if b != w and len(b) >= 2 and (b not in best or self.cost(w) < self.cost(best[b])):
                best[b] = w
        return best

    @cached_property
    def dropped(self) -> dict[str, str]:
        """A common word with one letter left out ("ยกตัอย่าง"): the slip, when it is no word itself, maps to it.
        Built at the first stretch that needs it (~0.1 s), not at start-up."""
        common = sorted(self.counts, key=self.counts.__getitem__, reverse=True)[:DROP_VOCABULARY]
        asked = DOMAIN_WORDS | CHAT_WORDS
        dropped: dict[str, str] = {}
        for w in {*common, *asked}:
            if len(w) < MIN_DROP_LENGTH or _MONTH.search(w):  # a mistyped month is asked again, never guessed
                continue
            # The first letter goes missing too ("มวด", "ะไร"), but only a domain or chat word is read so:
            # "เลขานุกรม" is not "เลขาอนุกรม", nor "กิตติณัฐ" "กิตติณรัฐ".
            first = 0 if w in asked else 1
            for i in range(first, len(w)):
                slip = w[:i] + w[i + 1:]
                if slip in self.best or (slip in self.words and not self._rare_piece(slip)):
                    continue
                other = dropped.get(slip)
                if other is None or self.cost(w) < self.cost(other):
                    dropped[slip] = w
        return dropped

    def _rare_piece(self, word: str) -> bool:
        """A piece newmm's dictionary holds that the corpus hardly saw ("ทำงน"): a slip, not a word typed."""
        return len(word) >= MIN_SLIP_WORD and self.rare(word)

    def rare(self, word: str) -> bool:
        return word not in self.known and self.counts.get(word, 0) < RARE_COUNT

    def cost(self, word: str) -> float:
        known = self.known.get(word)
        return known if known is not None else self._corpus_cost(word)

    def _corpus_cost(self, word: str) -> float:
        count = self.counts.get(word)
        return self.log_total - math.log(count) if count else self.unseen


@lru_cache(maxsize=1)
def _model() -> _Model:
    return _Model()


def _suspicious(run: str) -> bool:
    """Whether the stretch has a word newmm cannot read, or a bare form far rarer than its marked word."""
    model = _model()
    tokens = segment(run)
    for n, token in enumerate(tokens):
        if token not in model.words or model.rare(token):  # newmm's dictionary has rare pieces ("วจะ")
            return True
        for width in (2, 3):  # words that are one word with its marks or a letter left out ("ขัน|สุด|ทาย", "ปะ|ชุม")
            joined = "".join(tokens[n:n + width])
            if n + width <= len(tokens) and (joined in model.best or joined in model.dropped):
                return True
        marked = model.best.get(token)
        if marked is not None and model.cost(token) - model.cost(marked) > PENALTY:
            return True
    return False


#: A mark typed after the letter it belongs after ("วนั" for "วัน"): words this long that newmm cannot read are
#: tried with it swapped.
SWAPPED_MIN, SWAPPED_MAX = 3, 6
_ABOVE_BELOW = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47" + MARKS)


def _swapped_word(piece: str, model: _Model) -> str | None:
    """The common word ``piece`` is with one mark moved back over the letter before it ("วนั" → "วัน"), if one."""
    for k in range(1, len(piece) - 1):
        if piece[k + 1] in _ABOVE_BELOW and "\u0e01" <= piece[k] <= "\u0e2e" and "\u0e01" <= piece[k - 1] <= "\u0e2e":
            word = piece[:k] + piece[k + 1] + piece[k] + piece[k + 2:]
            if word in model.words and not model.rare(word):
                return word
    return None


def _most_probable(run: str) -> str | None:
    """The run read as its most probable words, restoring marks or a letter where that is more probable
    (Viterbi); None when even that reading leaves a piece that is no word (nothing is guessed then)."""
    model = _model()
    n = len(run)
    score = [0.0] + [math.inf] * n
    back: list[tuple[int, str, bool]] = [(0, "", False)] * (n + 1)
    for i in range(n):
        if score[i] == math.inf:
            continue
        for j in range(i + 1, min(n, i + model.longest) + 1):
            piece = run[i:j]
            options = []
            if piece in model.words:
                # A rare word ("วท") read as typed, beside a restored one, makes the reading a guess.
                options.append((model.cost(piece), piece, model.rare(piece)))
            if (marked := model.best.get(piece)) is not None:
                options.append((model.cost(marked) + PENALTY, marked, False))
            if (whole := model.dropped.get(piece)) is not None:
                options.append((model.cost(whole) + DROP_PENALTY, whole, False))
            if j == i + 1 and not options:
                options.append((_UNKNOWN, piece, True))
            for c, word, unknown in options:
                if score[i] + c < score[j]:
                    score[j], back[j] = score[i] + c, (i, word, unknown)
    out: list[str] = []
    j = n
    while j > 0:
        i, word, unknown = back[j]
        if unknown:
            return None
        out.append(word)
        j = i
    return "".join(reversed(out))


def _abbreviated(m: re.Match[str]) -> bool:
    """A short run beside a dot is an abbreviation ("บส.", "สป.ดศ."), typed as its owner writes it."""
    text, start, end = m.string, m.start(), m.end()
    beside_dot = (end < len(text) and text[end] == ".") or (start > 0 and text[start - 1] == ".")
    return end - start <= ABBREVIATION and beside_dot


@text_cache()
def restore_omissions(text: str) -> str:
    """``text`` with words typed without their tone marks, or with a letter left out, restored; correct text
    unchanged."""

    def fix(m: re.Match[str]) -> str:
        run = m.group(0)
        if len(run) > MAX_RUN or _abbreviated(m) or not _suspicious(run):
            return run
        return _most_probable(run) or run

    return _THAI_RUN.sub(fix, text)


@text_cache()
def restore_swapped_marks(text: str) -> str:
    """``text`` with each piece newmm cannot read that is a common word with one mark typed a letter late put right
    ("ประชุมวนัไหน" → "ประชุมวันไหน"); the same characters, only reordered, and correct text unchanged."""
    model = _model()

    def fix(m: re.Match[str]) -> str:
        pieces = segment(m.group(0))
        if all(p in model.words for p in pieces):
            return m.group(0)
        return "".join(p if p in model.words or not SWAPPED_MIN <= len(p) <= SWAPPED_MAX
                       else _swapped_word(p, model) or p for p in pieces)

    return _THAI_RUN.sub(fix, text)


def warm_up() -> None:
    _model()


__all__ = ["MARKS", "restore_omissions", "restore_swapped_marks", "warm_up"]
