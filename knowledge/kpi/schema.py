"""The indicator catalogue's shape: what one fiscal year's ``knowledge/indicators/fyNNNN.yaml`` holds, as
frozen values, and the fields each part of the file may have."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

TOP_FIELDS = {"fiscal_year", "title", "source", "notes", "components", "rounds", "indicators", "pmqa"}
COMPONENT_FIELDS = {"number", "name", "short", "weight", "rounds"}
ROUND_FIELDS = {"months", "name", "period"}
INDICATOR_FIELDS = {"number", "component", "name", "short", "weight", "unit", "measure", "direction", "aliases",
                    "rounds", "counted"}
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
    #: What is counted, written before the number as the source writes it ("รายการสถิติ 3 รายการ"); None: nothing.
    counted: str | None = None
    #: Round length in months -> targets and result in that round.
    rounds: Mapping[int, RoundTargets] = field(default_factory=dict)

    def quantity(self, number: str) -> str:
        """A target or result in the source's words: "รายการสถิติ 3 รายการ", "758,574 ครั้ง"."""
        return " ".join(part for part in (self.counted, number, self.measure) if part)

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
