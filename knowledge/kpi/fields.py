"""Reading one field of the indicator file, and failing with the file, the place and the field named in Thai
and English (staff edit these files: a mistake is reported when the file is loaded, not as a wrong score later)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from knowledge.kpi.schema import CatalogueError


@dataclass(frozen=True)
class Where:
    """A place in the file, named in Thai and in English."""

    origin: str
    th: str = ""
    en: str = ""

    def fail(self, name: str | None, th: str, en: str) -> NoReturn:
        th_place = " ".join(p for p in (self.th, f"ช่อง '{name}'" if name else "") if p)
        en_place = ", ".join(p for p in (self.en, f"field '{name}'" if name else "") if p)
        th_place = f" {th_place}:" if th_place else ""
        en_place = f" ({en_place}: {en})" if en_place else f" ({en})"
        raise CatalogueError(f"{self.origin}:{th_place} {th}{en_place}")


def mapping_field(raw: Any, where: Where, name: str | None, known: set[str] | None) -> dict[str, Any]:
    """A mapping without YAML's surprise booleans, and (given ``known``) without unknown fields."""
    if not isinstance(raw, dict):
        where.fail(name, "ต้องเป็น mapping (ชื่อช่อง: ค่า)", "must be a mapping of field: value")
    flags = [k for k in raw if isinstance(k, bool)]
    if flags:
        where.fail(
            name,
            "มีชื่อช่องที่ YAML อ่านเป็น true/false (เช่น no, yes, on, off) ให้ใช้ชื่อช่องที่ถูกต้อง เช่น number",
            "a key was read by YAML as true/false (no, yes, on, off); use the documented field name, e.g. number",
        )
    unknown = sorted(str(k) for k in set(raw) - known) if known is not None else []
    if unknown:
        where.fail(name, f"มีช่องที่ไม่รู้จัก {unknown} ช่องที่ใช้ได้: {sorted(known)}", f"unknown fields {unknown}")
    return raw


def text_field(raw: dict[str, Any], name: str, where: Where, required: bool = True) -> str | None:
    value = raw.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            where.fail(name, "ไม่มีค่า (ต้องระบุ)", "missing or empty")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        where.fail(name, "ต้องเป็นข้อความ", "must be text")
    return str(value).strip()


def int_field(raw: dict[str, Any], name: str, where: Where, required: bool = True, minimum: int = 1) -> int | None:
    value = raw.get(name)
    if value is None:
        if required:
            where.fail(name, "ไม่มีค่า (ต้องระบุ)", "missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        where.fail(name, f"ต้องเป็นจำนวนเต็มตั้งแต่ {minimum} ขึ้นไป ได้ {value!r}", f"must be a whole number >= {minimum}")
    return value


def list_field(raw: dict[str, Any], name: str, where: Where, required: bool = True) -> list[Any]:
    value = raw.get(name)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        where.fail(name, "ต้องเป็นรายการ (list) ที่ไม่ว่าง", "must be a non-empty list")
    return value


def texts_field(raw: dict[str, Any], name: str, where: Where) -> tuple[str, ...]:
    items = list_field(raw, name, where, required=False)
    if not all(isinstance(v, str) and v.strip() for v in items):
        where.fail(name, "ต้องเป็นรายการข้อความที่ไม่ว่าง", "must be a list of non-empty texts")
    return tuple(v.strip() for v in items)


def check_unique(values: list[Any], where: Where, name: str, th_what: str) -> None:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            where.fail(name, f"{th_what} {value} ซ้ำกัน", f"duplicate {name} {value}")
        seen.add(value)
