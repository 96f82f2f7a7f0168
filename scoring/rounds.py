"""Scoring a whole round of a catalogue, optionally with results a manager has just typed.

Works on anything of the shape below (the knowledge package's catalogue is one), so the scoring package
imports nothing of the knowledge package and stays pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Protocol

from scoring.core import HasTargets, score
from scoring.numbers import Number, to_decimal
from scoring.totals import ScoredIndicator


class RoundResult(HasTargets, Protocol):
    """One indicator's targets in a round, with the result the source gives (None: not yet known)."""

    @property
    def result(self) -> Decimal | None: ...


class ScoredItem(Protocol):
    """What scoring reads of an indicator."""

    @property
    def number(self) -> int: ...
    @property
    def component(self) -> int: ...
    @property
    def weight(self) -> Decimal: ...
    @property
    def name(self) -> str: ...
    @property
    def direction(self) -> str: ...
    @property
    def rounds(self) -> Mapping[int, RoundResult]: ...


class Indicators(Protocol):
    """What scoring reads of a fiscal year's catalogue."""

    @property
    def fiscal_year(self) -> int: ...
    @property
    def indicators(self) -> Sequence[ScoredItem]: ...


def score_round(
    catalogue: Indicators,
    months: int,
    results: Mapping[int, Number] | None = None,
    *,
    below_min: str = "zero",
) -> list[ScoredIndicator]:
    """Every indicator of the catalogue scored for the round of ``months`` months.

    ``results`` (indicator number -> result) replaces the catalogue's results, e.g. for "what if" questions.
    An indicator with no targets or no result in the round comes back not assessed (score None).
    """
    results = dict(results or {})
    known = {ind.number for ind in catalogue.indicators}
    unknown = sorted(set(results) - known)
    if unknown:
        raise ValueError(f"ไม่มีตัวชี้วัดที่ {unknown} ในปีงบประมาณ {catalogue.fiscal_year} (unknown indicators)")
    items = []
    for ind in catalogue.indicators:
        targets = ind.rounds.get(months)
        if targets is None and ind.number in results:
            raise ValueError(
                f"ตัวชี้วัดที่ {ind.number} ไม่มีค่าเป้าหมายรอบ {months} เดือน (indicator {ind.number} has no "
                f"targets for the {months}-month round)"
            )
        result = results.get(ind.number, targets.result if targets else None)
        value = None
        if targets is not None and result is not None:
            result = to_decimal(result)
            value = score(result, targets, direction=ind.direction, below_min=below_min)
        items.append(ScoredIndicator(ind.number, ind.component, ind.weight, value, ind.name, result))
    return items
