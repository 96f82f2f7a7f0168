"""The word lists every other module shares: domain vocabulary, English terms, the Thai dictionary.

Everything here is offline: the Thai dictionary is the word list bundled in the PyThaiNLP wheel,
the rest is written out below. Built once (``warm_up``) and then only read.
"""

from __future__ import annotations

import os
from functools import lru_cache

from pythainlp.corpus import thai_words, tnc
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie

from thai._cache import text_cache

#: The domain vocabulary (PMQA / public-sector management). Kept in the tokenizer's dictionary
#: too, so each stays one token for the retriever. Mostly single concepts: a long compound
#: ("ปัจจัยแห่งความสำเร็จ") as one token would hide its parts ("ความสำเร็จ") from BM25.
DOMAIN_WORDS: frozenset[str] = frozenset(
    """
    ตัวชี้วัด ผู้มีส่วนได้ส่วนเสีย ผู้รับบริการ ผู้ให้บริการ ระบบราชการ ส่วนราชการ ยุทธศาสตร์ เจตนารมณ์ เป้าหมาย
    ค่าเป้าหมาย บุคลากร นวัตกรรม ผลลัพธ์ ประเด็น หมวด คลินิก ข้อร้องเรียน ข้อร้องทุกข์ ร้องเรียน ร้องทุกข์
    การนำองค์การ ความผูกพัน สมรรถนะ ดิจิทัล กิจกรรม คุณธรรม จริยธรรม ลงทะเบียน น้ำหนัก ผลการดำเนินงาน
    ดำเนินงาน หน่วยงาน องค์การ องค์กร องค์ประกอบ ผู้บริหาร ผู้บังคับบัญชา กระบวนการ ข้อมูล สารสนเทศ
    วิเคราะห์ ธรรมาภิบาล ความโปร่งใส ประสิทธิภาพ ประสิทธิผล คุณภาพ ประเมินผล เกณฑ์ รางวัล ภาครัฐ
    ภาคีเครือข่าย เครือข่าย ความพึงพอใจ ความเสี่ยง งบประมาณ ปีงบประมาณ แผนแม่บท มีส่วนร่วม วิสัยทัศน์
    พันธกิจ ค่านิยม ขีดความสามารถ อัตรากำลัง ความผาสุก สวัสดิการ ปรับปรุง เทียบเคียง พื้นฐาน ก้าวหน้า
    จุดเน้น แนวทาง ปัจจัย ขั้นตอน ผลผลิต ผลกระทบ ความยั่งยืน นโยบาย กำกับดูแล สิ่งแวดล้อม ข้าราชการ
    เจ้าหน้าที่ ประชาชน ทุจริต ประพฤติมิชอบ ผลประโยชน์ทับซ้อน อำนวยความสะดวก สำนักงาน สื่อสาร ช่องทาง
    ความต้องการ ความคาดหวัง ประสบการณ์ ผลสัมฤทธิ์ ความสำเร็จ มาตรการ บูรณาการ คะแนน ร้อยละ สถิติ หลักฐาน
    สสช
    """.split()
)


#: English words and domain terms staff type in Latin letters, as they are usually written.
#: ``fix_layout`` never converts these, and maps Thai-layout typing of them back ("ยทๆฟ" → "PMQA").
_ENGLISH = """
PMQA KPI KPIs ADR ADG OKR OKRs SAR LINE QR IT HR KM AI ICT GDCC SDGs SDG TQA TQM PDCA ADLI LeTCI
A&D Basic Advance Advanced Significance Significant Alignment Integration Innovation Better Me Hall
of Fame No Gift Policy Public Sector Management Quality Award Framework Check list Standard What How
Quick Tips Malcolm Baldrige Digital Government Open Data Smart Office Excel Word PDF Google Form Forms
Drive Zoom Teams Email e-mail Online Template Report Score Level Plan Action Process Result Results
Customer Customers Workforce Strategy Strategic Leadership Operation Operations Measurement Analysis
Knowledge Goal Goals Target Vision Mission Value Values Core Risk Clinic Gap Step Help Menu Start
Stop Reset Admin Bot Chatbot User Login Logout Password Link Download Upload File Files Update Info
FAQ Contact Call Center Meeting Workshop Training Team Project Deadline Doc Docs Slide Slides PPT
Sheet Sheets Outcome Output Input Impact Indicator Indicators Criteria Assessment Self Award Awards
hello hi hey ok okay yes no thanks thank you please sorry good morning afternoon evening night bye
test the a an and or is are was be to for in on at by with from it this that what how why when where
who which can could do does not all new old more about my we our i am will get see show next back
done ready great nice cool wow lol sir madam mr mrs ms dr admin staff manager team lead
pdf ppt pptx jpg jpeg png gif xls xlsx doc docx csv txt zip mp3 mp4 http https www html xml json sql
sms url app web id vs etc YouTube PowerPoint iPhone iPad macOS eBay OneDrive SharePoint TikTok
WhatsApp Facebook GitHub ChatGPT
"""

ENGLISH_WORDS: dict[str, str] = {w.casefold(): w for w in _ENGLISH.split()}


