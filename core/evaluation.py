"""Run labelled questions through the same pipeline as LINE and score the answers.

Format and reading rules: ``shared/eval/README.md``. Each question becomes a LINE text event,
goes through ``event_to_request``, the handlers, and the renderer; what a person would read (texts,
flex texts and alt texts — not button labels) is compared with the expected phrases.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NOT_FOUND_MARKERS = ("ไม่แน่ใจ", "ไม่พบ", "ขออภัย", "ไม่เข้าใจ", "ไม่มีข้อมูล")


@dataclass(frozen=True)
class Outcome:
    id: str
    kind: str
    question: str
    ok: bool
    answer: str
    handler: str


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def visible_text(messages: list[Any]) -> str:
    """Texts of rendered messages (Messaging API JSON): text messages, flex texts and alt texts."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "text" and isinstance(node.get("text"), str):
                parts.append(node["text"])
            for key, value in node.items():
                if key != "action":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for m in messages:
        d = m
        if d.get("type") == "text":
            parts.append(d.get("text", ""))
        elif d.get("type") == "flex":
            parts.append(d.get("altText", ""))
            walk(d.get("contents"))
    return "\n".join(parts)


def judge(item: dict, answer: str, handler: str) -> bool:
    text = fold(answer)
    if item.get("oos"):
        return handler == "pmqa-unsure" or any(fold(m) in text for m in NOT_FOUND_MARKERS)
    if handler == "pmqa-unsure" or text.startswith(("ไม่พบ", "ไม่แน่ใจ")):
        return False
    if item.get("all") and not all(fold(p) in text for p in item["all"]):
        return False
    if item.get("any") and not any(fold(p) in text for p in item["any"]):
        return False
    return True


def load_questions(path: Path) -> list[dict]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name} line {n}: {exc}") from exc
    return items


def run(engine: Any, items: list[dict], user_id: str) -> list[Outcome]:
    from channels.line import event_to_request, render

    outcomes = []
    for i, item in enumerate(items):
        event = {
            "type": "message", "mode": "active", "timestamp": 0, "webhookEventId": f"eval-{i}",
            "deliveryContext": {"isRedelivery": False}, "replyToken": f"eval-token-{i}",
            "source": {"type": "user", "userId": user_id},
            "message": {"type": "text", "id": str(i), "quoteToken": "q", "text": item["q"]},
        }
        req = event_to_request(event)
        if req is None:
            outcomes.append(Outcome(item.get("id", str(i)), item.get("kind", ""), item["q"], False, "", "none"))
            continue
        reply = engine.answer(req)
        answer = visible_text(render(reply))
        outcomes.append(Outcome(item.get("id", str(i)), item.get("kind", ""), item["q"],
                                judge(item, answer, reply.handler), answer, reply.handler))
    return outcomes


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    by_kind: Counter[str] = Counter(o.kind for o in outcomes)
    ok_kind: Counter[str] = Counter(o.kind for o in outcomes if o.ok)
    total = len(outcomes)
    return {
        "total": total,
        "passed": sum(o.ok for o in outcomes),
        "share": (sum(o.ok for o in outcomes) / total) if total else 0.0,
        "by_kind": {k: f"{ok_kind[k]}/{n}" for k, n in sorted(by_kind.items())},
    }
