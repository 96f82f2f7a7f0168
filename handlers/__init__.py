"""Handlers: plain request in, plain reply out. The order in ``build_dispatcher`` is the priority."""

from __future__ import annotations

from core.dispatch import Dispatcher, Handler


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
