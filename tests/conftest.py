"""Fixtures: a real database (SQLite file; PostgreSQL too when ``TEST_POSTGRES_URL`` is set), the
fake LINE API on loopback, and the real Flask app wired to both."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

import pytest  # noqa: E402
from flask import Flask  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from core.config import Settings  # noqa: E402
from tests.line_fake import SECRET, TOKEN, FakeLine, body_of, sign  # noqa: E402

PG_URL = os.environ.get("TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def _fresh_pg_database() -> str:
    """A new, empty PostgreSQL database for one test (dropped afterwards by ``_drop_pg``)."""
    name = "bot_test_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_URL.rsplit("/", 1)[0] + "/" + name


def _drop_pg(url: str) -> None:
    name = url.rsplit("/", 1)[-1]
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/bot.sqlite3"
        return
    url = _fresh_pg_database()
    yield url
    _drop_pg(url)


@pytest.fixture
def sqlite_url(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path}/bot.sqlite3"


@pytest.fixture
def fake_line(httpserver: Any) -> Iterator[FakeLine]:
    fake = FakeLine(httpserver)
    fake.install()
    yield fake
    assert not fake.malformed, "the bot sent bodies LINE would refuse"


def make_settings(db_url: str, fake_line: FakeLine | None = None, **overrides: Any) -> Settings:
    env = {
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": fake_line.base_url if fake_line else "http://127.0.0.1:9",
        "DATABASE_URL": db_url,
        "BOT_ADMIN_IDS": "U" + "a" * 32,
        "LINE_API_TIMEOUT": "3",
        **({"KNOWLEDGE_DIR": os.environ["KNOWLEDGE_DIR"]} if os.environ.get("KNOWLEDGE_DIR") else {}),
    }
    return Settings.from_env(env, **overrides)


@dataclass
class Bot:
    """The app under test, driven like LINE drives it."""

    app: Flask
    line: FakeLine

    @property
    def engine(self) -> Any:
        return self.app.config["BOT_ENGINE"]

    def post(self, *events: dict[str, Any], body: bytes | None = None, signature: str | None = None,
             headers: dict[str, str] | None = None) -> Any:
        raw = body if body is not None else body_of(*events)
        sig = sign(raw) if signature is None else signature
        hdrs = {"Content-Type": "application/json", **({"X-Line-Signature": sig} if sig else {}), **(headers or {})}
        return self.app.test_client().post("/callback", data=raw, headers=hdrs)

    def say(self, text: str, user: str = "U" + "1" * 32, **kw: Any) -> str:
        """Send a text message through the webhook, process it, and return what the person reads."""
        from tests.line_fake import text_event, text_of

        event = text_event(text, user, **kw)
        assert self.post(event).status_code == 200
        self.engine.drain()
        reply = self.line.reply_for(event["replyToken"])
        return text_of(reply) if reply else ""

    def tap(self, data: str, user: str = "U" + "1" * 32, params: dict[str, str] | None = None) -> str:
        from tests.line_fake import postback_event, text_of

        event = postback_event(data, user, params)
        assert self.post(event).status_code == 200
        self.engine.drain()
        reply = self.line.reply_for(event["replyToken"])
        return text_of(reply) if reply else ""

    def last_reply(self) -> dict[str, Any]:
        return self.line.replies()[-1]


def _running_bot(url: str, fake_line: FakeLine) -> Iterator[Bot]:
    from bot import create_app

    app = create_app(make_settings(url, fake_line), start_workers=False)
    yield Bot(app, fake_line)
    app.config["BOT_ENGINE"].stop_workers()
    app.config["BOT_ENGINE"].dispose()


@pytest.fixture
def bot(db_url: str, fake_line: FakeLine) -> Iterator[Bot]:
    """The app on every backend (SQLite, and PostgreSQL when available)."""
    yield from _running_bot(db_url, fake_line)


@pytest.fixture
def sqlite_bot(sqlite_url: str, fake_line: FakeLine) -> Iterator[Bot]:
    """The app on SQLite only, for tests whose subject is not the database."""
    yield from _running_bot(sqlite_url, fake_line)


@pytest.fixture(autouse=True)
def _package_synonyms() -> Iterator[None]:
    """A test that loads a knowledge folder of its own also reads questions with that folder's synonyms
    (``knowledge.query.use_synonyms``); the next test starts from the package's."""
    yield
    from knowledge.query import SYNONYMS_FILE, use_synonyms

    use_synonyms(SYNONYMS_FILE)
