"""The fiscal year 2567 catalogue says what the source says, and a broken file is reported clearly."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.indicators import (
    CATALOGUE_DIR,
    Catalogue,
    CatalogueError,
    dump_catalogue,
    latest_catalogue_path,
    load_catalogue,
    main,
    parse_catalogue,
)

FY2567 = CATALOGUE_DIR / "fy2567.yaml"


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue(FY2567)


@pytest.fixture
def raw() -> dict[str, Any]:
    with FY2567.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


# ------------------------------------------------------------------------------------ the source's facts


def test_components_and_rounds(cat: Catalogue) -> None:
    assert cat.fiscal_year == 2567
    perf, pot = cat.components
    assert (perf.number, perf.name, perf.short, perf.weight, perf.rounds) == (
        1,
        "การประเมินประสิทธิผลการดำเนินงาน",
        "Performance Base",
        70,
        (6, 12),
    )
    assert (pot.number, pot.name, pot.short, pot.weight, pot.rounds) == (
        2,
        "การประเมินศักยภาพในการดำเนินงาน",
        "Potential Base",
        30,
        (12,),
    )
    assert cat.round(6).period == "1 ตุลาคม 2566 - 31 มีนาคม 2567"
    assert cat.round(12).period is None  # the source does not give it


def test_indicator_table(cat: Catalogue) -> None:
    table = [(i.number, i.component, i.weight, i.unit) for i in cat.indicators]
    assert table == [
        (1, 1, 15, "ศย."),
        (2, 1, 10, "ศย."),
        (3, 1, 5, "พท."),
        (4, 1, 15, "บส."),
        (5, 1, 10, "บส."),
        (6, 1, 15, "สม."),
        (7, 2, Decimal("2.5"), "ศย."),
        (8, 2, Decimal("2.5"), "พท."),
        (9, 2, 5, "สค."),
        (10, 2, Decimal("2.5"), "ศท."),
        (11, 2, Decimal("7.5"), "ศท."),
        (12, 2, 10, "พส."),
    ]
    assert all(i.direction == "higher" for i in cat.indicators)
    assert cat.indicator(1).name == "จำนวนชุดข้อมูลที่ลงทะเบียนในระบบบัญชีข้อมูลภาครัฐ [Government Data Catalog]"
    assert cat.indicator(12).name == "คะแนนการประเมินสถานะของหน่วยงานในการเป็นระบบราชการ 4.0 [PMQA 4.0]"


def test_six_month_targets_and_results(cat: Catalogue) -> None:
    kpi3 = cat.indicator(3).targets(6)
    assert (kpi3.min, kpi3.standard, kpi3.high, kpi3.result) == (758574, 1377604, 1996633, 2028405)
    assert kpi3.result_text == "2,028,405 (ครั้ง)" and cat.indicator(3).measure == "ครั้ง"
    kpi5 = cat.indicator(5).targets(6)
    assert (kpi5.min, kpi5.standard, kpi5.high, kpi5.result) == (3, 5, 7, 7)
    assert kpi5.result_text == "รายการสถิติ 7 รายการ" and cat.indicator(5).measure == "รายการ"
    # Targets are said in the source's words: what is counted, the number, its unit.
    assert cat.indicator(5).quantity("3") == "รายการสถิติ 3 รายการ"
    assert cat.indicator(3).quantity("758,574") == "758,574 ครั้ง"
    for number in (1, 2, 4, 6):
        t = cat.indicator(number).targets(6)
        assert (t.min, t.standard, t.high, t.result, cat.indicator(number).measure) == (1, 2, 3, 3, "ผลผลิต")
    for ind in cat.indicators_in(2):
        assert ind.rounds == {} and ind.measure is None


def test_pmqa_section(cat: Catalogue) -> None:
    assert cat.pmqa.group == 4
    t = cat.pmqa.targets
    assert (t.min, t.standard, t.high) == (445, Decimal("453.24"), Decimal("461.49"))
    assert [(b.label, b.points, b.count) for b in cat.pmqa.category7] == [
        ("ตัวชี้วัดที่มีค่าน้อยลง", (100,), 4),
        ("ตัวชี้วัดที่มีค่าเท่าเดิม", (300,), 11),
        ("ตัวชี้วัดที่เกินค่าเป้าหมาย", (400, 500), 14),
    ]


def test_round_trip(cat: Catalogue) -> None:
    data = dump_catalogue(cat)
    assert parse_catalogue(data, "again.yaml") == cat
    assert dump_catalogue(parse_catalogue(data, "again.yaml")) == data
    through_yaml = yaml.safe_load(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert parse_catalogue(through_yaml, "again.yaml") == cat


def test_latest_catalogue_and_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert latest_catalogue_path() == FY2567
    text = FY2567.read_text(encoding="utf-8")
    (tmp_path / "fy2567.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "fy2568.yaml").write_text(text.replace("fiscal_year: 2567", "fiscal_year: 2568"), encoding="utf-8")
    assert latest_catalogue_path(tmp_path).name == "fy2568.yaml"
    assert main([str(FY2567)]) == 0
    (tmp_path / "fy2569.yaml").write_text(text, encoding="utf-8")
    assert main([str(tmp_path / "fy2569.yaml")]) == 1
    assert "fiscal_year" in capsys.readouterr().err
    with pytest.raises(CatalogueError, match="no indicator files"):
        latest_catalogue_path(tmp_path / "empty")


# ------------------------------------------------------------------------------------ clear errors


def indicator(raw: dict[str, Any], number: int) -> dict[str, Any]:
    return next(i for i in raw["indicators"] if i["number"] == number)


def set_field(number: int, name: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda raw: indicator(raw, number).__setitem__(name, value)


def set_target(number: int, name: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda raw: indicator(raw, number)["rounds"][6].__setitem__(name, value)


def rename_number_to_no(raw: dict[str, Any]) -> None:
    raw["indicators"][0] = {False if k == "number" else k: v for k, v in raw["indicators"][0].items()}


def duplicate_alias(raw: dict[str, Any]) -> None:
    indicator(raw, 9)["aliases"] = ["การให้บริการข้อมูลสถิติ"]


BROKEN = [
    (set_field(3, "weight", 6), ["องค์ประกอบที่ 1", "'weight'", "component 1", "70"]),
    (set_field(3, "weight", 0), ["ตัวชี้วัดที่ 3", "'weight'", "indicator 3", "> 0"]),
    (set_field(3, "weight", -5), ["ตัวชี้วัดที่ 3", "'weight'", "> 0"]),
    (set_field(3, "weight", "มาก"), ["ตัวชี้วัดที่ 3", "'weight'", "must be a number"]),
    (set_field(3, "direction", "up"), ["ตัวชี้วัดที่ 3", "'direction'", "higher"]),
    (set_field(3, "direction", "lower"), ["ตัวชี้วัดที่ 3 รอบ 6 เดือน", "min > standard > high"]),
    (set_field(3, "component", 3), ["ตัวชี้วัดที่ 3", "'component'", "no component 3"]),
    (set_field(3, "wieght", 5), ["ตัวชี้วัดที่ 3", "ไม่รู้จัก", "unknown fields ['wieght']"]),
    (set_field(3, "name", ""), ["ตัวชี้วัดที่ 3", "'name'", "missing"]),
    (set_field(4, "number", 3), ["ตัวชี้วัดที่ 3 ซ้ำกัน", "duplicate number 3"]),
    (set_field(4, "number", 0), ["indicators item 4", "'number'", ">= 1"]),
    (set_field(9, "rounds", {6: {"min": 1, "standard": 2, "high": 3}}), ["ตัวชี้วัดที่ 9", "ไม่ได้ประเมินในรอบ 6"]),
    (set_target(3, "standard", 758574), ["ตัวชี้วัดที่ 3 รอบ 6 เดือน", "'min/standard/high'", "min < standard"]),
    (set_target(3, "high", 100), ["ตัวชี้วัดที่ 3 รอบ 6 เดือน", "min < standard < high"]),
    (set_target(3, "min", -1), ["ตัวชี้วัดที่ 3 รอบ 6 เดือน", "'min'", ">= 0"]),
    (set_target(3, "result", "สองล้าน"), ["ตัวชี้วัดที่ 3 รอบ 6 เดือน", "'result'", "must be a number"]),
    (set_target(3, "target", 5), ["ตัวชี้วัดที่ 3 รอบ 6 เดือน", "unknown fields ['target']"]),
    (set_target(3, "high", None), ["ตัวชี้วัดที่ 3 รอบ 6 เดือน", "'high'", "missing"]),
    (rename_number_to_no, ["true/false", "no, yes"]),
    (duplicate_alias, ["ตัวชี้วัดที่ 9", "'aliases'", "indicator 3"]),
    (lambda raw: raw["components"][1].__setitem__("weight", 40), ["100", "component weights sum to 110"]),
    (lambda raw: raw["components"][1].__setitem__("rounds", [9]), ["องค์ประกอบที่ 2", "round 9"]),
    (lambda raw: raw.__setitem__("extra", 1), ["unknown fields ['extra']"]),
    (lambda raw: raw.__delitem__("source"), ["'source'", "missing"]),
    (lambda raw: raw.__setitem__("indicators", []), ["'indicators'", "non-empty list"]),
    (lambda raw: raw["pmqa"]["targets"].__setitem__("high", 450), ["pmqa targets", "min < standard < high"]),
    (lambda raw: raw["pmqa"]["category7"][0].__setitem__("count", -1), ["pmqa category7 row 1", "'count'"]),
]


@pytest.mark.parametrize(("breaks", "phrases"), BROKEN)
def test_broken_files_say_where_and_why(
    raw: dict[str, Any], breaks: Callable[[dict[str, Any]], None], phrases: list[str]
) -> None:
    broken = copy.deepcopy(raw)
    breaks(broken)
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(broken, "fy2567.yaml")
    message = str(info.value)
    assert message.startswith("fy2567.yaml:")
    for phrase in phrases:
        assert phrase in message


def test_numbers_may_be_written_with_thousands_separators(raw: dict[str, Any]) -> None:
    indicator(raw, 3)["rounds"][6].update(min="758,574", result="2,028,405")
    kpi3 = parse_catalogue(raw, "fy2567.yaml").indicator(3).targets(6)
    assert (kpi3.min, kpi3.result) == (758574, 2028405)


def test_lower_direction_with_reversed_targets_is_accepted(raw: dict[str, Any]) -> None:
    indicator(raw, 3).update(direction="lower", rounds={6: {"min": 30, "standard": 20, "high": 10, "result": 15}})
    assert parse_catalogue(raw, "fy2567.yaml").indicator(3).direction == "lower"


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    bad_yaml = tmp_path / "fy2568.yaml"
    bad_yaml.write_text("fiscal_year: [2568\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"fy2568\.yaml: .*invalid YAML"):
        load_catalogue(bad_yaml)
    with pytest.raises(CatalogueError, match="cannot open file"):
        load_catalogue(tmp_path / "missing.yaml")
    wrong_year = tmp_path / "fy2568.yaml"
    wrong_year.write_text(FY2567.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CatalogueError, match="ไม่ตรงกับชื่อไฟล์"):
        load_catalogue(wrong_year)
    with pytest.raises(CatalogueError, match="mapping"):
        parse_catalogue(["not", "a", "mapping"], "list.yaml")
