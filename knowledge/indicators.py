"""The indicator catalogue of one fiscal year (``knowledge/indicators/fyNNNN.yaml``), loaded and checked.

Staff edit these files and start a new one each year, so a mistake must be reported with the file, the
indicator and the field, in Thai and English, when the file is loaded - not as a wrong score later. The
field meanings are explained in the header of ``fy2567.yaml``.

Run ``python -m knowledge.indicators [file ...]`` to check files after editing them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

import yaml

from knowledge.loader import read_yaml
from scoring.core import DIRECTIONS, targets_problem
from scoring.numbers import read_number, to_decimal

CATALOGUE_DIR = Path(__file__).resolve().parent / "indicators"
FILE_RE = re.compile(r"^fy(\d{4})\.ya?ml$")

TOP_FIELDS = {"fiscal_year", "title", "source", "notes", "components", "rounds", "indicators", "pmqa"}
COMPONENT_FIELDS = {"number", "name", "short", "weight", "rounds"}
ROUND_FIELDS = {"months", "name", "period"}
INDICATOR_FIELDS = {"number", "component", "name", "short", "weight", "unit", "measure", "direction", "aliases",
                    "rounds"}
TARGET_FIELDS = {"min", "standard", "high", "result", "result_text"}
PMQA_FIELDS = {"name", "group", "targets", "category7", "source"}
BAND_FIELDS = {"label", "points", "count"}


class CatalogueError(ValueError):
    """An indicator file is wrong; the message names the file, the place and the field, in Thai and English."""


@dataclass(frozen=True)
class RoundTargets:
    """Targets (50 / 75 / 100 points) and the result of one indicator in one round."""

    min: Decimal
    standard: Decimal
    high: Decimal
    result: Decimal | None = None
    #: The result as the source document writes it, e.g. "รายการสถิติ 7 รายการ".
    result_text: str | None = None


@dataclass(frozen=True)
class Component:
    number: int
    name: str
    short: str | None
    weight: Decimal
    #: Rounds (in months) in which the component is assessed.
    rounds: tuple[int, ...]


@dataclass(frozen=True)
class Round:
    months: int
    name: str
    period: str | None = None


@dataclass(frozen=True)
class Indicator:
    number: int
    component: int
    name: str
    weight: Decimal
    #: Responsible unit (หน่วยงานรับผิดชอบ), e.g. "พท."; None when the source does not say.
    unit: str | None
    #: Unit of measure of targets and results (ผลผลิต, ครั้ง, รายการ ...); None when the source does not say.
    measure: str | None
    direction: str = "higher"
    aliases: tuple[str, ...] = ()
    #: A short name shown whole where the full one would be cut (the status card, charts); None: the full name.
    short: str | None = None
    #: Round length in months -> targets and result in that round.
    rounds: Mapping[int, RoundTargets] = field(default_factory=dict)

    def targets(self, months: int) -> RoundTargets | None:
        return self.rounds.get(months)


@dataclass(frozen=True)
class PmqaTargets:
    min: Decimal
    standard: Decimal
    high: Decimal


@dataclass(frozen=True)
class PmqaBand:
    """One line of the หมวด 7 table: how many result indicators earned these points."""

    label: str
    points: tuple[int, ...]
    count: int


@dataclass(frozen=True)
class Pmqa:
    name: str
    group: int | None
    targets: PmqaTargets | None
    category7: tuple[PmqaBand, ...]
    source: str | None


@dataclass(frozen=True)
class Catalogue:
    fiscal_year: int
    title: str
    source: str
    components: tuple[Component, ...]
    rounds: tuple[Round, ...]
    indicators: tuple[Indicator, ...]
    notes: tuple[str, ...] = ()
    pmqa: Pmqa | None = None
    #: File the catalogue came from, for messages.
    origin: str = field(default="", compare=False)

    def indicator(self, number: int) -> Indicator | None:
        return next((i for i in self.indicators if i.number == number), None)

    def component(self, number: int) -> Component | None:
        return next((c for c in self.components if c.number == number), None)

    def round(self, months: int) -> Round | None:
        return next((r for r in self.rounds if r.months == months), None)

    def indicators_in(self, component: int) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.component == component)


# ---------------------------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class _Where:
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


def _mapping(raw: Any, where: _Where, name: str | None, known: set[str] | None) -> dict[str, Any]:
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


def _text(raw: dict[str, Any], name: str, where: _Where, required: bool = True) -> str | None:
    value = raw.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            where.fail(name, "ไม่มีค่า (ต้องระบุ)", "missing or empty")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        where.fail(name, "ต้องเป็นข้อความ", "must be text")
    return str(value).strip()


def _int(raw: dict[str, Any], name: str, where: _Where, required: bool = True, minimum: int = 1) -> int | None:
    value = raw.get(name)
    if value is None:
        if required:
            where.fail(name, "ไม่มีค่า (ต้องระบุ)", "missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        where.fail(name, f"ต้องเป็นจำนวนเต็มตั้งแต่ {minimum} ขึ้นไป ได้ {value!r}", f"must be a whole number >= {minimum}")
    return value


def _number(
    raw: dict[str, Any], name: str, where: _Where, required: bool = True, positive: bool = False
) -> Decimal | None:
    value = raw.get(name)
    if value is None:
        if required:
            where.fail(name, "ไม่มีค่า (ต้องระบุ)", "missing")
        return None
    if isinstance(value, bool):
        where.fail(name, f"ต้องเป็นตัวเลข ได้ {value!r}", "must be a number")
    if isinstance(value, str):
        reading = read_number(value)
        if reading.value is None:
            where.fail(name, f"{reading.reason} ได้ {value!r}", "must be a number")
        number = reading.value
    elif isinstance(value, (int, float)):
        try:
            number = to_decimal(value)
        except ValueError:
            where.fail(name, f"ต้องเป็นตัวเลข ได้ {value!r}", "must be a finite number")
    else:
        where.fail(name, f"ต้องเป็นตัวเลข ได้ {value!r}", "must be a number")
    if number < 0 or (positive and number == 0):
        bound = "มากกว่า 0" if positive else "ตั้งแต่ 0 ขึ้นไป"
        where.fail(name, f"ต้องเป็นตัวเลข{bound} ได้ {value!r}", "must be > 0" if positive else "must be >= 0")
    return number


def _list(raw: dict[str, Any], name: str, where: _Where, required: bool = True) -> list[Any]:
    value = raw.get(name)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        where.fail(name, "ต้องเป็นรายการ (list) ที่ไม่ว่าง", "must be a non-empty list")
    return value


def _texts(raw: dict[str, Any], name: str, where: _Where) -> tuple[str, ...]:
    items = _list(raw, name, where, required=False)
    if not all(isinstance(v, str) and v.strip() for v in items):
        where.fail(name, "ต้องเป็นรายการข้อความที่ไม่ว่าง", "must be a list of non-empty texts")
    return tuple(v.strip() for v in items)


def _parse_round(raw: Any, where: _Where) -> Round:
    raw = _mapping(raw, where, None, ROUND_FIELDS)
    months = _int(raw, "months", where)
    where = _Where(where.origin, f"รอบ {months} เดือน", f"round {months}")
    return Round(months=months, name=_text(raw, "name", where), period=_text(raw, "period", where, required=False))


def _parse_component(raw: Any, where: _Where, round_months: set[int]) -> Component:
    number = _int(_mapping(raw, where, None, None), "number", where)
    where = _Where(where.origin, f"องค์ประกอบที่ {number}", f"component {number}")
    raw = _mapping(raw, where, None, COMPONENT_FIELDS)
    rounds = _list(raw, "rounds", where)
    for months in rounds:
        if isinstance(months, bool) or not isinstance(months, int) or months not in round_months:
            where.fail("rounds", f"ไม่มีรอบ {months!r} ในส่วน rounds ของไฟล์", f"round {months!r} is not in 'rounds'")
    return Component(
        number=number,
        name=_text(raw, "name", where),
        short=_text(raw, "short", where, required=False),
        weight=_number(raw, "weight", where, positive=True),
        rounds=tuple(rounds),
    )


def _parse_targets(raw: Any, where: _Where, direction: str) -> RoundTargets:
    raw = _mapping(raw, where, None, TARGET_FIELDS)
    targets = RoundTargets(
        min=_number(raw, "min", where),
        standard=_number(raw, "standard", where),
        high=_number(raw, "high", where),
        result=_number(raw, "result", where, required=False),
        result_text=_text(raw, "result_text", where, required=False),
    )
    problem = targets_problem(targets, direction)
    if problem:
        where.fail("min/standard/high", problem, f"targets out of order for direction {direction!r}")
    return targets


def _round_key(key: Any, where: _Where) -> int:
    if isinstance(key, str) and key.strip().isdigit():
        key = int(key)
    if isinstance(key, bool) or not isinstance(key, int):
        where.fail("rounds", f"ชื่อรอบต้องเป็นจำนวนเดือน เช่น 6 หรือ 12 ได้ {key!r}", "round keys must be months (6, 12)")
    return key


def _parse_indicator(raw: Any, where: _Where, components: dict[int, Component]) -> Indicator:
    number = _int(_mapping(raw, where, None, None), "number", where)
    where = _Where(where.origin, f"ตัวชี้วัดที่ {number}", f"indicator {number}")
    raw = _mapping(raw, where, None, INDICATOR_FIELDS)
    component_no = _int(raw, "component", where)
    component = components.get(component_no)
    if component is None:
        where.fail("component", f"ไม่มีองค์ประกอบที่ {component_no} ในไฟล์", f"no component {component_no}")
    direction = _text(raw, "direction", where)
    if direction not in DIRECTIONS:
        where.fail("direction", f"ต้องเป็น higher หรือ lower ได้ {direction!r}", f"must be one of {DIRECTIONS}")
    rounds_raw = raw.get("rounds") or {}
    if not isinstance(rounds_raw, dict):
        where.fail("rounds", "ต้องเป็น mapping เช่น 6: {min: ..., standard: ..., high: ...}", "must be a mapping")
    rounds: dict[int, RoundTargets] = {}
    for key, value in rounds_raw.items():
        months = _round_key(key, where)
        if months not in component.rounds:
            where.fail(
                "rounds",
                f"องค์ประกอบที่ {component_no} ไม่ได้ประเมินในรอบ {months} เดือน (ประเมินรอบ {list(component.rounds)})",
                f"component {component_no} is not assessed in the {months}-month round",
            )
        if months in rounds:
            where.fail("rounds", f"รอบ {months} เดือนซ้ำ", f"round {months} given twice")
        round_where = _Where(where.origin, f"{where.th} รอบ {months} เดือน", f"{where.en}, round {months}")
        rounds[months] = _parse_targets(value, round_where, direction)
    return Indicator(
        number=number,
        component=component_no,
        name=_text(raw, "name", where),
        weight=_number(raw, "weight", where, positive=True),
        unit=_text(raw, "unit", where, required=False),
        measure=_text(raw, "measure", where, required=False),
        direction=direction,
        aliases=_texts(raw, "aliases", where),
        short=_short_name(raw, where),
        rounds=dict(sorted(rounds.items())),
    )


SHORT_MAX = 28


def _short_name(raw: dict[str, Any], where: _Where) -> str | None:
    short = _text(raw, "short", where, required=False)
    if short is not None and len(short) > SHORT_MAX:
        where.fail("short", f"ชื่อสั้นยาวเกิน {SHORT_MAX} ตัวอักษร ({len(short)})", f"longer than {SHORT_MAX} characters")
    return short


def _parse_pmqa(raw: Any, where: _Where) -> Pmqa:
    where = _Where(where.origin, "ส่วน pmqa", "section pmqa")
    raw = _mapping(raw, where, None, PMQA_FIELDS)
    targets = None
    if raw.get("targets") is not None:
        t = _mapping(raw["targets"], where, "targets", {"min", "standard", "high"})
        twhere = _Where(where.origin, "ส่วน pmqa targets", "pmqa targets")
        targets = PmqaTargets(_number(t, "min", twhere), _number(t, "standard", twhere), _number(t, "high", twhere))
        problem = targets_problem(targets, "higher")
        if problem:
            twhere.fail("min/standard/high", problem, "targets out of order")
    bands = []
    for i, band in enumerate(_list(raw, "category7", where, required=False), start=1):
        bwhere = _Where(where.origin, f"ส่วน pmqa category7 แถวที่ {i}", f"pmqa category7 row {i}")
        band = _mapping(band, bwhere, None, BAND_FIELDS)
        points = _list(band, "points", bwhere)
        if not all(isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in points):
            bwhere.fail("points", "ต้องเป็นรายการจำนวนเต็ม เช่น [400, 500]", "must be a list of whole numbers")
        bands.append(PmqaBand(_text(band, "label", bwhere), tuple(points), _int(band, "count", bwhere, minimum=0)))
    return Pmqa(
        name=_text(raw, "name", where),
        group=_int(raw, "group", where, required=False),
        targets=targets,
        category7=tuple(bands),
        source=_text(raw, "source", where, required=False),
    )


def _unique(values: list[Any], where: _Where, name: str, th_what: str) -> None:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            where.fail(name, f"{th_what} {value} ซ้ำกัน", f"duplicate {name} {value}")
        seen.add(value)


def _check_weights(components: tuple[Component, ...], indicators: tuple[Indicator, ...], where: _Where) -> None:
    total = sum((c.weight for c in components), Decimal(0))
    if total != 100:
        where.fail("weight", f"น้ำหนักองค์ประกอบรวมกันได้ {total} ต้องได้ 100", f"component weights sum to {total}, not 100")
    for c in components:
        members = [i for i in indicators if i.component == c.number]
        weights = sum((i.weight for i in members), Decimal(0))
        if weights != c.weight:
            numbers = [i.number for i in members]
            _Where(where.origin, f"องค์ประกอบที่ {c.number}", f"component {c.number}").fail(
                "weight",
                f"น้ำหนักตัวชี้วัด {numbers} รวมกันได้ {weights} ไม่เท่ากับน้ำหนักองค์ประกอบ {c.weight}",
                f"indicator weights sum to {weights}, not the component weight {c.weight}",
            )


def _check_aliases(indicators: tuple[Indicator, ...], where: _Where) -> None:
    owners: dict[str, int] = {}
    for ind in indicators:
        for alias in ind.aliases:
            other = owners.setdefault(alias.casefold(), ind.number)
            if other != ind.number:
                _Where(where.origin, f"ตัวชี้วัดที่ {ind.number}", f"indicator {ind.number}").fail(
                    "aliases", f"ชื่อเรียก '{alias}' ซ้ำกับตัวชี้วัดที่ {other}", f"alias also used by indicator {other}"
                )


def parse_catalogue(data: Any, origin: str) -> Catalogue:
    """Check the content of one indicator file (as read from YAML) and build a :class:`Catalogue`."""
    top = _Where(origin)
    data = _mapping(data, top, None, TOP_FIELDS)
    rounds = tuple(_parse_round(r, _Where(origin, "ส่วน rounds", "section rounds")) for r in _list(data, "rounds", top))
    _unique([r.months for r in rounds], _Where(origin, "ส่วน rounds", "section rounds"), "months", "รอบ")
    months = {r.months for r in rounds}
    components = tuple(
        _parse_component(c, _Where(origin, "ส่วน components", "section components"), months)
        for c in _list(data, "components", top)
    )
    where = _Where(origin, "ส่วน components", "section components")
    _unique([c.number for c in components], where, "number", "องค์ประกอบที่")
    by_number = {c.number: c for c in components}
    indicators = tuple(
        _parse_indicator(i, _Where(origin, f"ส่วน indicators รายการที่ {n}", f"indicators item {n}"), by_number)
        for n, i in enumerate(_list(data, "indicators", top), start=1)
    )
    _unique([i.number for i in indicators], _Where(origin, "ส่วน indicators", "section indicators"), "number", "ตัวชี้วัดที่")
    _check_weights(components, indicators, top)
    _check_aliases(indicators, top)
    return Catalogue(
        fiscal_year=_int(data, "fiscal_year", top, minimum=2500),
        title=_text(data, "title", top),
        source=_text(data, "source", top),
        components=components,
        rounds=rounds,
        indicators=tuple(sorted(indicators, key=lambda i: i.number)),
        notes=_texts(data, "notes", top),
        pmqa=_parse_pmqa(data["pmqa"], top) if data.get("pmqa") is not None else None,
        origin=origin,
    )


def load_catalogue(path: str | Path) -> Catalogue:
    """Read and check one ``fyNNNN.yaml``; the year in the file name must match ``fiscal_year``."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as fh:
            data = read_yaml(fh.read())
    except OSError as exc:
        raise CatalogueError(f"{path}: เปิดไฟล์ไม่ได้ (cannot open file): {exc}") from exc
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path.name}: อ่าน YAML ไม่ได้ (invalid YAML): {exc}") from exc
    catalogue = parse_catalogue(data, path.name)
    named = FILE_RE.match(path.name)
    if named and int(named.group(1)) != catalogue.fiscal_year:
        _Where(path.name).fail(
            "fiscal_year",
            f"ปีงบประมาณ {catalogue.fiscal_year} ไม่ตรงกับชื่อไฟล์",
            f"fiscal_year {catalogue.fiscal_year} does not match the file name",
        )
    return catalogue


