"""What checking a 3,000-character draft costs (figures, no pass/fail: the machine is shared and noisy).

Each round checks drafts of about 3,000 characters made from the labelled set, each made unique so that no
per-text cache answers (a real draft is new text too), and measures, on the same drafts in the same run, the
baseline: ``thai.normalize`` of the whole draft (what any message of that size costs before anything is
understood). CPU time per draft (``time.process_time``), median and p90 over the drafts, best of 3 rounds.

Run: ``.venv/bin/python -m bench.adr_check``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = 3000


def drafts(n: int, salt: str) -> list[tuple[str, str]]:
    """``n`` (ประเด็น, draft) pairs of about :data:`SIZE` characters, unique per ``salt``."""
    from adr.evaluate import read_set

    rows = [r for r in read_set() if r["kind"] in {"good", "no-result", "continuing-improved"}]
    out = []
    for i in range(n):
        row = rows[i % len(rows)]
        text, k = row["draft"], 0
        while len(text) < SIZE - 120:
            filler = rows[(i + k + 1) % len(rows)]["draft"]
            text += f"\n{filler}"
            k += 1
        # Every line made unique (the sentence-level caches must miss, as they would on a new draft).
        lines = [f"{line} (ร่าง {salt}{i}.{j})" for j, line in enumerate(text.split("\n"))]
        out.append((row["praden"], "\n".join(lines)[:SIZE]))
    return out


def per_item_ms(fn, items: list) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for item in items:
        start = time.process_time()
        fn(item)
        out.append((time.process_time() - start) * 1000)
    return out


def main() -> None:
    from adr import check, load_rules, praden_of
    from knowledge.loader import load_entries
    from knowledge.search import KnowledgeBase
    from thai import normalize, warm_up

    warm_up()
    kb = KnowledgeBase(load_entries(ROOT / "knowledge"))
    rules = load_rules()
    pradens = {code: praden_of(kb, code) for code in {"3.4", "3.2", "4.4", "5.4", "6.3", "1.2", "2.4", "7.2", "4.3"}}
    for code, draft in drafts(20, "warm"):
        check(draft, pradens[code], rules)  # the criteria's key terms are built once per process
    best: dict[str, list[float]] = {}
    for r in range(3):
        items = drafts(60, f"r{r}")
        base_items = [d for _, d in drafts(60, f"b{r}")]
        checked = per_item_ms(lambda it: check(it[1], pradens[it[0]], rules), items)
        baseline = per_item_ms(normalize, base_items)  # unique texts: no cache answers
        for name, values in (("check", checked), ("normalise (baseline)", baseline)):
            if name not in best or statistics.median(values) < statistics.median(best[name]):
                best[name] = values
    chars = statistics.median(len(d) for _, d in drafts(60, "size"))
    print(f"drafts of ~{chars:.0f} characters, CPU ms per draft, best of 3 rounds of 60")
    for name, values in best.items():
        q = statistics.quantiles(values, n=10)
        print(f"  {name:<22} median {statistics.median(values):6.2f}   p90 {q[8]:6.2f}   max {max(values):6.2f}")
    ratio = statistics.median(best["check"]) / statistics.median(best["normalise (baseline)"])
    print(f"  check / baseline       {ratio:.1f}x")


if __name__ == "__main__":
    main()
