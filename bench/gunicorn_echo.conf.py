"""gunicorn settings for the echo baseline: every plain setting of the bot's ``gunicorn.conf.py`` (workers,
worker class, threads, timeouts, preload…) but none of its server hooks, which reach into the bot's app
(``post_worker_init`` starts the bot's background workers) and would fail on the echo app.

``gunicorn -c bench/gunicorn_echo.conf.py 'bench.echo_app:app'``
"""

import os
import runpy
import shutil
import types
from pathlib import Path

_settings = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
globals().update({name: value for name, value in _settings.items()
                  if not name.startswith("_") and not callable(value) and not isinstance(value, types.ModuleType)})

# The bot's answering workers (``BOT_ANSWER_PROCESSES``) count in ``workers``, so the echo gets as many workers
# in all, unless the benchmark asks for another number (``BENCH_ECHO_WORKERS``: it also measures the echo with
# only the web workers' number, which can be faster on two cores). The echo has no use for the folder where
# the bot's workers find each other.
if os.environ.get("BENCH_ECHO_WORKERS"):
    workers = int(os.environ["BENCH_ECHO_WORKERS"])
if _settings.get("_own_run_dir"):
    shutil.rmtree(_settings["_own_run_dir"], ignore_errors=True)
