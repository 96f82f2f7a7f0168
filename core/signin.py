"""Single-use sign-in links for the back office, sent in LINE (no shared passwords).

A link carries a token signed with the deployment's key (``Settings.signing_key``) that names a person and a
random nonce; the nonce's row in ``login_links`` makes the link work once and for ``LINK_TTL`` only. The
signature keeps anyone from making a link; the row keeps anyone from using one twice.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.config import Settings
from db.backoffice import LoginLink
from db.models import User

LINK_TTL = timedelta(minutes=10)
#: Roles that may sign in to the back office (each page allows some of them: ``channels/admin``).
BACK_OFFICE_ROLES = ("admin", "editor", "manager")
_SALT = "back-office-link"


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.signing_key, salt=_SALT)


def make_link(settings: Settings, session: Session, line_user_id: str, now: datetime) -> str:
    """A new link for this person (stored, so that it can be used once)."""
    nonce = secrets.token_urlsafe(24)
    # This person's spent and expired links are of no use any more (the audit log keeps who signed in when).
    session.execute(delete(LoginLink).where(LoginLink.line_user_id == line_user_id,
                                            (LoginLink.expires_at < now) | LoginLink.used_at.is_not(None)))
    session.add(LoginLink(nonce=nonce, line_user_id=line_user_id, created_at=now, expires_at=now + LINK_TTL))
    token = _serializer(settings).dumps({"u": line_user_id, "n": nonce})
    return f"{settings.base_url}/admin/login?t={token}"


@dataclass(frozen=True)
class SignIn:
    """The outcome of using a link: ``user`` on success, else a reason to show (Thai)."""

    user: User | None = None
    problem: str = ""


EXPIRED = "ลิงก์นี้หมดอายุแล้วค่ะ (ใช้ได้ 10 นาที) กรุณาพิมพ์ “เว็บผู้ดูแล” ใน LINE เพื่อขอลิงก์ใหม่"
INVALID = "ลิงก์นี้ไม่ถูกต้องค่ะ กรุณาพิมพ์ “เว็บผู้ดูแล” ใน LINE เพื่อขอลิงก์ใหม่"
USED = "ลิงก์นี้ถูกใช้ไปแล้วค่ะ (ใช้ได้ครั้งเดียว) กรุณาพิมพ์ “เว็บผู้ดูแล” ใน LINE เพื่อขอลิงก์ใหม่"
NOT_ALLOWED = "บัญชีนี้ไม่มีสิทธิ์เข้าเว็บผู้ดูแลค่ะ"


def read_token(settings: Settings, token: str) -> tuple[dict | None, str]:
    """The token's content if its signature holds and it is younger than ``LINK_TTL``."""
    if not settings.signing_key or not token or len(token) > 1000:
        return None, INVALID
    try:
        data = _serializer(settings).loads(token, max_age=int(LINK_TTL.total_seconds()))
    except SignatureExpired:
        return None, EXPIRED
    except BadSignature:
        return None, INVALID
    if not isinstance(data, dict) or not isinstance(data.get("u"), str) or not isinstance(data.get("n"), str):
        return None, INVALID
    return data, ""


def use_link(settings: Settings, session: Session, token: str, now: datetime) -> SignIn:
    """Spend a link: one UPDATE that only an unused, unexpired row matches, so two tabs racing sign in once."""
    data, problem = read_token(settings, token)
    if data is None:
        return SignIn(problem=problem)
    spent = session.execute(
        update(LoginLink)
        .where(LoginLink.nonce == data["n"], LoginLink.line_user_id == data["u"], LoginLink.used_at.is_(None),
               LoginLink.expires_at > now)
        .values(used_at=now))
    if spent.rowcount != 1:
        row = session.get(LoginLink, data["n"])
        return SignIn(problem=USED if row is not None and row.used_at is not None else EXPIRED)
    user = allowed_user(session, settings, data["u"])
    return SignIn(user=user) if user is not None else SignIn(problem=NOT_ALLOWED)


def allowed_user(session: Session, settings: Settings, line_user_id: str) -> User | None:
    """The person, if they may use the back office now (read on every request: a role taken away ends the
    session at once)."""
    user = session.scalar(select(User).where(User.line_user_id == line_user_id))
    if line_user_id in settings.admin_ids:
        if user is None:
            user = User(line_user_id=line_user_id, role="admin", status="active")
            session.add(user)
            session.flush()
        return user
    if user is None or user.status != "active" or user.role not in BACK_OFFICE_ROLES:
        return None
    return user


def role_of(user: User, settings: Settings) -> str:
    return "admin" if user.line_user_id in settings.admin_ids else user.role
