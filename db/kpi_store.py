"""Reading and changing KPI data in the database. Scores come from the pure ``scoring`` package."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.erasure import ERASED_NAME, Erasure
from db.kpi import KpiChange, KpiResult, KpiYear
from db.models import AuditLog, utcnow
from db.parsed import Memo, ParsedCatalogues
from knowledge.indicators import Catalogue, Indicator, dump_catalogue, load_catalogue, parse_catalogue
from scoring import ScoredIndicator, score, score_round, summarize
from scoring.numbers import result_problem
from scoring.totals import Summary


@dataclass(frozen=True)
class RoundView:
    """One round of one year, scored with the current results."""

    catalogue: Catalogue
    months: int
    results: dict[int, KpiResult]
    scored: list[ScoredIndicator]
    summary: Summary

    def item(self, number: int) -> ScoredIndicator | None:
        return next((s for s in self.scored if s.number == number), None)


def import_catalogue(session: Session, catalogue: Catalogue, actor: str = "import") -> dict[str, int]:
    """Store (or replace) a year's catalogue. Results from the file are taken only where none is
    recorded yet, so re-importing never overwrites what managers recorded in chat."""
    _changed(session)
    row = session.get(KpiYear, catalogue.fiscal_year)
    if row is None:
        row = KpiYear(fiscal_year=catalogue.fiscal_year)
        session.add(row)
    row.title, row.catalogue, row.imported_by = catalogue.title, dump_catalogue(catalogue), actor
    row.imported_at = utcnow()
    added = kept = 0
    for ind in catalogue.indicators:
        for months, targets in ind.rounds.items():
            if targets.result is None:
                continue
            existing = session.scalar(select(KpiResult).where(
                KpiResult.fiscal_year == catalogue.fiscal_year, KpiResult.indicator_no == ind.number,
                KpiResult.round_months == months))
            if existing is not None:
                kept += 1
                continue
            session.add(KpiResult(fiscal_year=catalogue.fiscal_year, indicator_no=ind.number, round_months=months,
                                  result=targets.result, result_text=targets.result_text or "", updated_by=actor))
            added += 1
    session.add(AuditLog(actor=actor, action="kpi.import", detail={"fiscal_year": catalogue.fiscal_year}))
    session.flush()
    return {"indicators": len(catalogue.indicators), "results_added": added, "results_kept": kept}


def ensure_seeded(sessions, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """On an empty database, import the newest catalogue file so the bot answers from the start."""
    from knowledge.indicators import latest_catalogue_path

    with sessions() as session, session.begin():
        if session.scalar(select(func.count()).select_from(KpiYear)):
            return
    try:
        with sessions() as session, session.begin():
            import_catalogue(session, load_catalogue(latest_catalogue_path(folder)), actor="seed")
    except IntegrityError:
        pass  # another process seeded it at the same moment


# Built once (bind parameters instead of values), so that a question does not pay for constructing them.
_LATEST_YEAR = select(KpiYear.fiscal_year, KpiYear.imported_at).order_by(KpiYear.fiscal_year.desc()).limit(1)
_IMPORTED_AT = select(KpiYear.imported_at).where(KpiYear.fiscal_year == bindparam("year"))
_CATALOGUE = select(KpiYear.catalogue).where(KpiYear.fiscal_year == bindparam("year"))
_ROUND_RESULTS = select(KpiResult).where(KpiResult.fiscal_year == bindparam("year"),
                                         KpiResult.round_months == bindparam("months"))


def current_year(session: Session) -> int | None:
    return session.scalar(select(func.max(KpiYear.fiscal_year)))


_catalogues: ParsedCatalogues[Catalogue] = ParsedCatalogues(parse_catalogue)


def catalogue_for(session: Session, year: int) -> Catalogue | None:
    imported_at = session.scalar(_IMPORTED_AT, {"year": year})
    if imported_at is None:
        return None
    return _parsed(session, year, imported_at)


def _parsed(session: Session, year: int, imported_at: datetime) -> Catalogue:
    return _catalogues.get(year, imported_at, lambda: session.scalar(_CATALOGUE, {"year": year}))


def current_round(catalogue: Catalogue, results: list[KpiResult] | None = None) -> int:
    """The latest round that has targets for some indicator (6 before 12)."""
    rounds = sorted({m for ind in catalogue.indicators for m in ind.rounds})
    return rounds[-1] if rounds else min(r.months for r in catalogue.rounds)


def round_view(session: Session, year: int | None = None, months: int | None = None) -> RoundView | None:
    """The round scored with the results stored now (the latest year and its current round by default). Read once
    per transaction: a batch of questions asks for the same view (three queries and a parse check each, 13% of an
    answering worker's time in ``make bench``) until a result is recorded in it (``_views``)."""
    views = _views(session)
    if views is None:
        return _round_view(session, year, months)
    key = (year, months)
    if key not in views:
        views[key] = _round_view(session, year, months)
    return views[key]


def _views(session: Session) -> dict | None:
    """This transaction's memo of round views; None once KPI data was written in it (``_changed``), so that a
    view is never older than what the transaction itself wrote, even after a savepoint is rolled back."""
    transaction = session.get_transaction()
    if transaction is None:
        return None
    memo = session.info.get("kpi_views")
    if memo is None or memo[0] is not transaction:
        memo = session.info["kpi_views"] = (transaction, {})
    return None if session.info.get("kpi_changed") is transaction else memo[1]


def _changed(session: Session) -> None:
    session.info["kpi_changed"] = session.get_transaction()


def _round_view(session: Session, year: int | None, months: int | None) -> RoundView | None:
    if year is None:
        latest = session.execute(_LATEST_YEAR).first()
        if latest is None:
            return None
        year, imported_at = latest
    else:
        imported_at = session.scalar(_IMPORTED_AT, {"year": year})
        if imported_at is None:
            return None
    catalogue = _parsed(session, year, imported_at)
    months = months or current_round(catalogue)
    rows = session.scalars(_ROUND_RESULTS, {"year": year, "months": months}).all()
    results = {r.indicator_no: r for r in rows if catalogue.indicator(r.indicator_no) and
               catalogue.indicator(r.indicator_no).rounds.get(months)}  # type: ignore[union-attr]
    key = (year, imported_at, months, tuple(sorted((n, r.result) for n, r in results.items())))
    scored, summary = _scored_rounds.get(key, lambda: _score(catalogue, months, results))
    return RoundView(catalogue, months, results, scored, summary)


def _score(catalogue: Catalogue, months: int, results: dict[int, KpiResult]) -> tuple[list[ScoredIndicator], Summary]:
    scored = score_round(catalogue, months, {n: r.result for n, r in results.items()})
    # Indicators whose file result was removed in the database stay unassessed.
    scored = [s if s.number in results else ScoredIndicator(s.number, s.component, s.weight, None, s.name, None)
              for s in scored]
    return scored, summarize(scored)


#: A round's scores per (year, import, round, stored results): every status question asks for the same few
#: until a manager records a new result, which is a new key.
_scored_rounds: Memo[tuple, tuple[list[ScoredIndicator], Summary]] = Memo(64)


def score_with(indicator: Indicator, months: int, result: Decimal | None) -> float | None:
    targets = indicator.rounds.get(months)
    if targets is None or result is None:
        return None
    return score(result, targets, direction=indicator.direction)


def record_result(session: Session, *, year: int, months: int, number: int, expected_old: Decimal | None,
                  new: Decimal, actor: str, actor_name: str) -> str:
    """Store a confirmed result. Returns ``"saved"``, ``"same"`` (already that value: a double tap)
    ``"changed"`` (someone changed it since the confirmation was shown: nothing stored) or ``"unknown"`` (no such
    year, round or indicator: a stale or crafted button). A value the
    column cannot hold exactly (``result_problem``) is refused here too, whoever the caller."""
    if result_problem(new):
        raise ValueError(f"not a storable KPI result: {new!r}")
    catalogue = catalogue_for(session, year)
    indicator = catalogue.indicator(number) if catalogue else None
    if indicator is None or months not in indicator.rounds:
        return "unknown"
    query = select(KpiResult).where(KpiResult.fiscal_year == year, KpiResult.indicator_no == number,
                                    KpiResult.round_months == months)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = session.scalar(query)
    current = row.result if row is not None else None
    if current is not None and Decimal(current) == new:
        return "same"
    if (current is None) != (expected_old is None) or (current is not None and Decimal(current) != expected_old):
        return "changed"
    old_score = score_with(indicator, months, Decimal(current) if current is not None else None)
    _changed(session)
    if row is None:
        row = KpiResult(fiscal_year=year, indicator_no=number, round_months=months, result=new)
        session.add(row)
    row.result, row.updated_by = new, actor
    row.result_text = ""
    new_score = score_with(indicator, months, new)
    session.add(KpiChange(fiscal_year=year, indicator_no=number, round_months=months, old_result=current,
                          new_result=new, old_score=_dec(old_score), new_score=_dec(new_score),
                          changed_by=actor, changed_by_name=actor_name[:200]))
    session.add(AuditLog(actor=actor, action="kpi.record",
                         detail={"year": year, "round": months, "indicator": number, "old": _s(current),
                                 "new": _s(new)}))
    session.flush()
    return "saved"


def history(session: Session, year: int, number: int, limit: int = 10) -> list[KpiChange]:
    return list(session.scalars(
        select(KpiChange).where(KpiChange.fiscal_year == year, KpiChange.indicator_no == number)
        .order_by(KpiChange.id.desc()).limit(limit)))


def _dec(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 4)))


def _s(value: Decimal | None) -> str | None:
    return None if value is None else format(Decimal(value).normalize(), "f")


def erase_changes(erasure: Erasure) -> None:
    """PDPA erasure: KPI results a person recorded keep their history, under the erasure's random key and
    without their name."""
    session, uid = erasure.session, erasure.line_user_id
    session.execute(update(KpiChange).where(KpiChange.changed_by == uid)
                    .values(changed_by=erasure.token, changed_by_name=ERASED_NAME))
    session.execute(update(KpiResult).where(KpiResult.updated_by == uid).values(updated_by=erasure.token))
