"""Helpers shared by the activity and registration tests (this module has no tests of its own).

The bot's clock is pinned to 24 Nov 2569 (fiscal year 2570, round 1) and moves one second per reading, so
dates in messages are predictable and the per-minute rate limit never trips in a long conversation.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from db.activities import Participation
from db.models import Conversation, User
from tests.conftest import Bot

#: 10:00 in Bangkok on Tuesday 24 November 2026 (24 พ.ย. 2569).
START = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
STAFF = "U" + "5" * 32
OTHER = "U" + "6" * 32
MANAGER = "U" + "7" * 32
STRANGER = "U" + "8" * 32
ADMIN = "U" + "a" * 32  # BOT_ADMIN_IDS in tests/conftest.make_settings


class Clock:
    """A clock tests can move; each reading advances it by ``tick``."""

    def __init__(self, start: datetime = START, tick: timedelta = timedelta(seconds=1)) -> None:
        self.now, self.tick, self.lock = start, tick, threading.Lock()

    def __call__(self) -> datetime:
        with self.lock:
            self.now += self.tick
            return self.now

    def advance(self, **delta: float) -> None:
        with self.lock:
            self.now += timedelta(**delta)


def use_clock(bot: Bot, start: datetime = START, tick: timedelta = timedelta(seconds=1)) -> Clock:
    clock = Clock(start, tick)
    bot.engine.clock = clock
    return clock


def register(bot: Bot, user: str, role: str = "staff", unit: str = "พส.", name: str = "") -> None:
    name = name or f"ผู้ทดสอบ {user[1:4]}"
    result = bot.app.test_cli_runner().invoke(
        args=["users", "add", user, "--name", name, "--unit", unit, "--role", role])
    assert result.exit_code == 0, result.output


def quick_replies(bot: Bot) -> list[dict[str, Any]]:
    return bot.last_reply()["messages"][-1].get("quickReply", {}).get("items", [])


def labels(bot: Bot) -> list[str]:
    return [i["action"]["label"] for i in quick_replies(bot)]


def action(bot: Bot, label: str) -> dict[str, Any]:
    return next(i["action"] for i in quick_replies(bot) if i["action"]["label"] == label)


def records(bot: Bot, **where: Any) -> list[Participation]:
    with bot.engine.sessions() as s:
        query = select(Participation).order_by(Participation.id)
        for key, value in where.items():
            query = query.where(getattr(Participation, key) == value)
        return list(s.scalars(query))


def count(bot: Bot, model: type) -> int:
    with bot.engine.sessions() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def conversation(bot: Bot, user: str) -> Conversation | None:
    with bot.engine.sessions() as s:
        return s.get(Conversation, user)


def user_row(bot: Bot, user: str) -> User | None:
    with bot.engine.sessions() as s:
        return s.scalar(select(User).where(User.line_user_id == user))


def log_by_sentence(bot: Bot, text: str, user: str = STAFF) -> str:
    """Say a sentence, tap ยืนยัน on the proposal, return the receipt."""
    proposal = bot.say(text, user)
    assert "ยืนยัน" in labels(bot), proposal
    return bot.tap(action(bot, "ยืนยัน")["data"], user)
