"""Small talk: greetings, thanks, "ok", praise, complaints, "who are you", asking for a person.

Thai users open and close almost every chat this way, so these get a short, warm reply of their own
instead of a knowledge entry ("ขอบคุณครับ" must never open the Hall of Fame activity). The phrases and
replies are data (``knowledge/conversation/smalltalk.yaml``), checked when loaded. Matching is pure: a
message is small talk only when the whole of it is a known phrase once polite endings, laughter,
emoji and punctuation are taken off; "สวัสดีค่ะ หมวด 3 คืออะไร" is a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from knowledge.loader import load_yaml
from knowledge.schema import SchemaError
from thai import fold

#: Endings and fillers that do not change what a message means (longest first when stripping).
PARTICLES = sorted(
    """ครับผม ครับ คับ ค่ะ ค่า คะ คร้าบ จ้า จ้ะ จ๊ะ จ่ะ นะคะ นะครับ นะ น้า น่ะ เลย จ้ะ ฮะ ฮับ งับ
    พี่ น้อง น้องบอท บอท หนู ด้วย มากๆ มาก จริงๆ สุดๆ หน่อย ที สิ ซิ ได้ไหม ได้มั้ย ได้ป่าว อยู่ไหม อยู่มั้ย อะ อ่ะ เนี่ย
    เนาะ จัง วันนี้ ตอนนี้ ไปหมด""".split(),
    key=len,
    reverse=True,
)
_NOISE = re.compile(r"[\s!?.,~^_*'\"“”‘’()\-\u2000-\u2BFF\U0001F000-\U0001FAFF]+|5{3,}|ๆ")


@dataclass(frozen=True)
class Intent:
    id: str
    phrases: frozenset[str]
    replies: tuple[str, ...]
    menu: bool = False
    contact: bool = False


_ENDINGS = frozenset(PARTICLES)
_LONGEST_PIECE = 25


@dataclass(frozen=True)
class SmallTalk:
    intents: tuple[Intent, ...]
    contact: str

    def match(self, text: str) -> Intent | None:
        """The intent the whole message expresses, or None when it asks or says anything more."""
        return self._match(text[:200])

    @cached_property
    def _match(self):  # type: ignore[no-untyped-def]
        return lru_cache(maxsize=4096)(self._match_uncached)

    @cached_property
    def _by_phrase(self) -> dict[str, Intent]:
        return {p: i for i in self.intents for p in i.phrases}

    def _match_uncached(self, text: str) -> Intent | None:
        key = core_of(text)
        if len(key) > 40:
            return None
        if not key:
            # Nothing but endings ("ค่ะ", "ครับ") or emoji: an acknowledgement, if anything was typed.
            return self.by_id("acknowledge") if text.strip() else None
        found = self._by_phrase.get(key)
        return found if found is not None else self._sequence(key)

    def _sequence(self, key: str) -> Intent | None:
        """Several phrases in one message ("โอเคค่ะ ขอบคุณค่ะ"): the last one says what to answer.

        The message (without spaces and its last ending) is split into known phrases and polite endings;
        dictionary look-ups only, so a question that is no small talk costs a few microseconds."""
        by_phrase = self._by_phrase
        # last[k]: the intent of the last phrase of a split of key[:k] (None: key[:k] cannot be split).
        last: list[Intent | None] = [None] * (len(key) + 1)
        ok = [True] + [False] * len(key)
        for end in range(1, len(key) + 1):
            for start in range(max(0, end - _LONGEST_PIECE), end):
                if not ok[start]:
                    continue
                piece = key[start:end]
                intent = by_phrase.get(piece)
                if intent is not None:
                    ok[end], last[end] = True, intent
                    break
                if piece in _ENDINGS and start > 0 and last[start] is not None:
                    ok[end], last[end] = True, last[start]
                    break
        return last[len(key)] if ok[len(key)] else None

    def by_id(self, intent_id: str) -> Intent | None:
        return next((i for i in self.intents if i.id == intent_id), None)


def core_of(text: str) -> str:
    """The message without spaces, punctuation, emoji, laughter and polite endings, folded."""
    key = _NOISE.sub("", fold(text[:200]))
    for address in _ADDRESSES:  # "น้องทำอะไรได้บ้าง": calling the bot by name says nothing more
        if key.startswith(address) and len(key) > len(address) + 2:
            key = key[len(address):]
            break
    changed = True
    while changed and key:
        changed = False
        for particle in PARTICLES:
            if key.endswith(particle) and len(key) > len(particle) or key == particle and particle in _ALONE:
                key = key[: -len(particle)]
                changed = True
                break
    return key


#: Ways of addressing the bot at the start of a message (longest first).
_ADDRESSES = ("น้องบอท", "บอท", "น้อง", "หนู", "คุณ")

#: Particles that are a whole message on their own ("ค่ะ"): stripped to nothing (an acknowledgement).
_ALONE = frozenset({"ครับ", "คับ", "ค่ะ", "ค่า", "คะ", "คร้าบ", "จ้า", "จ้ะ", "จ๊ะ", "ฮะ", "งับ", "ครับผม"})


def reply_for(intent: Intent, turn: int) -> str:
    """One of the intent's replies, varied by the turn number so a chat does not repeat itself."""
    return intent.replies[turn % len(intent.replies)]


def load_smalltalk(path: Path) -> SmallTalk:
    data = load_yaml(path)
    where = path.name
    if not isinstance(data, dict) or not isinstance(data.get("intents"), list):
        raise SchemaError(f"{where}: ไฟล์ต้องมี 'intents:' เป็นรายการ (file must have an 'intents' list)")
    contact = data.get("contact")
    if not isinstance(contact, str) or not contact.strip():
        raise SchemaError(f"{where}: ต้องมี 'contact' เป็นข้อความ (missing 'contact' text)")
    intents: list[Intent] = []
    seen: dict[str, str] = {}
    for n, raw in enumerate(data["intents"], start=1):
        at = f"{where} intent ที่ {n}"
        if not isinstance(raw, dict) or set(raw) - {"id", "phrases", "replies", "menu", "contact"}:
            raise SchemaError(f"{at}: ใช้ได้เฉพาะช่อง id, phrases, replies, menu, contact (unknown fields)")
        intent_id, phrases, replies = raw.get("id"), raw.get("phrases"), raw.get("replies")
        if not isinstance(intent_id, str) or not intent_id:
            raise SchemaError(f"{at}: ไม่มี 'id' (missing id)")
        for name, value in (("phrases", phrases), ("replies", replies)):
            if not isinstance(value, list) or not value or not all(isinstance(v, (str, int)) and str(v).strip()
                                                                   for v in value):
                raise SchemaError(f"{at} ({intent_id}): '{name}' ต้องเป็นรายการข้อความที่ไม่ว่าง")
        keys = set()
        for phrase in phrases:  # type: ignore[union-attr]
            key = core_of(str(phrase))
            if not key:
                continue
            if key in seen and seen[key] != intent_id:
                raise SchemaError(f"{at} ({intent_id}): วลี {phrase!r} ซ้ำกับ intent '{seen[key]}' (duplicate phrase)")
            seen[key] = intent_id
            keys.add(key)
        intents.append(Intent(intent_id, frozenset(keys), tuple(str(r).strip() for r in replies),  # type: ignore[union-attr]
                              bool(raw.get("menu")), bool(raw.get("contact"))))
    return SmallTalk(tuple(intents), contact.strip())


__all__ = ["Intent", "SmallTalk", "core_of", "load_smalltalk", "reply_for"]
