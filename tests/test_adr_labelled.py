"""The checker on the labelled drafts (written from the source's criteria: good, missing A/D/R, over-long, wrong
year) and on the hold-out set written after the cue words were tuned. The thresholds sit just under what was
measured (see the README), so a change that makes the checker read worse fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from adr.evaluate import LABELLED, evaluate, read_set
from knowledge.loader import load_entries
from knowledge.search import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
HOLDOUT = ROOT / "tests" / "data" / "adr_holdout.jsonl"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase(load_entries(ROOT / "knowledge"))


def test_the_labelled_set_covers_what_the_issue_asks(kb: KnowledgeBase):
    rows = read_set(LABELLED)
    kinds = {r["kind"] for r in rows}
    assert len(rows) >= 30
    assert {"good", "no-approach", "no-deployment", "no-result", "over-long", "wrong-year"} <= kinds
    assert all(r["over"] == (len(r["draft"]) > 3000) for r in rows)


@pytest.mark.parametrize(("path", "floor"), [(LABELLED, 0.9), (HOLDOUT, 0.8)])
def test_precision_and_recall_per_part(kb: KnowledgeBase, path: Path, floor: float):
    scores, misses = evaluate(kb, read_set(path))
    for name in ("approach", "deployment", "result"):
        s = scores[name]
        assert s.precision >= floor and s.recall >= floor, (name, s, misses)
    assert scores["over"].precision == scores["over"].recall == 1.0
    assert scores["year"].fn == 0, misses
