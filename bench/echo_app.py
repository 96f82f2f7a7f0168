"""The baseline: the smallest correct LINE bot, written the way line-bot-sdk's own Flask echo example is.

It verifies the signature, parses the events with the SDK and replies *inside* the webhook request, with no
storage, no retries and no understanding. Served with the bot's gunicorn.conf.py, it shows what the
framework, the SDK and the machine cost by themselves: the bot is measured against it.
``gunicorn -c gunicorn.conf.py 'bench.echo_app:app'``
"""

from __future__ import annotations

import os

from flask import Flask, abort, jsonify, request
from linebot.v3 import WebhookHandler
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, ReplyMessageRequest, TextMessage
from linebot.v3.webhooks import MessageEvent, TextMessageContent

app = Flask(__name__)
configuration = Configuration(host=os.environ.get("LINE_API_BASE_URL", "https://api.line.me"),
                              access_token=os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", ""))
handler = WebhookHandler(os.environ.get("LINE_CHANNEL_SECRET", ""))


@app.route("/callback", methods=["POST"])
def callback() -> str:
    signature = request.headers.get("X-Line-Signature", "")
    body = request.get_data(as_text=True)
    try:
        handler.handle(body, signature)
    except InvalidSignatureError:
        abort(400)
    return "OK"


@handler.add(MessageEvent, message=TextMessageContent)
def handle_message(event: MessageEvent) -> None:
    # A new ApiClient per event, as in the SDK's example.
    with ApiClient(configuration) as api_client:
        MessagingApi(api_client).reply_message(
            ReplyMessageRequest(reply_token=event.reply_token, messages=[TextMessage(text=event.message.text)])
        )


@app.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    """Same readiness probe as the bot, so the benchmark treats both servers alike."""
    return jsonify(status="ok")
