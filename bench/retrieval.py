"""Figures for the answer path and for start-up (no pass/fail: machines are shared and noisy).

* Normalise + tokenise + rank one question, median and p99 over every labelled question, after
  warm-up — against a baseline measured in the same run: PyThaiNLP's plain newmm tokeniser on the
  same questions (the floor any Thai pipeline pays).
* Start to healthy: the Procfile's web process on an empty SQLite database until /healthz is 200.

Run: ``.venv/bin/python -m bench.retrieval``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTION_FILES = [ROOT.parent / "shared" / "eval" / "questions.jsonl",
                  ROOT / "tests" / "eval" / "extra_questions.jsonl",
                  ROOT / "tests" / "eval" / "holdout_questions.jsonl",
                  ROOT / "tests" / "eval" / "fresh_questions.jsonl"]
TARGET_MS = 1.0
TARGET_START_S = 3.0


def questions() -> list[str]:
    out = []
    for path in QUESTION_FILES:
        if path.exists():
            out += [json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def timed(fn, items: list[str], rounds: int = 5) -> list[float]:  # type: ignore[no-untyped-def]
    """Per-call milliseconds; each call on a fresh string so caches keyed on text do not help."""
    samples = []
    for r in range(rounds):
        for q in items:
            text = f"{q}{' ' * (r + 1)}x{r}"  # a different string every round
            start = time.perf_counter()
            fn(text)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def describe(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


def start_to_healthy() -> float:
    from tests.server import Server

    with tempfile.TemporaryDirectory() as tmp:
        server = Server({"DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "LINE_CHANNEL_SECRET": "",
                         "LINE_CHANNEL_ACCESS_TOKEN": ""})
        try:
            return server.start()
        finally:
            server.stop()


def main() -> None:
    from pythainlp.tokenize import word_tokenize

    from core.config import PROJECT_ROOT
    from knowledge.search import load_knowledge_base
    from thai import warm_up

    warm_up()
    started = time.perf_counter()
    kb = load_knowledge_base(PROJECT_ROOT / "knowledge")
    built = time.perf_counter() - started
    items = questions()
    for q in items[:20]:  # warm-up
        kb.find(q, 0.45)
        word_tokenize(q, engine="newmm")
    bot = describe(timed(lambda t: kb.find(t, 0.45), items))
    base = describe(timed(lambda t: word_tokenize(t, engine="newmm"), items))
    seconds = start_to_healthy()
    print(f"questions: {len(items)}, knowledge entries: {len(kb.entries)}, source passages: "
          f"{len(kb.passages.passages)} (entries + passage index built in {built:.2f} s)")
    print("| path | median ms | p99 ms |")
    print("| --- | --- | --- |")
    print(f"| baseline: PyThaiNLP newmm tokenise only | {base[0]:.3f} | {base[1]:.3f} |")
    print(f"| bot: normalise + layout + spelling + tokenise + refs + BM25 (entries and passages) "
          f"+ answerability | {bot[0]:.3f} | {bot[1]:.3f} |")
    verdict = "PASS" if bot[0] < TARGET_MS else "MISS"
    print(f"target: median under {TARGET_MS} ms after warm-up: {verdict} ({bot[0] / base[0]:.1f}× the tokeniser alone)")
    verdict = "PASS" if seconds < TARGET_START_S else "MISS"
    print(f"start to healthy (gunicorn from the Procfile, empty SQLite): {seconds:.2f} s "
          f"(target under {TARGET_START_S} s: {verdict})")


if __name__ == "__main__":
    main()
