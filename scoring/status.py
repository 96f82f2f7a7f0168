"""A score in words and in colour, so every bar and every sentence in the bot agrees on the thresholds."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.numbers import Number, to_decimal


@dataclass(frozen=True)
class Status:
    key: str
    label: str
    #: Hex colour for bars and badges in flex messages.
    colour: str


HIGH = Status("high", "ถึงเป้าหมายขั้นสูง", "#1E8E3E")
STANDARD = Status("standard", "ผ่านเป้าหมายมาตรฐาน", "#7CB342")
MINIMUM = Status("minimum", "ผ่านเป้าหมายขั้นต่ำ", "#F9A825")
BELOW = Status("below", "ต่ำกว่าเป้าหมายขั้นต่ำ", "#D93025")
NOT_ASSESSED = Status("not_assessed", "ยังไม่มีผลการประเมินในรอบนี้", "#9E9E9E")
#: Lowest score of each status, best first.
THRESHOLDS: tuple[tuple[int, Status], ...] = ((100, HIGH), (75, STANDARD), (50, MINIMUM), (0, BELOW))


def status(score: Number | None) -> Status:
    """The status of a score; None means the indicator has no result in the round."""
    if score is None:
        return NOT_ASSESSED
    value = to_decimal(score)
    return next((s for floor, s in THRESHOLDS if value >= floor), BELOW)


def status_label(score: Number | None) -> str:
    return status(score).label


def status_colour(score: Number | None) -> str:
    return status(score).colour
