"""Answering in processes of their own: web processes wake them (``core/wake.py``) and send the replies they
hand over (``core/relay.py``). Two engines on one database stand for a web worker and an answering worker."""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client import REGISTRY
from sqlalchemy import select

from bot import create_app
from core.outbox import LEASE, Outgoing
from core.relay import MAX_DATAGRAM, ReplyInbox, ReplyRelay, decode, encode, send_socket_path
from core.wake import WakeSocket
from db.models import InboundEvent, Outbox
from tests.conftest import make_settings
from tests.line_fake import FakeLine, body_of, sign, text_event


@pytest.fixture
def run_dir() -> Iterator[str]:
    """Short on purpose: a UNIX socket's path has room for 107 bytes, pytest's tmp_path can be longer."""
    path = tempfile.mkdtemp(prefix="run", dir="/tmp")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _row(i: int, text: str = "สวัสดีค่ะ") -> Outgoing:
    return Outgoing(id=i, kind="reply", reply_token=f"token-{i}", to="U" + "1" * 32,
                    payload={"handler": "pmqa", "messages": [{"kind": "text", "text": text}]},
                    not_after=datetime(2026, 12, 1, 20, 0, tzinfo=UTC) + timedelta(seconds=i))


# ----- the wake socket -------------------------------------------------------------------


def test_a_wake_up_reaches_the_listener_and_several_are_taken_at_once(run_dir: str):
    path = f"{run_dir}/wake-0.sock"
    listener, other = WakeSocket(path), WakeSocket(path)
    other.send()  # nobody listens yet: dropped, never an error
    listener.listen()
    try:
        assert listener.wait(0.01) is False
        for _ in range(5):
            other.send()
        assert listener.wait(5.0) is True
        assert listener.wait(0.01) is False  # the five were one wake-up
    finally:
        listener.close()
        other.close()
    assert not Path(path).exists()


def test_sending_never_blocks_when_the_listener_is_busy(run_dir: str):
    """A busy answering process does not read its socket; the web worker must not wait for it."""
    listener, other = WakeSocket(f"{run_dir}/wake-0.sock"), WakeSocket(f"{run_dir}/wake-0.sock")
    listener.listen()
    try:
        for _ in range(1000):  # far beyond the socket's queue
            other.send()
        assert listener.wait(1.0) is True
    finally:
        listener.close()
        other.close()


# ----- the relay ---------------------------------------------------------------------------

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 2**62), texts, st.integers(1, 5),
                          st.datetimes(timezones=st.just(UTC)) | st.none()), max_size=8))
def test_replies_cross_the_relay_unchanged(rows: list[tuple[int, str, int, datetime | None]]):
    sent = [Outgoing(id=i, kind="push", reply_token="", to="U1", retry_key="k", attempts=attempts, not_after=at,
                     payload={"messages": [{"kind": "text", "text": text}]}) for i, text, attempts, at in rows]
    assert decode(encode(sent)) == sent


def test_a_batch_is_spread_over_the_web_workers_and_arrives_whole(run_dir: str):
    received: list[Outgoing] = []
    got_all = threading.Event()

    def deliver(rows: list[Outgoing]) -> None:
        received.extend(rows)
        if len(received) >= 10:
            got_all.set()

    inboxes = [ReplyInbox(send_socket_path(run_dir, pid), deliver, idle=lambda: None) for pid in (101, 102)]
    for inbox in inboxes:
        inbox.start()
    relay = ReplyRelay(run_dir)
    try:
        rows = [_row(i) for i in range(10)]
        assert relay.hand_over(rows) == []
        assert got_all.wait(5.0)
        assert sorted(received, key=lambda r: r.id) == rows
    finally:
        relay.close()
        for inbox in inboxes:
            inbox.stop()


def test_replies_nobody_takes_come_back_to_the_answering_process(run_dir: str):
    relay = ReplyRelay(run_dir)
    try:
        rows = [_row(1), _row(2)]
        assert relay.hand_over(rows) == rows  # no web worker at all
        # A web worker that died without removing its socket file.
        dead = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        dead.bind(send_socket_path(run_dir, 999))
        dead.close()
        relay = ReplyRelay(run_dir)
        assert relay.hand_over(rows) == rows
        assert relay.hand_over(rows) == rows  # and it is no longer tried
    finally:
        relay.close()


