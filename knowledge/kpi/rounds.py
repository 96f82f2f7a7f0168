"""The rounds of the indicator file (6 and 12 months): the rounds listed, and each indicator's targets and
result in a round, checked to be in order for its direction."""

from __future__ import annotations

from typing import Any

from knowledge.kpi.fields import Where, int_field, mapping_field, text_field
from knowledge.kpi.numbers import number_field
from knowledge.kpi.schema import ROUND_FIELDS, TARGET_FIELDS, Round, RoundTargets
from scoring.core import targets_problem


def parse_round(raw: Any, where: Where) -> Round:
    raw = mapping_field(raw, where, None, ROUND_FIELDS)
    months = int_field(raw, "months", where)
    where = Where(where.origin, f"รอบ {months} เดือน", f"round {months}")
    return Round(months=months, name=text_field(raw, "name", where),
                 period=text_field(raw, "period", where, required=False))


def parse_targets(raw: Any, where: Where, direction: str) -> RoundTargets:
    raw = mapping_field(raw, where, None, TARGET_FIELDS)
    targets = RoundTargets(
        min=number_field(raw, "min", where),
        standard=number_field(raw, "standard", where),
        high=number_field(raw, "high", where),
        result=number_field(raw, "result", where, required=False),
        result_text=text_field(raw, "result_text", where, required=False),
    )
    problem = targets_problem(targets, direction)
    if problem:
        where.fail("min/standard/high", problem, f"targets out of order for direction {direction!r}")
    return targets


def round_key(key: Any, where: Where) -> int:
    if isinstance(key, str) and key.strip().isdigit():
        key = int(key)
    if isinstance(key, bool) or not isinstance(key, int):
        where.fail("rounds", f"ชื่อรอบต้องเป็นจำนวนเดือน เช่น 6 หรือ 12 ได้ {key!r}", "round keys must be months (6, 12)")
    return key
