"""Configuration from environment variables, with safe defaults.

Secrets are held here but never logged: ``Settings.__repr__`` hides them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRET_FIELDS = {"line_channel_secret", "line_channel_access_token", "chat_page_password", "secret_key"}


def _ids(raw: str) -> frozenset[str]:
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


def _flag(raw: str | None, default: bool = False) -> bool:
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    line_channel_secret: str = ""
    line_channel_access_token: str = ""
    line_api_base_url: str = "https://api.line.me"
    database_url: str = ""
    admin_ids: frozenset[str] = field(default_factory=frozenset)
    port: int = 8000
    #: Seconds before a call to LINE's API gives up.
    line_api_timeout: float = 5.0
    #: Threads per answering process that turn stored events into replies. One is the fastest on SQLite (its
    #: single write lock serialises them) and on PostgreSQL alike (bench/results.md).
    worker_threads: int = 1
    #: Threads per process that send the replies, so that answering never waits for LINE's HTTP round trip.
    sender_threads: int = 4
    #: Most events a worker answers per transaction. A transaction's own statements cost the same whatever its
    #: size, so under a backlog a bigger batch costs less CPU per event; the first reply of a full batch leaves
    #: later (figures: bench/results.md).
    events_per_transaction: int = 32
    #: Seconds an answering worker waits, once woken, for more events to arrive before it claims them, so
    #: that one transaction answers more events (``Workers._gather``); a reply leaves this much later.
    #: 0: claim at once.
    answer_gather: float = 0.01
    #: Run the in-process workers (off for a web process when a separate ``worker:`` runs).
    run_workers: bool = True
    #: gunicorn workers that answer instead of serving HTTP (``gunicorn.conf.py``); 0: every web worker
    #: answers in background threads of its own.
    answer_processes: int = 1
    #: A folder on this machine where the web and answering processes find each other's UNIX sockets: web
    #: processes wake the answering ones (``core/wake.py``), which hand them replies to send
    #: (``core/relay.py``). "": none (answering processes then look for work once a second and send
    #: their replies themselves). Set by ``gunicorn.conf.py``.
    run_dir: str = ""
    #: Local chat page at "/" and "/chat". On by default only without LINE credentials.
    chat_page: bool = True
    chat_page_password: str = ""
    #: Where people reach this server (``BOT_PUBLIC_URL``): the host in the back office's sign-in links.
    public_url: str = ""
    #: Signs the back office's sign-in links and session cookies (``BOT_SECRET_KEY``; by default derived
    #: from the LINE channel secret, so every worker of one deployment agrees without another setting).
    secret_key: str = ""
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    #: Minimum BM25-derived confidence for a free-text answer.
    answer_threshold: float = 0.45
    max_body_bytes: int = 1_000_000
    #: Messages one person may send per minute before the bot asks them to slow down (0: no limit).
    rate_limit_per_minute: int = 30
    #: Office units offered at registration, comma-separated.
    units: tuple[str, ...] = ("ศย.", "พท.", "บส.", "สม.", "สค.", "ศท.", "พส.", "สล.", "กพร.")
    #: The LINE Official Account's basic id ("@123abcde"): in a group, the bot's button that opens a one-on-one chat.
    line_bot_basic_id: str = ""

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def signing_key(self) -> str:
        """The back office's key: ``BOT_SECRET_KEY``, else one derived from the channel secret ("" in local
        mode without either: no sign-in links then)."""
        if self.secret_key:
            return self.secret_key
        if not self.line_channel_secret:
            return ""
        import hashlib
        import hmac

        return hmac.new(self.line_channel_secret.encode(), b"nso-bot back office", hashlib.sha256).hexdigest()

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://localhost:{self.port}").rstrip("/")

    def __repr__(self) -> str:
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in SECRET_FIELDS and value:
                value = "***"
            shown.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(shown)})"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = dict(os.environ if env is None else env)
        secret = env.get("LINE_CHANNEL_SECRET", "")
        token = env.get("LINE_CHANNEL_ACCESS_TOKEN", "")
        has_line = bool(secret and token)
        password = env.get("CHAT_PAGE_PASSWORD", "")
        values: dict[str, object] = {
            "line_channel_secret": secret,
            "line_channel_access_token": token,
            "line_api_base_url": env.get("LINE_API_BASE_URL", "https://api.line.me").rstrip("/"),
            "database_url": env.get("DATABASE_URL", ""),
            "admin_ids": _ids(env.get("BOT_ADMIN_IDS", "")),
            "port": int(env.get("PORT", "8000") or 8000),
            "line_api_timeout": float(env.get("LINE_API_TIMEOUT", "5") or 5),
            "worker_threads": max(1, int(env.get("BOT_WORKER_THREADS", "1") or 1)),
            "sender_threads": max(1, int(env.get("BOT_SENDER_THREADS", "4") or 4)),
            "events_per_transaction": max(1, int(env.get("BOT_EVENTS_PER_TRANSACTION", "32") or 32)),
            "answer_gather": max(0.0, float(env.get("BOT_ANSWER_GATHER_MS", "10") or 0)) / 1000,
            "run_workers": _flag(env.get("BOT_RUN_WORKERS"), True),
            "answer_processes": max(0, int(env.get("BOT_ANSWER_PROCESSES", "1") or 0)),
            "run_dir": env.get("BOT_RUN_DIR", ""),
            "rate_limit_per_minute": int(env.get("BOT_RATE_LIMIT_PER_MINUTE", "30") or 30),
            # With LINE credentials the chat page is off unless enabled explicitly with a password.
            "chat_page": _flag(env.get("CHAT_PAGE_ENABLED"), not has_line)
            and (not has_line or bool(password)),
            "chat_page_password": password,
            "public_url": env.get("BOT_PUBLIC_URL", "").strip().rstrip("/"),
            "secret_key": env.get("BOT_SECRET_KEY", ""),
            "line_bot_basic_id": env.get("LINE_BOT_BASIC_ID", "").strip(),
        }
        if env.get("KNOWLEDGE_DIR"):
            values["knowledge_dir"] = Path(env["KNOWLEDGE_DIR"])
        if env.get("BOT_UNITS"):
            values["units"] = tuple(u.strip() for u in env["BOT_UNITS"].split(",") if u.strip())
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
