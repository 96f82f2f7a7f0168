"""The local chat page: the same handlers as LINE, in a browser, for trying the bot without LINE.

On by default only when no LINE credentials are set; with credentials it needs
``CHAT_PAGE_ENABLED=1`` and a ``CHAT_PAGE_PASSWORD`` (HTTP basic auth, any user name).
"""

from __future__ import annotations

import hmac
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request

from core.config import Settings
from core.messages import Request, reply_to_dict

chat_page = Blueprint("chat_page", __name__)
PAGE = Path(__file__).resolve().parent / "static" / "chat.html"
MAX_TEXT = 5000


@chat_page.before_request
def _guard() -> Response | None:
    settings: Settings = current_app.config["BOT_SETTINGS"]
    if not settings.chat_page_password:
        return None
    auth = request.authorization
    if auth is None or not hmac.compare_digest((auth.password or "").encode(), settings.chat_page_password.encode()):
        return Response("ต้องใส่รหัสผ่าน", 401, {"WWW-Authenticate": 'Basic realm="chat"'})
    return None


@chat_page.get("/")
@chat_page.get("/chat")
def page() -> Response:
    return Response(PAGE.read_text(encoding="utf-8"), mimetype="text/html")


@chat_page.post("/chat/api/message")
def message() -> Response:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="ต้องส่ง JSON"), 400  # type: ignore[return-value]
    user = str(body.get("user") or "Ulocal-chat")[:64]
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
