"""On SQLite the webhook's events wait in a database file of their own (``db/session.py: inbox_database_url``), so
that acknowledging LINE never queues behind an answer holding the main file's write lock. SQLite commits each file
apart: these tests hold the bot to "answered once" across the gap between the two commits."""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from db.models import AnsweredEvent, InboundEvent
from db.session import database_url, inbox_database_url
from tests.conftest import make_settings
from tests.line_fake import FakeLine, body_of, postback_event, sign, text_event


def _post(app: Any, *events: dict) -> int:
    raw = body_of(*events)
    return app.test_client().post("/callback", data=raw, headers={"X-Line-Signature": sign(raw)}).status_code


def _inbox(engine: Any) -> dict[str, tuple[str, str]]:
    """Each stored event's (status, handler), by webhook event id."""
    with engine.inbox_sessions() as s:
        return {r.webhook_event_id: (r.status, r.handler) for r in s.scalars(select(InboundEvent))}


def test_the_inbox_is_a_file_beside_a_sqlite_database_and_the_same_database_otherwise():
    assert inbox_database_url("sqlite:////srv/bot/bot.sqlite3") == "sqlite:////srv/bot/bot.inbox.sqlite3"
    assert inbox_database_url("sqlite:///data.db") == "sqlite:///data.inbox.db"
    for same in ("sqlite://", "sqlite:///:memory:", "postgresql+psycopg://bot@db/bot"):
        assert inbox_database_url(same) == same
    assert inbox_database_url("postgres://bot@db/bot") == database_url("postgres://bot@db/bot")


@given(st.from_regex(r"/[a-z]{1,8}(/[a-z0-9_-]{1,8}){0,3}(\.[a-z0-9]{1,7})?", fullmatch=True))
def test_the_inbox_file_is_always_another_file_in_the_same_folder(path: str):
    url = f"sqlite:///{path}"
    inbox = Path(inbox_database_url(url).split("///", 1)[1])
    assert inbox != Path(path) and inbox.parent == Path(path).parent and ".inbox" in inbox.name


def test_the_webhook_acknowledges_while_an_answer_holds_the_main_files_write_lock(sqlite_url: str,
                                                                                  fake_line: FakeLine):
    from bot import create_app

    app = create_app(make_settings(sqlite_url, fake_line), start_workers=False)
    engine = app.config["BOT_ENGINE"]
    main_path = sqlite_url.split("///", 1)[1]
    # Another process's long answering transaction: the bot's queue for the main file, and SQLite's own lock.
    queue = os.open(f"{main_path}.writelock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(queue, fcntl.LOCK_EX)
    holder = sqlite3.connect(main_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    statuses: list[int] = []
    event = text_event("หมวด 1")
    try:
        poster = threading.Thread(target=lambda: statuses.append(_post(app, event)), daemon=True)
        poster.start()
        poster.join(timeout=20)
        assert statuses == [200], "the webhook waited for the main file's lock"
        assert _inbox(engine)[event["webhookEventId"]] == ("pending", "")
    finally:
        holder.rollback()
        holder.close()
        fcntl.flock(queue, fcntl.LOCK_UN)
        os.close(queue)
    engine.drain()
    assert fake_line.reply_for(event["replyToken"]) is not None
    assert _inbox(engine)[event["webhookEventId"]][0] == "done"
    engine.dispose()


def test_an_answer_committed_just_before_a_crash_is_not_given_again_and_its_mark_is_mended(
        sqlite_url: str, fake_line: FakeLine, monkeypatch: pytest.MonkeyPatch):
    from bot import create_app
    from core.inbox import Inbox

    settings = make_settings(sqlite_url, fake_line)
    first = create_app(settings, start_workers=False)
    events = [text_event(f"หมวด {n}", f"U{n:032d}") for n in range(1, 4)]
    assert _post(first, *events) == 200
    # The process dies after the answers commit in the main file and before the inbox's file records them.
    with monkeypatch.context() as patch:
        patch.setattr(Inbox, "finish", lambda self, marks, forgotten: None)
        leased = first.config["BOT_ENGINE"].process_next()
    assert leased is not None and len(leased) == 3
    first.config["BOT_ENGINE"].dispose()
    later = text_event("หมวด 4", "U" + "4" * 32)

    second = create_app(settings, start_workers=False)
    engine = second.config["BOT_ENGINE"]
    assert {status for status, _ in _inbox(engine).values()} == {"pending"}
    assert _post(second, later) == 200
    engine.drain()
    # Only the event that came later is answered now (the first three wait for their replies' lease) ...
    assert [r["replyToken"] for r in fake_line.replies()] == [later["replyToken"]]
    # ... and the three are marked done in the inbox with the handler that answered them.
    inbox = _inbox(engine)
    assert all(inbox[e["webhookEventId"]] == ("done", "pmqa") for e in events), inbox
    with engine.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AnsweredEvent)) == 4
    engine.dispose()


