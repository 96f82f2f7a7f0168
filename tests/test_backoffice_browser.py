"""The back office in a real headless Chromium against the real server (gunicorn, as the Procfile runs it):
sign in through the link the bot pushed to the fake LINE API, answer a question and see the asker's push
arrive, see the charts drawn, and be refused with a used link or a staff member's session."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session

from db.activities import Participation
from db.models import User
from tests.line_fake import SECRET, TOKEN, body_of, sign, text_event, text_of
from tests.server import Server
from tests.test_backoffice import LINK
from tests.test_handoff import EDITOR, UNKNOWN

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ADMIN = "U" + "a" * 32
STAFF = "U" + "5" * 32
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
#: Where the screenshots are kept for a person to look at (also under the test's tmp_path).
SHOTS = Path(os.environ.get("BACKOFFICE_SHOTS", tempfile.gettempdir())) / "backoffice-shots"


def say(server: Server, text: str, user: str) -> None:
    raw = body_of(text_event(text, user))
    req = urllib.request.Request(server.url + "/callback", data=raw,
                                 headers={"Content-Type": "application/json", "X-Line-Signature": sign(raw)})
    with urllib.request.urlopen(req, timeout=5) as r:
        assert r.status == 200


def wait_for(check, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("timed out")


def pushed_to(fake_line, user: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [text_of(p["body"]) for p in fake_line.pushes() if p["body"]["to"] == user]


def link_from_line(server: Server, fake_line, user: str) -> str:  # type: ignore[no-untyped-def]
    before = len(pushed_to(fake_line, user))
    say(server, "เว็บผู้ดูแล", user)
    text = wait_for(lambda: [t for t in pushed_to(fake_line, user)[before:] if "/admin/login" in t])[0]
    return LINK.search(text).group(0)


def drawn_pixels(page, canvas_id: str) -> int:  # type: ignore[no-untyped-def]
    """Pixels the chart painted on its canvas (0 for an empty or missing chart)."""
    return page.evaluate("""(id) => { const c = document.getElementById(id); if (!c || !c.width) return 0;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""", canvas_id)


@pytest.mark.skipif(not CHROMIUM and not os.environ.get("CI"), reason="Debian's chromium is not installed")
def test_back_office_in_a_real_browser(tmp_path: Path, fake_line):
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "CI must have Debian's chromium (.ci/run installs it)"
    db_url = f"sqlite:///{tmp_path}/office.sqlite3"
    run_dir = tempfile.mkdtemp(prefix="run", dir="/tmp")
    server = Server({"DATABASE_URL": db_url, "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                     "LINE_API_BASE_URL": fake_line.base_url, "BOT_ADMIN_IDS": ADMIN, "BOT_RUN_DIR": run_dir})
    server.env["BOT_PUBLIC_URL"] = server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        server.start()
        db = create_engine(db_url)
        from db.activity_store import fiscal_start, fiscal_year_of

        last_year = fiscal_year_of(date.today()) - 1  # a whole fiscal year, whatever today is
        with Session(db) as s, s.begin():
            s.add_all([User(line_user_id=STAFF, full_name="สมชาย ใจดี", unit="สค.", role="staff", status="active"),
                       User(line_user_id=EDITOR, full_name="สมศรี ดูแลเนื้อหา", unit="กพร.", role="editor",
                            status="active")])
            for i, (unit, code) in enumerate([("สค.", "A1"), ("พส.", "A1"), ("สค.", "A2"), ("บส.", "A3")] * 3):
                day = fiscal_start(last_year) + timedelta(days=25 * i)
                s.add(Participation(user_key=f"U{i:032d}", fiscal_year=last_year, activity_code=code, item_no=1,
                                    day=day, unit=unit, note="", source="tap", confirm_key=""))
        say(server, UNKNOWN, STAFF)
        wait_for(lambda: fake_line.replies())
        link = link_from_line(server, fake_line, ADMIN)
        assert link.startswith(server.url + "/admin/login?t=")

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 412, "height": 900})  # a phone
            page.goto(link)
            page.click("#signin")
            page.wait_for_selector("text=คำถามที่บอทตอบไม่ได้")

            # Answer the staff member's question and see the push reach them through the fake LINE API.
            page.click("nav >> text=คำถามที่บอทตอบไม่ได้")
            group = page.locator(".question-group", has_text=UNKNOWN)
            page.screenshot(path=str(SHOTS / "unanswered.png"), full_page=True)
            group.locator("textarea").fill("จองห้องประชุมชั้น 5 ได้ที่ระบบ e-Booking บนอินทราเน็ตค่ะ")
            group.locator("button", has_text="ส่งและบันทึกเป็นคำตอบ").click()
            page.wait_for_selector(".flash.ok")
            answer = wait_for(lambda: [t for t in pushed_to(fake_line, STAFF) if "e-Booking" in t])
            assert "คำตอบจากเจ้าหน้าที่" in answer[0] and UNKNOWN in answer[0]
            page.click("nav >> text=คำตอบที่บันทึกไว้")
            page.wait_for_selector(".kept >> text=e-Booking")
            page.goto(server.url + "/admin/people")
            page.wait_for_selector("text=สมชาย ใจดี")
            page.screenshot(path=str(SHOTS / "people.png"), full_page=True)

            # The charts are drawn, and there is something on them.
            page.goto(server.url + "/admin/kpi")
            page.wait_for_function("window.scoreChart && window.scoreChart.data.datasets[0].data.some(v => v > 0)")
            assert drawn_pixels(page, "scores") > 2000
            page.screenshot(path=str(tmp_path / "kpi.png"), full_page=True)
            shutil.copy(tmp_path / "kpi.png", SHOTS / "kpi.png")
            page.goto(f"{server.url}/admin/participation?year={last_year}")
            page.wait_for_function("window.dashboardCharts && window.dashboardCharts.length === 3")
            for canvas in ("by-activity", "by-unit", "by-month"):
                assert drawn_pixels(page, canvas) > 1000, canvas
            assert "12" in page.inner_text(".big")
            page.screenshot(path=str(tmp_path / "participation.png"), full_page=True)
            shutil.copy(tmp_path / "participation.png", SHOTS / "participation.png")

            # The chat page, as the signed-in admin (the server decides who speaks; CSRF in a header).
            page.goto(server.url + "/admin/chat")
            page.wait_for_selector("#choices button")
            page.fill("#q", "สถานะ KPI")
            page.press("#q", "Enter")
            page.wait_for_selector(".card h3:has-text('สถานะ KPI')")
            assert "1. Government Data Catalog" in page.inner_text("#log")

            # The same link again, in a fresh browser: refused.
            other = browser.new_context().new_page()
            other.goto(link)
            other.click("#signin")
            other.wait_for_selector("text=ใช้ได้ครั้งเดียว")
            assert "/admin/login" in other.url

            # An editor signs in, then becomes staff: their session is refused at once.
            editor_link = link_from_line(server, fake_line, EDITOR)
            editor = browser.new_context().new_page()
            editor.goto(editor_link)
            editor.click("#signin")
            editor.wait_for_selector("text=คำตอบที่บันทึกไว้")
            with Session(db) as s, s.begin():
                s.execute(update(User).where(User.line_user_id == EDITOR).values(role="staff"))
            response = editor.goto(server.url + "/admin/unanswered")
            assert response.status == 403 and "ไม่มีสิทธิ์" in editor.inner_text("body")
            # Staff get no link at all.
            before = len(pushed_to(fake_line, EDITOR))
            say(server, "เว็บผู้ดูแล", EDITOR)
            reply = wait_for(lambda: [r for r in fake_line.replies() if "เฉพาะผู้ดูแลระบบ" in text_of(r)])
            assert reply and len(pushed_to(fake_line, EDITOR)) == before
            browser.close()
        db.dispose()
    finally:
        server.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


def test_links_point_at_bot_public_url():
    assert re.match(LINK, "https://bot.nso.go.th/admin/login?t=abc.def-1")
