"""The database goes away for a few seconds in the middle of traffic (PostgreSQL behind a TCP proxy
that we cut): the webhook answers 5xx for what it could not store (so LINE redelivers), the workers
survive, everything recovers by itself, and nothing is recorded twice."""

from __future__ import annotations

import select as io_select
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func
from sqlalchemy import select as sql_select

from db.models import InboundEvent
from tests.conftest import PG_URL, _drop_pg, _fresh_pg_database, make_settings
from tests.line_fake import body_of, sign, text_event

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs TEST_POSTGRES_URL (set by .ci/run)")


class CuttableProxy:
    """Forwards loopback TCP to PostgreSQL; ``cut()`` drops every connection and refuses new ones."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.target)
            with self.lock:
                self.pairs.append((client, server))
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = io_select.select([a, b], [], [], 0.5)
                if not self.up or self.stopped:
                    break
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        raise ConnectionError
                    (b if sock is a else a).sendall(data)
        except (OSError, ConnectionError):
            pass
        finally:
            for sock in (a, b):
                try:
                    sock.close()
                except OSError:
                    pass

    def cut(self) -> None:
        self.up = False
        with self.lock:
            for a, b in self.pairs:
                for sock in (a, b):
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
            self.pairs.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.stopped = True
        self.cut()
        self.listener.close()


@pytest.fixture
def proxied_url() -> Iterator[tuple[str, CuttableProxy]]:
    url = _fresh_pg_database()
    parts = urlsplit(url)
    proxy = CuttableProxy((parts.hostname or "127.0.0.1", parts.port or 5432))
    yield url.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{proxy.port}"), proxy
    proxy.close()
    _drop_pg(url)


def test_database_outage_mid_traffic(proxied_url, fake_line):
    from bot import create_app

    url, proxy = proxied_url
    app = create_app(make_settings(url, fake_line), start_workers=False)
    engine = app.config["BOT_ENGINE"]
    engine.start_workers()
    client = app.test_client()

    def post(event: dict) -> int:
        raw = body_of(event)
        return client.post("/callback", data=raw, headers={"X-Line-Signature": sign(raw)}).status_code

    before = [text_event(f"หมวด {1 + n % 7}", f"U{n:032d}") for n in range(10)]
    assert all(post(e) == 200 for e in before)
    proxy.cut()
    during = [text_event(f"ประเด็น 3.{1 + n % 4}", f"U{100 + n:032d}") for n in range(6)]
    statuses = [post(e) for e in during]
    assert all(s >= 500 for s in statuses), statuses  # not stored: LINE must redeliver
    assert client.get("/healthz").status_code == 503
    time.sleep(2)
    proxy.restore()
    # LINE redelivers what got a 5xx, and (being LINE) may redeliver some that got a 200 as well.
    deadline = time.monotonic() + 20
    pending = list(during)
    while pending and time.monotonic() < deadline:
        pending = [e for e in pending if post(e) != 200]
        time.sleep(0.2)
    assert not pending
    assert all(post(e) == 200 for e in before[:3])
    assert client.get("/healthz").status_code == 200
    expected = {e["replyToken"] for e in before + during}
    replies = fake_line.wait_for_replies(len(expected), timeout=30)
    tokens = [r["replyToken"] for r in replies]
    assert set(tokens) == expected
    assert len(tokens) == len(set(tokens))  # every event answered exactly once
    with engine.inbox_sessions() as s:
        assert s.scalar(sql_select(func.count()).select_from(InboundEvent)) == len(expected)
    assert all(t.is_alive() for t in engine._threads)  # the workers survived the outage
    engine.stop_workers()
    engine.dispose()
