"""Items of a list in an entry's answer: "อันที่สองล่ะ", "ข้อสุดท้าย", "แนวทางแรกคืออะไร".

Pure: an entry and an ordinal in, one line of its answer out.
"""

from __future__ import annotations

import re

from knowledge.followup import ordinal_noun
from knowledge.schema import Entry

_ITEM_LINE = re.compile(r"^\s*(?:[•\-]\s*)?(?:กิจกรรมที่|ข้อ|แนวทางที่|ขั้นที่)?\s*(\d{1,2})\s*[).:](?!\d)\s*\S")


def item_of(entry: Entry, item: int, asked: str = "") -> str:
    """Item ``item`` of a numbered list in the entry's answer ("1) การตั้งกองใหม่ …"; -1: the last), or "". Without
    numbers, of its bullets ("• C1: Company …"), when the ordinal of ``asked`` calls them by no other name ("อันแรก",
    not "ระดับแรก" of a list of หมวด)."""
    lines = [line.strip() for line in entry.answer.splitlines()]
    called = ordinal_noun(asked)

    def called_so(items: list[str]) -> bool:
        """The list is of what the ordinal names: any item ("อัน"), a word of its items, or counted ("2 แนวทาง")."""
        return (not called or any(called in i for i in items)
                or bool(re.search(rf"{len(items)}\s*{re.escape(called)}", entry.answer)))

    numbered = [(int(m.group(1)), line) for line in lines if (m := _ITEM_LINE.match(line))]
    if len(numbered) >= 2 and not called_so([line for _, line in numbered]):
        return ""  # "องค์ประกอบแรก" of the 12 indicators' list: not one of them
    if len(numbered) < 2:
        bullets = [line for line in lines if _BULLET.match(line)]
        if called_so(bullets):
            numbered = list(enumerate(bullets, start=1))
    if len(numbered) < 2:
        return ""
    if item == -1:
        return numbered[-1][1]
    return next((line for n, line in numbered if n == item), "")


_BULLET = re.compile(r"^[•\-]\s*\S")


__all__ = ["item_of"]
