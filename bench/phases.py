"""Where one event's time goes when nothing competes: ``python -m bench.phases``.

The load test says *how fast*; this says *why*. It drives the real engine in one process and one thread (the
same code gunicorn runs, the same fake LINE API over HTTP) through the five steps an event takes — store,
claim, process, claim the reply, deliver — and times each, plus how long each step holds SQLite's single write
lock (BEGIN IMMEDIATE → COMMIT). On SQLite every writer in every process queues for that lock, so the sum of
hold times per event caps the whole server's event rate at ``1000 / sum`` per second, whatever the core count.

``--synchronous NORMAL`` repeats the run with that PRAGMA (safe with WAL: a power cut may lose the last
commits, never corrupt the file) to size the fsync share of a commit.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from bench.fake_line import FakeLineServer  # noqa: E402
from bench.run import SECRET, TOKEN, questions, signed_body  # noqa: E402

WEBHOOK, CLAIM, PROCESS, HANDLERS, PROFILE = ("1 webhook (verify, parse, store)", "2 peek (read only)",
                                               "3 claim + answer + commit", "  of which handlers",
                                               "  of which LINE profile look-ups (HTTP, new people)")
CLAIM_OUT, DELIVER, SEND, IDLE = ("4 (no second claim)", "5 deliver", "  of which LINE reply (render + HTTP)",
                                  "6 idle work_once (sent marks, new people's LINE names)")
ORDER = [WEBHOOK, CLAIM, PROCESS, HANDLERS, CLAIM_OUT, DELIVER, SEND, IDLE, PROFILE]


class Clock:
    """Per-phase wall time and per-phase write-lock hold time (BEGIN to COMMIT/ROLLBACK)."""

    def __init__(self) -> None:
        self.phase = "-"
        self.wall: dict[str, list[float]] = defaultdict(list)
        self.hold: dict[str, list[float]] = defaultdict(list)
        self.began: float | None = None

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        previous, self.phase = self.phase, phase
        started = time.perf_counter()
        try:
            yield
        finally:
            self.wall[phase].append(time.perf_counter() - started)
            self.phase = previous

    def wrap(self, phase: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with self.timed(phase):
                return fn(*args, **kwargs)
        return wrapped

    def begin(self, *_: object) -> None:
        self.began = time.perf_counter()

    def end(self, *_: object) -> None:
        if self.began is not None:
            self.hold[self.phase].append(time.perf_counter() - self.began)
            self.began = None


def in_process_app(line_url: str, db_path: Path) -> Any:
    """The bot's Flask app in this process, on a fresh SQLite file, without background threads (the caller
    drives the engine), talking to the fake LINE API at ``line_url``."""
    os.environ.update({"LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                       "LINE_API_BASE_URL": line_url, "DATABASE_URL": f"sqlite:///{db_path}",
                       "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING")})
    from bot import create_app

    return create_app(start_workers=False)


def run(events: int, synchronous: str | None, latency_ms: float = 0.0) -> dict[str, Any]:
    from sqlalchemy import event

    fake = FakeLineServer(latency_ms=latency_ms).start()
    workdir = Path(tempfile.mkdtemp(prefix="bot-phases-"))
    app = in_process_app(fake.base_url, workdir / "bot.sqlite3")
    engine = app.config["BOT_ENGINE"]
    clock = Clock()
    if synchronous:
        @event.listens_for(engine.db, "connect")
        def _sync(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.execute(f"PRAGMA synchronous={synchronous}")
        engine.db.dispose()
    # The engine's own "begin" listener issues BEGIN IMMEDIATE; ours runs after it (lock held from here).
    event.listen(engine.db, "begin", clock.begin)
    event.listen(engine.db, "commit", clock.end)
    event.listen(engine.db, "rollback", clock.end)
    # Inner steps (inside process_event's and deliver's transactions).
    engine.dispatcher.dispatch = clock.wrap(HANDLERS, engine.dispatcher.dispatch)
    engine.profile_lookup = clock.wrap(PROFILE, engine.profile_lookup)
    engine.sender = clock.wrap(SEND, engine.sender)

    texts = questions()
    client = app.test_client()
    try:
        for i in range(events):
            body, signature = signed_body("main", i, texts, 1_700_000_000_000)
            with clock.timed(WEBHOOK):
                assert client.post("/callback", data=body, headers={"X-Line-Signature": signature}).status_code == 200
            with clock.timed(CLAIM):
                assert engine.next_event_id() is not None
            with clock.timed(PROCESS):
                replies = engine.process_next()
            for row in replies or []:
                with clock.timed(DELIVER):
                    engine.deliver(row)
            with clock.timed(IDLE):
                engine.work_once()
    finally:
        engine.dispose()
        fake.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return {"wall": clock.wall, "hold": clock.hold, "replies": len(fake.recorder.replies)}


def ms(values: list[float]) -> str:
    return f"{1000 * statistics.median(values):.2f}" if values else "–"


def table(result: dict[str, Any], skip: int) -> str:
    wall, hold = result["wall"], result["hold"]
    lines = ["| step | median wall (ms) | p90 wall (ms) | median write-lock hold (ms) | transactions |",
             "| --- | ---: | ---: | ---: | ---: |"]
    total_hold = 0.0
    for phase in [p for p in ORDER if p in wall or p in hold]:
        w = wall.get(phase, [])[skip:]
        h = hold.get(phase, [])[skip:]
        p90 = f"{1000 * statistics.quantiles(w, n=10)[-1]:.2f}" if len(w) >= 10 else "–"
        per_event = sum(h) / max(1, len(wall.get(PROCESS, [])[skip:])) if h else 0.0
        if not phase.startswith(" ") and phase != IDLE:
            total_hold += per_event
        lines.append(f"| {phase} | {ms(w)} | {p90} | {ms(h)} | {len(h)} |")
    if total_hold:
        lines.append(f"\nWrite-lock time per answered event (steps 1–5, mean): **{1000 * total_hold:.2f} ms** → "
                     f"at most **{1 / total_hold:.0f} events/s** on SQLite, however many workers and threads.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--synchronous", choices=["FULL", "NORMAL", "OFF"], default=None)
    parser.add_argument("--line-latency-ms", type=float, default=0.0,
                        help="delay of every fake LINE answer (real LINE from Thailand: tens of ms)")
    args = parser.parse_args()
    result = run(args.events, args.synchronous, args.line_latency_ms)
    sync = args.synchronous or "default (NORMAL, set by db/session.py)"
    print(f"{args.events} events, one thread, synchronous={sync}, "
          f"LINE latency {args.line_latency_ms:g} ms, "
          f"{result['replies']} replies; first {min(30, args.events // 5)} skipped as warm-up\n")
    print(table(result, skip=min(30, args.events // 5)))


if __name__ == "__main__":
    main()
