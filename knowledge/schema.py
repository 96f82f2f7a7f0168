"""The knowledge base's file format, checked when it is loaded.

Staff who do not write Python edit the YAML files in ``knowledge/pmqa/``; this module tells them
exactly which file, which entry and which field is wrong instead of failing somewhere later.

A file holds ``entries:``, a list of mappings with these fields:

=============  ========  ==================================================================
field          required  meaning
=============  ========  ==================================================================
id             yes       unique, lowercase ASCII letters, digits, ``-`` and ``.``
title          yes       short Thai title, shown as the answer's heading
answer         yes       the answer text, quoted or closely paraphrased from the source
source         yes       where in the source document the content comes from
topic          no        a group name (``หมวด``, ``ประเด็น``, ``คลินิก`` …) for menus
refs           no        exact references that resolve to this entry (see ``REF_PATTERNS``)
keywords       no        words and phrases staff use for this topic
questions      no        example questions, as staff would type them
levels         no        ``basic`` / ``advance`` / ``significance`` texts of a ประเด็น
related        no        ids of entries offered as next steps (quick replies)
=============  ========  ==================================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ID_RE = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
LEVEL_NAMES = ("basic", "advance", "significance")
#: How staff name the levels, in English and Thai → the level.
LEVEL_WORDS = {"basic": "basic", "พื้นฐาน": "basic", "advance": "advance", "advanced": "advance",
               "ก้าวหน้า": "advance", "significance": "significance", "significant": "significance",
               "พัฒนาจนเกิดผล": "significance"}

#: Canonical forms of the structured references an entry may declare in ``refs``.
REF_PATTERNS: dict[str, re.Pattern[str]] = {
    "หมวด": re.compile(r"^หมวด [1-7](/\S+)?$"),
    "ประเด็น": re.compile(r"^ประเด็น [1-7]\.[1-6](/\S+)?$"),
    "C": re.compile(r"^C[1-6]$"),
    "คลินิก": re.compile(r"^คลินิก( หมวด [1-7])?$"),
    "gap": re.compile(r"^gap \d\.\d\.\d$"),
    "ตัวชี้วัด": re.compile(r"^ตัวชี้วัด \d{1,2}$"),
    "กิจกรรม": re.compile(r"^กิจกรรม \d{1,2}$"),
    "ปัจจัย": re.compile(r"^ปัจจัย [1-3]$"),
    "ขั้น": re.compile(r"^ขั้น [1-6]$"),
    "ผลลัพธ์": re.compile(r"^ผลลัพธ์ 7\.[1-6]$"),
}
MAX_ANSWER_CHARS = 4000


class SchemaError(ValueError):
    """A knowledge file is not in the expected shape; the message says where and why."""


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    answer: str
    source: str
    topic: str = ""
    refs: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    levels: dict[str, str] = field(default_factory=dict)
    related: tuple[str, ...] = ()
    #: File the entry came from (set by the loader, for messages).
    origin: str = ""


def _str_list(value: Any, where: str, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SchemaError(f"{where}: '{name}' ต้องเป็นรายการข้อความที่ไม่ว่าง ({name} must be a list of non-empty strings)")
    return tuple(v.strip() for v in value)


def _text(raw: dict[str, Any], name: str, where: str, required: bool) -> str:
    value = raw.get(name)
    if value is None:
        if required:
            raise SchemaError(f"{where}: ไม่มีช่อง '{name}' (missing required field '{name}')")
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise SchemaError(f"{where}: '{name}' ต้องเป็นข้อความ ('{name}' must be text)")
    text = str(value).strip()
    if required and not text:
        raise SchemaError(f"{where}: '{name}' ว่างอยู่ ('{name}' is empty)")
    return text


def ref_kind(ref: str) -> str | None:
    for kind, pattern in REF_PATTERNS.items():
        if pattern.match(ref):
            return kind
    return None


def parse_entry(raw: Any, where: str) -> Entry:
    """Check one raw mapping and build an :class:`Entry`."""
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: แต่ละรายการต้องเป็น mapping (each entry must be a mapping)")
    known = {"id", "title", "answer", "source", "topic", "refs", "keywords", "questions", "levels", "related"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SchemaError(f"{where}: มีช่องที่ไม่รู้จัก {unknown} (unknown fields)")
    entry_id = _text(raw, "id", where, True)
    where = f"{where} (id={entry_id})"
    if not ID_RE.match(entry_id):
        raise SchemaError(f"{where}: id ใช้ได้เฉพาะ a-z 0-9 - . (id must match {ID_RE.pattern})")
    answer = _text(raw, "answer", where, True)
    if len(answer) > MAX_ANSWER_CHARS:
        raise SchemaError(f"{where}: คำตอบยาวเกิน {MAX_ANSWER_CHARS} ตัวอักษร (answer too long)")
    refs = _str_list(raw.get("refs"), where, "refs")
    for ref in refs:
        if ref_kind(ref) is None:
            raise SchemaError(f"{where}: รูปแบบ ref ไม่ถูกต้อง: {ref!r} (unknown reference form)")
    levels_raw = raw.get("levels") or {}
    if not isinstance(levels_raw, dict) or set(levels_raw) - set(LEVEL_NAMES):
        raise SchemaError(f"{where}: 'levels' มีได้เฉพาะ {LEVEL_NAMES}")
    levels = {k: _text(levels_raw, k, where, True) for k in LEVEL_NAMES if k in levels_raw}
    if levels and len(levels) != 3:
        raise SchemaError(f"{where}: 'levels' ต้องมีครบทั้ง basic, advance, significance")
    return Entry(
        id=entry_id,
        title=_text(raw, "title", where, True),
        answer=answer,
        source=_text(raw, "source", where, True),
        topic=_text(raw, "topic", where, False),
        refs=refs,
        keywords=_str_list(raw.get("keywords"), where, "keywords"),
        questions=_str_list(raw.get("questions"), where, "questions"),
        levels=levels,
        related=_str_list(raw.get("related"), where, "related"),
    )


def check_links(entries: list[Entry]) -> None:
    """Ids are unique, refs point at one entry each, and ``related`` names entries that exist."""
    seen: dict[str, str] = {}
    refs: dict[str, str] = {}
    for e in entries:
        if e.id in seen:
            raise SchemaError(f"{e.origin}: id '{e.id}' ซ้ำกับใน {seen[e.id]} (duplicate id)")
        seen[e.id] = e.origin
        for ref in e.refs:
            if ref in refs:
                raise SchemaError(f"{e.origin}: ref '{ref}' ของ '{e.id}' ซ้ำกับ '{refs[ref]}' (duplicate ref)")
            refs[ref] = e.id
    for e in entries:
        for rel in e.related:
            if rel not in seen:
                raise SchemaError(f"{e.origin}: '{e.id}' อ้างถึง related '{rel}' ที่ไม่มีอยู่ (unknown related id)")
