"""``flask --app bot work``: a process that only turns stored events into replies (the Procfile's
optional ``worker:`` type). Web processes then run with ``BOT_RUN_WORKERS=0``; several machines can
run both, as they share work only through the database. On one machine, give the web and worker
processes the same ``BOT_RUN_DIR``: the web processes then wake this one through its socket at once
instead of it looking once a second."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("work", help="Process stored LINE events until stopped (SIGTERM / Ctrl-C).")
@with_appcontext
def work_command() -> None:
    engine = current_app.config["BOT_ENGINE"]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    engine.start_workers()
    click.echo(f"answering with {engine.settings.worker_threads} thread(s), sending with "
               f"{engine.settings.sender_threads}; stop with Ctrl-C")
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    engine.stop_workers()
