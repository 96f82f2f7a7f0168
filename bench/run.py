"""``make bench``: the bot's webhook under load, against an echo baseline measured in the same run.

Both servers are started the way the Procfile's ``web:`` line starts the bot (``gunicorn -c gunicorn.conf.py
APP``), get the same wrk load (16 connections, signed, distinct events from thousands of users) and reply to the
same fake LINE API. Echo and bot are measured in alternation, three rounds, and the report shows the median
round: absolute rates move with the machine, the ratio of a pair measured back to back is the figure to read.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.fake_line import FakeLineServer
from bench.load import USERS, questions, require_wrk, write_bodies
from bench.measure import Plan, Result, measure
from bench.procs import BENCH, Processes, interrupts_as_exceptions
from bench.report import notes, ratio, table, write_results
from core.config import Settings

#: The bot's gunicorn workers: web workers, and the workers that answer (gunicorn.conf.py).
WEB_WORKERS = int(os.environ.get("WEB_CONCURRENCY", "2"))
_BOT_SETTINGS = Settings.from_env()
ANSWERING_WORKERS = _BOT_SETTINGS.answer_processes if _BOT_SETTINGS.run_workers else 0
ECHO = ("bench.echo_app:app", "bench/gunicorn_echo.conf.py")


def one_round(procs: Processes, fake: FakeLineServer, folder: Path, plan: Plan, bot_config: str,
              database_url: str) -> tuple[Result, list[Result]]:
    """The echo, then the bot. The echo's gunicorn settings give it as many workers as the bot has in all (web +
    answering); with only the web workers it may be faster on two cores, so it is measured that way too and the
    bot is held to the faster echo."""
    bases = [measure(procs, fake, folder, "echo baseline", *ECHO, plan)]
    if ANSWERING_WORKERS:
        bases.append(measure(procs, fake, folder, f"echo baseline, {WEB_WORKERS} workers", *ECHO, plan,
                             extra_env={"BENCH_ECHO_WORKERS": str(WEB_WORKERS)}))
    bot = measure(procs, fake, folder, "bot", "bot:create_app()", bot_config, plan, database_url)
    return bot, bases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15.0, help="load duration per server (default 15)")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up duration per server (default 3)")
    parser.add_argument("--drain-cap", type=float, default=25.0, help="longest wait for replies after the load")
    parser.add_argument("--line-latency-ms", type=float, default=0.0,
                        help="delay of every fake LINE answer (default 0: loopback speed)")
    parser.add_argument("--bot-config", default="gunicorn.conf.py",
                        help="gunicorn config for the bot (to compare a candidate change against the same baseline)")
    parser.add_argument("--database-url", default="",
                        help="an EMPTY database for the bot instead of a fresh SQLite file (e.g. PostgreSQL)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="echo/bot pairs measured in alternation (default 3; 1 with --database-url)")
    parser.add_argument("--results", type=Path, default=BENCH / "results.md")
    args = parser.parse_args(argv)
    require_wrk()

    procs = Processes()
    fake = FakeLineServer(latency_ms=args.line_latency_ms).start()
    workdir = Path(tempfile.mkdtemp(prefix="bot-bench-"))
    t0 = time.monotonic()
    rounds: list[tuple[Result, Result]] = []
    echoes: list[list[Result]] = []
    try:
        with interrupts_as_exceptions():
            texts = questions()
            plan = Plan(workdir / "warm.txt", workdir / "main.txt", args.seconds, args.warmup, args.drain_cap)
            write_bodies(plan.warm_bodies, "warm", args.warmup, texts)
            write_bodies(plan.main_bodies, "main", args.seconds, texts)
            print(f"{len(texts)} distinct questions, {USERS} users; fake LINE API at {fake.base_url}", flush=True)
            for i in range(1 if args.database_url else max(1, args.rounds)):
                folder = workdir / f"round{i + 1}"
                folder.mkdir()
                bot, bases = one_round(procs, fake, folder, plan, args.bot_config, args.database_url)
                rounds.append((bot, max(bases, key=lambda r: r.answer_rate)))
                echoes.append(bases)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping everything this run started", file=sys.stderr)
        return 130
    finally:
        procs.stop_all()
        fake.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    bot, base = sorted(rounds, key=lambda pair: ratio(pair[0].answer_rate, pair[1].answer_rate))[len(rounds) // 2]
    text = table(bot, base)
    extra = notes(bot, base, args.seconds, echoes, rounds)
    print("\n" + text + "\n\n" + "\n".join(extra))
    write_results(args.results, text, extra, time.monotonic() - t0)
    print(f"\nwritten to {args.results} (total {time.monotonic() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
