"""How far a result is from the next target, said the way a manager can act on it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from scoring.core import LEVEL_NAMES, LEVEL_POINTS, HasTargets, oriented
from scoring.numbers import Number, format_number

PERCENT_MEASURES = ("ร้อยละ", "%", "เปอร์เซ็นต์")


@dataclass(frozen=True)
class Gap:
    """The next target not yet reached and how much more (or, for "lower", less) is needed to reach it."""

    points: int
    level: str
    target: Decimal
    amount: Decimal
    direction: str = "higher"


def gap_to_next(result: Number, targets: HasTargets, direction: str = "higher") -> Gap | None:
    """The first of min / standard / high not yet reached, or None when the high target is reached."""
    value, *levels = oriented(result, targets, direction)
    sign = 1 if direction == "higher" else -1
    for points, name, level in zip(LEVEL_POINTS, LEVEL_NAMES, levels, strict=True):
        if value < level:
            return Gap(points, name, sign * level, level - value, direction)
    return None


def format_gap(gap: Gap, measure: str | None = None) -> str:
    """E.g. "ต้องได้อีก 310,000 ครั้ง เพื่อถึง 100 คะแนน"; a percent measure goes in front ("ร้อยละ 5")."""
    amount = format_number(gap.amount)
    if measure in PERCENT_MEASURES:
        quantity = f"ร้อยละ {amount}"
    else:
        quantity = f"{amount} {measure or ''}".strip()
    verb = "ต้องได้อีก" if gap.direction == "higher" else "ต้องลดลงอีก"
    return f"{verb} {quantity} เพื่อถึง {gap.points} คะแนน"
