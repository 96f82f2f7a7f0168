"""The ADR checker as a pure function: counts, splitting across messages, normalisation, years, criteria, the
report's limits — with Hypothesis where a property says more than examples."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adr import check, check_draft, count_chars, criteria_texts, join_parts, load_rules, praden_of
from adr.analysis import Praden, quote, segments, years_in
from adr.render import report_card, report_lines, report_text
from adr.rules import RULES_FILE, parse_rules
from channels.flex import card_to_bubble
from channels.line import utf16_units
from knowledge.loader import load_entries, load_yaml
from knowledge.schema import SchemaError
from knowledge.search import KnowledgeBase
from thai import normalize

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules()
KB = KnowledgeBase(load_entries(ROOT / "knowledge"))
P34 = praden_of(KB, "3.4")

GOOD = ("ในปีงบประมาณ พ.ศ. 2567 สำนักงานจัดทำคู่มือการจัดการข้อร้องเรียน กำหนดขั้นตอนและมาตรฐานช่องทางรับเรื่อง\n"
        "ถ่ายทอดคู่มือสู่ทุกกองและสำนักงานสถิติจังหวัดผ่านการประชุมชี้แจง\n"
        "ผลการดำเนินงาน แก้ไขข้อร้องเรียนแล้วเสร็จร้อยละ 93 เพิ่มขึ้นจากร้อยละ 85 ในปี 2566 และร้อยละ 78 ในปี 2565")

THAI = st.text(alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B), min_size=0, max_size=40)
PIECE = st.one_of(THAI, st.sampled_from(["ร้อยละ 95", "ปี 2566", " ", "ผลลัพธ์", "ถ่ายทอด", "วิธีการ", "\u200b",
                                         "เเ", "ํา", "๒๕๖๗", "😀", "A: ", "\r\n"]))
DRAFTS = st.lists(PIECE, max_size=30).map("".join)


# ----- counting ---------------------------------------------------------------------------------

def test_count_is_every_code_point_thai_marks_included():
    assert count_chars("ที่") == 3  # ท + ี + ่ : a form's maxlength counts each
    assert count_chars("น้ำ") == 3
    assert count_chars("ก\nข") == 3 and count_chars("ก\r\nข") == 3  # a line break counts once
    assert count_chars("😀") == 2  # beyond the BMP: two UTF-16 units, as maxlength counts


@given(DRAFTS)
def test_count_is_what_the_person_typed_not_the_normalised_text(text: str):
    """Normalising (NFKC, SARA AM, invisible characters, Thai digits, เเ → แ) is for matching only: the count the
    person reads is the length of what they pasted, as LINE and a web form measure it."""
    report = check(text, P34, RULES)
    typed = join_parts([text])
    assert report.chars == utf16_units(typed)
    assert report.over == max(0, report.chars - RULES.char_limit)
    if normalize(typed) != typed:  # the normalised text may be shorter or longer; the count does not follow it
        assert check(normalize(typed), P34, RULES).chars == utf16_units(normalize(typed))


@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), min_size=1,
                        max_size=200).filter(str.strip), min_size=1, max_size=6))
@settings(max_examples=60)
def test_a_draft_split_at_its_line_breaks_reads_as_the_whole(paragraphs: list[str]):
    """A person who sends each paragraph as its own LINE message gets the same report as one who pastes all."""
    paragraphs = [p.strip() for p in paragraphs]
    whole = "\n".join(paragraphs)
    one, parts = check(whole, P34, RULES), check(paragraphs, P34, RULES)
    assert (one.chars, one.components, one.years, one.criteria, one.suggestions) == \
        (parts.chars, parts.components, parts.years, parts.criteria, parts.suggestions)
    assert parts.parts == len(paragraphs)


@given(DRAFTS)
@settings(max_examples=80)
def test_quotes_come_from_the_draft_and_fit(text: str):
    report = check(text, P34, RULES)
    flat = " ".join(join_parts([text]).split())
    for c in report.components:
        assert c.found == bool(c.quote)
        assert len(c.quote) <= 120
        assert c.quote.rstrip("…") in flat  # quoted as typed, not as normalised
    assert 1 <= len(report.suggestions) <= 3


def test_nfkc_forms_read_alike():
    """Decomposed SARA AM and Thai digits are read like their usual forms (the count still differs)."""
    composed = "ผลการดำเนินงาน ร้อยละ 95 ในปี 2567"
    decomposed = unicodedata.normalize("NFKD", composed).replace("๓", "3")
    thai_digits = composed.replace("95", "๙๕").replace("2567", "๒๕๖๗")
    base = check(composed, P34, RULES)
    for variant in (decomposed, thai_digits):
        other = check(variant, P34, RULES)
        assert [c.found for c in other.components] == [c.found for c in base.components]
        assert other.years == base.years == (2567,)


# ----- what it reads ----------------------------------------------------------------------------

def test_a_good_draft():
    r = check(GOOD, P34, RULES)
    assert [c.found for c in r.components] == [True, True, True]
    assert "คู่มือ" in r.component("approach").quote and "ถ่ายทอด" in r.component("deployment").quote
    assert "ร้อยละ 93" in r.component("result").quote
    assert r.numbers and r.trend_years == (2565, 2566, 2567) and r.year_status == "ok"
    assert r.continuing and "เพิ่มขึ้นจาก" in r.improved_quote
    assert r.level_hint == "basic" and r.criteria[0].addressed


def test_missing_parts_are_said_with_a_suggestion_tied_to_their_line():
    r = check("ในปี 2567 ถ่ายทอดแนวทางสู่ทุกกองและสำนักงานสถิติจังหวัด", P34, RULES)
    assert r.component("deployment").found and not r.component("result").found
    assert "result" in [s.line for s in r.suggestions]
    lines = {ln.label: ln.value for ln in report_lines(r)}
    assert lines["Result"] == "ไม่พบ"


def test_over_the_limit():
    r = check(GOOD + "\n" + "ก" * 3000, P34, RULES)
    assert r.over == r.chars - 3000 > 0
    assert r.suggestions[0].line == "chars" and f"{r.over:,}" in r.suggestions[0].text
    assert f"เกิน {r.over:,} อักขระ" in report_text(r)


@pytest.mark.parametrize(("text", "years"), [
    ("ปีงบประมาณ พ.ศ. 2567", {2567}), ("พ.ศ.2567", {2567}), ("ปี 66 และปีงบ 67", {2566, 2567}),
    ("FY2024", {2567}), ("ค.ศ. 2023", {2566}), ("ร้อยละ 2567", {2567}), ("ประเด็น 3.4 ครั้งที่ 1/2567", {2567}),
    ("จำนวน 25,670 คน", set()), ("ค่า 2567.5", set()),
])
def test_years(text: str, years: set[int]):
    assert years_in(normalize(text).casefold()) == years


def test_wrong_and_missing_year():
    last_year = GOOD.replace("2567", "2566")
    assert check(last_year, P34, RULES).year_status == "wrong"
    assert "year" in [s.line for s in check(last_year, P34, RULES).suggestions]
    no_year = "จัดทำคู่มือการจัดการข้อร้องเรียน ถ่ายทอดสู่ทุกกอง ผลการดำเนินงาน ร้อยละ 93"
    assert check(no_year, P34, RULES).year_status == "missing"


def test_continuing_work_without_improvement_is_asked_for_it():
    r = check("ในปี 2567 ดำเนินการต่อเนื่องจากปีที่ผ่านมา ตามคู่มือการจัดการข้อร้องเรียน", P34, RULES)
    assert r.continuing and not r.improved_quote
    assert "improved" in [s.line for s in r.suggestions]


def test_labels_written_by_the_person_count():
    r = check("A: ทีมงานคิดร่วมกัน\nD: ทุกคนลงมือ\nR: สำเร็จ", P34, RULES)
    assert [c.found for c in r.components] == [True, True, True]


def test_segments_are_substrings_and_cut_long_lines():
    text = "• ข้อแรก\n- ข้อสอง\n" + "คำ " * 200
    parts = segments(text)
    assert parts[:2] == ["ข้อแรก", "ข้อสอง"] and all(len(p) < 300 for p in parts)
    assert quote("ก " * 100).endswith("…") and len(quote("ก " * 100)) <= 120


# ----- criteria from the knowledge base ---------------------------------------------------------

def test_criteria_follow_the_knowledge_base():
    """The key terms are the knowledge base's own words; the answer's spelling is preferred to the table's
    letter-for-letter typos."""
    assert "ทันการณ์" in P34.levels["advance"] and "กั้นการณ" not in P34.levels["advance"]
    assert set(P34.levels) == {"basic", "advance", "significance"}
    invented = Praden("9.9", "ประเด็นทดลอง", {"basic": "จัดทำทะเบียนเครื่องปั้นดินเผา", "advance": "ส่งออกเครื่องปั้นดินเผา",
                                              "significance": "พิพิธภัณฑ์เครื่องปั้นดินเผาออนไลน์"})
    r = check("ปี 2567 จัดทำทะเบียนเครื่องปั้นดินเผา และส่งออกเครื่องปั้นดินเผา", invented, RULES)
    assert [c.addressed for c in r.criteria] == [True, True, False] and r.level_hint == "advance"


@pytest.mark.parametrize("code", ["1.1", "2.4", "7.2"])
def test_no_level_tables_for_hmuad_1_2_and_7(code: str):
    r = check_draft(KB, code, GOOD)
    assert r is not None and not r.has_levels and r.criteria == ()
    assert "ไม่มีตารางระดับ" in report_text(r)


def test_hmuad_7_asks_for_three_years():
    r = check_draft(KB, "7.2", "ปี 2567 ผลการดำเนินงาน ความพึงพอใจร้อยละ 89")
    assert r is not None and r.suggestions and "trend" in [s.line for s in r.suggestions]


def test_unknown_praden():
    assert check_draft(KB, "8.1", GOOD) is None and praden_of(KB, "3.9") is None


def test_criteria_texts_without_bullets_keep_the_table():
    assert criteria_texts({"basic": "ก", "advance": "ข", "significance": "ค"}, "no bullets") == \
        {"basic": "ก", "advance": "ข", "significance": "ค"}
    assert criteria_texts({}, "• Basic (A&D): x") == {}


# ----- the report's size ------------------------------------------------------------------------

@given(DRAFTS)
@settings(max_examples=40)
def test_report_within_line_limits(text: str):
    r = check(text * 3, P34, RULES)
    assert utf16_units(report_text(r)) <= 5000
    assert len(json.dumps(card_to_bubble(report_card(r)), ensure_ascii=False).encode()) <= 30_000


def test_worst_case_report_within_line_limits():
    long_sentences = "\n".join(["ผลลัพธ์ ถ่ายทอด วิธีการ ต่อเนื่อง ดีขึ้น ร้อยละ 9 ปี 2566 " + "ข" * 400] * 30)
    r = check(long_sentences, P34, RULES)
    assert utf16_units(report_text(r)) <= 5000
    assert len(json.dumps(card_to_bubble(report_card(r)), ensure_ascii=False).encode()) <= 30_000
    assert len(r.as_dict()["components"]) == 3 and r.as_dict()["over"] == r.over


# ----- the rules file ---------------------------------------------------------------------------

def test_rules_file_is_checked():
    raw = load_yaml(RULES_FILE)
    assert parse_rules(raw).assessed_year == 2567 and parse_rules(raw).char_limit == 3000
    broken = {**raw, "components": {k: v for k, v in raw["components"].items() if k != "result"}}
    with pytest.raises(SchemaError, match="components"):
        parse_rules(broken)
    with pytest.raises(SchemaError, match="char_limit"):
        parse_rules({**raw, "char_limit": "3000"})
    with pytest.raises(SchemaError, match="strong"):
        parse_rules({**raw, "components": {**raw["components"], "approach": {**raw["components"]["approach"],
                                                                              "strong": []}}})
