"""gunicorn settings for the Procfile's ``web`` process (and ``make run``).

The app is loaded once in the master (``preload_app``): ``create_app()`` migrates and starts no threads. The
migrations, the Thai dictionaries and the knowledge index are built once and shared copy-on-write by the workers,
which start at once and use less memory. Each worker then opens its own database connections and starts its own
threads in ``post_worker_init`` (threads and connections do not survive a fork).

Roles: ``WEB_CONCURRENCY`` workers serve HTTP (store LINE's events, acknowledge, serve the chat page) and
``BOT_ANSWER_PROCESSES`` more (default 1) answer the stored events and send the replies. They are ordinary
gunicorn workers, so the master restarts one that dies, but they close their listening sockets and run the
answering threads instead. Answering in processes of their own keeps its work off the web workers' GIL: with
webhook, answering and sending threads in one process, they take turns on one GIL. A web worker wakes the
answering process through a UNIX socket (``core/wake.py``).
``BOT_ANSWER_PROCESSES=0`` gives every web worker answering threads of its own instead; ``BOT_RUN_WORKERS=0``
none at all (a separate ``worker:`` process answers).
"""

import fcntl
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # gunicorn reads this file before the app's path
from core.config import Settings  # noqa: E402  (the bot's own reading of BOT_RUN_WORKERS, BOT_ANSWER_PROCESSES)

_settings = Settings.from_env()
_web_workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
_run_workers = _settings.run_workers
_answer_processes = _settings.answer_processes if _run_workers else 0

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = _web_workers + _answer_processes
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
#: Where the workers find each other's sockets and the answering roles' locks (``BOT_RUN_DIR``, on this
#: machine): a folder of our own unless one is configured, removed when the server stops.
_own_run_dir = tempfile.mkdtemp(prefix="bot-run-") if _answer_processes and not os.environ.get("BOT_RUN_DIR") else ""
_run_dir = os.environ.get("BOT_RUN_DIR") or _own_run_dir
if _answer_processes:
    if len(os.fsencode(_run_dir)) > 80:  # a UNIX socket's path has room for 107 bytes in all
        raise RuntimeError(f"BOT_RUN_DIR is too long for UNIX socket paths (at most 80 bytes): {_run_dir}")
    os.makedirs(_run_dir, exist_ok=True)
    os.environ["BOT_RUN_DIR"] = _run_dir
#: The role lock this worker holds for its life (the kernel releases it when the process dies).
_role_lock: int | None = None


def _answering_slot() -> int | None:
    """The first free answering role, taken for this process's life; None when every one is held (this
    worker serves HTTP). A worker that replaces a dead answering worker finds its role free. The lock
    file holds the pid of the worker that has the role."""
    global _role_lock
    for slot in range(_answer_processes):
        fd = os.open(os.path.join(_run_dir, f"answering-{slot}.lock"), os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        _role_lock = fd
        return slot
    return None


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    engine = worker.wsgi.config["BOT_ENGINE"]
    engine.dispose(close=False)  # connections opened by the master are not for this process
    if not _run_workers:
        return  # a separate `worker:` process answers
    if not _answer_processes:
        engine.start_workers()  # answering threads beside the web threads
        return
    slot = _answering_slot()
    if slot is None:
        engine.start_sending_for_answerers()  # a web worker: wakes the answering workers, sends their replies
        return
    for listener in worker.sockets:
        listener.close()
    worker.sockets = []  # this worker serves no HTTP: gthread's loop now only keeps it alive
    engine.start_workers(slot=slot)
    worker.log.info("worker %s answers events (role %s)", worker.pid, slot)


def worker_exit(server, worker):  # type: ignore[no-untyped-def]
    from prometheus_client import multiprocess

    engine = getattr(worker, "wsgi", None) and worker.wsgi.config.get("BOT_ENGINE")
    if engine is not None:
        engine.stop_workers()  # the replies in flight are sent and recorded before the process ends
    multiprocess.mark_process_dead(worker.pid)


def pre_fork(server, worker):  # type: ignore[no-untyped-def]
    """Keep the preloaded objects out of the garbage collector's reach so that workers do not touch
    (and so copy) the pages they share with the master."""
    import gc

    gc.freeze()


def on_exit(server):  # type: ignore[no-untyped-def]
    import shutil

    for folder in (_own_metrics_dir, _own_run_dir):
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
