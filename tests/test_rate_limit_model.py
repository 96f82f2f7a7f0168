"""The per-user rate limit, against a plain model of it: whatever the timing and the batching, the n-th message
in a minute (n > limit) is refused, politely once, and the others are answered."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot import create_app
from db.models import InboundEvent, Outbox
from tests.conftest import make_settings
from tests.line_fake import FakeLine, body_of, sign, text_event

LIMIT = 3
BASE = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def expected(events: list[tuple[int, float]]) -> list[str]:
    """The rule, one event at a time: an event is refused when its sender sent ``LIMIT`` or more messages in
    the minute before it; the first refusal is polite ("polite"), later ones are silent ("silent")."""
    outcomes = []
    for i, (who, at) in enumerate(events):
        before = sum(1 for other, then in events[:i] if other == who and then > at - 60)
        outcomes.append("answered" if before < LIMIT else "polite" if before == LIMIT else "silent")
    return outcomes


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(gaps=st.lists(st.tuples(st.integers(0, 2), st.sampled_from([0.0, 0.5, 5.0, 20.0, 59.0, 61.0])),
                     min_size=1, max_size=14),
       per_batch=st.integers(1, 8))
def test_rate_limit_matches_its_plain_rule(sqlite_url: str, fake_line: FakeLine, gaps: list[tuple[int, float]],
                                           per_batch: int):
    app = create_app(make_settings(sqlite_url, fake_line, rate_limit_per_minute=LIMIT,
                                   events_per_transaction=per_batch), start_workers=False)
    engine = app.config["BOT_ENGINE"]
    people = ["U" + uuid.uuid4().hex for _ in range(3)]  # new people for every example
    events: list[tuple[int, float]] = []
    at = 0.0
    for who, gap in gaps:
        at += gap
        events.append((who, at))
    ids: list[str] = []
    try:
        for who, at in events:
            event = text_event("หมวด 1", people[who])
            ids.append(event["webhookEventId"])
            engine.clock = lambda at=at: BASE + timedelta(seconds=at)
            raw = body_of(event)
            assert app.test_client().post("/callback", data=raw,
                                          headers={"X-Line-Signature": sign(raw)}).status_code == 200
        engine.drain()
        with engine.inbox_sessions() as s:
            rows: dict[str, Any] = {r.webhook_event_id: r for r in s.scalars(
                select(InboundEvent).where(InboundEvent.webhook_event_id.in_(ids)))}
        with engine.sessions() as s:
            # Read from the outbox: a polite refusal whose reply token ran out is not sent, but was written.
            polite = {o.reply_token for o in s.scalars(select(Outbox)) if "ถี่เกินไป" in str(o.payload)}
        seen = []
        for event_id in ids:
            row = rows[event_id]
            assert row.status == "done"
            if row.handler != "rate-limit":
                seen.append("answered")
            else:
                seen.append("polite" if row.payload["replyToken"] in polite else "silent")
        assert seen == expected(events)
    finally:
        engine.dispose()
