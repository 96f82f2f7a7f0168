"""What the per-event speed-ups must not change: each fast path against the plain definition it replaced."""

from __future__ import annotations

import json
from dataclasses import asdict, replace

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql, sqlite

from core.messages import Card, CardRow, CardSection, Choice, Reply, Text, reply_from_dict, reply_to_dict
from core.statements import Statements
from handlers.common import command, is_command
from tests.conftest import Bot
from tests.test_kpi_chat import MANAGER, STAFF, confirm_data, register

texts = st.text(max_size=30)
choices = st.builds(Choice, label=texts, text=texts, data=texts, action=st.sampled_from(["message", "postback"]))
rows = st.builds(CardRow, label=texts, value=texts,
                 bar=st.none() | st.floats(0, 100, allow_nan=False), color=st.sampled_from(["", "#06C755"]))
sections = st.builds(CardSection, title=texts, body=texts, rows=st.lists(rows, max_size=3).map(tuple))
cards = st.builds(Card, title=texts, alt_text=texts, subtitle=texts, sections=st.lists(sections, max_size=3).map(tuple),
                  footer=texts, buttons=st.lists(choices, max_size=2).map(tuple))
replies = st.builds(Reply, messages=st.lists(st.builds(Text, texts) | cards, max_size=5).map(tuple),
                    choices=st.lists(choices, max_size=4).map(tuple), handler=texts)


def as_dataclasses_did(reply: Reply) -> dict:
    """The outbox form as ``dataclasses.asdict`` wrote it before (rows stored then are read back now)."""
    out = asdict(replace(reply, messages=()))
    out["messages"] = [{"type": "card" if isinstance(m, Card) else "text", **asdict(m)} for m in reply.messages]
    return out


@settings(max_examples=200, deadline=None)
@given(replies)
def test_outbox_form_is_what_asdict_gave_and_reads_back(reply: Reply):
    stored = json.loads(json.dumps(reply_to_dict(reply)))
    assert stored == json.loads(json.dumps(as_dataclasses_did(reply)))
    assert reply_from_dict(stored) == reply


command_words = st.sampled_from(["ยกเลิก", "ยืนยัน", "ok", "OK ", "ไม่มี", "-", "เมนู", "บันทึก กิจกรรม"])
words = st.lists(command_words | st.text(max_size=8), min_size=1, max_size=5)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["ยกเลิก", " Ok ", "ยืนยัน", "บันทึกกิจกรรม", "ไม่ มี", ""]) | st.text(max_size=12), words)
def test_is_command_matches_the_plain_definition(text: str, candidates: list[str]):
    assert is_command(text, *candidates) == any(command(text) == command(w) for w in candidates)


def test_claims_skip_locked_rows_on_postgresql_only():
    pg = str(Statements.build("postgresql", 16).claim.compile(dialect=postgresql.dialect()))
    lite = str(Statements.build("sqlite", 16).claim.compile(dialect=sqlite.dialect()))
    assert "FOR UPDATE SKIP LOCKED" in pg and "LIMIT" in pg
    assert "FOR UPDATE" not in lite


def test_status_is_scored_anew_after_a_result_is_recorded(bot: Bot):
    """Round scores are memoised per set of results: a new result must show at once in the status card."""
    register(bot, STAFF, "staff")
    register(bot, MANAGER, "manager")
    assert "70.00 / 70" in bot.say("สถานะ KPI", STAFF)
    bot.say("บันทึกผล ตัวชี้วัดที่ 3 1,687,118.5", MANAGER)
    bot.tap(confirm_data(bot), MANAGER)
    after = bot.say("สถานะ KPI", STAFF)
    assert "69.38 / 70" in after or "69.375 / 70" in after, after
    assert "70.00 / 70" not in after
