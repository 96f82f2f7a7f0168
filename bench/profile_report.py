"""Summarise py-spy's collapsed stacks (``bench.run --profile``) into the few numbers that decide what to fix.

Flame graphs show everything; a fix needs three answers: where the threads *wait* (wall clock), what costs
*CPU*, and which library or project function that CPU is spent in. ``python -m bench.profile_report DIR``
re-reads a profile folder.
"""

from __future__ import annotations

import re
import sys
import sysconfig
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(sysconfig.get_paths()["purelib"])
STDLIB = Path(sysconfig.get_paths()["stdlib"])
_FRAME = re.compile(r"^(?P<func>.*) \((?P<path>[^()]*?)(?::(?P<line>\d+))?\)$")

#: Wall-clock categories, first match wins: a substring of the stack and its label.
CATEGORIES: list[tuple[str, str]] = [
    ("_sqlite_begin", "waiting for the SQLite write lock (BEGIN IMMEDIATE)"),
    ("LineSender.display_name", "LINE profile look-up (HTTP)"),
    ("LineSender.send", "LINE reply/push (render + HTTP)"),
    ("Dispatcher.dispatch", "handlers (Dispatcher.dispatch)"),
    ("do_commit", "SQLite COMMIT"),
    ("do_execute", "SQLite statements"),
    ("Workers._loop;Event.wait", "idle: worker waits for work"),
    ("EpollSelector.select", "idle: gunicorn waits for connections"),
    ("_worker (concurrent/futures/thread.py", "idle: request thread waits for a request"),
]
IDLE_POOL = re.compile(r"_worker \(concurrent/futures/thread\.py:\d+\)$")


@dataclass
class Profile:
    """Samples (one per 10 ms at --rate 100) grouped by thread role."""

    stacks: Counter[tuple[str, tuple[str, ...]]] = field(default_factory=Counter)

    def add(self, path: Path) -> None:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            thread, *frames = stack.split(";")
            self.stacks[(role(thread, frames), tuple(frames))] += int(count)

    @property
    def total(self) -> int:
        return sum(self.stacks.values())

    def by_role(self) -> Counter[str]:
        roles: Counter[str] = Counter()
        for (r, _), n in self.stacks.items():
            roles[r] += n
        return roles


def role(thread: str, frames: list[str]) -> str:
    """gunicorn's request threads, the bot's background workers, or the worker's main (accept) loop."""
    joined = ";".join(frames)
    if "bot-worker" in thread or "Workers._loop" in joined:
        return "bot workers"
    if "concurrent/futures/thread.py" in joined:
        return "request threads"
    return "main loop"


def category(frames: tuple[str, ...]) -> str:
    joined = ";".join(frames)
    flat = re.sub(r":\d+\)", ")", joined)
    if frames and IDLE_POOL.search(frames[-1]):
        return "idle: request thread waits for a request"
    for needle, label in CATEGORIES:
        if needle in flat:
            return label
    return "other Python (ORM, Flask, SDK models, logging…)"


def package(frame: str) -> str:
    """Which library a frame belongs to: a project folder, a site-packages distribution, or the stdlib."""
    match = _FRAME.match(frame)
    path = match.group("path") if match else frame
    first = path.split("/", 1)[0]
    if (ROOT / first).is_dir() and first not in {"bench", "tests"} or path in {"bot.py"}:
        return f"project: {first}/"
    if (SITE / first).exists() and "/" in path:
        return first
    if (STDLIB / path).exists() or (STDLIB / first).exists():
        return f"stdlib: {first.removesuffix('.py')}"
    return first or "?"


def function(frame: str) -> str:
    match = _FRAME.match(frame)
    return f"{match.group('func')} ({match.group('path')})" if match else frame


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.1f} %" if total else "–"