def latest_catalogue_path(folder: Path = CATALOGUE_DIR) -> Path:
    """The newest ``fyNNNN.yaml`` in ``folder`` (by the year in its name)."""
    files = sorted((int(m.group(1)), p) for p in folder.glob("fy*.y*ml") if (m := FILE_RE.match(p.name)))
    if not files:
        raise CatalogueError(f"{folder}: ไม่พบไฟล์ตัวชี้วัด fyNNNN.yaml (no indicator files)")
    return files[-1][1]


# ---------------------------------------------------------------------------------------------- dumping


def _plain(value: Decimal | None) -> int | float | None:
    """A YAML-friendly number: 15 rather than 15.0, 453.24 rather than Decimal('453.24')."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def dump_catalogue(cat: Catalogue) -> dict[str, Any]:
    """The catalogue as plain data in the file's shape; ``parse_catalogue(dump_catalogue(c), ...) == c``."""

    def targets(t: RoundTargets) -> dict[str, Any]:
        out: dict[str, Any] = {"min": _plain(t.min), "standard": _plain(t.standard), "high": _plain(t.high)}
        if t.result is not None:
            out["result"] = _plain(t.result)
        if t.result_text is not None:
            out["result_text"] = t.result_text
        return out

    data: dict[str, Any] = {
        "fiscal_year": cat.fiscal_year,
        "title": cat.title,
        "source": cat.source,
        "notes": list(cat.notes),
        "components": [
            {"number": c.number, "name": c.name, "short": c.short, "weight": _plain(c.weight), "rounds": list(c.rounds)}
            for c in cat.components
        ],
        "rounds": [{"months": r.months, "name": r.name, "period": r.period} for r in cat.rounds],
        "indicators": [
            {
                "number": i.number,
                "component": i.component,
                "name": i.name,
                "weight": _plain(i.weight),
                "unit": i.unit,
                "measure": i.measure,
                "direction": i.direction,
                "aliases": list(i.aliases),
                **({"short": i.short} if i.short else {}),
                "rounds": {m: targets(t) for m, t in i.rounds.items()},
            }
            for i in cat.indicators
        ],
    }
    if cat.pmqa is not None:
        p = cat.pmqa
        data["pmqa"] = {
            "name": p.name,
            "group": p.group,
            "targets": None
            if p.targets is None
            else {"min": _plain(p.targets.min), "standard": _plain(p.targets.standard), "high": _plain(p.targets.high)},
            "category7": [{"label": b.label, "points": list(b.points), "count": b.count} for b in p.category7],
            "source": p.source,
        }
    return data


def main(argv: list[str]) -> int:
    """Check the given files (default: every ``fyNNNN.yaml``) and print one line each."""
    paths = [Path(a) for a in argv] or sorted(CATALOGUE_DIR.glob("fy*.yaml"))
    status = 0
    for path in paths:
        try:
            cat = load_catalogue(path)
        except CatalogueError as exc:
            print(f"ERROR: {exc}", file=sys.stderr)
            status = 1
            continue
        print(f"OK: {path.name} ปีงบประมาณ {cat.fiscal_year}, {len(cat.indicators)} ตัวชี้วัด")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
