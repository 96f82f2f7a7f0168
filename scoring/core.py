"""The score of one indicator from its result and its three targets.

The targets carry fixed points (ขั้นต่ำ 50, มาตรฐาน 75, ขั้นสูง 100); between them the score is read off a
straight line. The arithmetic runs in Decimal so a result half-way between two targets gives exactly the
half-way score (1,687,118.5 between 1,377,604 and 1,996,633 is 87.5, not 87.49999999).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from scoring.numbers import Number, to_decimal

Direction = Literal["higher", "lower"]
BelowMin = Literal["zero", "extrapolate"]
DIRECTIONS: tuple[str, ...] = ("higher", "lower")
BELOW_MIN_POLICIES: tuple[str, ...] = ("zero", "extrapolate")
#: Points at the minimum, standard and high target.
LEVEL_POINTS: tuple[int, int, int] = (50, 75, 100)
LEVEL_NAMES: tuple[str, str, str] = ("ค่าเป้าหมายขั้นต่ำ", "ค่าเป้าหมายมาตรฐาน", "ค่าเป้าหมายขั้นสูง")

ASSUMPTION_NOTE = (
    "หมายเหตุ: คะแนนคำนวณเทียบสัดส่วนเชิงเส้นระหว่างค่าเป้าหมาย (ขั้นต่ำ = 50 คะแนน มาตรฐาน = 75 คะแนน "
    "ขั้นสูง = 100 คะแนน และผลที่เกินค่าเป้าหมายขั้นสูงได้ 100 คะแนน) ตามแนวปฏิบัติที่ใช้กันทั่วไปของ"
    "สำนักงาน ก.พ.ร. ควรตรวจสอบกับคู่มือการประเมินของปีงบประมาณนั้นอีกครั้ง"
)
#: One sentence per ``below_min`` policy, to show beside :data:`ASSUMPTION_NOTE`.
BELOW_MIN_NOTES: dict[str, str] = {
    "zero": "ผลที่ต่ำกว่าค่าเป้าหมายขั้นต่ำได้ 0 คะแนน",
    "extrapolate": "ผลที่ต่ำกว่าค่าเป้าหมายขั้นต่ำคิดคะแนนลดลงตามสัดส่วนเดียวกับช่วงขั้นต่ำถึงมาตรฐาน (ไม่ต่ำกว่า 0)",
}


class HasTargets(Protocol):
    """Anything with the three targets: :class:`Targets`, or a catalogue's ``RoundTargets``."""

    @property
    def min(self) -> Number: ...

    @property
    def standard(self) -> Number: ...

    @property
    def high(self) -> Number: ...


@dataclass(frozen=True)
class Targets:
    """Three targets, for callers that do not start from a catalogue."""

    min: Decimal
    standard: Decimal
    high: Decimal

    @classmethod
    def of(cls, min: Number | str, standard: Number | str, high: Number | str) -> Targets:
        return cls(to_decimal(min), to_decimal(standard), to_decimal(high))


def target_values(targets: HasTargets) -> tuple[Decimal, Decimal, Decimal]:
    return to_decimal(targets.min), to_decimal(targets.standard), to_decimal(targets.high)


def targets_problem(targets: HasTargets, direction: str = "higher") -> str | None:
    """Why these targets cannot be scored (Thai, with English), or None when they are in order."""
    if direction not in DIRECTIONS:
        return f"direction ต้องเป็น higher หรือ lower (direction must be one of {DIRECTIONS}), ได้ {direction!r}"
    low, mid, top = target_values(targets)
    if direction == "higher" and not low < mid < top:
        return f"ค่าเป้าหมายต้องเรียง ขั้นต่ำ < มาตรฐาน < ขั้นสูง (need min < standard < high), ได้ {low} / {mid} / {top}"
    if direction == "lower" and not low > mid > top:
        return f"ค่าเป้าหมายต้องเรียง ขั้นต่ำ > มาตรฐาน > ขั้นสูง (need min > standard > high), ได้ {low} / {mid} / {top}"
    return None


def oriented(result: Number, targets: HasTargets, direction: str) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Result and targets turned so that higher is always better (direction "lower" negates them)."""
    problem = targets_problem(targets, direction)
    if problem:
        raise ValueError(problem)
    sign = 1 if direction == "higher" else -1
    low, mid, top = target_values(targets)
    return sign * to_decimal(result), sign * low, sign * mid, sign * top


def score_decimal(
    result: Number, targets: HasTargets, *, direction: str = "higher", below_min: str = "zero"
) -> Decimal:
    """:func:`score` as an exact Decimal, for sums that must add up to the cent."""
    if below_min not in BELOW_MIN_POLICIES:
        raise ValueError(f"below_min ต้องเป็น {BELOW_MIN_POLICIES} (unknown policy {below_min!r})")
    value, low, mid, top = oriented(result, targets, direction)
    if value >= top:
        return Decimal(100)
    if value >= mid:
        return 75 + 25 * (value - mid) / (top - mid)
    if value >= low or below_min == "extrapolate":
        return max(Decimal(0), 50 + 25 * (value - low) / (mid - low))
    return Decimal(0)


def score(result: Number, targets: HasTargets, *, direction: str = "higher", below_min: str = "zero") -> float:
    """Points 0-100: 50/75/100 at the min/standard/high target, linear between, 100 above the high target.

    Below the minimum target ``below_min`` decides: "zero" gives 0 (the default), "extrapolate" continues the
    min-to-standard line down to 0. For direction "lower" smaller results are better and min > standard > high.
    """
    return float(score_decimal(result, targets, direction=direction, below_min=below_min))


def weighted_points(score: Number, weight: Number) -> float:
    """Points an indicator adds to the total: its score scaled by its weight (ร้อยละ)."""
    return float(to_decimal(score) * to_decimal(weight) / 100)
