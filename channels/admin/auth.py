"""Signing in with a link from LINE, the session, role checks, CSRF and the audit log."""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, g, redirect, render_template, request, session, url_for
from sqlalchemy.orm import Session

from channels.admin.blueprint import admin
from core.config import Settings
from core.signin import allowed_user, read_token, role_of, use_link
from db.models import AuditLog, User
from db.session import transaction

LOCAL_ADMIN = "Ulocal-admin"
ROLE_NAMES = {"admin": "ผู้ดูแลระบบ", "editor": "ผู้ดูแลเนื้อหา", "manager": "ผู้บริหาร", "staff": "เจ้าหน้าที่"}
#: What each page allows (also drives the menu).
PAGES: list[tuple[str, str, tuple[str, ...]]] = [
    ("admin.unanswered", "คำถามที่บอทตอบไม่ได้", ("admin", "editor")),
    ("admin.kept", "คำตอบที่บันทึกไว้", ("admin", "editor")),
    ("admin.people", "ผู้ใช้งาน", ("admin",)),
    ("admin.kpi", "แดชบอร์ด KPI", ("admin", "manager")),
    ("admin.participation", "การเข้าร่วมกิจกรรม", ("admin", "manager")),
    ("admin.downloads", "ดาวน์โหลด", ("admin", "manager")),
    ("admin.adr", "ตรวจร่างคำตอบ ADR", ("admin", "editor", "manager")),
    ("admin.chat", "แชตกับบอท", ("admin", "editor", "manager")),
]


def settings() -> Settings:
    return current_app.config["BOT_SETTINGS"]


def engine() -> Any:
    return current_app.config["BOT_ENGINE"]


def local_mode() -> bool:
    return not settings().line_enabled


@contextmanager
def db() -> Iterator[Session]:
    with transaction(engine().sessions) as s:
        yield s


def audit(s: Session, action: str, **detail: Any) -> None:
    s.add(AuditLog(actor=g.user_id, action=f"web.{action}", detail=detail))


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(24)
    return token


@admin.app_context_processor
def _template_globals() -> dict[str, Any]:
    return {"csrf_token": csrf_token, "ROLE_NAMES": ROLE_NAMES}


@admin.before_request
def _guard():  # type: ignore[no-untyped-def]
    """Who is asking, on every request (a role taken away ends the session at once), and CSRF on every POST."""
    if request.endpoint in {"admin.login", "admin.static", "admin.signed_out"}:
        return None
    user_id = LOCAL_ADMIN if local_mode() else session.get("uid")
    if not user_id:
        return redirect(url_for("admin.signed_out"))
    with db() as s:
        user = allowed_user(s, settings(), user_id) if not local_mode() else None
        if not local_mode() and (user is None or session.get("role_at_signin") is None):
            session.clear()
            return render_template("admin/message.html", title="ไม่มีสิทธิ์",
                                   message="บัญชีนี้ไม่มีสิทธิ์เข้าเว็บผู้ดูแลค่ะ (ผู้ดูแลระบบ ผู้ดูแลเนื้อหา และผู้บริหารเท่านั้น)"), 403
        g.user_id = user_id
        g.role = "admin" if local_mode() else role_of(user, settings())  # type: ignore[arg-type]
        g.name = "ผู้ดูแล (โหมดทดลองในเครื่อง)" if local_mode() else \
            (user.full_name or user.display_name or "ผู้ดูแล")  # type: ignore[union-attr]
    g.pages = [(endpoint, title) for endpoint, title, roles in PAGES if g.role in roles]
    if request.method == "POST":
        sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token") or ""
        if not hmac.compare_digest(sent.encode(), csrf_token().encode()):
            return render_template("admin/message.html", title="ส่งฟอร์มไม่สำเร็จ",
                                   message="หน้านี้หมดอายุแล้วค่ะ กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง"), 400
    return None


def allow(*roles: str) -> Callable:
    """A page for these roles only (Errbot's ``admin_only``, as a filter in front of the route)."""
    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def inner(*args: Any, **kwargs: Any) -> Any:
            if g.role not in roles:
                return render_template("admin/message.html", title="ไม่มีสิทธิ์",
                                       message="หน้านี้สำหรับ " + ", ".join(ROLE_NAMES[r] for r in roles)
                                               + " เท่านั้นค่ะ"), 403
            return view(*args, **kwargs)
        return inner
    return wrap


def acting_user(s: Session) -> User:
    """The signed-in person as a ``User`` row (the local admin gets one on first use)."""
    from sqlalchemy import select

    user = s.scalar(select(User).where(User.line_user_id == g.user_id))
    if user is None:
        user = User(line_user_id=g.user_id, full_name="ผู้ดูแล (โหมดทดลอง)" if local_mode() else "",
                    role="admin", status="active")
        s.add(user)
        s.flush()
    return user


# ----- signing in and out --------------------------------------------------------------------------
@admin.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    """GET shows a button; only the POST spends the link, so a link preview that fetches the URL spends nothing."""
    token = request.values.get("t", "")
    if request.method == "GET":
        data, problem = read_token(settings(), token)
        if data is None:
            return render_template("admin/message.html", title="เข้าสู่ระบบไม่ได้", message=problem), 400
        return render_template("admin/login.html", token=token)
    with db() as s:
        outcome = use_link(settings(), s, token, engine().clock())
        if outcome.user is not None:
            s.add(AuditLog(actor=outcome.user.line_user_id, action="web.signin", detail={}))
            user_id, role = outcome.user.line_user_id, role_of(outcome.user, settings())
    if outcome.user is None:
        return render_template("admin/message.html", title="เข้าสู่ระบบไม่ได้", message=outcome.problem), 403
    session.clear()
    session.permanent = True
    session.update(uid=user_id, role_at_signin=role, csrf=secrets.token_urlsafe(24))
    return redirect(url_for("admin.home"))


@admin.get("/signed-out")
def signed_out():  # type: ignore[no-untyped-def]
    return render_template("admin/message.html", title="เว็บผู้ดูแล",
                           message="กรุณาเข้าสู่ระบบด้วยลิงก์จาก LINE: พิมพ์ “เว็บผู้ดูแล” ในแชตกับบอท "
                                   "แล้วแตะลิงก์ที่บอทส่งให้ (ใช้ได้ครั้งเดียว ภายใน 10 นาที)"), 401


@admin.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    with db() as s:
        audit(s, "signout")
    session.clear()
    return redirect(url_for("admin.signed_out"))


@admin.get("/")
def home():  # type: ignore[no-untyped-def]
    return render_template("admin/home.html")
