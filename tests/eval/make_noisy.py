"""Write ``noisy_dev_questions.jsonl``: the readable (dev) halves' in-scope questions as staff mistype them.

Four slips, each a question of its own kind: ``layout`` (the Thai typed on the English layout), ``tones`` (every
tone mark left out), ``digits`` (Thai digits) and ``drop`` (one letter of the longest Thai word left out). The
expected phrases are the original question's. A regression set for robustness: the held-out (test) halves are
never used. Run: ``.venv/bin/python tests/eval/make_noisy.py``.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from pythainlp.util.keyboard import TH_EN_KEYB_PAIRS

HERE = Path(__file__).parent
SOURCES = ("fresh_dev_questions", "fresh2_dev_questions", "fresh3_dev_questions")
TH_TO_EN = str.maketrans(TH_EN_KEYB_PAIRS)


def slips(q: str, rng: random.Random) -> dict[str, str]:
    out = {"layout": re.sub(r"[\u0e00-\u0e7f]+", lambda m: m.group(0).translate(TH_TO_EN), q),
           "tones": re.sub("[\u0e48-\u0e4c]", "", q)}
    if re.search(r"\d", q):
        out["digits"] = q.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    if words := re.findall(r"[\u0e01-\u0e4c]{4,}", q):
        w = max(words, key=len)
        i = rng.randrange(1, len(w) - 1)
        out["drop"] = q.replace(w, w[:i] + w[i + 1:], 1)
    return {kind: text for kind, text in out.items() if text != q}


def main() -> None:
    rng = random.Random(7)
    rows = []
    for name in SOURCES:
        for line in (HERE / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            item = json.loads(line) if line.strip() else None
            if not item or item.get("oos") or item.get("kind") in ("noise", "smalltalk", "activity"):
                continue
            expected = {k: v for k, v in item.items() if k in ("any", "all")}
            for kind, text in slips(item["q"], rng).items():
                rows.append({"id": f"{item['id']}-{kind}", "kind": kind, "q": text, **expected})
    out = HERE / "noisy_dev_questions.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} questions → {out}")


if __name__ == "__main__":
    main()
