"""Greetings, thanks, "ok", praise, complaints, "who are you" and asking for a person: a short warm reply,
never a knowledge topic and never "not sure" (the phrases and replies: ``knowledge/conversation/smalltalk.yaml``)."""

from __future__ import annotations

from core.dispatch import Context
from core.messages import Reply, Request
from knowledge.smalltalk import SmallTalk, core_of, reply_for

#: Small talk that no flow step expects as its answer.
INTERRUPTING = frozenset({"greeting", "thanks", "identity", "abilities", "goodbye", "praise", "human"})


class SmallTalkHandler:
    name = "smalltalk"

    def check(self, req: Request, ctx: Context) -> bool:
        talk: SmallTalk | None = getattr(ctx.services, "smalltalk", None)
        if req.kind != "text" or talk is None or talk.match(req.text) is None:
            return False
        return not self._asks_of_topic(req, ctx)

    @staticmethod
    def _asks_of_topic(req: Request, ctx: Context) -> bool:
        """"มีอะไรบ้าง" is "what can you do" at the start of a chat, but "what does it list" right after a topic
        (6Cs): a message made only of follow-up words asks about the recent topic, if there is one."""
        kb = getattr(ctx.services, "kb", None)
        words = getattr(kb, "followups", None)
        if words is None or core_of(req.text) not in words.attributes:
            return False
        from db.topics import recall

        return bool(recall(ctx.session, req, ctx.now, words.memory_minutes, ctx.topics))

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
