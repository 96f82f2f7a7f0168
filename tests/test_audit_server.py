"""Audit (issue #14, item 5) against the real server from the Procfile: gunicorn workers SIGKILLed in the middle
of a load. Counted at the fake LINE API: every event answered, none answered twice."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

from tests.line_fake import SECRET, TOKEN, FakeLine, body_of, sign, text_event
from tests.server import Server


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _answering_pid(run_dir: str) -> int:
    lock = Path(run_dir, "answering-0.lock")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        text = lock.read_text().strip() if lock.exists() else ""
        if text:
            return int(text)
        time.sleep(0.05)
    raise TimeoutError("no worker took the answering role")


def test_workers_sigkilled_mid_load_lose_and_double_nothing(fake_line: FakeLine):
    run_dir = tempfile.mkdtemp(prefix="run", dir="/tmp")
    db_dir = tempfile.mkdtemp(prefix="db")
    server = Server({"DATABASE_URL": f"sqlite:///{db_dir}/kill.sqlite3", "LINE_CHANNEL_SECRET": SECRET,
                     "LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "LINE_API_BASE_URL": fake_line.base_url,
                     "BOT_RUN_DIR": run_dir})
    bodies = [[text_event(f"หมวด {(b * 4 + i) % 7 + 1} คืออะไร", f"U{b * 4 + i:032d}") for i in range(4)]
              for b in range(40)]
    tokens = {e["replyToken"] for body in bodies for e in body}
    failures: list[str] = []

    def post(events: list[dict]) -> None:
        """Like LINE: a request that fails (its worker killed) is delivered again, with the same event ids."""
        raw = body_of(*events)
        for _attempt in range(20):
            req = urllib.request.Request(server.url + "/callback", data=raw,
                                         headers={"Content-Type": "application/json", "X-Line-Signature": sign(raw)})
            try:
                with urllib.request.urlopen(req, timeout=5) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        failures.append(events[0]["webhookEventId"])

    try:
        server.start()
        first_answerer = _answering_pid(run_dir)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(_children(server.proc.pid)) < 3:
            time.sleep(0.1)
        fake_line.delay = 0.05  # sends take a while, so replies are in flight when the kills land
        senders = []
        for n, body in enumerate(bodies):
            t = threading.Thread(target=post, args=(body,))
            t.start()
            senders.append(t)
            time.sleep(0.02)
            if n == 12:
                os.kill(first_answerer, signal.SIGKILL)  # mid-transaction, or mid-hand-over of replies
            if n == 25:
                web = [pid for pid in _children(server.proc.pid) if pid != _answering_pid(run_dir)]
                os.kill(web[0], signal.SIGKILL)  # a web worker: its requests in flight, replies it was sending
        for t in senders:
            t.join(120)
        assert not failures
        # Replies a killed worker held are sent after their 20 s lease.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not tokens <= fake_line.used_tokens:
            time.sleep(0.2)
        time.sleep(1.0)  # anything sent twice would arrive now
    finally:
        server.stop()
        shutil.rmtree(db_dir, ignore_errors=True)
        shutil.rmtree(run_dir, ignore_errors=True)
    assert tokens <= fake_line.used_tokens, f"{len(tokens - fake_line.used_tokens)} events never answered"
    assert not fake_line.pushes()
    calls = Counter(r["replyToken"] for r in fake_line.replies())
    # A reply whose sent mark died with its worker is sent again after its lease and refused by LINE (the token is
    # used): the person reads it once. Every such repeat is the same committed answer, never a second one.
    by_token: dict[str, list[dict]] = {}
    for r in fake_line.replies():
        by_token.setdefault(r["replyToken"], []).append(r)
    assert all(all(b == bodies_[0] for b in bodies_) for bodies_ in by_token.values())
    print(f"{len(tokens)} events, {sum(calls.values())} reply calls, {sum(c - 1 for c in calls.values())} repeats "
          "refused by the fake LINE API as used tokens")
