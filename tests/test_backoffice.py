"""The back office (``/admin``) through the real app: a single-use link from LINE, the session, roles, CSRF,
the audit log, answering from the web, kept answers, people, dashboards and downloads."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from db.backoffice import KeptAnswer
from db.models import AuditLog, User
from tests.conftest import Bot, make_settings
from tests.line_fake import text_of
from tests.test_activities_support import ADMIN, MANAGER, STAFF, register, use_clock
from tests.test_handoff import EDITOR, UNKNOWN
from tests.test_registration import pushes_to

LINK = re.compile(r"https?://[^\s]+/admin/login\?t=[\w.\-]+")


def link_for(bot: Bot, user: str) -> str:
    before = len(pushes_to(bot, user))
    assert "ส่งลิงก์" in bot.say("เว็บผู้ดูแล", user)
    pushed = pushes_to(bot, user)[before:]
    assert len(pushed) == 1
    found = LINK.search(text_of(pushed[0]))
    assert found, text_of(pushed[0])
    return found.group(0)


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def sign_in(bot: Bot, user: str) -> Any:
    client = bot.app.test_client()
    link = path_of(link_for(bot, user))
    page = client.get(link)
    assert page.status_code == 200 and "เข้าสู่ระบบ" in page.get_data(as_text=True)
    token = link.split("t=", 1)[1]
    done = client.post("/admin/login", data={"t": token})
    assert done.status_code == 302, done.get_data(as_text=True)
    client.token = token  # type: ignore[attr-defined]
    client.set_cookie_header = done.headers.get("Set-Cookie", "")  # type: ignore[attr-defined]
    return client


def csrf_of(client: Any, page: str = "/admin/") -> str:
    html = client.get(page).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_a_link_from_line_signs_in_once_and_the_cookie_is_guarded(bot: Bot):
    use_clock(bot)
    client = sign_in(bot, ADMIN)
    cookie = client.set_cookie_header
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    home = client.get("/admin/")
    assert home.status_code == 200 and "ผู้ใช้งาน" in home.get_data(as_text=True)
    # The same link again, in another browser: refused.
    again = bot.app.test_client().post("/admin/login", data={"t": client.token})
    assert again.status_code == 403 and "ใช้ได้ครั้งเดียว" in again.get_data(as_text=True)
    # Without a session: sent to sign in, never shown a page.
    assert bot.app.test_client().get("/admin/unanswered").status_code == 302
    with bot.engine.sessions() as s:
        assert "web.signin" in set(s.scalars(select(AuditLog.action)))


def test_an_expired_or_forged_link_signs_nobody_in(bot: Bot):
    clock = use_clock(bot)
    link = path_of(link_for(bot, ADMIN))
    token = link.split("t=", 1)[1]
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert bot.app.test_client().post("/admin/login", data={"t": forged}).status_code == 403
    clock.advance(minutes=11)
    late = bot.app.test_client().post("/admin/login", data={"t": token})
    assert late.status_code == 403 and "หมดอายุ" in late.get_data(as_text=True)


def test_staff_get_no_link_and_a_session_whose_role_was_taken_is_refused(bot: Bot):
    use_clock(bot)
    register(bot, STAFF)
    assert "เฉพาะผู้ดูแลระบบ" in bot.say("เว็บผู้ดูแล", STAFF)
    assert pushes_to(bot, STAFF) == []
    register(bot, EDITOR, role="editor")
    client = sign_in(bot, EDITOR)
    assert client.get("/admin/unanswered").status_code == 200
    assert client.get("/admin/people").status_code == 403  # admins only
    assert client.get("/admin/kpi").status_code == 403  # managers and admins
    result = bot.app.test_cli_runner().invoke(args=["users", "set-role", EDITOR, "staff"])
    assert result.exit_code == 0
    refused = client.get("/admin/unanswered")
    assert refused.status_code == 403 and "ไม่มีสิทธิ์" in refused.get_data(as_text=True)
    assert client.get("/admin/").status_code in (302, 403)  # the session is gone too


def test_forms_need_the_csrf_token(bot: Bot):
    use_clock(bot)
    client = sign_in(bot, ADMIN)
    bot.say(UNKNOWN, STAFF)
    with bot.engine.sessions() as s:
        qid = s.scalar(select(__import__("db.models", fromlist=["Unanswered"]).Unanswered.id))
    refused = client.post("/admin/unanswered/answer", data={"ids": str(qid), "answer": "x", "how": "only"})
    assert refused.status_code == 400
    bot.engine.drain()
    assert pushes_to(bot, STAFF) == []


def test_answering_from_the_web_pushes_to_the_asker_and_keeps_the_answer(bot: Bot):
    use_clock(bot)
    register(bot, EDITOR, role="editor", name="สมศรี ดูแลเนื้อหา")
    bot.say(UNKNOWN, STAFF)
    bot.say("จองห้องประชุมชั้น 5 ยังไง", MANAGER)  # the same question, by someone else: one group
    client = sign_in(bot, EDITOR)
    page = client.get("/admin/unanswered").get_data(as_text=True)
    assert UNKNOWN in page and "2 ครั้ง" in page
    ids = re.search(r'name="ids" value="([\d,]+)"', page).group(1)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    answer = "จองได้ที่ระบบ e-Booking บนอินทราเน็ตค่ะ"
    done = client.post("/admin/unanswered/answer", data={"ids": ids, "answer": answer, "how": "keep", "csrf": csrf},
                       follow_redirects=True)
    assert "ส่งคำตอบถึงผู้ถาม 2 คนแล้ว" in done.get_data(as_text=True)
    bot.engine.drain()
    for asker in (STAFF, MANAGER):
        [pushed] = pushes_to(bot, asker)
        assert answer in text_of(pushed) and "สมศรี ดูแลเนื้อหา" in text_of(pushed)
    assert "e-Booking" in bot.say(UNKNOWN, "U" + "9" * 32)
    kept_page = client.get("/admin/kept").get_data(as_text=True)
    assert "สมศรี ดูแลเนื้อหา" in kept_page and answer in kept_page
    with bot.engine.sessions() as s:
        kept_id = s.scalar(select(KeptAnswer.id))
    client.post(f"/admin/kept/{kept_id}", data={"csrf": csrf, "action": "edit", "answer": "ใช้ระบบ e-Room แทนแล้วค่ะ"})
    assert "e-Room" in bot.say(UNKNOWN, "U" + "9" * 32)
    client.post(f"/admin/kept/{kept_id}", data={"csrf": csrf, "action": "withdraw"})
    assert "ไม่แน่ใจ" in bot.say(UNKNOWN, "U" + "9" * 32)
    with bot.engine.sessions() as s:
        actions = set(s.scalars(select(AuditLog.action)))
    assert {"web.answer", "kb.keep", "kb.edit", "kb.withdraw"} <= actions


def test_people_page_approves_sets_roles_and_removes(bot: Bot):
    use_clock(bot)
    stranger = "U" + "8" * 32
    bot.say("ลงทะเบียน", stranger)
    bot.say("สมหญิง รักงาน", stranger)
    bot.say("สค.", stranger)
    client = sign_in(bot, ADMIN)
    page = client.get("/admin/people").get_data(as_text=True)
    assert "สมหญิง รักงาน" in page and "รออนุมัติ" in page
    csrf = csrf_of(client, "/admin/people")
    with bot.engine.sessions() as s:
        uid = s.scalar(select(User.id).where(User.line_user_id == stranger))
    client.post(f"/admin/people/{uid}", data={"csrf": csrf, "action": "approve"})
    bot.engine.drain()
    assert any("อนุมัติ" in text_of(p) for p in pushes_to(bot, stranger))
    client.post(f"/admin/people/{uid}", data={"csrf": csrf, "action": "role", "role": "editor"})
    with bot.engine.sessions() as s:
        assert s.scalar(select(User.role).where(User.id == uid)) == "editor"
    client.post(f"/admin/people/{uid}", data={"csrf": csrf, "action": "remove"})
    with bot.engine.sessions() as s:
        assert s.get(User, uid) is None
        assert {"web.users.approve", "web.users.role", "web.users.remove"} <= set(s.scalars(select(AuditLog.action)))


def test_dashboards_and_downloads_for_a_manager(bot: Bot):
    use_clock(bot)
    register(bot, MANAGER, role="manager")
    client = sign_in(bot, MANAGER)
    kpi = client.get("/admin/kpi").get_data(as_text=True)
    assert "chart.umd.min.js" in kpi and "คะแนนรวม" in kpi
    assert client.get("/admin/static/chartjs/chart.umd.min.js").status_code == 200
    assert client.get("/admin/participation?unit=พส.").status_code == 200
    csv = client.get("/admin/downloads/kpi.csv")
    assert csv.status_code == 200 and csv.data.startswith("\ufeffปีงบประมาณ".encode())
    xlsx = client.get("/admin/downloads/activities.xlsx?from=2024-10-01&to=2025-09-30")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get("/admin/downloads/nothing.csv").status_code == 404
    assert client.get("/admin/unanswered").status_code == 403  # editors' and admins' page


def test_secure_cookie_behind_https(sqlite_url, fake_line):
    from bot import create_app

    app = create_app(make_settings(sqlite_url, fake_line, public_url="https://bot.example.go.th"),
                     start_workers=False)
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is True
    finally:
        app.config["BOT_ENGINE"].dispose()


@pytest.mark.parametrize("path", ["/admin/", "/admin/kpi", "/admin/chat"])
def test_local_mode_opens_without_signing_in(sqlite_url, path):
    from bot import create_app
    from core.config import Settings

    app = create_app(Settings.from_env({"DATABASE_URL": sqlite_url}), start_workers=False)
    try:
        assert app.test_client().get(path).status_code == 200
    finally:
        app.config["BOT_ENGINE"].dispose()


def test_the_adr_checker_page_reports_like_the_chat_and_keeps_no_draft(bot: Bot):
    from tests.test_adr_flow import A

    use_clock(bot)
    register(bot, MANAGER, role="manager")
    client = sign_in(bot, MANAGER)
    token = csrf_of(client, "/admin/adr")
    page = client.post("/admin/adr", data={"csrf": token, "praden": "3.4", "draft": A})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "ประเด็น 3.4" in html and "Approach" in html and "จำนวนอักขระ" in html
    assert client.post("/admin/adr", data={"praden": "3.4", "draft": A}).status_code in (400, 403)  # no CSRF
    with bot.engine.sessions() as s:
        entries = s.scalars(select(AuditLog).where(AuditLog.action == "web.adr.check")).all()
        assert entries and all(A[:40] not in str(e.detail) for e in entries)
