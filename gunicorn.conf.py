"""gunicorn settings for the Procfile's ``web`` process (and ``make run``).

The app is loaded once in the master (``preload_app``): migrations, the Thai dictionaries and the
knowledge index are built once and shared copy-on-write by the workers, which start at once and
use less memory. Each worker then opens its own database connections and starts its own
background threads (threads do not survive a fork).
"""

import os
import tempfile

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "8"))
timeout = 30
graceful_timeout = 10
accesslog = None
forwarded_allow_ips = "*"
preload_app = True

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
#: Worker metrics are shared through files (prometheus_client's multiprocess mode): a folder of our own
#: unless one is configured, removed when the server stops.
_own_metrics_dir = "" if os.environ.get("PROMETHEUS_MULTIPROC_DIR") else tempfile.mkdtemp(prefix="bot-metrics-")
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _own_metrics_dir
os.environ["BOT_DEFER_WORKERS"] = "1"  # started per worker in post_worker_init, after the fork


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    engine = worker.wsgi.config["BOT_ENGINE"]
    engine.dispose(close=False)  # connections opened by the master are not for this process
    engine.start_workers()


def worker_exit(server, worker):  # type: ignore[no-untyped-def]
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def pre_fork(server, worker):  # type: ignore[no-untyped-def]
    """Keep the preloaded objects out of the garbage collector's reach so that workers do not touch
    (and so copy) the pages they share with the master."""
    import gc

    gc.freeze()


def on_exit(server):  # type: ignore[no-untyped-def]
    if _own_metrics_dir:
        import shutil

        shutil.rmtree(_own_metrics_dir, ignore_errors=True)
