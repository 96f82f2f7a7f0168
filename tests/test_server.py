"""The real server from the Procfile (gunicorn): an empty database, the local chat page in a real
headless Chromium, and LINE traffic answered by the background workers."""

from __future__ import annotations

import json
import os
import shutil
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
