"""Logging from a sentence ("เมื่อวานเข้าอบรม No Gift Policy มาค่ะ"): what it names is proposed, and only what
it does not is asked for, through the same steps as logging tap by tap."""

from __future__ import annotations

from core.dispatch import Context
from core.messages import Reply, Request
from db import activity_store as store
from handlers.access import need_registration
from handlers.activities.common import CONFIRM_WORDS, NONE_WORDS, current_plan, number_in
from handlers.activities.language import Understood, day_problem, parse_day, reports_participation, understand
from handlers.activities.logging_flow import ask_next
from handlers.common import is_command
from handlers.flow import looks_like_question
from knowledge.activities import Plan


def free_text(text: str, ctx: Context) -> tuple[Plan, Understood] | None:
    """The plan and what the sentence names, when it clearly reports a participation."""
    if not reports_participation(text):
        return None
    plan = current_plan(ctx)
    if plan is None:
        return None
    understood = understand(plan, text)
    return (plan, understood) if understood.named else None


def answers_a_step(text: str, ctx: Context) -> bool:
    """Whether a message looks like an answer to one of the flow's steps (a button's text, a number,
    a date, ยืนยัน/ไม่มี) — anything else, after a timeout, belongs to the other handlers."""
    if looks_like_question(text):
        return False
    if is_command(text, *CONFIRM_WORDS, *NONE_WORDS) or number_in(text) is not None:
        return True
    day, why = parse_day(text, store.bangkok_today(ctx.now))
    if day is not None or why:
        return True
    plan = current_plan(ctx)
    return plan is not None and understand(plan, text).named


def from_sentence(req: Request, ctx: Context, plan: Plan, understood: Understood) -> Reply:
    """Propose what the sentence says; ask only for what it does not."""
    if not ctx.is_registered:
        return need_registration(ctx)
    data: dict = {"plan": plan.fiscal_year, "src": "text", "act": understood.activity,
                  "item": understood.item, "options": list(understood.candidates)}
    today = store.bangkok_today(ctx.now)
    day, why = parse_day(req.text, today)
    problem = why and f"ขออภัยค่ะ {why}"
    if day is not None:
        problem = day_problem(day, today, plan.fiscal_year)
        if not problem:
            data["day"] = day.isoformat()
    return ask_next(req, ctx, data, problem)
