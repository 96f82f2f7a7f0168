"""Why an event costs more under load than alone: ``python -m bench.locality``.

One thread, no other thread competing, the real app and the fake LINE API over HTTP. The same events go
through the three steps an event takes — webhook (through Flask's test client), claim + answer + commit,
send — twice:

* **in phases**: every event's webhook, then every batch's answer, then every send;
* **interleaved**: the three steps in turns of ``--turn`` events, the way threads take turns under load.

Each step's thread CPU time per event is printed for both. Nothing differs but the order, so the difference is
what running Flask, SQLAlchemy, the handlers and urllib3 in turn costs the CPU's caches: the echo baseline runs
one small piece of code per event and does not pay it.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from bench.fake_line import FakeLineServer  # noqa: E402
from bench.phases import in_process_app  # noqa: E402
from bench.run import questions, signed_body  # noqa: E402

STEPS = ("webhook", "answer", "send")


class Rig:
    """The app on a fresh SQLite file, its engine without background threads, and signed bodies to post."""

    def __init__(self, events: int, workdir: Path, line_url: str, tag: str) -> None:
        self.app = in_process_app(line_url, workdir / f"{tag}.sqlite3")
        self.engine = self.app.config["BOT_ENGINE"]
        self.client = self.app.test_client()
        texts = questions()
        self.bodies = [signed_body(tag, i, texts, 1_700_000_000_000) for i in range(events)]
        gc.freeze()  # as gunicorn.conf.py does after preloading

    def webhook(self, first: int, last: int) -> None:
        for body, signature in self.bodies[first:last]:
            assert self.client.post("/callback", data=body, headers={"X-Line-Signature": signature}).status_code == 200

    def answer(self) -> list[Any]:
        out: list[Any] = []
        while (batch := self.engine.process_next()) is not None:
            out.extend(batch)
        return out

    def send(self, rows: list[Any]) -> None:
        for row in rows:
            self.engine.deliver(row)
        self.engine.flush_sent()

    def settle(self, count: int) -> None:
        """Warm-up: the first events (new people, cold caches), then every new person's LINE name."""
        self.webhook(0, count)
        self.send(self.answer())
        while self.engine.look_up_profiles(500):
            pass


def timed(spent: dict[str, float], step: str, fn: Callable[[], Any]) -> Any:
    started = time.thread_time()
    result = fn()
    spent[step] += time.thread_time() - started
    return result


def in_phases(rig: Rig, first: int, last: int) -> dict[str, float]:
    spent = dict.fromkeys(STEPS, 0.0)
    timed(spent, "webhook", lambda: rig.webhook(first, last))
    rows = timed(spent, "answer", rig.answer)
    timed(spent, "send", lambda: rig.send(rows))
    return spent


def interleaved(rig: Rig, first: int, last: int, turn: int) -> dict[str, float]:
    spent = dict.fromkeys(STEPS, 0.0)
    for start in range(first, last, turn):
        end = min(last, start + turn)
        timed(spent, "webhook", lambda: rig.webhook(start, end))  # noqa: B023 (called at once)
        rows = timed(spent, "answer", rig.answer)
        timed(spent, "send", lambda: rig.send(rows))  # noqa: B023
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1600)
    parser.add_argument("--turn", type=int, default=8, help="events per step in the interleaved run (default 8)")
    args = parser.parse_args()
    warm = 200
    fake = FakeLineServer().start()
    workdir = Path(tempfile.mkdtemp(prefix="bot-locality-"))
    try:
        results = {}
        # One app per order, each on its own database, so neither run inherits the other's tables.
        for tag, run in (("phase", lambda r: in_phases(r, warm, warm + args.events)),
                         ("turns", lambda r: interleaved(r, warm, warm + args.events, args.turn))):
            rig = Rig(warm + args.events, workdir, fake.base_url, tag)
            rig.settle(warm)
            results[tag] = run(rig)
            rig.engine.dispose()
    finally:
        fake.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{args.events} events, one thread, thread CPU ms per event "
          f"(interleaved in turns of {args.turn}; batches of up to "
          f"{os.environ.get('BOT_EVENTS_PER_TRANSACTION', '16')} events either way)\n")
    print("| step | in phases | interleaved |\n| --- | ---: | ---: |")
    for step in (*STEPS, "total"):
        cells = [sum(r.values()) if step == "total" else r[step] for r in (results["phase"], results["turns"])]
        print(f"| {step} | {1000 * cells[0] / args.events:.2f} | {1000 * cells[1] / args.events:.2f} |")


if __name__ == "__main__":
    main()
