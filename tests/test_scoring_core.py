"""The score of one indicator: exact at the targets, linear between, monotone, bounded and continuous."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import ASSUMPTION_NOTE, BELOW_MIN_NOTES, Targets, score, score_decimal, targets_problem, weighted_points

KPI3 = Targets.of(758574, 1377604, 1996633)

# Targets in hundredths so that decimals like 453.24 are covered, and gaps are never zero.
cents = st.integers(min_value=0, max_value=10**9).map(lambda n: Decimal(n) / 100)
gaps = st.integers(min_value=1, max_value=10**8).map(lambda n: Decimal(n) / 100)
policies = st.sampled_from(["zero", "extrapolate"])


@st.composite
def higher_targets(draw: st.DrawFn) -> Targets:
    low = draw(cents)
    mid = low + draw(gaps)
    return Targets(low, mid, mid + draw(gaps))


@st.composite
def lower_targets(draw: st.DrawFn) -> Targets:
    t = draw(higher_targets())
    return Targets(t.high, t.standard, t.min)


results = st.integers(min_value=0, max_value=2 * 10**9).map(lambda n: Decimal(n) / 100)


def test_kpi3_half_way_between_standard_and_high_is_exactly_87_5() -> None:
    assert score(Decimal("1687118.5"), KPI3) == 87.5
    assert score("1687118.5", KPI3) == 87.5
    assert score(1687118.5, KPI3) == 87.5


def test_kpi3_source_result_above_high_target_is_capped_at_100() -> None:
    assert score(2028405, KPI3) == 100


@pytest.mark.parametrize(("result", "expected"), [(758574, 50), (1377604, 75), (1996633, 100)])
def test_kpi3_targets_give_their_points(result: int, expected: float) -> None:
    assert score(result, KPI3) == expected


def test_below_minimum_policies() -> None:
    below = 758574 - 619030 / 5  # a fifth of the min->standard gap below the minimum
    assert score(below, KPI3) == 0
    assert score(below, KPI3, below_min="extrapolate") == 45
    assert score(0, Targets.of(100, 110, 120), below_min="extrapolate") == 0  # floored, not negative


def test_lower_is_better_direction() -> None:
    t = Targets.of(10, 6, 2)
    assert [score(r, t, direction="lower") for r in (12, 10, 8, 6, 4, 2, 0)] == [0, 50, 62.5, 75, 87.5, 100, 100]


@pytest.mark.parametrize(
    ("targets", "direction"),
    [
        (Targets.of(3, 2, 1), "higher"),
        (Targets.of(1, 1, 2), "higher"),
        (Targets.of(1, 2, 3), "lower"),
        (Targets.of(1, 2, 3), "up"),
    ],
)
def test_unusable_targets_are_refused(targets: Targets, direction: str) -> None:
    assert targets_problem(targets, direction) is not None
    with pytest.raises(ValueError):
        score(2, targets, direction=direction)


def test_unknown_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="below_min"):
        score(1, KPI3, below_min="negative")


def test_weighted_points() -> None:
    assert weighted_points(87.5, 5) == 4.375
    assert weighted_points(100, 2.5) == 2.5
    assert weighted_points(50, 10) == 5


def test_assumption_note_names_opdc_and_the_handbook() -> None:
    assert "ก.พ.ร." in ASSUMPTION_NOTE and "คู่มือการประเมิน" in ASSUMPTION_NOTE
    assert set(BELOW_MIN_NOTES) == {"zero", "extrapolate"}


@given(higher_targets(), results, results, policies)
def test_higher_is_monotone_non_decreasing(t: Targets, a: Decimal, b: Decimal, policy: str) -> None:
    low, high = sorted((a, b))
    assert score(low, t, below_min=policy) <= score(high, t, below_min=policy)


@given(lower_targets(), results, results, policies)
def test_lower_is_monotone_non_increasing(t: Targets, a: Decimal, b: Decimal, policy: str) -> None:
    low, high = sorted((a, b))
    assert score(low, t, direction="lower", below_min=policy) >= score(high, t, direction="lower", below_min=policy)


@given(higher_targets(), results, policies)
def test_bounded_0_to_100(t: Targets, r: Decimal, policy: str) -> None:
    assert 0 <= score(r, t, below_min=policy) <= 100
    assert 0 <= score(r, Targets(t.high, t.standard, t.min), direction="lower", below_min=policy) <= 100


@given(higher_targets(), policies)
def test_exact_points_at_the_targets(t: Targets, policy: str) -> None:
    assert [score(v, t, below_min=policy) for v in (t.min, t.standard, t.high)] == [50, 75, 100]
    mirrored = Targets(t.high, t.standard, t.min)
    lower = [score(v, mirrored, direction="lower", below_min=policy) for v in (t.high, t.standard, t.min)]
    assert lower == [50, 75, 100]


@given(higher_targets())
def test_continuous_at_each_target(t: Targets) -> None:
    eps = min(t.standard - t.min, t.high - t.standard) / 10**6
    for value, points in ((t.min, 50), (t.standard, 75), (t.high, 100)):
        assert score(value + eps, t) == pytest.approx(points, abs=1e-4)
        if value != t.min:  # with the default "zero" policy the score drops to 0 just below the minimum
            assert score(value - eps, t) == pytest.approx(points, abs=1e-4)
    assert score(t.min - eps, t, below_min="extrapolate") == pytest.approx(50, abs=1e-4)
    assert score(t.min - eps, t) == 0


@given(higher_targets(), results)
def test_lower_direction_mirrors_higher(t: Targets, r: Decimal) -> None:
    top = Decimal(10**8)
    mirrored = Targets(top - t.min, top - t.standard, top - t.high)
    assert score(top - r, mirrored, direction="lower") == score(r, t)


@given(higher_targets(), results)
def test_float_score_is_the_rounded_exact_score(t: Targets, r: Decimal) -> None:
    assert score(r, t) == float(score_decimal(r, t))
