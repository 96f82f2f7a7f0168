"""Checking the content of one indicator file (as read from YAML) and building its :class:`Catalogue`: the
components, the indicators, the PMQA section, and the checks across them (unique numbers, weights that add up,
aliases that name one indicator each)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from knowledge.kpi.fields import Where, check_unique, int_field, list_field, mapping_field, text_field, texts_field
from knowledge.kpi.numbers import number_field
from knowledge.kpi.rounds import parse_round, parse_targets, round_key
from knowledge.kpi.schema import (
    BAND_FIELDS,
    COMPONENT_FIELDS,
    INDICATOR_FIELDS,
    PMQA_FIELDS,
    TOP_FIELDS,
    Catalogue,
    Component,
    Indicator,
    Pmqa,
    PmqaBand,
    PmqaTargets,
    RoundTargets,
)
from scoring.core import DIRECTIONS, targets_problem


def _parse_component(raw: Any, where: Where, round_months: set[int]) -> Component:
    number = int_field(mapping_field(raw, where, None, None), "number", where)
    where = Where(where.origin, f"องค์ประกอบที่ {number}", f"component {number}")
    raw = mapping_field(raw, where, None, COMPONENT_FIELDS)
    rounds = list_field(raw, "rounds", where)
    for months in rounds:
        if isinstance(months, bool) or not isinstance(months, int) or months not in round_months:
            where.fail("rounds", f"ไม่มีรอบ {months!r} ในส่วน rounds ของไฟล์", f"round {months!r} is not in 'rounds'")
    return Component(
        number=number,
        name=text_field(raw, "name", where),
        short=text_field(raw, "short", where, required=False),
        weight=number_field(raw, "weight", where, positive=True),
        rounds=tuple(rounds),
    )


def _parse_indicator(raw: Any, where: Where, components: dict[int, Component]) -> Indicator:
    number = int_field(mapping_field(raw, where, None, None), "number", where)
    where = Where(where.origin, f"ตัวชี้วัดที่ {number}", f"indicator {number}")
    raw = mapping_field(raw, where, None, INDICATOR_FIELDS)
    component_no = int_field(raw, "component", where)
    component = components.get(component_no)
    if component is None:
        where.fail("component", f"ไม่มีองค์ประกอบที่ {component_no} ในไฟล์", f"no component {component_no}")
    direction = text_field(raw, "direction", where)
    if direction not in DIRECTIONS:
        where.fail("direction", f"ต้องเป็น higher หรือ lower ได้ {direction!r}", f"must be one of {DIRECTIONS}")
    rounds_raw = raw.get("rounds") or {}
    if not isinstance(rounds_raw, dict):
        where.fail("rounds", "ต้องเป็น mapping เช่น 6: {min: ..., standard: ..., high: ...}", "must be a mapping")
    rounds: dict[int, RoundTargets] = {}
    for key, value in rounds_raw.items():
        months = round_key(key, where)
        if months not in component.rounds:
            where.fail(
                "rounds",
                f"องค์ประกอบที่ {component_no} ไม่ได้ประเมินในรอบ {months} เดือน (ประเมินรอบ {list(component.rounds)})",
                f"component {component_no} is not assessed in the {months}-month round",
            )
        if months in rounds:
            where.fail("rounds", f"รอบ {months} เดือนซ้ำ", f"round {months} given twice")
        round_where = Where(where.origin, f"{where.th} รอบ {months} เดือน", f"{where.en}, round {months}")
        rounds[months] = parse_targets(value, round_where, direction)
    return Indicator(
        number=number,
        component=component_no,
        name=text_field(raw, "name", where),
        weight=number_field(raw, "weight", where, positive=True),
        unit=text_field(raw, "unit", where, required=False),
        measure=text_field(raw, "measure", where, required=False),
        counted=text_field(raw, "counted", where, required=False),
        direction=direction,
        aliases=texts_field(raw, "aliases", where),
        short=_short_name(raw, where),
        rounds=dict(sorted(rounds.items())),
    )


SHORT_MAX = 28


def _short_name(raw: dict[str, Any], where: Where) -> str | None:
    short = text_field(raw, "short", where, required=False)
    if short is not None and len(short) > SHORT_MAX:
        where.fail("short", f"ชื่อสั้นยาวเกิน {SHORT_MAX} ตัวอักษร ({len(short)})", f"longer than {SHORT_MAX} characters")
    return short


def _parse_pmqa(raw: Any, where: Where) -> Pmqa:
    where = Where(where.origin, "ส่วน pmqa", "section pmqa")
    raw = mapping_field(raw, where, None, PMQA_FIELDS)
    targets = None
    if raw.get("targets") is not None:
        t = mapping_field(raw["targets"], where, "targets", {"min", "standard", "high"})
        twhere = Where(where.origin, "ส่วน pmqa targets", "pmqa targets")
        targets = PmqaTargets(number_field(t, "min", twhere), number_field(t, "standard", twhere),
                              number_field(t, "high", twhere))
        problem = targets_problem(targets, "higher")
        if problem:
            twhere.fail("min/standard/high", problem, "targets out of order")
    bands = []
    for i, band in enumerate(list_field(raw, "category7", where, required=False), start=1):
        bwhere = Where(where.origin, f"ส่วน pmqa category7 แถวที่ {i}", f"pmqa category7 row {i}")
        band = mapping_field(band, bwhere, None, BAND_FIELDS)
        points = list_field(band, "points", bwhere)
        if not all(isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in points):
            bwhere.fail("points", "ต้องเป็นรายการจำนวนเต็ม เช่น [400, 500]", "must be a list of whole numbers")
        count = int_field(band, "count", bwhere, minimum=0)
        bands.append(PmqaBand(text_field(band, "label", bwhere), tuple(points), count))
    return Pmqa(
        name=text_field(raw, "name", where),
        group=int_field(raw, "group", where, required=False),
        targets=targets,
        category7=tuple(bands),
        source=text_field(raw, "source", where, required=False),
    )


def _check_weights(components: tuple[Component, ...], indicators: tuple[Indicator, ...], where: Where) -> None:
    total = sum((c.weight for c in components), Decimal(0))
    if total != 100:
        where.fail("weight", f"น้ำหนักองค์ประกอบรวมกันได้ {total} ต้องได้ 100", f"component weights sum to {total}, not 100")
    for c in components:
        members = [i for i in indicators if i.component == c.number]
        weights = sum((i.weight for i in members), Decimal(0))
        if weights != c.weight:
            numbers = [i.number for i in members]
            Where(where.origin, f"องค์ประกอบที่ {c.number}", f"component {c.number}").fail(
                "weight",
                f"น้ำหนักตัวชี้วัด {numbers} รวมกันได้ {weights} ไม่เท่ากับน้ำหนักองค์ประกอบ {c.weight}",
                f"indicator weights sum to {weights}, not the component weight {c.weight}",
            )


def _check_aliases(indicators: tuple[Indicator, ...], where: Where) -> None:
    owners: dict[str, int] = {}
    for ind in indicators:
        for alias in ind.aliases:
            other = owners.setdefault(alias.casefold(), ind.number)
            if other != ind.number:
                Where(where.origin, f"ตัวชี้วัดที่ {ind.number}", f"indicator {ind.number}").fail(
                    "aliases", f"ชื่อเรียก '{alias}' ซ้ำกับตัวชี้วัดที่ {other}", f"alias also used by indicator {other}"
                )


def parse_catalogue(data: Any, origin: str) -> Catalogue:
    """Check the content of one indicator file (as read from YAML) and build a :class:`Catalogue`."""
    top = Where(origin)
    data = mapping_field(data, top, None, TOP_FIELDS)
    in_rounds = Where(origin, "ส่วน rounds", "section rounds")
    rounds = tuple(parse_round(r, in_rounds) for r in list_field(data, "rounds", top))
    check_unique([r.months for r in rounds], in_rounds, "months", "รอบ")
    months = {r.months for r in rounds}
    components = tuple(
        _parse_component(c, Where(origin, "ส่วน components", "section components"), months)
        for c in list_field(data, "components", top)
    )
    where = Where(origin, "ส่วน components", "section components")
    check_unique([c.number for c in components], where, "number", "องค์ประกอบที่")
    by_number = {c.number: c for c in components}
    indicators = tuple(
        _parse_indicator(i, Where(origin, f"ส่วน indicators รายการที่ {n}", f"indicators item {n}"), by_number)
        for n, i in enumerate(list_field(data, "indicators", top), start=1)
    )
    in_indicators = Where(origin, "ส่วน indicators", "section indicators")
    check_unique([i.number for i in indicators], in_indicators, "number", "ตัวชี้วัดที่")
    _check_weights(components, indicators, top)
    _check_aliases(indicators, top)
    return Catalogue(
        fiscal_year=int_field(data, "fiscal_year", top, minimum=2500),
        title=text_field(data, "title", top),
        source=text_field(data, "source", top),
        components=components,
        rounds=rounds,
        indicators=tuple(sorted(indicators, key=lambda i: i.number)),
        notes=texts_field(data, "notes", top),
        pmqa=_parse_pmqa(data["pmqa"], top) if data.get("pmqa") is not None else None,
        origin=origin,
    )