#: Entries of the bundled word list that are no words, or glue a particle on: with them newmm reads "วันไหนคะ" as
#: วัน/ไห/นคะ and "แล้วจะ" as แล้/วจะ (and loses "ไหน" and "แล้ว"), "ที่ไหนล่ะ" as ที่/ไหนล่ะ (and loses "ล่ะ").
NOT_WORDS = frozenset({"นคะ", "วจะ", "แล้", "ไหนล่ะ", "ไหนจะ"})


@lru_cache(maxsize=1)
def thai_dictionary() -> frozenset[str]:
    """PyThaiNLP's bundled word list, less what is no word (``NOT_WORDS``), plus the domain words."""
    return (frozenset(thai_words()) - NOT_WORDS) | DOMAIN_WORDS


def _tnc_rows():  # type: ignore[no-untyped-def]
    """(count, word) of the Thai National Corpus frequency list bundled in PyThaiNLP, streamed (``tnc.word_freqs()``
    would hold the whole list, ~30 MB that a worker process never gives back)."""
    from pythainlp.corpus import corpus_path

    with open(os.path.join(corpus_path(), tnc._UNIGRAM_FILENAME), encoding="utf-8-sig") as fh:
        for line in fh:
            word, _, count = line.rstrip("\n").partition("\t")
            if word and "\u0e01" <= word[0] <= "\u0e4e" and count.strip().isdigit():
                yield int(count), word


#: How many of the corpus's most frequent words ``common_thai_words`` gives.
COMMON_LIMIT = 2000


@lru_cache(maxsize=1)
def _tnc() -> tuple[frozenset[str], dict[str, int]]:
    """One pass over the corpus list (or its result, kept from an earlier start: ``thai._stored``)."""
    from thai._stored import stored

    return stored("corpus", _read_tnc)


def _read_tnc() -> tuple[frozenset[str], dict[str, int]]:
    """The corpus list's most frequent words, and the counts of the dictionary's words."""
    import heapq

    words = thai_dictionary()
    counts: dict[str, int] = {}
    top: list[tuple[int, str]] = []
    for count, word in _tnc_rows():
        if word in words:
            counts[word] = count
        if len(top) < COMMON_LIMIT:
            heapq.heappush(top, (count, word))
        elif (count, word) > top[0]:
            heapq.heapreplace(top, (count, word))
    return frozenset(word for _, word in top), counts


def common_thai_words() -> frozenset[str]:
    """The most frequent Thai words of the Thai National Corpus (``COMMON_LIMIT``)."""
    return _tnc()[0]


def thai_word_counts() -> dict[str, int]:
    """How often each dictionary word occurs in the Thai National Corpus (words it lacks are left out)."""
    return _tnc()[1]


class CompactTrie(Trie):
    """What newmm asks of PyThaiNLP's ``Trie`` (``prefixes``), from the word set we keep anyway plus,
    per first character, the lengths its words have.

    PyThaiNLP's node-per-character trie costs ~60 MB and ~0.7 s for the bundled 62,000 words in
    every worker; this costs a few hundred kB and a few milliseconds. Read-only, so thread-safe.
    """

    def __init__(self, words: frozenset[str]) -> None:  # no super().__init__: no nodes to build
        self._words = words
        lengths: dict[str, set[int]] = {}
        for word in words:
            if word:
                lengths.setdefault(word[0], set()).add(len(word))
        self._lengths = {first: tuple(sorted(ls)) for first, ls in lengths.items()}

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        """The dictionary words that begin at ``text[start]``, shortest first (as ``Trie`` does)."""
        if start >= len(text):
            return []
        room = len(text) - start
        words = self._words
        return [piece for size in self._lengths.get(text[start], ()) if size <= room
                and (piece := text[start:start + size]) in words]

    def __contains__(self, word: object) -> bool:
        return word in self._words

    def __len__(self) -> int:
        return len(self._words)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._words)


@lru_cache(maxsize=1)
def trie() -> Trie:
    """The tokenizer dictionary, built once."""
    return CompactTrie(thai_dictionary())


@text_cache()
def segment(text: str) -> tuple[str, ...]:
    """newmm words of ``text`` (spaces kept, so they add up to ``text``), domain words kept whole."""
    return tuple(word_tokenize(text, custom_dict=trie(), engine="newmm", keep_whitespace=True))


def is_word_boundary(text: str, start: int, end: int, context: int = 24) -> bool:
    """Whether newmm puts word breaks at ``start`` and ``end``, judged on a window around them.

    Used before replacing ``text[start:end]``: a near-miss of a domain word that only appears
    across two real words ("ของการ" looks like a slip for "องค์การ") must not be rewritten.
    """
    lo, hi = max(0, start - context), min(len(text), end + context)
    breaks = {lo}
    pos = lo
    for word in segment(text[lo:hi]):
        pos += len(word)
        breaks.add(pos)
    return start in breaks and end in breaks


__all__ = [
    "DOMAIN_WORDS",
    "ENGLISH_WORDS",
    "common_thai_words",
    "is_word_boundary",
    "segment",
    "thai_dictionary",
    "thai_word_counts",
    "trie",
]
