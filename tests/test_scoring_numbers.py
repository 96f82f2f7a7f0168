"""Numbers as managers type them in LINE, and numbers as the bot writes them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import format_number, parse_number, read_number, to_decimal
from scoring.numbers import REASON_EMPTY, REASON_NEGATIVE, REASON_NOT_NUMBER, REASON_SEPARATOR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,687,118.5", "1687118.5"),
        ("1687118.5", "1687118.5"),
        ("  2,028,405  ", "2028405"),
        ("๑,๖๘๗", "1687"),
        ("๗ รายการ", "7"),
        ("7 รายการ", "7"),
        ("7รายการ", "7"),
        ("รายการสถิติ 7 รายการ", "7"),
        ("2,028,405 (ครั้ง)", "2028405"),
        ("3 [ผลผลิต]", "3"),
        ("1,377,604 ครั้ง", "1377604"),
        ("ร้อยละ 80", "80"),
        ("ร้อยละ 80.5", "80.5"),
        ("80%", "80"),
        ("80 %", "80"),
        ("0", "0"),
        ("+4", "4"),
        ("453.24 คะแนน", "453.24"),
        ("1\u00a0000", None),  # spaces inside a number are ambiguous ("3 5"): refused
    ],
)
def test_parse_number(text: str, expected: str | None) -> None:
    assert parse_number(text) == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", REASON_EMPTY),
        ("   ", REASON_EMPTY),
        (None, REASON_EMPTY),
        ("ครั้ง", REASON_EMPTY),
        ("-5", REASON_NEGATIVE),
        ("−5 ครั้ง", REASON_NEGATIVE),
        ("ลบ 3", REASON_NEGATIVE),
        ("-1,000", REASON_NEGATIVE),
        ("abc", REASON_NOT_NUMBER),
        ("ห้าร้อย", REASON_NOT_NUMBER),
        ("3/5", REASON_NOT_NUMBER),
        ("1e6", REASON_NOT_NUMBER),
        ("nan", REASON_NOT_NUMBER),
        ("3 5", REASON_NOT_NUMBER),
        ("1,68,7", REASON_SEPARATOR),
        ("1687,118", REASON_SEPARATOR),
    ],
)
def test_refused_replies_say_why(text: str | None, reason: str) -> None:
    reading = read_number(text)
    assert reading.value is None
    assert reading.reason == reason
    assert parse_number(text) is None


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_formatted_numbers_read_back(value: Decimal) -> None:
    assert parse_number(format_number(value)) == value
    assert parse_number(f"{format_number(value)} ครั้ง") == value


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (310000, None, "310,000"),
        (Decimal("309514.50"), None, "309,514.5"),
        (87.5, None, "87.5"),
        (100.0, None, "100"),
        (99.10714285714286, 2, "99.11"),
        (91.96428571428571, 2, "91.96"),
        (70.0, 2, "70"),
        (Decimal("0.125"), 2, "0.13"),
        (-0.001, 2, "0"),
    ],
)
def test_format_number(value: float | Decimal, places: int | None, expected: str) -> None:
    assert format_number(value, places) == expected


def test_to_decimal_keeps_short_floats_short() -> None:
    assert to_decimal(453.24) == Decimal("453.24")
    with pytest.raises(TypeError):
        to_decimal(True)
    with pytest.raises(ValueError):
        to_decimal(float("nan"))
