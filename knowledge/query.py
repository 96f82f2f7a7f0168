"""A question as words: what every search and grouping of questions reads.

Pure. ``query_tokens`` drops the words that carry no topic (question words, politeness, fillers), so
"หมวด 3 คืออะไรครับ" and "หมวด3 คือ" are the same question to the ranking.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from thai import analyze, prepare

#: Words that carry no topic: question words, politeness, fillers.
STOPWORDS = frozenset(
    """คือ อะไร คืออะไร ไร อะไรบ้าง บ้าง ยังไง อย่างไร ไง ไหน ที่ไหน เมื่อไร เมื่อไหร่ ไหม มั้ย หรือ หรือไม่
    ครับ ค่ะ คะ ค่า คับ นะ นะคะ นะครับ จ้า จ้ะ จ๊ะ หน่อย ด้วย ขอ ช่วย บอก อยาก ทราบ รู้ ถาม สอบถาม
    เป็น มี ของ ที่ และ กับ ใน ให้ ได้ ไป มา จะ ว่า แล้ว ก็ การ ความ เรื่อง เกี่ยวกับ หมายถึง แปลว่า
    เท่าไร เท่าไหร่ กี่ ทำ ต้อง ควร คุณ เรา ผม ฉัน หนู ดู ขอดู อธิบาย สรุป ประกอบด้วย ประกอบ
    ยกตัวอย่าง ตัวอย่าง ความหมาย หมายความว่า ตาม เล่ม นี้ ภาษาไทย เรียก เรียกว่า นับตั้งแต่ ตั้งแต่ ถึง หน่อย
    แค่ไหน แค่ สิ่ง ที่สุด ไร อ่ะ อะ ป่าว เปล่า ปะ เหรอ หรอ ล่ะ หละ มั๊ย ได้ไหม ได้มั้ย
    ใช่ไหม ใช่มั้ย ใช่มั๊ย ใช่ป่ะ ใช่หรือไม่ ใช่หรือเปล่า ใช่ ได้ที่ ถ้า หาก
    the a an is are what of to and in""".split()
)

#: Polite endings at the end of a question: taken off before tokenising ("เว็บไหนคะ" splits badly with them).
_ENDINGS = re.compile(r"(?:\s*(?:นะ|น้า|จ้ะ|จ้า|ค่ะ|คะ|ค่า|ครับ|คับ|ครับผม|ฮะ|ฮับ|งับ|จ๊ะ|อ่ะ|อะ|ป่ะ|ปะ))+[\s?!.]*$")


def plain_question(text: str) -> str:
    """The message normalised (``thai.prepare``) and without its polite ending."""
    base = prepare(text)
    return _ENDINGS.sub("", base).strip() or base


def query_tokens(text: str) -> list[str]:
    """The words of a question that say what it is about, each synonym read as its group's first word."""
    same = synonyms()
    return [same.get(t, t) for t in analyze(text) if t not in STOPWORDS and not t.isspace()]


SYNONYMS_FILE = Path(__file__).parent / "conversation" / "synonyms.yaml"
#: The synonyms the questions of this process are read with: the knowledge folder's, once one is loaded.
_in_use: list[Path] = [SYNONYMS_FILE]


def use_synonyms(path: Path) -> None:
    """Read questions with the synonyms of ``path`` (the loaded knowledge folder's file; missing: none)."""
    _in_use[0] = path


def synonyms(path: Path | None = None) -> dict[str, str]:
    """Word → the first word of its group (``conversation/synonyms.yaml`` of the knowledge folder in use)."""
    return _kept_synonyms(path or _in_use[0])


def read_synonyms(path: Path) -> dict[str, str]:
    """The groups of ``path``, checked as they are read (``kb check`` reads the file afresh)."""
    from knowledge.loader import load_yaml
    from knowledge.schema import SchemaError

    data = load_yaml(path) if path.exists() else {"groups": []}
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise SchemaError(f"{path.name}: ต้องมี 'groups' เป็นรายการของกลุ่มคำ")
    out: dict[str, str] = {}
    seen: set[str] = set()
    for n, group in enumerate(groups, start=1):
        if not (isinstance(group, list) and len(group) >= 2 and all(isinstance(w, str) and w.strip() and " " not in
                                                                     w.strip() for w in group)):
            raise SchemaError(f"{path.name}: กลุ่มที่ {n} ต้องเป็นรายการคำอย่างน้อย 2 คำ คำละไม่มีช่องว่าง")
        words = [w.strip().casefold() for w in group]
        for word in words:
            if word in seen:
                raise SchemaError(f"{path.name}: คำ “{word}” อยู่มากกว่าหนึ่งกลุ่ม")
            seen.add(word)
        out.update({word: words[0] for word in words[1:]})
    return out


_kept_synonyms = lru_cache(maxsize=4)(read_synonyms)


def question_key(text: str) -> str:
    """A question reduced to its words (no spaces, punctuation, polite endings or case)."""
    return "".join(query_tokens(text))
