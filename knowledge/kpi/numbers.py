"""Numbers in the indicator file: weights, targets and results read as exact decimals (a number written as
text, "1,687,118.5", is read as staff write it), and written back as plain YAML numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from knowledge.kpi.fields import Where
from scoring.numbers import read_number, to_decimal


def number_field(
    raw: dict[str, Any], name: str, where: Where, required: bool = True, positive: bool = False
) -> Decimal | None:
    value = raw.get(name)
    if value is None:
        if required:
            where.fail(name, "ไม่มีค่า (ต้องระบุ)", "missing")
        return None
    if isinstance(value, bool):
        where.fail(name, f"ต้องเป็นตัวเลข ได้ {value!r}", "must be a number")
    if isinstance(value, str):
        reading = read_number(value)
        if reading.value is None:
            where.fail(name, f"{reading.reason} ได้ {value!r}", "must be a number")
        number = reading.value
    elif isinstance(value, (int, float)):
        try:
            number = to_decimal(value)
        except ValueError:
            where.fail(name, f"ต้องเป็นตัวเลข ได้ {value!r}", "must be a finite number")
    else:
        where.fail(name, f"ต้องเป็นตัวเลข ได้ {value!r}", "must be a number")
    if number < 0 or (positive and number == 0):
        bound = "มากกว่า 0" if positive else "ตั้งแต่ 0 ขึ้นไป"
        where.fail(name, f"ต้องเป็นตัวเลข{bound} ได้ {value!r}", "must be > 0" if positive else "must be >= 0")
    return number


def plain(value: Decimal | None) -> int | float | None:
    """A YAML-friendly number: 15 rather than 15.0, 453.24 rather than Decimal('453.24')."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
