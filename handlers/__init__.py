"""Handlers: plain request in, plain reply out. The order in ``build_dispatcher`` is the priority.

Each handler declares who may use its commands, its help and menu entries, and what it erases for PDPA
(``core.features``); the dispatcher applies and gathers them.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session

from core.dispatch import Dispatcher, Handler
from core.features import Features


def build_dispatcher() -> Dispatcher:
    from handlers.activities import ActivitiesHandler
    from handlers.adr import AdrHandler
    from handlers.backoffice import BackOfficeLinkHandler
    from handlers.handoff import HandoffHandler
    from handlers.help import HelpHandler, NonTextHandler
    from handlers.kpi import KpiHandler
    from handlers.pmqa import KnowledgeHandler
    from handlers.registration import RegistrationHandler
    from handlers.smalltalk import SmallTalkHandler

    # HandoffHandler before small talk and the knowledge fallback: "ขอคุยกับเจ้าหน้าที่" forwards to a person.
    # The ADR checker before activities: a pasted draft may tell of a training ("เข้าอบรม …").
    handlers: list[Handler] = [HelpHandler(), NonTextHandler(), HandoffHandler(), BackOfficeLinkHandler(),
                               SmallTalkHandler(), RegistrationHandler(), AdrHandler(), ActivitiesHandler(),
                               KpiHandler()]
    return Dispatcher(handlers, fallback=KnowledgeHandler())


@lru_cache(maxsize=1)
def features() -> Features:
    """What the bot's handlers declare (the rich menu is drawn from it, outside any chat)."""
    return build_dispatcher().features


def erase_person(session: Session, line_user_id: str) -> int:
    """Erase a person as "ลบข้อมูลของฉัน" does: every handler's declared erasers and the core's (``db.erasure``)."""
    from db.erasure import erase_person as erase

    return erase(session, line_user_id, features().erasers)