def test_a_web_worker_found_gone_does_not_drop_the_next_ones_share(run_dir: str):
    """The dead worker's socket sorts first; the live worker after it must still get its share."""
    received: list[Outgoing] = []
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    dead.bind(send_socket_path(run_dir, 100))
    dead.close()
    live = ReplyInbox(send_socket_path(run_dir, 200), received.extend, idle=lambda: None)
    live.start()
    relay = ReplyRelay(run_dir)
    try:
        rows = [_row(i) for i in range(6)]
        left = relay.hand_over(rows)
        assert left and len(left) < len(rows)  # the dead worker's share came back
        assert _wait_until(lambda: len(received) == len(rows) - len(left), timeout=5)
        assert sorted(left + received, key=lambda r: r.id) == rows  # every reply either came back or arrived
    finally:
        relay.close()
        live.stop()


def test_a_reply_too_big_for_a_datagram_is_sent_by_the_answering_process(run_dir: str):
    inbox = ReplyInbox(send_socket_path(run_dir, 101), lambda rows: None, idle=lambda: None)
    inbox.start()
    relay = ReplyRelay(run_dir)
    try:
        huge = _row(1, "ก" * MAX_DATAGRAM)
        assert relay.hand_over([huge]) == [huge]
    finally:
        relay.close()
        inbox.stop()


# ----- a web worker and an answering worker on one database --------------------------------


def _pair(db_url: str, fake_line: FakeLine, run_dir: str, **overrides: Any) -> tuple[Any, Any]:
    """A web worker's app and an answering worker's app, as gunicorn.conf.py sets them up."""
    settings_ = make_settings(db_url, fake_line, run_dir=run_dir, answer_processes=1, **overrides)
    web = create_app(settings_, start_workers=False)
    answering = create_app(settings_, start_workers=False)
    return web, answering


def _post(app: Any, *events: dict[str, Any]) -> None:
    raw = body_of(*events)
    response = app.test_client().post("/callback", data=raw, headers={"X-Line-Signature": sign(raw)})
    assert response.status_code == 200


