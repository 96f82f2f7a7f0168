"""The integrity plan's activity catalogue (``knowledge/activities/fyNNNN.yaml``), loaded and checked.

Admins extend it each year (``flask --app bot activities import FILE``); a mistake is reported with the
file, the activity and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.yamltext import read_yaml

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9\-]*$")
LABEL_MAX = 20
FILE_RE = re.compile(r"^fy(\d{4})\.ya?ml$")


class ActivitiesError(ValueError):
    """An activity file is wrong; the message says where and why (Thai and English)."""


@dataclass(frozen=True)
class Item:
    number: int
    short: str
    text: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Activity:
    number: int
    code: str
    name: str
    short: str
    aliases: tuple[str, ...]
    items: tuple[Item, ...]

    def item(self, number: int) -> Item | None:
        return next((i for i in self.items if i.number == number), None)


@dataclass(frozen=True)
class Plan:
    fiscal_year: int
    title: str
    source: str
    activities: tuple[Activity, ...]

    def activity(self, code: str) -> Activity | None:
        return next((a for a in self.activities if a.code == code), None)


def _need(raw: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...] = str) -> Any:
    if key not in raw or raw[key] in (None, ""):
        raise ActivitiesError(f"{where}: ไม่มีช่อง '{key}' (missing '{key}')")
    value = raw[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ActivitiesError(f"{where}: ช่อง '{key}' ผิดชนิด (wrong type for '{key}')")
    return value.strip() if isinstance(value, str) else value


def _words(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ActivitiesError(f"{where}: '{key}' ต้องเป็นรายการข้อความ ('{key}' must be a list of strings)")
    return tuple(v.strip() for v in value)


def _label(raw: dict[str, Any], where: str) -> str:
    short = _need(raw, "short", where)
    if len(short) > LABEL_MAX:
        raise ActivitiesError(f"{where}: 'short' ยาวเกิน {LABEL_MAX} ตัวอักษร: {short!r} (button label too long)")
    return short


def _check_keys(raw: Any, where: str, known: set[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ActivitiesError(f"{where}: ต้องเป็น mapping (must be a mapping)")
    if False in raw or True in raw:
        raise ActivitiesError(f"{where}: YAML อ่าน 'no:'/'yes:' เป็นค่าจริงเท็จ ให้ใช้ 'number:' (use 'number:')")
    unknown = sorted(set(map(str, raw)) - known)
    if unknown:
        raise ActivitiesError(f"{where}: มีช่องที่ไม่รู้จัก {unknown} (unknown fields)")
    return raw


def parse_plan(data: Any, origin: str) -> Plan:
    top = _check_keys(data, origin, {"fiscal_year", "title", "source", "activities"})
    activities: list[Activity] = []
    codes: set[str] = set()
    for i, raw in enumerate(top.get("activities") or [], start=1):
        where = f"{origin} กิจกรรมลำดับ {i}"
        act = _check_keys(raw, where, {"number", "code", "name", "short", "aliases", "items"})
        code = _need(act, "code", where)
        if not CODE_RE.match(code) or code in codes:
            raise ActivitiesError(f"{where}: code {code!r} ต้องเป็น a-z 0-9 - และไม่ซ้ำ (invalid or duplicate code)")
        codes.add(code)
        items = []
        for j, raw_item in enumerate(act.get("items") or [], start=1):
            iw = f"{where} รายการที่ {j}"
            it = _check_keys(raw_item, iw, {"number", "short", "text", "keywords"})
            items.append(Item(_need(it, "number", iw, int), _label(it, iw), _need(it, "text", iw),
                              _words(it, "keywords", iw)))
        if not items:
            raise ActivitiesError(f"{where}: ต้องมี items อย่างน้อย 1 รายการ (needs at least one item)")
        if len({it.number for it in items}) != len(items):
            raise ActivitiesError(f"{where}: เลขที่รายการซ้ำกัน (duplicate item numbers)")
        activities.append(Activity(_need(act, "number", where, int), code, _need(act, "name", where),
                                   _label(act, where), _words(act, "aliases", where), tuple(items)))
    if not activities:
        raise ActivitiesError(f"{origin}: ไม่มีกิจกรรม (no activities)")
    return Plan(_need(top, "fiscal_year", origin, int), _need(top, "title", origin), _need(top, "source", origin),
                tuple(activities))


def load_activities(path: Path) -> Plan:
    try:
        data = read_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ActivitiesError(f"{path.name}: อ่าน YAML ไม่ได้ (invalid YAML): {exc}") from exc
    plan = parse_plan(data, path.name)
    m = FILE_RE.match(path.name)
    if m and int(m.group(1)) != plan.fiscal_year:
        raise ActivitiesError(f"{path.name}: fiscal_year {plan.fiscal_year} ไม่ตรงกับชื่อไฟล์ (does not match name)")
    return plan


def latest_activities_path(folder: Path) -> Path | None:
    files = sorted((p for p in folder.glob("fy*.yaml") if FILE_RE.match(p.name)), key=lambda p: p.name)
    return files[-1] if files else None