def test_events_stored_in_the_main_file_by_an_older_bot_are_moved_and_answered_once(sqlite_url: str,
                                                                                    fake_line: FakeLine):
    from bot import create_app
    from db.migrate import upgrade

    upgrade(sqlite_url)
    waiting = [text_event(f"หมวด {n}", f"U{n:032d}") for n in range(1, 4)]
    main = sqlite3.connect(sqlite_url.split("///", 1)[1])
    now = datetime.now(UTC).isoformat(sep=" ")
    with main:
        for event in waiting:
            main.execute("INSERT INTO inbound_events (webhook_event_id, event_type, source_user_id, payload, status, "
                         "attempts, handler, error, received_at) VALUES (?, 'message', ?, ?, 'pending', 0, '', '', ?)",
                         (event["webhookEventId"], event["source"]["userId"], json.dumps(event), now))
    main.close()
    app = create_app(make_settings(sqlite_url, fake_line), start_workers=False)
    engine = app.config["BOT_ENGINE"]
    assert _post(app, waiting[0]) == 200  # LINE redelivers one of them meanwhile
    engine.drain()
    assert sorted(r["replyToken"] for r in fake_line.replies()) == sorted(e["replyToken"] for e in waiting)
    assert [status for status, _ in _inbox(engine).values()] == ["done"] * 3
    with engine.sessions() as s:
        assert s.scalar(select(func.count()).select_from(InboundEvent)) == 0
    engine.dispose()


def test_an_erasure_answered_just_before_a_crash_is_finished_in_the_inbox_after_the_restart(
        sqlite_url: str, fake_line: FakeLine, monkeypatch: pytest.MonkeyPatch):
    """PDPA: "ลบข้อมูลของฉัน" erases the person's stored LINE events too, which live in the inbox's file."""
    from bot import create_app
    from core.inbox import Inbox

    person, other = "U" + "7" * 32, "U" + "8" * 32
    settings = make_settings(sqlite_url, fake_line)
    first = create_app(settings, start_workers=False)
    asked = text_event("ลบข้อมูลของฉัน", person)
    assert _post(first, text_event("หมวด 1", person), text_event("หมวด 2", other), asked) == 200
    first.config["BOT_ENGINE"].drain()
    taps = fake_line.reply_for(asked["replyToken"])["messages"][-1]["quickReply"]["items"]
    confirm = next(t["action"]["data"] for t in taps if t["action"]["data"].startswith("act:forget|"))
    confirmed = postback_event(confirm, person)
    assert _post(first, confirmed) == 200
    with monkeypatch.context() as patch:  # the process dies between the two commits
        patch.setattr(Inbox, "finish", lambda self, marks, forgotten: None)
        for reply in first.config["BOT_ENGINE"].process_next() or []:
            first.config["BOT_ENGINE"].deliver(reply)
    assert "ลบข้อมูลส่วนบุคคลของคุณเรียบร้อยแล้ว" in str(fake_line.reply_for(confirmed["replyToken"]))
    first.config["BOT_ENGINE"].dispose()
    assert any(e.get("source", {}).get("userId") == person for e in _payloads(sqlite_url))

    second = create_app(settings, start_workers=False)
    second.config["BOT_ENGINE"].drain()
    payloads = _payloads(sqlite_url)
    assert len(payloads) == 4 and not [e for e in payloads if person in json.dumps(e)]
    assert [e for e in payloads if other in json.dumps(e)]  # nobody else's events
    assert {status for status, _ in _inbox(second.config["BOT_ENGINE"]).values()} == {"done"}
    second.config["BOT_ENGINE"].dispose()


def _payloads(url: str) -> list[dict]:
    inbox = sqlite3.connect(inbox_database_url(url).split("///", 1)[1])
    try:
        return [json.loads(payload) for (payload,) in inbox.execute("SELECT payload FROM inbound_events")]
    finally:
        inbox.close()


def test_health_and_the_webhook_answer_503_while_the_inbox_file_cannot_be_opened(sqlite_url: str,
                                                                                fake_line: FakeLine):
    """The webhook's one job is storing events in the inbox's file: while it cannot, LINE hears 503 and redelivers,
    and ``/healthz`` says so; when the file is back, both recover by themselves."""
    from bot import create_app

    app = create_app(make_settings(sqlite_url, fake_line), start_workers=False)
    engine = app.config["BOT_ENGINE"]
    inbox = Path(inbox_database_url(sqlite_url).split("///", 1)[1])
    engine.dispose()
    away = [(f, f.with_name(f.name + ".away")) for f in inbox.parent.glob(inbox.name + "*")]
    for file, moved in away:
        file.rename(moved)
    inbox.mkdir()  # SQLite cannot open a folder
    event = text_event("หมวด 1")
    try:
        assert app.test_client().get("/healthz").status_code == 503
        assert _post(app, event) == 503
    finally:
        inbox.rmdir()
        for file, moved in away:
            moved.rename(file)
        engine.dispose()
    assert app.test_client().get("/healthz").status_code == 200
    assert _post(app, event) == 200
    engine.drain()
    assert fake_line.reply_for(event["replyToken"]) is not None
    engine.dispose()


def test_a_wal_grown_past_its_limit_is_emptied_without_losing_a_row(tmp_path: Path):
    from sqlalchemy import text

    from db.session import make_engine, truncate_wal_if_over

    url = f"sqlite:///{tmp_path}/wal.sqlite3"
    engine = make_engine(url)
    wal = tmp_path / "wal.sqlite3-wal"
    with engine.begin() as conn:
        conn.execute(text("PRAGMA wal_autocheckpoint=0"))  # SQLite's own checkpoints off: only ours
        conn.execute(text("CREATE TABLE t (x TEXT)"))
    for n in range(40):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (:x)"), [{"x": f"{n}-{i}" * 50} for i in range(20)])
    assert wal.stat().st_size > 64_000
    assert not truncate_wal_if_over(engine, wal.stat().st_size)  # within the limit: left alone
    assert truncate_wal_if_over(engine, 64_000)
    assert wal.stat().st_size == 0
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM t")) == 800
    engine.dispose()
