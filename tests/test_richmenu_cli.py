"""Admin commands: the rich menu (against the fake API), users, the terminal chat."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from db.models import AuditLog, User
from tests.conftest import Bot
from tests.line_fake import TOKEN


def test_richmenu_deploy_creates_uploads_and_sets_default(sqlite_bot: Bot):
    server = sqlite_bot.line.server
    created: list[dict] = []
    seen: list[tuple[str, str]] = []

    def record(request):  # type: ignore[no-untyped-def]
        from werkzeug import Response

        seen.append((request.method, request.path))
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        if request.path == "/v2/bot/richmenu/list":
            return Response(json.dumps({"richmenus": [{"richMenuId": "richmenu-old", "name": "nso-pmqa-bot-main",
                                                       "size": {"width": 2500, "height": 1686}, "selected": True,
                                                       "chatBarText": "เมนู", "areas": []}]}),
                            content_type="application/json")
        if request.path == "/v2/bot/richmenu":
            created.append(request.get_json())
            return Response(json.dumps({"richMenuId": "richmenu-new"}), content_type="application/json")
        if request.path.endswith("/content"):
            body = request.get_data()
            assert request.headers["Content-Type"] == "image/png" and body.startswith(b"\x89PNG")
            assert len(body) < 1_000_000
        return Response("{}", content_type="application/json")

    server.expect_request(re.compile(r"^/v2/bot/(richmenu|user/all/richmenu).*")).respond_with_handler(record)
    result = sqlite_bot.app.test_cli_runner().invoke(args=["richmenu", "deploy"])
    assert result.exit_code == 0, result.output
    menu = created[0]
    assert menu["size"] == {"width": 2500, "height": 1686} and len(menu["areas"]) == 6
    texts = [a["action"]["text"] for a in menu["areas"]]
    assert texts == ["PMQA 4.0 คืออะไร", "สถานะ KPI", "บันทึกกิจกรรม", "กิจกรรมของฉัน", "ตารางคลินิก PMQA", "ช่วยเหลือ"]
    covered = sum(a["bounds"]["width"] * a["bounds"]["height"] for a in menu["areas"])
    assert covered == 2500 * 1686  # the six areas tile the whole image
    assert ("POST", "/v2/bot/richmenu/richmenu-new/content") in seen
    assert ("POST", "/v2/bot/user/all/richmenu/richmenu-new") in seen
    assert ("DELETE", "/v2/bot/richmenu/richmenu-old") in seen
    with sqlite_bot.engine.sessions() as s:
        assert s.scalar(select(AuditLog.action).where(AuditLog.action == "richmenu.deploy"))


def test_every_rich_menu_text_gets_a_real_answer(sqlite_bot: Bot):
    from channels.richmenu import AREAS

    for area in AREAS:
        answer = sqlite_bot.say(area.text, "U" + "5" * 32)
        assert answer and "ไม่แน่ใจ" not in answer, area.text


def test_users_commands(sqlite_bot: Bot):
    run = sqlite_bot.app.test_cli_runner().invoke
    uid = "U" + "6" * 32
    assert run(args=["users", "add", uid, "--name", "สมชาย ใจดี", "--unit", "พส.", "--role", "staff"]).exit_code == 0
    listing = run(args=["users", "list"]).output
    assert "สมชาย ใจดี" in listing and "staff" in listing
    assert run(args=["users", "set-role", uid, "manager"]).exit_code == 0
    assert run(args=["users", "set-role", uid, "king"]).exit_code != 0
    assert run(args=["users", "approve", "Unobody"]).exit_code != 0
    with sqlite_bot.engine.sessions() as s:
        assert s.scalar(select(User.role).where(User.line_user_id == uid)) == "manager"
        actions = set(s.scalars(select(AuditLog.action)))
    assert {"users.add", "users.set-role"} <= actions
    assert run(args=["users", "remove", uid]).exit_code == 0
    assert "0 user(s)" in run(args=["users", "list", "--status", "active"]).output


def test_admin_ids_are_admins_and_profile_names_are_kept(sqlite_bot: Bot):
    sqlite_bot.line.profiles["U" + "7" * 32] = "น้องเจ็ด"
    sqlite_bot.say("หมวด 1", "U" + "7" * 32)
    sqlite_bot.say("หมวด 1", "U" + "a" * 32)
    with sqlite_bot.engine.sessions() as s:
        guest = s.scalar(select(User).where(User.line_user_id == "U" + "7" * 32))
        admin = s.scalar(select(User).where(User.line_user_id == "U" + "a" * 32))
    assert guest.display_name == "น้องเจ็ด" and guest.status == "guest"
    assert admin.role == "admin" and admin.status == "active"


def test_terminal_chat(sqlite_bot: Bot):
    result = sqlite_bot.app.test_cli_runner().invoke(args=["chat"], input="หมวด 2\n1\n/quit\n")
    assert result.exit_code == 0
    assert "ยุทธศาสตร์" in result.output and "ตัวเลือก:" in result.output
    assert result.output.count("บอท>") == 2


def test_the_menu_is_drawn_with_a_thai_font_when_one_is_installed(monkeypatch):
    """Debian's fonts-thai-tlwg (installed by ``.ci/run`` and ``make richmenu``) gives Thai labels by itself."""
    import os

    import pytest

    from channels.richmenu import THAI_FONTS, render_image, thai_font

    monkeypatch.delenv("RICHMENU_FONT", raising=False)
    installed = [p for p in THAI_FONTS if os.path.exists(p)]
    if not installed and not os.environ.get("CI"):
        pytest.skip("fonts-thai-tlwg is not installed")
    assert installed, "CI must have fonts-thai-tlwg (.ci/run installs it)"
    assert thai_font() == installed[0]
    assert render_image() == render_image(installed[0]) != render_image("/nonexistent.ttf")
