"""Greetings, thanks, "ok", praise, complaints, "who are you" and asking for a person: a short warm reply,
never a knowledge topic and never "not sure" (the phrases and replies: ``knowledge/conversation/smalltalk.yaml``)."""

from __future__ import annotations

from core.dispatch import Context
from core.messages import Reply, Request
from knowledge.smalltalk import SmallTalk, reply_for

#: Small talk that no flow step expects as its answer.
INTERRUPTING = frozenset({"greeting", "thanks", "identity", "abilities", "goodbye", "praise", "human"})


class SmallTalkHandler:
    name = "smalltalk"

    def check(self, req: Request, ctx: Context) -> bool:
        talk: SmallTalk | None = getattr(ctx.services, "smalltalk", None)
        return req.kind == "text" and talk is not None and talk.match(req.text) is not None

    def interrupts(self, req: Request, ctx: Context) -> bool:
        """Greetings and thanks are never a flow's answer; "ok" and "ไม่ใช่" may be (a confirmation), so not those."""
        talk: SmallTalk | None = getattr(ctx.services, "smalltalk", None)
        intent = talk.match(req.text) if talk is not None and req.kind == "text" else None
        return intent is not None and intent.id in INTERRUPTING

    def handle(self, req: Request, ctx: Context) -> Reply:
        talk: SmallTalk = ctx.services.smalltalk
        intent = talk.match(req.text)
        assert intent is not None  # check() said so
        text = reply_for(intent, int(ctx.now.timestamp()))
        if intent.contact:
            text = f"{text}\n{talk.contact}"
        choices = ctx.features.menu[:6] if intent.menu or intent.contact else ()
        return Reply.text(text, choices, handler=f"smalltalk-{intent.id}")