def _wait_until(condition: Any, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _outbox_statuses(engine: Any) -> list[str]:
    with engine.sessions() as s:
        return list(s.scalars(select(Outbox.status)))


def test_the_web_worker_wakes_the_answering_worker_and_sends_its_replies(db_url: str, fake_line: FakeLine,
                                                                          run_dir: str):
    web, answering = _pair(db_url, fake_line, run_dir)
    web_engine, answering_engine = web.config["BOT_ENGINE"], answering.config["BOT_ENGINE"]
    # Only a wake-up can get the answering worker going within the test, and only the web worker can
    # reach LINE: the answering worker has no sender, so a reply it sent itself would be "skipped".
    answering_engine.idle_poll = 60.0
    answering_engine.sender = None
    answering_engine.start_workers(slot=0)
    web_engine.start_sending_for_answerers()
    try:
        assert _wait_until(lambda: Path(run_dir, "wake-0.sock").exists())
        events = [text_event(f"หมวด {n}", f"U{n:032d}") for n in range(1, 6)]
        _post(web, *events)
        replies = fake_line.wait_for_replies(len(events), timeout=20)
        assert sorted(r["replyToken"] for r in replies) == sorted(e["replyToken"] for e in events)
        # The web worker records what it sent (within its idle interval), once each.
        assert _wait_until(lambda: _outbox_statuses(web_engine) == ["sent"] * len(events))
        with web_engine.inbox_sessions() as s:
            assert set(s.scalars(select(InboundEvent.status))) == {"done"}
    finally:
        web_engine.stop_workers()
        answering_engine.stop_workers()
        web_engine.dispose()
        answering_engine.dispose()
    assert not list(Path(run_dir).glob("*.sock"))  # both took their sockets with them


def test_replies_a_web_worker_took_and_never_sent_are_sent_after_their_lease(sqlite_url: str, fake_line: FakeLine,
                                                                             run_dir: str):
    """A web worker that dies holding replies: nothing is lost, the answering worker sends them later."""
    web, answering = _pair(sqlite_url, fake_line, run_dir)
    web_engine, answering_engine = web.config["BOT_ENGINE"], answering.config["BOT_ENGINE"]
    swallowed: list[Outgoing] = []
    dying = ReplyInbox(send_socket_path(run_dir, 4242), swallowed.extend, idle=lambda: None)
    dying.start()
    answering_engine.start_workers(slot=0)
    try:
        events = [text_event(f"ประเด็น 1.{n}", f"U{n:032d}") for n in range(1, 4)]
        _post(web, *events)
        assert _wait_until(lambda: len(swallowed) == len(events))
        dying.stop()
        assert fake_line.replies() == [] and _outbox_statuses(answering_engine) == ["sending"] * len(events)
        later = datetime.now(UTC) + LEASE + timedelta(seconds=1)
        answering_engine.clock = lambda: later
        answering_engine.wake()
        replies = fake_line.wait_for_replies(len(events), timeout=20)
        assert sorted(r["replyToken"] for r in replies) == sorted(e["replyToken"] for e in events)
    finally:
        dying.stop()
        answering_engine.stop_workers()
        web_engine.stop_workers()
        answering_engine.dispose()
        web_engine.dispose()
    assert _outbox_statuses(web_engine) == ["sent"] * len(events)


def _batches() -> tuple[float, float]:
    """(transactions, events) the answering workers of this process have recorded so far."""
    return (REGISTRY.get_sample_value("bot_answer_batch_events_count") or 0.0,
            REGISTRY.get_sample_value("bot_answer_batch_events_sum") or 0.0)


@pytest.mark.parametrize("gather", [1.5, 0.0])
def test_a_woken_answering_worker_gathers_the_events_of_several_requests_into_one_transaction(
        sqlite_url: str, fake_line: FakeLine, run_dir: str, gather: float):
    """Five webhook requests, one after another: with a gathering window the worker, woken by the first,
    answers all five in one transaction; claiming at once, it answers the first alone."""
    web, answering = _pair(sqlite_url, fake_line, run_dir, answer_gather=gather)
    web_engine, answering_engine = web.config["BOT_ENGINE"], answering.config["BOT_ENGINE"]
    answering_engine.idle_poll = 60.0
    answering_engine.start_workers(slot=0)
    try:
        assert _wait_until(lambda: Path(run_dir, "wake-0.sock").exists())
        before = _batches()
        events = [text_event(f"หมวด {n}", f"U{n:032d}") for n in range(1, 6)]
        for event in events:
            _post(web, event)
            time.sleep(0.05)  # the requests arrive apart, as LINE's do
        fake_line.wait_for_replies(len(events), timeout=20)
        transactions, answered = (after - was for after, was in zip(_batches(), before, strict=True))
        assert answered == len(events)
        assert transactions == 1 if gather else transactions > 1
    finally:
        answering_engine.stop_workers()
        web_engine.dispose()
        answering_engine.dispose()


def test_sqlite_write_lock_waits_and_holds_are_measured_by_process_role_and_file(sqlite_url: str,
                                                                                fake_line: FakeLine, run_dir: str):
    from core.observability import PROCESS_ROLE

    web, _answering = _pair(sqlite_url, fake_line, run_dir)
    engine = web.config["BOT_ENGINE"]
    role = PROCESS_ROLE["name"]

    def count(what: str, database: str) -> float:
        return REGISTRY.get_sample_value(f"bot_sqlite_write_lock_{what}_seconds_count",
                                         {"role": role, "database": database}) or 0.0

    try:
        before = {database: count("hold", database) for database in ("main", "inbox")}
        _post(web, text_event("หมวด 1", "U" + "1" * 32))
        engine.drain()
        # The webhook's group commit and the answered mark in the inbox's file; the answer in the main one.
        assert count("hold", "inbox") >= before["inbox"] + 2
        assert count("hold", "main") >= before["main"] + 1
        assert count("wait", "inbox") >= 2 and count("wait", "main") >= 1
    finally:
        engine.dispose()
