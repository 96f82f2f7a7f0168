"""Words for the BM25 retriever: Thai split by newmm with the domain words kept whole.

The retriever counts tokens, so "ตัวชี้วัด" must stay one token rather than ตัว/ชี้/วัด (which
would match every question about "ตัว" or "วัด"), and "4.2" must stay one number. Latin words,
numbers and codes are cut out by a regex first and only the Thai runs go through newmm, which is
both faster and keeps "C4", "A&D" and "3.1.1" intact.
"""

from __future__ import annotations

import re
from pathlib import Path

from pythainlp.tokenize import word_tokenize

from thai._cache import text_cache
from thai._stored import keep_tables_in
from thai.keyboard import fix_layout
from thai.normalize import normalize
from thai.numbers import number_words_to_digits
from thai.omissions import warm_up as warm_up_omissions
from thai.spelling import warm_up as warm_up_spelling
from thai.vocabulary import common_thai_words, segment, trie

_TOKEN = re.compile(
    r"(?P<thai>[\u0e01-\u0e4e]+)"
    r"|(?P<code>(?<![^\W\d_])[A-Za-z]\d{1,3}(?![^\W_]|\.\d))"
    r"|(?P<number>\d+(?:\.\d+)*)"
    r"|(?P<word>[^\W\d_\u0e00-\u0e7f]+(?:[&'’\-][^\W\d_\u0e00-\u0e7f]+)*)"
)
_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
#: Thai signs that newmm returns as tokens of their own but carry no meaning for ranking.
_NOT_WORDS = frozenset("ๆฯ")
#: Beyond this a Thai run is split in PyThaiNLP's "safe" mode, which bounds newmm's work.
_LONG_RUN = 600


def _thai_words(run: str) -> list[str]:
    if len(run) > _LONG_RUN:
        pieces = word_tokenize(run, custom_dict=trie(), engine="newmm-safe", keep_whitespace=False)
    else:
        pieces = list(segment(run))
    # Keep tokens with a letter: drops "ๆ", "ฯ", "฿" and stray marks that newmm returns on their own.
    return [p for p in pieces if any(ch.isalnum() for ch in p) and not set(p) <= _NOT_WORDS]


@text_cache()
def _tokenize(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "thai":
            out.extend(_thai_words(m.group(0)))
        elif kind == "number":
            out.append(m.group(0).translate(_DIGITS))
        else:
            out.append(m.group(0).casefold())
    return tuple(out)


def tokenize(text: str) -> list[str]:
    """The words of ``text``: Thai by newmm (domain words whole), Latin casefolded, numbers kept.

    Whitespace, punctuation, emoji and "ๆ" are dropped; no token is empty.
    """
    return list(_tokenize(text))


def warm_up(tables_dir: Path | None = None) -> None:
    """Build the dictionaries and tables once, at application start (about a second; less with ``tables_dir``,
    where the slowest table is kept from one start to the next)."""
    keep_tables_in(tables_dir)
    trie()
    common_thai_words()
    warm_up_spelling()
    warm_up_omissions()
    fix_layout("s,;f 6 ยทๆฟ")
    number_words_to_digits("ตัวชี้วัดที่สาม")
    tokenize(normalize("ตัวชี้วัดที่ 3 มีค่าเป้าหมายเท่าไหร่ C4 4.2"))


__all__ = ["tokenize", "warm_up"]
