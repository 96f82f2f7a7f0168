"""Status words and colours, and what it takes to reach the next target."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import Targets, format_gap, gap_to_next, score, status, status_colour, status_label
from scoring.status import THRESHOLDS

KPI3 = Targets.of(758574, 1377604, 1996633)


@pytest.mark.parametrize(
    ("points", "label"),
    [
        (100, "ถึงเป้าหมายขั้นสูง"),
        (99.99, "ผ่านเป้าหมายมาตรฐาน"),
        (75, "ผ่านเป้าหมายมาตรฐาน"),
        (74.9, "ผ่านเป้าหมายขั้นต่ำ"),
        (50, "ผ่านเป้าหมายขั้นต่ำ"),
        (49.99, "ต่ำกว่าเป้าหมายขั้นต่ำ"),
        (0, "ต่ำกว่าเป้าหมายขั้นต่ำ"),
        (None, "ยังไม่มีผลการประเมินในรอบนี้"),
    ],
)
def test_status_label(points: float | None, label: str) -> None:
    assert status_label(points) == label


def test_each_status_has_its_own_hex_colour() -> None:
    colours = [s.colour for _, s in THRESHOLDS] + [status_colour(None)]
    assert len(set(colours)) == len(colours)
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colours)
    assert status_colour(100) == status(100).colour


@pytest.mark.parametrize(
    ("result", "points", "amount", "text"),
    [
        (1686633, 100, 310000, "ต้องได้อีก 310,000 ครั้ง เพื่อถึง 100 คะแนน"),
        (Decimal("1687118.5"), 100, Decimal("309514.5"), "ต้องได้อีก 309,514.5 ครั้ง เพื่อถึง 100 คะแนน"),
        (1000000, 75, 377604, "ต้องได้อีก 377,604 ครั้ง เพื่อถึง 75 คะแนน"),
        (0, 50, 758574, "ต้องได้อีก 758,574 ครั้ง เพื่อถึง 50 คะแนน"),
        (1377604, 100, 619029, "ต้องได้อีก 619,029 ครั้ง เพื่อถึง 100 คะแนน"),
    ],
)
def test_gap_to_next_target(result: Decimal, points: int, amount: Decimal, text: str) -> None:
    gap = gap_to_next(result, KPI3, "higher")
    assert gap is not None
    assert (gap.points, gap.amount) == (points, amount)
    assert format_gap(gap, "ครั้ง") == text


def test_no_gap_once_the_high_target_is_reached() -> None:
    assert gap_to_next(1996633, KPI3) is None
    assert gap_to_next(2028405, KPI3) is None


def test_gap_wording_for_lower_percent_and_no_measure() -> None:
    lower = gap_to_next(9, Targets.of(10, 6, 2), "lower")
    assert lower is not None and (lower.points, lower.target, lower.amount) == (75, 6, 3)
    assert format_gap(lower, "ครั้ง") == "ต้องลดลงอีก 3 ครั้ง เพื่อถึง 75 คะแนน"
    percent = gap_to_next(Decimal("75.5"), Targets.of(70, 80, 90))
    assert percent is not None
    assert format_gap(percent, "ร้อยละ") == "ต้องได้อีก ร้อยละ 4.5 เพื่อถึง 75 คะแนน"
    assert format_gap(percent) == "ต้องได้อีก 4.5 เพื่อถึง 75 คะแนน"


results = st.integers(min_value=0, max_value=3 * 10**6).map(lambda n: Decimal(n) / 2)


@given(results)
def test_closing_the_gap_reaches_the_promised_points(result: Decimal) -> None:
    gap = gap_to_next(result, KPI3)
    if gap is None:
        assert score(result, KPI3) == 100
    else:
        assert score(result, KPI3) < gap.points
        assert score(result + gap.amount, KPI3) == gap.points
