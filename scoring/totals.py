"""Adding indicator scores up to component and overall totals.

An indicator without a result in the round is *not assessed*: it is left out of the points possible instead
of counting as zero, so the 6-month total reads "70 of 70" and not "70 of 100". Sums run in Decimal so a
total is exactly the sum of its parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from scoring.numbers import Number, to_decimal


@dataclass(frozen=True)
class ScoredIndicator:
    """One indicator's score in one round; ``score`` None means not assessed in that round."""

    number: int
    component: int
    weight: Number
    score: float | None
    name: str = ""
    result: Decimal | None = None

    @property
    def assessed(self) -> bool:
        return self.score is not None

    @property
    def points(self) -> float | None:
        """Weighted points (score x weight / 100), None when not assessed."""
        return None if self.score is None else float(_points(self))


@dataclass(frozen=True)
class Total:
    """Points earned out of the weights assessed; ``percent`` is None when nothing was assessed."""

    earned: float
    possible: float
    percent: float | None
    assessed: tuple[int, ...]
    not_assessed: tuple[int, ...]


@dataclass(frozen=True)
class Summary:
    #: Per component number, in ascending order.
    components: dict[int, Total]
    overall: Total


def _points(item: ScoredIndicator) -> Decimal:
    assert item.score is not None
    return to_decimal(item.score) * to_decimal(item.weight) / 100


def _total(items: list[ScoredIndicator]) -> Total:
    scored = [i for i in items if i.assessed]
    earned = sum((_points(i) for i in scored), Decimal(0))
    possible = sum((to_decimal(i.weight) for i in scored), Decimal(0))
    percent = float(earned / possible * 100) if possible else None
    return Total(
        earned=float(earned),
        possible=float(possible),
        percent=percent,
        assessed=tuple(i.number for i in scored),
        not_assessed=tuple(i.number for i in items if not i.assessed),
    )


def summarize(items: list[ScoredIndicator]) -> Summary:
    """Totals per component and overall for one round's scored indicators."""
    numbers = [i.number for i in items]
    if len(numbers) != len(set(numbers)):
        raise ValueError(f"ตัวชี้วัดซ้ำกัน (duplicate indicator numbers): {sorted(numbers)}")
    components = sorted({i.component for i in items})
    return Summary(
        components={c: _total([i for i in items if i.component == c]) for c in components},
        overall=_total(items),
    )
