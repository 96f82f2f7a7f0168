"""What the size of an answering transaction costs: ``python -m bench.batches [SIZE ...]``.

One thread, the real app on a fresh SQLite file per run, ``make bench``'s events stored through the webhook first.
Then the engine answers them all in full batches of each size (``BOT_EVENTS_PER_TRANSACTION``), and the thread CPU
time per event is printed: what ``BOT_EVENTS_PER_TRANSACTION`` is set from. Sizes run in alternation, twice, so a
busy moment of the machine does not favour one of them; the first size is the baseline of the ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from bench.fake_line import FakeLineServer  # noqa: E402
from bench.locality import Rig  # noqa: E402


def answer_cpu_ms(size: int, events: int, workdir: Path, line_url: str) -> float:
    """Thread CPU ms per event to claim, answer and commit ``events`` stored events in batches of ``size``."""
    os.environ["BOT_EVENTS_PER_TRANSACTION"] = str(size)
    warm = 200
    rig = Rig(warm + events, workdir, line_url, f"batch{size}-{time.monotonic_ns()}")
    try:
        rig.settle(warm)
        rig.webhook(warm, warm + events)
        started = time.thread_time()
        answered = len(rig.answer())
        spent = time.thread_time() - started
    finally:
        rig.engine.dispose()
    assert answered == events, f"answered {answered} of {events}"
    return 1000 * spent / events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[16, 32, 64])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    fake = FakeLineServer().start()
    workdir = Path(tempfile.mkdtemp(prefix="bot-batches-"))
    spent: dict[int, list[float]] = {size: [] for size in args.sizes}
    try:
        for _ in range(args.rounds):
            for size in args.sizes:
                spent[size].append(answer_cpu_ms(size, args.events, workdir, fake.base_url))
    finally:
        fake.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    base = min(spent[args.sizes[0]])
    print(f"{args.events} events answered in one thread, thread CPU ms per event (best of {args.rounds} rounds)\n")
    print("| events per transaction | ms per event, each round | best | vs first size |\n| ---: | --- | ---: | ---: |")
    for size, times in spent.items():
        print(f"| {size} | {' / '.join(f'{t:.3f}' for t in times)} | {min(times):.3f} | {min(times) / base:.2f}× |")


if __name__ == "__main__":
    main()
