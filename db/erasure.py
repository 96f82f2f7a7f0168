"""PDPA erasure ("ลบข้อมูลของฉัน"): each store says what it erases about a person, and one function runs them all.

The handlers declare which stores' erasers apply (``erases`` on a handler, gathered by the dispatcher:
``core.features``), so a new feature that stores something about a person adds its eraser beside its handler,
not to a hand-kept list. What the core itself keeps (flows, remembered topics, the outbox, the audit log) is
erased here, always.

Records the office counts stay, under a random key (``Erasure.token``), so reports do not change.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Text, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from core.features import Eraser
from db.models import AuditLog, Conversation, Outbox, TopicMemory, User

#: The random keys erased people's kept records move to begin with this.
ANON_PREFIX = "anon-"
#: Who made a change, once that person has been erased.
ERASED_NAME = "(ลบข้อมูลส่วนบุคคลแล้ว)"


@dataclass
class Erasure:
    """One person's erasure, shared by every store's eraser."""

    session: Session
    line_user_id: str
    #: The random key their kept records (participations, audit entries, KPI changes) move to.
    token: str
    #: Their LINE id and stored names (read before anything is deleted): what messages about them may hold.
    names: tuple[str, ...]
    #: Participation records kept under ``token`` (said in the reply and the audit log).
    anonymised: int = 0


def erase_person(session: Session, line_user_id: str, erasers: Iterable[Eraser]) -> int:
    """Erase a person: every declared store's share, then the core's. Returns how many records were anonymised.

    The stored LINE events are erased by the engine as it records the answer (``Context.forgotten``): they may
    be in a database file of their own."""
    person = session.scalar(select(User).where(User.line_user_id == line_user_id))
    names = (line_user_id, *(n for n in ((person.full_name, person.display_name) if person else ()) if len(n) >= 3))
    erasure = Erasure(session, line_user_id, ANON_PREFIX + secrets.token_hex(12), names)
    for eraser in (*erasers, *CORE_ERASERS):
        eraser(erasure)
    session.add(AuditLog(actor="self-service", action="pdpa.forget", detail={"records_anonymised": erasure.anonymised}))
    session.flush()
    return erasure.anonymised


def erase_flow_and_topics(erasure: Erasure) -> None:
    """A flow in progress and the topics remembered for follow-up questions."""
    uid = erasure.line_user_id
    erasure.session.execute(delete(Conversation).where(Conversation.line_user_id == uid))
    erasure.session.execute(delete(TopicMemory).where(TopicMemory.line_user_id == uid))


def erase_messages(erasure: Erasure) -> None:
    """Messages to them, and messages about them (an admin's approval card holds their id, name and LINE name,
    the admin's answer their name), whatever their status: one not sent yet is skipped (``Engine.deliver``)."""
    uid = erasure.line_user_id
    about = [cast(Outbox.payload, Text).contains(form, autoescape=True)
             for n in erasure.names for form in dict.fromkeys((n, json.dumps(n)[1:-1]))]
    erasure.session.execute(update(Outbox).where(or_(Outbox.to == uid, *about))
                            .values(to="", payload={"redacted": True}))


def erase_audit_names(erasure: Erasure) -> None:
    """The audit log keeps what happened, under the random key instead of the LINE id."""
    uid, token = erasure.line_user_id, erasure.token
    for entry in erasure.session.scalars(select(AuditLog).where((AuditLog.actor == uid)
                                                                | AuditLog.action.like("users.%")
                                                                | AuditLog.action.like("registration.%"))):
        if entry.actor == uid:
            entry.actor = token
        if isinstance(entry.detail, dict) and entry.detail.get("user") == uid:
            entry.detail = {**entry.detail, "user": token}


CORE_ERASERS: tuple[Eraser, ...] = (erase_flow_and_topics, erase_messages, erase_audit_names)

__all__ = ["ANON_PREFIX", "CORE_ERASERS", "ERASED_NAME", "Erasure", "erase_person"]
