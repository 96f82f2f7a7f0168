"""A direct request (chat page, terminal) and a LINE event go through one answering path: the rate limit counts
the same messages for both."""

from __future__ import annotations

from typing import Any

from core.messages import Request
from tests.conftest import make_settings
from tests.line_fake import FakeLine, body_of, sign, text_event


def test_the_rate_limit_holds_for_a_direct_request_too(sqlite_url: str, fake_line: FakeLine):
    from bot import create_app

    app = create_app(make_settings(sqlite_url, fake_line, rate_limit_per_minute=2), start_workers=False)
    engine: Any = app.config["BOT_ENGINE"]
    person = "U" + "5" * 32
    try:
        assert engine.answer(Request(user_id=person, text="หมวด 1")).handler != "rate-limit"
        for n in (1, 2):
            raw = body_of(text_event(f"หมวด {n}", person))
            assert app.test_client().post("/callback", data=raw, headers={"X-Line-Signature": sign(raw)}).status_code \
                == 200
        engine.drain()
        limited = engine.answer(Request(user_id=person, text="หมวด 3"))
        assert limited.handler == "rate-limit" and "ถี่เกินไป" in limited.visible_text()
        assert engine.answer(Request(user_id="U" + "6" * 32, text="หมวด 3")).handler != "rate-limit"
    finally:
        engine.dispose()
