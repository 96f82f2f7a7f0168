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

#: Honest answers: "not sure", "not stated", or the correction of something that does not exist ("ไม่มีหมวด 8").
NOT_FOUND_MARKERS = ("ไม่แน่ใจ", "ไม่พบ", "ขออภัย", "ไม่เข้าใจ", "ไม่มีข้อมูล", "ไม่มีหมวด", "ไม่มีประเด็น",
                     "ไม่มีตัวชี้วัด")


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
    if item.get("none") and any(fold(p) in text for p in item["none"]):
        return False
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
    """Questions or dialogues, one JSON object a line (``shared/eval/README.md``)."""
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name} line {n}: {exc}") from exc
    return items


def _ask(engine: Any, item: dict, user_id: str, n: str) -> Outcome:
    from channels.line import event_to_request, render

    event = {
        "type": "message", "mode": "active", "timestamp": 0, "webhookEventId": f"eval-{n}",
        "deliveryContext": {"isRedelivery": False}, "replyToken": f"eval-token-{n}",
        "source": {"type": "user", "userId": user_id},
        "message": {"type": "text", "id": n, "quoteToken": "q", "text": item["q"]},
    }
    req = event_to_request(event)
    if req is None:
        return Outcome(item.get("id", n), item.get("kind", ""), item["q"], False, "", "none")
    reply = engine.answer(req)
    answer = visible_text(render(reply))
    return Outcome(item.get("id", n), item.get("kind", ""), item["q"], judge(item, answer, reply.handler), answer,
                   reply.handler)


def run(engine: Any, items: list[dict], user_id: str) -> list[Outcome]:
    """Questions, or dialogues (``turns``: sent in order by one person; each turn judged like a question).

    Every dialogue starts from a fresh conversation (a person of its own, registered like ``user_id``), so
    one dialogue's topic cannot help or hurt the next; single questions are all asked by ``user_id``."""
    outcomes = []
    for i, item in enumerate(items):
        if "turns" not in item:
            outcomes.append(_ask(engine, item, user_id, str(i)))
            continue
        speaker = _fresh_speaker(engine, user_id, i)
        for t, turn in enumerate(item["turns"]):
            turn = {**turn, "id": f"{item.get('id', i)}.{t + 1}", "kind": "dialogue"}
            outcomes.append(_ask(engine, turn, speaker, f"{i}-{t}"))
    return outcomes


def _fresh_speaker(engine: Any, like: str, n: int) -> str:
    """A new registered person with the same role as ``like``, for one dialogue."""
    from db.models import User
    from db.session import transaction

    speaker = f"U{n:08d}" + like[9:] if len(like) == 33 else f"{like}-{n}"
    with transaction(engine.sessions) as session:
        model = session.query(User).filter_by(line_user_id=like).one_or_none()
        if session.query(User).filter_by(line_user_id=speaker).one_or_none() is None:
            session.add(User(line_user_id=speaker, full_name=model.full_name if model else "ผู้ทดสอบ",
                             unit=model.unit if model else "พส.", role=model.role if model else "staff",
                             status="active"))
    return speaker


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
