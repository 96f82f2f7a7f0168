"""A fake LINE Messaging API on loopback (pytest-httpserver), and helpers to build signed webhooks.

The bot's real SDK client talks to it over HTTP, so tests see exactly the requests LINE would see.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from linebot.v3.messaging import PushMessageRequest, ReplyMessageRequest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

SECRET = "test-channel-secret"
TOKEN = "test-channel-access-token"
_ids = itertools.count(1)


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@dataclass
class FakeLine:
    """Records what the bot sends. ``delay`` makes every call slow; ``fail_status`` makes the next
    reply/push calls answer with those HTTP statuses (profile calls are not affected)."""

    server: HTTPServer
    delay: float = 0.0
    fail_status: list[int] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)
    fail_profiles: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    calls: list[dict[str, Any]] = field(default_factory=list)
    used_tokens: set[str] = field(default_factory=set)
    retry_keys: set[str] = field(default_factory=set)
    #: Request bodies LINE would refuse as malformed (each with the SDK model's complaint).
    malformed: list[str] = field(default_factory=list)

    def install(self) -> None:
        self.server.expect_request("/v2/bot/message/reply", method="POST").respond_with_handler(self._reply)
        self.server.expect_request("/v2/bot/message/push", method="POST").respond_with_handler(self._push)
        self.server.expect_request(
            __import__("re").compile(r"^/v2/bot/profile/[^/]+$"), method="GET"
        ).respond_with_handler(self._profile)

    @property
    def base_url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def _record(self, request: Request) -> tuple[dict[str, Any], Response | None]:
        if self.delay:
            time.sleep(self.delay)
        body = json.loads(request.get_data() or b"{}") if request.method == "POST" else {}
        call = {"path": request.path, "headers": dict(request.headers), "body": body}
        with self.lock:
            self.calls.append(call)
            failing = request.method == "POST" and self.fail_status
            status = self.fail_status.pop(0) if failing else 0
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            denied = json.dumps({"message": "Authentication failed"})
            return call, Response(denied, 401, content_type="application/json")
        if status:
            return call, Response(json.dumps({"message": "fake failure"}), status, content_type="application/json")
        return call, None

    def _malformed(self, call: dict[str, Any], model: Any) -> Response | None:
        """LINE's 400 for a body that is not the Messaging API's shape. The SDK's models are generated
        from LINE's OpenAPI spec; the bot builds plain JSON, so every body it sends is checked here by
        parsing it with them and comparing the round trip."""
        try:
            parsed = model.from_dict(call["body"]).to_dict()
            same = survives_round_trip(call["body"], parsed)
        except Exception as exc:  # pydantic's ValidationError, or a wrong type inside
            same, parsed = False, f"{type(exc).__name__}: {exc}"
        if same:
            return None
        with self.lock:
            self.malformed.append(f"{call['path']}: {str(parsed)[:500]}")
        return Response(json.dumps({"message": "The request body has 1 error(s)"}), 400,
                        content_type="application/json")

    def _reply(self, request: Request) -> Response:
        call, failure = self._record(request)
        if failure:
            return failure
        if (refused := self._malformed(call, ReplyMessageRequest)) is not None:
            return refused
        token = call["body"].get("replyToken", "")
        with self.lock:
            if token in self.used_tokens:
                return Response(json.dumps({"message": "Invalid reply token"}), 400, content_type="application/json")
            self.used_tokens.add(token)
        return self._sent(call)

    def _push(self, request: Request) -> Response:
        call, failure = self._record(request)
        if failure:
            return failure
        if (refused := self._malformed(call, PushMessageRequest)) is not None:
            return refused
        key = request.headers.get("X-Line-Retry-Key", "")
        with self.lock:
            if key and key in self.retry_keys:
                return Response(json.dumps({"message": "duplicate"}), 409, content_type="application/json")
            if key:
                self.retry_keys.add(key)
        return self._sent(call)

    @staticmethod
    def _sent(call: dict[str, Any]) -> Response:
        """LINE's answer: one ``sentMessages`` entry per message sent."""
        sent = [{"id": f"{next(_ids)}", "quoteToken": f"qt{next(_ids)}"} for _ in call["body"].get("messages", [])]
        return Response(json.dumps({"sentMessages": sent}), 200, content_type="application/json")

    def _profile(self, request: Request) -> Response:
        call, failure = self._record(request)
        if failure:
            return failure
        if self.fail_profiles:
            return Response(json.dumps({"message": "Not found"}), 404, content_type="application/json")
        user_id = request.path.rsplit("/", 1)[-1]
        name = self.profiles.get(user_id, "คุณทดสอบ")
        return Response(json.dumps({"userId": user_id, "displayName": name}), 200, content_type="application/json")

    # ----- reading what was sent -------------------------------------------------------------
    def replies(self) -> list[dict[str, Any]]:
        with self.lock:
            return [c["body"] for c in self.calls if c["path"] == "/v2/bot/message/reply"]

    def pushes(self) -> list[dict[str, Any]]:
        with self.lock:
            return [c for c in self.calls if c["path"] == "/v2/bot/message/push"]

    def reply_for(self, token: str) -> dict[str, Any] | None:
        return next((r for r in self.replies() if r.get("replyToken") == token), None)

    def wait_for_replies(self, n: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.replies()) >= n:
                return self.replies()
            time.sleep(0.02)
        return self.replies()


