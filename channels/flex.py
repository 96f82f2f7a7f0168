"""A plain :class:`core.messages.Card` as a LINE flex bubble (JSON), following LINE's flex schema."""

from __future__ import annotations

from typing import Any

from core.messages import Card, CardRow, CardSection

PRIMARY = "#1B5E20"
MUTED = "#666666"


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "text", "text": text or " ", "wrap": True, "size": "sm", **style}


def _bar(row: CardRow) -> dict[str, Any]:
    share = max(0.0, min(100.0, row.bar or 0.0))
    filled = {"type": "box", "layout": "vertical", "contents": [], "height": "6px",
              "backgroundColor": row.color or PRIMARY, "width": f"{max(share, 1):.0f}%"}
    return {"type": "box", "layout": "vertical", "contents": [filled], "height": "6px",
            "backgroundColor": "#E0E0E0", "cornerRadius": "3px", "margin": "xs"}


def _row(row: CardRow) -> dict[str, Any]:
    line = {"type": "box", "layout": "baseline", "spacing": "sm", "contents": [
        _text(row.label, color=MUTED, flex=5),
        _text(row.value, flex=4, align="end", weight="bold", color=row.color or "#111111"),
    ]}
    if row.bar is None:
        return line
    return {"type": "box", "layout": "vertical", "margin": "sm", "contents": [line, _bar(row)]}


def _section(section: CardSection) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    if section.title:
        parts.append(_text(section.title, weight="bold", color=PRIMARY, margin="md"))
    if section.body:
        parts.append(_text(section.body, margin="xs"))
    parts.extend(_row(r) for r in section.rows)
    return parts


def card_to_bubble(card: Card) -> dict[str, Any]:
    body: list[dict[str, Any]] = [_text(card.title, weight="bold", size="md")]
    if card.subtitle:
        body.append(_text(card.subtitle, color=MUTED, size="xs"))
    body.append({"type": "separator", "margin": "md"})
    for section in card.sections:
        body.extend(_section(section))
    bubble: dict[str, Any] = {
        "type": "bubble",
        "size": "mega",
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
    }
    footer: list[dict[str, Any]] = []
    if card.footer:
        footer.append(_text(card.footer, color=MUTED, size="xxs"))
    for button in card.buttons[:4]:
        action: dict[str, Any]
        if button.action == "postback":
            action = {"type": "postback", "label": button.label[:20], "data": button.data[:300],
                      "displayText": (button.text or button.label)[:300]}
        else:
            action = {"type": "message", "label": button.label[:20], "text": (button.text or button.label)[:300]}
        footer.append({"type": "button", "style": "primary" if not footer else "secondary",
                       "height": "sm", "action": action, "margin": "sm"})
    if footer:
        bubble["footer"] = {"type": "box", "layout": "vertical", "contents": footer}
    return bubble
