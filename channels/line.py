"""Everything LINE-specific: signature check, the webhook route, reading events, rendering replies into
Messaging API messages within LINE's limits, and sending them.

Handlers never see any of this: an event becomes a :class:`core.messages.Request` here, and a
:class:`core.messages.Reply` becomes Messaging API JSON here.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request
from linebot.v3.exceptions import InvalidSignatureError  # noqa: F401  (documented error type)
from linebot.v3.webhook import SignatureValidator
from sqlalchemy.exc import DBAPIError, OperationalError

from channels.errors import PermanentSendError
from channels.flex import card_to_bubble
from core.config import Settings
from core.inbox import Incoming, NewEvent
from core.messages import Card, Choice, Reply, Request, Text
from core.observability import ACK_LATENCY, WEBHOOK_REQUESTS
from db.models import Outbox

log = logging.getLogger(__name__)

MAX_MESSAGES = 5
MAX_TEXT_UNITS = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_POSTBACK_DATA = 300
MAX_ACTION_TEXT = 300
MAX_URI = 1000
MAX_ALT_TEXT = 400
MAX_BUBBLE_BYTES = 30_000
REPLY_PATH = "/v2/bot/message/reply"
PUSH_PATH = "/v2/bot/message/push"

# ----------------------------------------------------------------------------------------------
# Limits


def utf16_units(text: str) -> int:
    """LINE counts text length in UTF-16 code units (an emoji outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def _cut_units(text: str, limit: int) -> int:
    """The largest prefix length (in code points) of ``text`` within ``limit`` UTF-16 units."""
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return i
    return len(text)


def split_text(text: str, limit: int = MAX_TEXT_UNITS) -> list[str]:
    """Split a long answer at paragraph, line, sentence-space or word boundaries, never inside a
    Thai character cluster, into pieces of at most ``limit`` UTF-16 units."""
    pieces: list[str] = []
    rest = text.strip()
    while utf16_units(rest) > limit:
        hard = _cut_units(rest, limit)
        window = rest[:hard]
        cut = -1
        for sep in ("\n\n", "\n", " ", "\u200b"):
            pos = window.rfind(sep)
            if pos > hard // 3:
                cut = pos
                break
        if cut <= 0:
            cut = hard
            # Do not strand a combining Thai mark at the start of the next piece.
            while cut > 1 and _is_thai_mark(rest[cut]):
                cut -= 1
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _is_thai_mark(ch: str) -> bool:
    return ch in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"


def _clip(text: str, limit: int) -> str:
    if utf16_units(text) <= limit:
        return text
    return text[: _cut_units(text, limit - 1)] + "…"


# ----------------------------------------------------------------------------------------------
# Rendering


def render_action(choice: Choice) -> dict[str, Any]:
    """A Messaging API action object (``MessageAction``, ``PostbackAction``, ``DatetimePickerAction``,
    ``URIAction``)."""
    label = _clip(choice.label, MAX_LABEL)
    if choice.action == "uri" and choice.data.startswith("https://") and len(choice.data) <= MAX_URI:
        return {"type": "uri", "label": label, "uri": choice.data}
    if choice.action == "datepicker":
        return {"type": "datetimepicker", "label": label, "data": choice.data[:MAX_POSTBACK_DATA], "mode": "date"}
    if choice.action == "postback" and len(choice.data) <= MAX_POSTBACK_DATA:
        shown = _clip(choice.text or choice.label, MAX_ACTION_TEXT)
        return {"type": "postback", "label": label, "data": choice.data, "displayText": shown}
    return {"type": "message", "label": label, "text": _clip(choice.text or choice.label, MAX_ACTION_TEXT)}


def _text_message(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def render(reply: Reply) -> list[dict[str, Any]]:
    """Messaging API message objects (plain JSON, the shapes of LINE's OpenAPI spec) for a reply, within
    LINE's limits, checked here rather than by a 400. Plain dicts, not the SDK's pydantic models: building,
    validating and re-serialising those cost more CPU than everything else the bot does for an answer, and
    the tests' fake LINE API parses every request body with those same models, so the shapes stay checked."""
    out: list[dict[str, Any]] = []
    for message in reply.messages:
        if isinstance(message, Text):
            out.extend(_text_message(piece) for piece in split_text(message.text) if piece)
        elif isinstance(message, Card):
            bubble = card_to_bubble(message)
            size = len(json.dumps(bubble, ensure_ascii=False).encode("utf-8"))
            if size <= MAX_BUBBLE_BYTES:
                out.append({"type": "flex", "altText": _clip(message.alt_text or message.title, MAX_ALT_TEXT),
                            "contents": bubble})
            else:
                log.warning("card %r is %d bytes; sent as text", message.title, size)
                out.extend(_text_message(p) for p in split_text(reply_card_text(message)))
    if len(out) > MAX_MESSAGES:
        # Keep the first four and fold the rest of the texts into a fifth message.
        tail = "\n\n".join(m["text"] for m in out[MAX_MESSAGES - 1:] if m["type"] == "text")
        out = out[: MAX_MESSAGES - 1]
        if tail:
            out.append(_text_message(split_text(tail)[0]))
    if reply.choices and out:
        out[-1]["quickReply"] = {"items": [{"type": "action", "action": render_action(c)}
                                           for c in reply.choices[:MAX_QUICK_REPLIES]]}
    return out


def reply_card_text(card: Card) -> str:
    lines = [card.title, card.subtitle]
    for s in card.sections:
        lines += [s.title, s.body] + [f"{r.label}: {r.value}" for r in s.rows]
    return "\n".join(line for line in lines if line)


# ----------------------------------------------------------------------------------------------
# Events → the inbox's rows, and stored events → requests


def new_event(event: dict) -> NewEvent:
    """A webhook event as the inbox stores it: its key, kind and sender, read here once; the JSON as it came."""
    source = _dict(event.get("source"))
    return NewEvent(key=event_key(event), kind=str(event.get("type", "")), sender=str(source.get("userId", "")),
                    payload=event)


def event_key(event: dict) -> str:
    """LINE's ``webhookEventId``; for an event without one, a stable digest of its content."""
    key = event.get("webhookEventId")
    if isinstance(key, str) and key:
        return key[:64]
    import hashlib

    return "sha:" + hashlib.sha256(json.dumps(event, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:60]


def read_event(payload: dict) -> Incoming:
    """A stored event read back for answering: the request (None: nothing to answer) and its reply token."""
    return Incoming(event_to_request(payload), str(payload.get("replyToken") or ""))



def event_to_request(payload: dict) -> Request | None:
    """A plain request for an event worth answering; None for events the bot ignores.

    Read straight from the webhook JSON (the shapes of LINE's webhook OpenAPI spec) rather than through
    the SDK's pydantic models, which cost more than answering a question does; every field is
    type-checked here, so an odd event is ignored instead of failing (the fuzz tests send odd ones)."""
    if _str(payload.get("mode")) == "standby":
        return None  # another channel (e.g. a human operator) owns the chat
    source = _dict(payload.get("source"))
    chat_type = _str(source.get("type"))
    user_id = _str(source.get("userId"))
    if chat_type not in ("user", "group", "room") or not user_id:
        return None
    chat_id = _str(source.get("groupId")) or _str(source.get("roomId")) if chat_type != "user" else ""
    common = {"user_id": user_id, "chat_type": chat_type, "chat_id": chat_id[:64],
              "event_id": _str(payload.get("webhookEventId"))}
    kind = _str(payload.get("type"))
    if kind == "follow":
        return Request(kind="follow", **common)
    if kind == "postback":
        postback = _dict(payload.get("postback"))
        params = {str(k): str(v) for k, v in _dict(postback.get("params")).items() if v is not None}
        return Request(kind="postback", data=_printable(_str(postback.get("data"))), params=params, **common)
    if kind != "message":
        return None
    message = _dict(payload.get("message"))
    message_type = _str(message.get("type"))
    if message_type == "text":
        text = _str(message.get("text"))
        if chat_type != "user":
            mine = [m for m in _list(_dict(message.get("mention")).get("mentionees"))
                    if isinstance(m, dict) and m.get("isSelf") is True
                    and isinstance(m.get("index"), int) and isinstance(m.get("length"), int)]
            if not mine:
                return None
            for m in sorted(mine, key=lambda m: m["index"], reverse=True):
                text = text[: m["index"]] + text[m["index"] + m["length"]:]
        return Request(kind="text", text=_printable(text).strip(), **common)
    if chat_type != "user" or not message_type:
        return None
    if message_type == "sticker":
        return Request(kind="sticker", **common)
    if message_type == "location":
        return Request(kind="location", **common)
    return Request(kind="media", **common)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _printable(text: str) -> str:
    """Without NUL characters (LINE never sends them; PostgreSQL text cannot store them)."""
    return text.replace("\x00", "")


# ----------------------------------------------------------------------------------------------
# Sending


class LineSender:
    """Talks to the Messaging API through the SDK's HTTP client, with a timeout on every call."""

    def __init__(self, settings: Settings) -> None:
        # The SDK's messaging package takes over a second to import: only a bot that sends to LINE pays for it.
        from linebot.v3.messaging import ApiClient, Configuration

        config = Configuration(host=settings.line_api_base_url, access_token=settings.line_channel_access_token)
        self.client = ApiClient(config)
        self.timeout = settings.line_api_timeout
        self.base_url = settings.line_api_base_url
        #: What ``ApiClient.call_api`` would send: its default headers (User-Agent) and the bearer token.
        self.headers = {**self.client.default_headers, "Accept": "application/json",
                        "Authorization": f"Bearer {settings.line_channel_access_token}"}

    def send(self, row: Outbox, reply: Reply) -> None:
        from linebot.v3.messaging import ApiException

        messages = render(reply)
        if not messages:
            return
        try:
            if row.kind == "reply":
                self._request("POST", REPLY_PATH, {"replyToken": row.reply_token, "messages": messages})
            else:
                headers = {"X-Line-Retry-Key": row.retry_key} if row.retry_key else {}
                self._request("POST", PUSH_PATH, {"to": row.to, "messages": messages}, headers)
        except ApiException as exc:
            if row.kind == "push" and exc.status == 409:
                return  # LINE already accepted a push with this retry key
            if exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                raise PermanentSendError(f"LINE answered {exc.status}: {(exc.body or '')[:300]}") from exc
            raise

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> bytes:
        """One call through the SDK's HTTP client (``RESTClientObject``: its urllib3 pool, timeout, and
        ``ApiException`` for an error status), as ``MessagingApi`` makes it, but without ``call_api``'s
        walk over the body and headers and without the pydantic models: on a reply that walk cost a
        sixth of the send. The bodies are plain JSON in the shapes of LINE's OpenAPI spec, and the
        tests' fake LINE API parses each one with the SDK's own models."""
        from linebot.v3.messaging import ApiException

        all_headers = {**self.headers, **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        try:
            response = self.client.rest_client.request(method, self.base_url + path, headers=all_headers,
                                                       body=body, _request_timeout=self.timeout)
        except ApiException as exc:
            if isinstance(exc.body, bytes):
                exc.body = exc.body.decode("utf-8", "replace")
            raise
        return response.data

    def display_name(self, user_id: str) -> str | None:
        try:
            data = self._request("GET", f"/v2/bot/profile/{quote(user_id, safe='')}")
            name = json.loads(data).get("displayName")
        except Exception as exc:  # a profile is nice to have, never worth failing an answer
            log.info("profile lookup failed: %s", type(exc).__name__)
            return None
        return name if isinstance(name, str) else None


# ----------------------------------------------------------------------------------------------
# Webhook


webhook = Blueprint("line_webhook", __name__)


def _bad(reason: str, status: int = 400) -> Response:
    log.info("webhook refused (%s): %s", status, reason)
    return Response(reason, status=status, mimetype="text/plain")


def _no_constants(name: str) -> None:
    """NaN and Infinity are not JSON (Python accepts them; PostgreSQL would refuse to store them)."""
    raise ValueError(f"{name} is not JSON")


def parse_body(raw: bytes) -> list[dict] | None:
    """The events of a webhook body, or None when the body is not LINE's shape."""
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(body, dict) or not isinstance(body.get("events", []), list):
        return None
    events = body.get("events", [])
    if not all(isinstance(e, dict) for e in events):
        return None
    return events


@webhook.post("/callback")
def callback() -> Response:
    started = time.perf_counter()
    response = _callback()
    ACK_LATENCY.observe(time.perf_counter() - started)
    WEBHOOK_REQUESTS.labels(str(response.status_code)).inc()
    return response


def _callback() -> Response:
    settings: Settings = current_app.config["BOT_SETTINGS"]
    if not settings.line_channel_secret:
        return _bad("LINE channel is not configured", 503)
    if request.content_length is not None and request.content_length > settings.max_body_bytes:
        return _bad("body too large", 413)
    raw = request.get_data(cache=False)
    if len(raw) > settings.max_body_bytes:
        return _bad("body too large", 413)
    signature = request.headers.get("X-Line-Signature", "")
    if not signature:
        return _bad("missing signature")
    try:
        valid = SignatureValidator(settings.line_channel_secret).validate(raw.decode("utf-8"), signature)
    except UnicodeDecodeError:
        valid = False
    if not valid:
        return _bad("invalid signature")
    events = parse_body(raw)
    if events is None:
        return _bad("malformed body")
    if not events:
        return Response("OK", mimetype="text/plain")  # LINE's "Verify" button
    try:
        current_app.config["BOT_ENGINE"].store_events([new_event(event) for event in events])
    except OperationalError:
        log.exception("could not store events; LINE will redeliver")
        return _bad("storage unavailable", 503)
    except DBAPIError:
        log.exception("events the database refused to store")
        return _bad("events could not be stored", 400)
    return Response("OK", mimetype="text/plain")