def wall_section(wall: Profile) -> list[str]:
    roles = wall.by_role()
    cats: dict[str, Counter[str]] = {}
    for (r, frames), n in wall.stacks.items():
        cats.setdefault(category(frames), Counter())[r] += n
    cols = ["request threads", "bot workers"]
    out = ["### Wall clock: where each thread's time goes", "",
           f"{wall.total} samples ({wall.total / 100:.0f} thread-seconds). Share of each role's thread time:", "",
           "| category | " + " | ".join(cols) + " |", "| --- | " + " | ".join("---:" for _ in cols) + " |"]
    for label, per_role in sorted(cats.items(), key=lambda kv: -sum(kv[1][c] for c in cols)):
        if any(per_role[c] for c in cols):
            out.append(f"| {label} | " + " | ".join(_pct(per_role[c], roles[c]) for c in cols) + " |")
    return out


def cpu_section(cpu: Profile, answered: int | None, acked: int | None) -> list[str]:
    # py-spy cannot see inside SQLite's C code and counts a thread sleeping in SQLite's busy handler as running
    # (measured: a thread blocked 2 s in BEGIN IMMEDIATE uses 0.002 s of CPU). Those samples are lock waits.
    lock_waits = sum(n for (_, frames), n in cpu.stacks.items() if any("_sqlite_begin" in f for f in frames))
    cpu = Profile(Counter({k: n for k, n in cpu.stacks.items() if not any("_sqlite_begin" in f for f in k[1])}))
    total = cpu.total
    roles = cpu.by_role()
    seconds = total / 100
    out = ["### CPU: what costs cores", "",
           f"{total} samples = {seconds:.1f} thread-seconds running while the load ran"
           + (f" ({acked} events acknowledged, {answered} answered in that time)" if acked is not None else "")
           + ". By role: " + ", ".join(f"{r} {_pct(n, total)}" for r, n in roles.most_common()) + ". "
           f"Left out: {lock_waits} samples asleep in SQLite's busy handler (py-spy reports them as running). "
           "COMMIT includes writing the WAL and its fsync.", ""]
    cats: Counter[str] = Counter()
    libs: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for (_, frames), n in cpu.stacks.items():
        cats[category(frames)] += n
        if frames:
            libs[package(frames[-1])] += n
            leaves[function(frames[-1])] += n
        for fn in {function(f) for f in frames if package(f).startswith("project")}:
            inclusive[fn] += n
    out += ["| category (CPU) | share |", "| --- | ---: |"]
    out += [f"| {label} | {_pct(n, total)} |" for label, n in cats.most_common()]
    out += ["", "Self time by library (the leaf frame's package):", "", "| library | share |", "| --- | ---: |"]
    out += [f"| {lib} | {_pct(n, total)} |" for lib, n in libs.most_common(12)]
    out += ["", "Project functions, inclusive CPU:", "", "| function | share |", "| --- | ---: |"]
    out += [f"| `{fn}` | {_pct(n, total)} |" for fn, n in inclusive.most_common(25)]
    out += ["", "Hottest leaf functions (self CPU):", "", "| function | share |", "| --- | ---: |"]
    out += [f"| `{fn}` | {_pct(n, total)} |" for fn, n in leaves.most_common(15)]
    return out


def load(paths: Iterable[Path]) -> Profile:
    profile = Profile()
    for path in paths:
        profile.add(path)
    return profile


def report(out_dir: Path, answered: int | None = None, acked: int | None = None) -> str:
    """The markdown summary of ``worker*-wall.txt`` and ``worker*-cpu.txt`` in ``out_dir``."""
    wall = load(sorted(out_dir.glob("worker*-wall.txt")))
    cpu = load(sorted(out_dir.glob("worker*-cpu.txt")))
    return "\n".join(["## Profile of the bot under load (py-spy, all gunicorn workers)", "",
                      *wall_section(wall), "", *cpu_section(cpu, answered, acked)])


if __name__ == "__main__":
    print(report(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "bench" / "profile")))
