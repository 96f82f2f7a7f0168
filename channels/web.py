"""The chat page: the same handlers as LINE, in a browser.

Who the page speaks as is decided by the server, never by the request (``identity``):

* local mode (no LINE credentials, ``make run``): open, and the ``user`` in the request names a test person;
* with LINE credentials, at ``/admin/chat`` (``channels/admin``): the signed-in person of the back office;
* with LINE credentials, ``CHAT_PAGE_ENABLED=1`` and ``CHAT_PAGE_PASSWORD`` (HTTP basic auth): one fixed guest
  with no role, whoever types the password. The page never names a LINE user: a shared password would then
  open anyone's account, a manager's included.
"""

from __future__ import annotations

import hmac
from html import escape
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request

from core.config import Settings
from core.messages import Request, reply_to_dict

chat_page = Blueprint("chat_page", __name__)
PAGE = Path(__file__).resolve().parent / "static" / "chat.html"
MAX_TEXT = 5000
#: The password-protected page's one identity: not a LINE user id (those are "U" and 32 hex digits), so no
#: push is ever sent to it and BOT_ADMIN_IDS cannot name it.
GUEST_ID = "chat-page-guest"


@chat_page.before_request
def _guard() -> Response | None:
    settings: Settings = current_app.config["BOT_SETTINGS"]
    if not settings.chat_page_password:
        return None
    auth = request.authorization
    if auth is None or not hmac.compare_digest((auth.password or "").encode(), settings.chat_page_password.encode()):
        return Response("ต้องใส่รหัสผ่าน", 401, {"WWW-Authenticate": 'Basic realm="chat"'})
    return None


def page_html(api: str = "/chat/api/message", csrf: str = "") -> Response:
    html = PAGE.read_text(encoding="utf-8")
    html = html.replace('<meta name="chat-api" content="/chat/api/message">',
                        f'<meta name="chat-api" content="{escape(api)}">')
    html = html.replace('<meta name="csrf" content="">', f'<meta name="csrf" content="{escape(csrf)}">')
    return Response(html, mimetype="text/html")


@chat_page.get("/")
@chat_page.get("/chat")
def page() -> Response:
    return page_html()


def identity(body: dict) -> str:
    """Local mode only takes a name from the page (every identity there is a test one); with LINE the page
    speaks as its one guest."""
    settings: Settings = current_app.config["BOT_SETTINGS"]
    if settings.line_enabled:
        return GUEST_ID
    return str(body.get("user") or "Ulocal-chat")[:64]


@chat_page.post("/chat/api/message")
def message() -> Response:
    body = request.get_json(silent=True)
    return answer_as(identity(body) if isinstance(body, dict) else "")


def answer_as(user: str) -> Response:
    """Answer the page's message as ``user`` (decided by the server)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="ต้องส่ง JSON"), 400  # type: ignore[return-value]
    text = str(body.get("text") or "")[:MAX_TEXT]
    data = str(body.get("data") or "")[:300]
    params = body.get("params") if isinstance(body.get("params"), dict) else {}
    if data:
        req = Request(user_id=user, kind="postback", data=data, text=text,
                      params={str(k): str(v) for k, v in params.items()})
    elif text.strip():
        req = Request(user_id=user, kind="text", text=text)
    else:
        return jsonify(error="ข้อความว่าง"), 400  # type: ignore[return-value]
    reply = current_app.config["BOT_ENGINE"].answer(req)
    return jsonify(reply_to_dict(reply))
