"""gunicorn settings for the Procfile's ``web`` process (and ``make run``)."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
graceful_timeout = 10
accesslog = None
forwarded_allow_ips = "*"


def on_starting(server):  # type: ignore[no-untyped-def]
    """Migrate once in the master, so ``web`` works on an empty database and workers don't race;
    give the workers a shared folder for Prometheus metrics."""
    import tempfile

    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="bot-metrics-"))
    from core.config import Settings
    from db.migrate import upgrade

    upgrade(Settings.from_env().database_url)
    os.environ["BOT_SKIP_MIGRATE"] = "1"


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