def survives_round_trip(sent: Any, parsed: Any) -> bool:
    """Whether everything sent survives the SDK model's round trip (a misspelt field is dropped, a wrong
    type refused); fields the model adds with their defaults do not matter."""
    if isinstance(sent, dict):
        return isinstance(parsed, dict) and all(
            k in parsed and survives_round_trip(v, parsed[k]) for k, v in sent.items())
    if isinstance(sent, list):
        return isinstance(parsed, list) and len(sent) == len(parsed) and all(map(survives_round_trip, sent, parsed))
    return sent == parsed


def text_of(reply_body: dict[str, Any]) -> str:
    """What a person reads in a reply request: text messages, alt texts and flex texts."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "text" and isinstance(node.get("text"), str):
                parts.append(node["text"])
            for k, v in node.items():
                if k not in {"action", "quickReply"}:
                    walk(v)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for m in reply_body.get("messages", []):
        if m.get("type") == "flex":
            parts.append(m.get("altText", ""))
        walk(m)
    return "\n".join(parts)


def event_id() -> str:
    return f"01TESTEVENT{next(_ids):015d}"


def source(user: str, chat: str = "user", chat_id: str = "") -> dict[str, Any]:
    if chat == "group":
        return {"type": "group", "groupId": chat_id or "Cgroup", "userId": user}
    if chat == "room":
        return {"type": "room", "roomId": chat_id or "Rroom", "userId": user}
    return {"type": "user", "userId": user}


def text_event(text: str, user: str = "U" + "1" * 32, *, chat: str = "user", mention_self: bool = False,
               mode: str = "active", eid: str | None = None, token: str | None = None) -> dict[str, Any]:
    eid = eid or event_id()
    message: dict[str, Any] = {"type": "text", "id": eid[-10:], "quoteToken": "qt-" + eid, "text": text}
    if mention_self:
        message["text"] = "@NSO Bot " + text
        mentionee = {"index": 0, "length": 8, "type": "user", "userId": "Ubot", "isSelf": True}
        message["mention"] = {"mentionees": [mentionee]}
    return {
        "type": "message", "mode": mode, "timestamp": 1_700_000_000_000, "webhookEventId": eid,
        "deliveryContext": {"isRedelivery": False}, "replyToken": token or ("rt-" + eid),
        "source": source(user, chat), "message": message,
    }


def postback_event(data: str, user: str = "U" + "1" * 32, params: dict[str, str] | None = None,
                   eid: str | None = None) -> dict[str, Any]:
    eid = eid or event_id()
    postback: dict[str, Any] = {"data": data}
    if params:
        postback["params"] = params
    return {
        "type": "postback", "mode": "active", "timestamp": 1_700_000_000_000, "webhookEventId": eid,
        "deliveryContext": {"isRedelivery": False}, "replyToken": "rt-" + eid,
        "source": source(user), "postback": postback,
    }


def simple_event(kind: str, user: str = "U" + "1" * 32, **extra: Any) -> dict[str, Any]:
    eid = event_id()
    event = {"type": kind, "mode": "active", "timestamp": 1_700_000_000_000, "webhookEventId": eid,
             "deliveryContext": {"isRedelivery": False}, "replyToken": "rt-" + eid, "source": source(user)}
    event.update(extra)
    return event


def body_of(*events: dict[str, Any]) -> bytes:
    return json.dumps({"destination": "Ubotdestination", "events": list(events)}, ensure_ascii=False).encode()
