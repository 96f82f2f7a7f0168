"""Plain, transport-neutral requests and replies.

Handlers see only these types. The LINE channel, the local chat page and the terminal chat turn
them into (and out of) their own formats, so business code never imports the LINE SDK.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

RequestKind = Literal["text", "postback", "follow", "sticker", "media", "location", "other"]


@dataclass(frozen=True)
class Request:
    """What one person said or tapped."""

    user_id: str
    kind: RequestKind = "text"
    text: str = ""
    #: Postback data (for ``kind == "postback"``), e.g. ``"act=confirm&id=12"``.
    data: str = ""
    #: Extra postback parameters (the date a date picker returned, …).
    params: dict[str, str] = field(default_factory=dict)
    display_name: str = ""
    #: "user" for one-on-one chats, "group" / "room" otherwise.
    chat_type: str = "user"
    #: The group or room the message came from ("" in a one-on-one chat): context is kept per chat.
    chat_id: str = ""
    #: Identifier of the event that carried the request, for idempotent effects.
    event_id: str = ""


@dataclass(frozen=True)
class Choice:
    """A quick-reply button: tapping it sends ``text`` (a message) or ``data`` (a postback), or, for ``uri``,
    opens the address in ``data`` (e.g. a one-on-one chat with the bot)."""

    label: str
    text: str = ""
    data: str = ""
    #: "message", "postback", "datepicker" or "uri".
    action: str = "message"


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class CardRow:
    """One line of a card: a label, a value and, optionally, a 0–100 progress bar and a colour."""

    label: str
    value: str = ""
    bar: float | None = None
    color: str = ""


@dataclass(frozen=True)
class CardSection:
    title: str = ""
    body: str = ""
    rows: tuple[CardRow, ...] = ()


@dataclass(frozen=True)
class Card:
    """Structured content. Rendered as a flex bubble on LINE and as HTML on the chat page.

    ``alt_text`` is what a phone shows in notifications and what screen readers read: it must say
    the essentials on its own.
    """

    title: str
    alt_text: str
    subtitle: str = ""
    sections: tuple[CardSection, ...] = ()
    footer: str = ""
    buttons: tuple[Choice, ...] = ()


Message = Text | Card


@dataclass(frozen=True)
class Reply:
    """What the bot answers: up to five messages and some quick replies."""

    messages: tuple[Message, ...] = ()
    choices: tuple[Choice, ...] = ()
    #: Handler that produced the reply (for logs and metrics).
    handler: str = ""
    #: What the reply was about (an entry id, "passage:<id>"), remembered for follow-up questions.
    topic: str = ""
    #: The question it answered about the topic ("TQA เริ่มใช้ปีไหน"), remembered with it ("แล้ว PMQA ล่ะ").
    topic_question: str = ""

    @staticmethod
    def text(text: str, choices: tuple[Choice, ...] | list[Choice] = (), handler: str = "") -> Reply:
        return Reply(messages=(Text(text),), choices=tuple(choices), handler=handler)

    def visible_text(self) -> str:
        """Everything a person reads (texts, card texts and alt texts), for evaluation and tests."""
        parts: list[str] = []
        for m in self.messages:
            if isinstance(m, Text):
                parts.append(m.text)
            else:
                parts.extend([m.alt_text, m.title, m.subtitle])
                for s in m.sections:
                    parts.extend([s.title, s.body])
                    parts.extend(f"{r.label} {r.value}" for r in s.rows)
                parts.append(m.footer)
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Push:
    """A message to someone other than the sender (e.g. an admin asked to approve)."""

    to: str
    reply: Reply


def reply_to_dict(reply: Reply) -> dict:
    """A JSON-safe form of a reply, for the outbox (what ``dataclasses.asdict`` gives, tuples as lists,
    without its deep copies: every field here is a string, a number, None or another of these types)."""
    return {
        "messages": [{"type": "card" if isinstance(m, Card) else "text", **_plain_fields(m)} for m in reply.messages],
        "choices": [_plain_fields(c) for c in reply.choices],
        "handler": reply.handler,
        "topic": reply.topic,
        "topic_question": reply.topic_question,
    }


def _plain_fields(obj: object) -> dict:
    return {name: _plain(value) for name, value in vars(obj).items()}


def _plain(value: object) -> object:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return _plain_fields(value)
    return value


def _choice(raw: dict) -> Choice:
    return Choice(**raw)


def reply_from_dict(raw: dict) -> Reply:
    messages: list[Message] = []
    for m in raw.get("messages", []):
        m = dict(m)
        kind = m.pop("type", "text")
        if kind == "text":
            messages.append(Text(**m))
        else:
            sections = tuple(
                CardSection(title=s["title"], body=s["body"], rows=tuple(CardRow(**r) for r in s["rows"]))
                for s in m.pop("sections", [])
            )
            buttons = tuple(_choice(b) for b in m.pop("buttons", []))
            messages.append(Card(sections=sections, buttons=buttons, **m))
    return Reply(
        messages=tuple(messages),
        choices=tuple(_choice(c) for c in raw.get("choices", [])),
        handler=raw.get("handler", ""),
    )
