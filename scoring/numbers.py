"""Reading the numbers managers type, and writing numbers the way Thai staff read them.

Managers answer in LINE with whatever their keyboard gives: Thai digits, thousands separators, a unit word,
stray spaces. Reading that in one place keeps every handler's answer to "๑,๖๘๗ ครั้ง" the same, and a
reason in Thai lets the bot say *why* it could not use a reply instead of a bare "invalid".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

Number = int | float | Decimal

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
#: Unit words a reply may carry before or after the number (longest first, so "รายการสถิติ" beats "รายการ").
UNIT_WORDS = tuple(
    sorted(
        ("ครั้ง", "รายการ", "รายการสถิติ", "ร้อยละ", "เปอร์เซ็นต์", "%", "ผลผลิต", "ชุด", "ชุดข้อมูล", "คะแนน"),
        key=len,
        reverse=True,
    )
)
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f\u200b]+")
_BRACKETS = str.maketrans("", "", "()[]")
_MINUS = ("-", "\u2212", "\u2013", "ลบ")
_NUMBER = re.compile(r"^\+?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_LOOSE_NUMBER = re.compile(r"^[\d,]+(?:\.\d+)?$")

REASON_EMPTY = "ยังไม่ได้พิมพ์ตัวเลข (no number given)"
REASON_NEGATIVE = "ตัวเลขติดลบใช้ไม่ได้ (negative numbers are not accepted)"
REASON_SEPARATOR = "ใส่เครื่องหมายจุลภาค (,) ไม่ถูกตำแหน่ง เช่น 1,687,118 (misplaced thousands separator)"
REASON_NOT_NUMBER = "อ่านเป็นตัวเลขไม่ได้ กรุณาพิมพ์เฉพาะตัวเลข เช่น 1,687,118.5 (not a number)"
#: What a stored result can hold (``kpi_results.result`` is NUMERIC(20, 4)): below 10^15, four decimal places.
MAX_RESULT = Decimal(10) ** 15
RESULT_PLACES = 4
REASON_TOO_BIG = "ตัวเลขใหญ่เกินไป (ไม่เกิน 999,999,999,999,999) (too large)"
REASON_TOO_PRECISE = f"ทศนิยมเกิน {RESULT_PLACES} ตำแหน่ง (more than {RESULT_PLACES} decimal places)"


def result_problem(value: Decimal) -> str | None:
    """Why a value cannot be stored as a KPI result (None when it can): not a finite number (a crafted button's
    "1e309" or "NaN"), negative, too large for the column, or more precise than it keeps (a stored value rounded
    silently would never equal what the confirmation showed)."""
    if not value.is_finite():
        return REASON_NOT_NUMBER
    if value < 0:
        return REASON_NEGATIVE
    if value >= MAX_RESULT:
        return REASON_TOO_BIG
    if value != value.quantize(Decimal(1).scaleb(-RESULT_PLACES), rounding=ROUND_HALF_UP):
        return REASON_TOO_PRECISE
    return None


@dataclass(frozen=True)
class NumberReading:
    """What a reply said: a value, or the reason (Thai, with English) it is not one."""

    value: Decimal | None
    reason: str | None = None


def _strip_units(text: str) -> str:
    changed = True
    while changed:
        changed = False
        text = text.strip()
        for word in UNIT_WORDS:
            if text.startswith(word):
                text, changed = text[len(word) :], True
            elif text.endswith(word):
                text, changed = text[: -len(word)], True
    return text.strip()


def read_number(text: str | None) -> NumberReading:
    """Read one non-negative number from what a person typed, or say why it cannot be read."""
    if text is None or not text.strip():
        return NumberReading(None, REASON_EMPTY)
    cleaned = _SPACES.sub(" ", text.translate(THAI_DIGITS).translate(_BRACKETS))
    core = _strip_units(cleaned)
    if not core:
        return NumberReading(None, REASON_EMPTY)
    negative = core.startswith(_MINUS)
    if negative:
        sign = next(m for m in _MINUS if core.startswith(m))
        core = _strip_units(core[len(sign) :])
    if _NUMBER.match(core):
        if negative:
            return NumberReading(None, REASON_NEGATIVE)
        if len(core) > 40:  # far beyond MAX_RESULT, and not worth converting
            return NumberReading(None, REASON_TOO_BIG)
        try:
            value = Decimal(core.lstrip("+").replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
            return NumberReading(None, REASON_NOT_NUMBER)
        problem = result_problem(value)
        return NumberReading(None, problem) if problem else NumberReading(value)
    if _LOOSE_NUMBER.match(core):
        return NumberReading(None, REASON_SEPARATOR)
    return NumberReading(None, REASON_NOT_NUMBER)


def parse_number(text: str | None) -> Decimal | None:
    """The number in a reply, or None; use :func:`read_number` to also get the reason."""
    return read_number(text).value


def to_decimal(value: Number | str) -> Decimal:
    """An exact Decimal for a value from YAML or code; floats go through ``repr`` so 453.24 stays 453.24."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    else:
        raise TypeError(f"not a number: {value!r}")
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def format_number(value: Number, places: int | None = None) -> str:
    """Thousands separators, and no trailing ".0": 310000 -> "310,000", 87.50 -> "87.5"."""
    number = to_decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
