"""The chat page never takes an identity from the client (hardening: the shared password was a skeleton key).

With LINE credentials, ``CHAT_PAGE_ENABLED=1`` and ``CHAT_PAGE_PASSWORD``, anyone with the password could name
any LINE user in the request body, a manager included, and record a KPI result as them."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from db.kpi import KpiChange
from tests.conftest import Bot, make_settings
from tests.test_activities_support import ADMIN, MANAGER, register, use_clock
from tests.test_backoffice import sign_in
from tests.test_handoff import EDITOR

CONFIRM = "kpi:set|2567|6|3|1687118.5|2028405"  # indicator 3's result, as the confirmation button sends it
AUTH = {"Authorization": "Basic " + base64.b64encode(b"any:shared-password").decode()}


@pytest.fixture
def page_bot(sqlite_url: str, fake_line) -> Iterator[Bot]:
    from bot import create_app

    settings = make_settings(sqlite_url, fake_line, chat_page=True, chat_page_password="shared-password")
    app = create_app(settings, start_workers=False)
    yield Bot(app, fake_line)
    app.config["BOT_ENGINE"].dispose()


def changes(bot: Bot) -> int:
    with bot.engine.sessions() as s:
        return s.scalar(select(func.count()).select_from(KpiChange)) or 0


def test_the_password_page_cannot_act_as_a_manager(page_bot: Bot):
    client = page_bot.app.test_client()
    assert client.post("/chat/api/message", json={"user": ADMIN, "text": "สถานะ KPI"}).status_code == 401
    typed = client.post("/chat/api/message", headers=AUTH,
                        json={"user": ADMIN, "text": "บันทึกผล ตัวชี้วัดที่ 3 1687118.5"}).get_json()
    assert not any(c.get("data", "").startswith("kpi:set") for c in typed["choices"])
    tapped = client.post("/chat/api/message", headers=AUTH,
                         json={"user": ADMIN, "data": CONFIRM, "text": "ยืนยัน"}).get_json()
    assert changes(page_bot) == 0, tapped
    assert "ลงทะเบียน" in tapped["messages"][0]["text"] or "เฉพาะ" in tapped["messages"][0]["text"]


def test_the_back_office_chat_speaks_as_the_signed_in_person_only(bot: Bot):
    use_clock(bot)
    register(bot, EDITOR, role="editor")
    register(bot, MANAGER, role="manager")
    editor = sign_in(bot, EDITOR)
    csrf = editor.get("/admin/chat").get_data(as_text=True).split('name="csrf" content="', 1)[1].split('"', 1)[0]
    as_editor = editor.post("/admin/chat/api/message", headers={"X-CSRF-Token": csrf},
                            json={"user": ADMIN, "data": CONFIRM, "text": "ยืนยัน"})
    assert as_editor.status_code == 200 and changes(bot) == 0  # the body's "user" is ignored
    assert editor.post("/admin/chat/api/message", json={"text": "สถานะ KPI"}).status_code == 400  # no CSRF token
    manager = sign_in(bot, MANAGER)
    csrf = manager.get("/admin/chat").get_data(as_text=True).split('name="csrf" content="', 1)[1].split('"', 1)[0]
    manager.post("/admin/chat/api/message", headers={"X-CSRF-Token": csrf}, json={"data": CONFIRM, "text": "ยืนยัน"})
    with bot.engine.sessions() as s:
        assert s.scalars(select(KpiChange.changed_by)).all() == [MANAGER]
