"""Totals per component and overall, and the figures of the fiscal year 2567 six-month report."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.indicators import CATALOGUE_DIR, Catalogue, load_catalogue
from scoring import ScoredIndicator, format_number, score_round, summarize


@pytest.fixture(scope="module")
def fy2567() -> Catalogue:
    return load_catalogue(CATALOGUE_DIR / "fy2567.yaml")


def by_number(items: list[ScoredIndicator]) -> dict[int, ScoredIndicator]:
    return {i.number: i for i in items}


def test_six_month_report_as_published_scores_100_everywhere(fy2567: Catalogue) -> None:
    items = score_round(fy2567, 6)
    assert [i.score for i in items if i.component == 1] == [100.0] * 6
    assert [i.score for i in items if i.component == 2] == [None] * 6
    summary = summarize(items)
    assert (summary.overall.earned, summary.overall.possible, summary.overall.percent) == (70, 70, 100)
    assert format_number(summary.overall.earned, 2) == "70"
    assert summary.overall.not_assessed == (7, 8, 9, 10, 11, 12)
    potential = summary.components[2]
    assert (potential.earned, potential.possible, potential.percent, potential.assessed) == (0, 0, None, ())


def test_kpi3_at_1_687_118_5(fy2567: Catalogue) -> None:
    items = score_round(fy2567, 6, {3: Decimal("1687118.5")})
    assert by_number(items)[3].score == 87.5
    assert by_number(items)[3].points == 4.375
    overall = summarize(items).overall
    assert (overall.earned, overall.possible) == (69.375, 70)
    assert format_number(overall.percent, 2) == "99.11"


def test_kpi3_and_kpi5_at_its_minimum(fy2567: Catalogue) -> None:
    items = score_round(fy2567, 6, {3: Decimal("1687118.5"), 5: 3})
    assert by_number(items)[5].score == 50
    overall = summarize(items).overall
    assert (overall.earned, overall.possible) == (64.375, 70)
    assert format_number(overall.percent, 2) == "91.96"
    assert summarize(items).components[1] == overall.__class__(64.375, 70, overall.percent, (1, 2, 3, 4, 5, 6), ())


def test_twelve_month_round_has_no_results_yet(fy2567: Catalogue) -> None:
    summary = summarize(score_round(fy2567, 12))
    assert summary.overall.assessed == () and summary.overall.percent is None


def test_results_for_unscored_rounds_or_unknown_indicators_are_refused(fy2567: Catalogue) -> None:
    with pytest.raises(ValueError, match="ตัวชี้วัดที่ 9"):
        score_round(fy2567, 6, {9: 1})
    with pytest.raises(ValueError, match="13"):
        score_round(fy2567, 6, {13: 1})


def test_duplicate_indicators_are_refused() -> None:
    item = ScoredIndicator(1, 1, 10, 100.0)
    with pytest.raises(ValueError):
        summarize([item, item])


@st.composite
def scored_lists(draw: st.DrawFn) -> list[ScoredIndicator]:
    count = draw(st.integers(min_value=0, max_value=15))
    items = []
    for number in range(1, count + 1):
        weight = Decimal(draw(st.integers(min_value=1, max_value=400))) / 10
        value = draw(st.none() | st.floats(min_value=0, max_value=100, allow_nan=False))
        items.append(ScoredIndicator(number, draw(st.integers(min_value=1, max_value=3)), weight, value))
    return items


@given(scored_lists())
def test_totals_equal_the_sum_of_their_parts(items: list[ScoredIndicator]) -> None:
    summary = summarize(items)
    parts = summary.components.values()
    overall = summary.overall
    assert math.isclose(overall.earned, math.fsum(c.earned for c in parts), rel_tol=1e-12, abs_tol=1e-9)
    assert math.isclose(overall.possible, math.fsum(c.possible for c in parts), rel_tol=1e-12, abs_tol=1e-9)
    assessed = [i for i in items if i.assessed]
    assert math.isclose(overall.earned, math.fsum(i.points for i in assessed), rel_tol=1e-12, abs_tol=1e-9)
    assert overall.possible == pytest.approx(float(sum((Decimal(i.weight) for i in assessed), Decimal(0))))
    assert sorted(overall.assessed + overall.not_assessed) == [i.number for i in items]
    for total in (overall, *parts):
        if total.assessed:
            assert 0 <= total.percent <= 100 + 1e-9
            assert total.percent == pytest.approx(total.earned / total.possible * 100)
        else:
            assert (total.earned, total.possible, total.percent) == (0, 0, None)
