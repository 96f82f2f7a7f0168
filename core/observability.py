"""Structured logs (one JSON line per event) and Prometheus metrics.

User ids are hashed before they are logged; secrets never reach a log line. Under gunicorn the
metrics of all workers are aggregated through ``PROMETHEUS_MULTIPROC_DIR`` (set in gunicorn.conf.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from functools import lru_cache

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess as prom_multiprocess

events_log = logging.getLogger("bot.events")

EVENTS = Counter("bot_events_total", "Webhook events processed", ["type", "outcome"])
REPLIES = Counter("bot_messages_sent_total", "Outbox messages by final status", ["kind", "status"])
ERRORS = Counter("bot_errors_total", "Errors while processing events or sending", ["where"])
UNANSWERED = Counter("bot_unanswered_questions_total", "Questions the knowledge base could not answer")
RATE_LIMITED = Counter("bot_rate_limited_total", "Messages refused by the per-user rate limit")
WEBHOOK_REQUESTS = Counter("bot_webhook_requests_total", "Webhook HTTP requests", ["status"])
LATENCY = Histogram("bot_event_latency_seconds", "From webhook receipt to the event's answer being committed",
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60))
#: SQLite has one write lock for every process; how long each transaction queued for it and held it, by the
#: role of the process (``PROCESS_ROLE``), tells whether that lock is what limits the event rate.
WRITE_LOCK_WAIT = Histogram("bot_sqlite_write_lock_wait_seconds", "Time a transaction queued for SQLite's write lock",
                            ["role", "database"], buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1))
WRITE_LOCK_HOLD = Histogram("bot_sqlite_write_lock_hold_seconds", "Time a transaction held SQLite's write lock",
                            ["role", "database"], buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1))
#: What this process does: "web" (serves HTTP), "answering" (answers stored events), or "process" (both, or
#: a command). Set when its workers start.
PROCESS_ROLE = {"name": "process"}
ANSWER_BATCH = Histogram("bot_answer_batch_events", "Events answered per transaction (more: cheaper per event)",
                         buckets=(1, 2, 4, 8, 16, 32, 64))
ACK_LATENCY = Histogram("bot_webhook_ack_seconds", "Time to acknowledge a webhook request",
                        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2))


def user_hash(user_id: str) -> str:
    """A stable pseudonym for logs (never the LINE user id itself)."""
    return _pseudonym(os.environ.get("LOG_USER_SALT", "nso-bot"), user_id) if user_id else ""


@lru_cache(maxsize=8192)
def _pseudonym(salt: str, user_id: str) -> str:
    """Cached: the same people write again and again, and a hash per logged event is measurable."""
    return hashlib.sha256(f"{salt}:{user_id}".encode()).hexdigest()[:12]


def log_event(*, event_id: str, event_type: str, user_id: str, handler: str, latency_s: float, outcome: str) -> None:
    EVENTS.labels(event_type or "unknown", outcome).inc()
    if latency_s >= 0:
        LATENCY.observe(latency_s)
    if handler == "pmqa-unsure":
        UNANSWERED.inc()
    events_log.info(json.dumps({
        "ts": round(time.time(), 3), "event_id": event_id, "type": event_type, "user": user_hash(user_id),
        "handler": handler, "latency_ms": round(latency_s * 1000, 1), "outcome": outcome,
    }, ensure_ascii=False))


def metrics_payload() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        prom_multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()
