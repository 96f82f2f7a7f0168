"""Precision and recall of the checker on a labelled set of drafts (``tests/data/adr_drafts.jsonl``).

``python -m adr.evaluate [file]`` prints them, with every draft the checker read differently from its label.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from adr import check_draft
from adr.rules import COMPONENTS

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "adr_drafts.jsonl"


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def read_set(path: Path = LABELLED) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(kb: object, rows: list[dict]) -> tuple[dict[str, Score], list[str]]:
    """Per A/D/R (and for "over the limit" and the year's status): the counts, and the misread drafts."""
    counts = {name: [0, 0, 0, 0] for name in (*COMPONENTS, "over", "year")}
    misses: list[str] = []
    for row in rows:
        report = check_draft(kb, row["praden"], row["draft"])
        if report is None:
            raise ValueError(f"{row['id']}: ไม่พบประเด็น {row['praden']}")
        seen = {c.name: c.found for c in report.components}
        seen["over"] = report.over > 0
        for name in (*COMPONENTS, "over"):
            want, got = bool(row[name]), seen[name]
            counts[name][0 if want and got else 1 if got else 2 if want else 3] += 1
            if want != got:
                misses.append(f"{row['id']}: {name} labelled {want}, read {got}")
        right = report.year_status == row["year"]
        counts["year"][0 if right else 2] += 1
        if not right:
            misses.append(f"{row['id']}: year labelled {row['year']}, read {report.year_status}")
    return {k: Score(*v) for k, v in counts.items()}, misses


def main(argv: list[str]) -> int:
    from knowledge.loader import load_entries
    from knowledge.search import KnowledgeBase

    kb = KnowledgeBase(load_entries(Path(__file__).resolve().parent.parent / "knowledge"))
    rows = read_set(Path(argv[0]) if argv else LABELLED)
    scores, misses = evaluate(kb, rows)
    print(f"{len(rows)} drafts")
    for name, s in scores.items():
        print(f"{name:<11} precision {s.precision:.2f}  recall {s.recall:.2f}  "
              f"(tp {s.tp} fp {s.fp} fn {s.fn} tn {s.tn})")
    for miss in misses:
        print("  miss", miss)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
