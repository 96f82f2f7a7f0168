"""The real server from the Procfile (gunicorn): an empty database, the local chat page in a real
headless Chromium, and LINE traffic answered by the background workers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.line_fake import SECRET, TOKEN, body_of, sign, text_event, text_of
from tests.server import Server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _post(url: str, payload: dict) -> dict:
    req = urllib.request.Request(url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def test_web_process_starts_on_an_empty_database_in_local_mode(tmp_path: Path):
    server = Server({"DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3", "LINE_CHANNEL_SECRET": "",
                     "LINE_CHANNEL_ACCESS_TOKEN": ""})
    try:
        server.start()
        reply = _post(server.url + "/chat/api/message", {"user": "Ulocal", "text": "หมวด 6 คืออะไร"})
        assert "ระบบปฏิบัติการ" in reply["messages"][0]["text"]
        with urllib.request.urlopen(server.url + "/metrics", timeout=5) as r:
            assert b"bot_webhook_ack_seconds" in r.read()
    finally:
        server.stop()


def test_line_events_are_answered_by_gunicorn_workers(tmp_path: Path, fake_line):
    server = Server({"DATABASE_URL": f"sqlite:///{tmp_path}/line.sqlite3", "LINE_CHANNEL_SECRET": SECRET,
                     "LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "LINE_API_BASE_URL": fake_line.base_url})
    try:
        server.start()
        events = [text_event(f"หมวด {n}", f"U{n:032d}") for n in range(1, 8)]
        raw = body_of(*events)
        req = urllib.request.Request(server.url + "/callback", data=raw,
                                     headers={"Content-Type": "application/json", "X-Line-Signature": sign(raw)})
        with urllib.request.urlopen(req, timeout=5) as r:
            assert r.status == 200
        replies = fake_line.wait_for_replies(len(events), timeout=30)
        assert sorted(r["replyToken"] for r in replies) == sorted(e["replyToken"] for e in events)
        assert "การนำองค์การ" in text_of(fake_line.reply_for(events[0]["replyToken"]))
        # The chat page is off when LINE credentials are set.
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(server.url + "/", timeout=5)
        assert err.value.code == 404
    finally:
        server.stop()


@pytest.mark.skipif(not CHROMIUM and not os.environ.get("CI"), reason="Debian's chromium is not installed")
def test_chat_page_in_a_real_browser(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "CI must have Debian's chromium (.ci/run installs it)"
    server = Server({"DATABASE_URL": f"sqlite:///{tmp_path}/page.sqlite3", "LINE_CHANNEL_SECRET": "",
                     "LINE_CHANNEL_ACCESS_TOKEN": ""})
    try:
        server.start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            page = browser.new_page()
            page.goto(server.url + "/?user=Ubrowser")
            page.wait_for_selector("#choices button")  # the menu arrived with its quick replies
            page.fill("#q", "หมวด 3 คืออะไร")
            page.press("#q", "Enter")
            page.wait_for_function("document.querySelector('#log').innerText.includes('ผู้มีส่วนได้ส่วนเสีย')")
            page.wait_for_selector("#choices button:has-text('ประเด็น 3.1')")
            page.click("#choices button:has-text('ประเด็น 3.1')")
            page.wait_for_selector(".card h3")  # the ประเด็น's levels arrive as a card
            text = page.inner_text("#log")
            assert "ใช้ข้อมูลเพื่อตอบสนองความต้องการที่แตกต่าง" in text
            page.screenshot(path=str(tmp_path / "chat.png"))
            browser.close()
    finally:
        server.stop()


def test_sigkill_right_after_acknowledging_confirmations_loses_and_doubles_nothing(tmp_path: Path, fake_line):
    """A manager confirms six results; the server is SIGKILLed as soon as LINE has its 200s. After a
    restart on the same database every confirmation is recorded exactly once."""
    from sqlalchemy import create_engine, func, select

    from db.kpi import KpiChange, KpiResult
    from tests.line_fake import postback_event

    db = f"sqlite:///{tmp_path}/kill.sqlite3"
    run_dir = tempfile.mkdtemp(prefix="run", dir="/tmp")  # a SIGKILLed gunicorn cannot remove its own
    env = {"DATABASE_URL": db, "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
           "LINE_API_BASE_URL": fake_line.base_url, "BOT_ADMIN_IDS": "U" + "a" * 32, "BOT_RUN_DIR": run_dir}
    manager = "U" + "a" * 32
    # Results as in the source: indicators 1, 2, 4, 6 at 3, indicator 3 at 2,028,405, indicator 5 at 7.
    current = {1: "3", 2: "3", 3: "2028405", 4: "3", 5: "7", 6: "3"}
    new = {1: "2", 2: "1", 3: "1687118.5", 4: "2", 5: "3", 6: "1"}
    confirmations = [postback_event(f"kpi:set|2567|6|{n}|{new[n]}|{current[n]}", manager) for n in new]
    fake_line.delay = 0.5  # replies are slow, so the kill lands while work is still in flight
    first = Server(env)
    try:
        first.start()
        for event in confirmations:
            raw = body_of(event)
            req = urllib.request.Request(first.url + "/callback", data=raw,
                                         headers={"Content-Type": "application/json", "X-Line-Signature": sign(raw)})
            with urllib.request.urlopen(req, timeout=5) as r:
                assert r.status == 200
    finally:
        first.kill()
    fake_line.delay = 0.0
    second = Server(env)
    try:
        second.start()
        engine = create_engine(db)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                if conn.scalar(select(func.count()).select_from(KpiChange)) >= len(new):
                    break
            time.sleep(0.5)
        with engine.connect() as conn:
            changes = conn.execute(select(KpiChange.indicator_no)).scalars().all()
            results = dict(conn.execute(select(KpiResult.indicator_no, KpiResult.result)).all())
        engine.dispose()
        assert sorted(changes) == sorted(new)  # each confirmation recorded once
        assert {n: float(results[n]) for n in new} == {n: float(v) for n, v in new.items()}
    finally:
        second.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


def test_a_killed_answering_worker_is_replaced_and_takes_its_role_back(fake_line):
    """gunicorn.conf.py: one worker answers (no HTTP), the others store and acknowledge and send its replies.
    SIGKILL the answering worker: gunicorn starts a new worker, which finds the role free and answers."""
    run_dir = tempfile.mkdtemp(prefix="run", dir="/tmp")  # short: UNIX socket paths have room for 107 bytes
    lock = Path(run_dir, "answering-0.lock")
    db_dir = tempfile.mkdtemp(prefix="db")
    server = Server({"DATABASE_URL": f"sqlite:///{db_dir}/roles.sqlite3", "LINE_CHANNEL_SECRET": SECRET,
                     "LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "LINE_API_BASE_URL": fake_line.base_url,
                     "BOT_RUN_DIR": run_dir})

    def answering_pid() -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            text = lock.read_text() if lock.exists() else ""
            if text.strip():
                return int(text)
            time.sleep(0.1)
        raise TimeoutError("no worker took the answering role")

    def ask(first: int) -> None:
        events = [text_event(f"หมวด {n}", f"U{n:032d}") for n in range(first, first + 3)]
        raw = body_of(*events)
        req = urllib.request.Request(server.url + "/callback", data=raw,
                                     headers={"Content-Type": "application/json", "X-Line-Signature": sign(raw)})
        with urllib.request.urlopen(req, timeout=5) as r:
            assert r.status == 200
        tokens = {e["replyToken"] for e in events}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not tokens <= {r["replyToken"] for r in fake_line.replies()}:
            time.sleep(0.1)
        assert tokens <= {r["replyToken"] for r in fake_line.replies()}

    try:
        server.start()
        first = answering_pid()
        children = Path(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(children.read_text().split()) < 3:
            time.sleep(0.1)
        workers = children.read_text().split()
        assert str(first) in workers and len(workers) == 3  # two web workers and the answering one
        ask(1)
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and answering_pid() == first:
            time.sleep(0.1)
        assert answering_pid() != first
        ask(4)
        assert len(fake_line.replies()) == 6  # each answered once
    finally:
        server.stop()
        shutil.rmtree(db_dir, ignore_errors=True)
    assert not Path(run_dir).exists() or not list(Path(run_dir).glob("*.sock"))
    shutil.rmtree(run_dir, ignore_errors=True)
