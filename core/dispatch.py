"""Handlers and the dispatcher that asks them, in order, whether a request concerns them.

Like python-telegram-bot's handlers: each has ``check`` (does this concern me?) and ``handle``.
A person in the middle of a multi-step flow is routed to that flow's handler first; a feature is
added by adding a handler, not by editing the dispatcher.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.orm import Session

from core.config import Settings
from core.features import Features, Rule
from core.messages import Push, Reply, Request

if TYPE_CHECKING:
    from db.models import Conversation, User

log = logging.getLogger(__name__)

SORRY = "ขออภัยค่ะ ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้งในอีกสักครู่"


@dataclass
class Context:
    """What a handler may use: the open transaction, settings, the services, who is asking."""

    session: Session
    settings: Settings
    services: Any
    now: datetime
    user: User | None = None
    conversation: Conversation | None = None
    #: The flow whose conversation expired just now (handlers may say so politely).
    expired_flow: str = ""
    pushes: list[Push] = field(default_factory=list)
    #: People who asked to be forgotten (PDPA): the engine erases their stored LINE events, which may live in
    #: a database file of their own, as it records the answer.
    forgotten: list[str] = field(default_factory=list)
    #: The batch's remembered topics (``db/topics.py``): read with one query, and the ones to write with one
    #: statement after the batch; None outside a batch (each answer reads and writes its own).
    topics: dict | None = None
    topic_writes: dict | None = None
    #: A group or room: everyone there reads the answer, so the handlers see a stranger (``Dispatcher.dispatch``).
    shared_chat: bool = False
    #: What the handlers declared (the help, the menus, the erasers), set by the dispatcher.
    features: Features = field(default_factory=Features)

    def push(self, to: str, reply: Reply) -> None:
        """Queue a message to someone else; it is sent only if the transaction commits."""
        self.pushes.append(Push(to=to, reply=reply))

    @property
    def is_registered(self) -> bool:
        return self.user is not None and self.user.status == "active"

    @property
    def role(self) -> str:
        return self.user.role if self.is_registered and self.user else "guest"


def shared_view(ctx: Context) -> None:
    """The group rule, in one place: in a group or room every member reads the bot's answer, so the handlers
    answer as they would a stranger (not registered, no role, no flow in progress): public knowledge and
    targets, never results, records, registration or erasure. What is withheld is offered in a one-on-one
    chat instead (``handlers.common.private_chat``). The person's own flow is neither seen nor changed
    (``Flow.go``/``Flow.end`` do nothing in a shared chat)."""
    ctx.shared_chat = True
    ctx.user = None
    ctx.conversation = None
    ctx.expired_flow = ""


class Handler(Protocol):
    """``check``: does this request concern me? ``handle``: the reply. A handler may also have
    ``interrupts(req, ctx) -> bool``: this message starts my own thing even while another flow is open;
    and the declarations of ``core.features`` (who may use its commands, its help and menu entries, what it
    erases)."""

    name: str

    def check(self, req: Request, ctx: Context) -> bool: ...

    def handle(self, req: Request, ctx: Context) -> Reply: ...


class Dispatcher:
    def __init__(self, handlers: list[Handler], fallback: Handler) -> None:
        self.handlers = handlers
        self.fallback = fallback
        self.by_name = {h.name: h for h in [*handlers, fallback]}
        self.features = Features.of([*handlers, fallback])

    def dispatch(self, req: Request, ctx: Context) -> Reply:
        if req.chat_type != "user":
            shared_view(ctx)
        ctx.features = self.features
        handler = self.route(req, ctx)
        reply = self.refusal(handler, req, ctx) or handler.handle(req, ctx)
        if not reply.handler:
            reply = Reply(messages=reply.messages, choices=reply.choices, handler=handler.name, topic=reply.topic,
                          topic_question=reply.topic_question)
        if reply.topic:
            from db.topics import remember

            remember(ctx.session, req, reply.topic, ctx.now, ctx.topic_writes, ctx.topics, reply.topic_question)
        return reply

    @staticmethod
    def refusal(handler: Handler, req: Request, ctx: Context) -> Reply | None:
        """The access rule the handler declared for this request's command (``access`` and ``command_of``):
        the polite reply when this person may not, else None. A handler may dress a refusal in its own
        flow's way (``refused``: a note that the flow timed out, ending it)."""
        access: dict[str, Rule] | None = getattr(handler, "access", None)
        if not access:
            return None
        command = handler.command_of(req, ctx)  # type: ignore[attr-defined]
        rule = access.get(command)
        reply = rule.refusal(ctx) if rule is not None else None
        refused = getattr(handler, "refused", None)
        return refused(req, ctx, command, reply) if reply is not None and refused is not None else reply

    def route(self, req: Request, ctx: Context) -> Handler:
        conv = ctx.conversation
        if conv is not None:
            owner = self.by_name.get(conv.flow)
            # A message that starts something of its own ("เมนู", "ขอบคุณค่ะ", "ตรวจคำตอบ ADR") is answered as
            # such even in the middle of another flow, which waits where it was (and expires as usual).
            for handler in self.handlers:
                interrupts = getattr(handler, "interrupts", None)
                if handler is not owner and interrupts is not None and interrupts(req, ctx):
                    return handler
            if owner is not None and owner.check(req, ctx):
                return owner
        for handler in self.handlers:
            if handler.check(req, ctx):
                return handler
        return self.fallback
