"""Who may use what, and the polite reply everyone else gets, in one place (Errbot's ACL filters).

A handler declares, per command, an ``Access``: checks in order, the first that fails answers instead of the
command (``core.dispatch.Dispatcher.refusal`` applies them). The checks:

- ``personal``: only in a one-on-one chat. In a group or room everyone reads the answer, so results, records,
  registration and erasure are offered in a private chat instead (``handlers.common.private_chat``);
- ``registered``: registered staff only (a guest is asked to register, a pending request is told it waits);
- ``role``: these roles only (manager, admin, editor...), with the reply that says who may.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from core.dispatch import Context
from core.messages import Choice, Reply
from handlers.common import ask, private_chat

NEED_REGISTER = ("ขออภัยค่ะ ต้องลงทะเบียนก่อนจึงจะบันทึกหรือดูข้อมูลส่วนนี้ได้ ยังไม่มีการบันทึกใด ๆ นะคะ\n"
                 "พิมพ์ “ลงทะเบียน” แล้วกรอกชื่อ-นามสกุลและหน่วยงาน เมื่อผู้ดูแลระบบอนุมัติแล้วจะแจ้งทาง LINE นี้ค่ะ")
PENDING = ("คำขอลงทะเบียนของคุณรอผู้ดูแลระบบอนุมัติอยู่ค่ะ ระหว่างนี้ยังบันทึกไม่ได้ "
           "เมื่ออนุมัติแล้วบอทจะแจ้งทาง LINE นี้นะคะ")
MANAGER_ROLES = frozenset({"manager", "admin"})


def need_registration(ctx: Context) -> Reply:
    """What a person who is not (yet) registered is told when they try something for registered staff (in a
    group: that it is for a one-on-one chat)."""
    if ctx.shared_chat:
        return private_chat(ctx)
    if ctx.user is not None and ctx.user.status == "pending":
        return Reply.text(PENDING)
    return Reply.text(NEED_REGISTER, [ask("ลงทะเบียน")])


@dataclass(frozen=True)
class Check:
    allows: Callable[[Context], bool]
    refuse: Callable[[Context], Reply]


@dataclass(frozen=True)
class Access:
    """Who may use a command: each check in turn; the first that fails gives its polite reply."""

    checks: tuple[Check, ...] = ()

    def refusal(self, ctx: Context) -> Reply | None:
        return next((check.refuse(ctx) for check in self.checks if not check.allows(ctx)), None)


def only(*checks: Check) -> Access:
    return Access(checks)


ANYONE = Access()


def personal(lead: str = "", *, text: str = "") -> Check:
    """Only in a one-on-one chat; a group is told where to ask (``lead`` before the usual offer), or ``text``."""
    refuse = (lambda ctx: Reply.text(text)) if text else (lambda ctx: private_chat(ctx, lead))
    return Check(lambda ctx: not ctx.shared_chat, refuse)


def registered(refuse: Callable[[Context], Reply] = need_registration) -> Check:
    return Check(lambda ctx: ctx.is_registered, refuse)


def role(roles: Collection[str], text: str, choices: tuple[Choice, ...] = ()) -> Check:
    return Check(lambda ctx: ctx.role in roles, lambda ctx: Reply.text(text, choices))


__all__ = ["ANYONE", "MANAGER_ROLES", "NEED_REGISTER", "PENDING", "Access", "Check", "need_registration", "only",
           "personal", "registered", "role"]
