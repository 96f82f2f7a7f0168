"""The one report: the bot against the echo baseline, the targets, and notes; printed and written to
``bench/results.md`` above the file's hand-kept part (everything after :data:`KEPT_MARK`)."""

from __future__ import annotations

import contextlib
import os
import platform
import time
from pathlib import Path

from bench.load import CONNECTIONS, USERS, WRK_THREADS
from bench.measure import Result

TARGET_RATIO = 0.8
TARGET_P99_MS = 100.0
TARGET_RSS_MB = 200.0
#: ``make bench`` rewrites results.md above this line and keeps what follows it.
KEPT_MARK = "<!-- make bench writes above this line; what follows is kept -->"


def ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the end of the run")


def table(bot: Result, base: Result) -> str:
    """Both rows, the ratios, and the targets with PASS/MISS."""
    def row(r: Result) -> str:
        rss = f"{max(r.rss_mb):.0f} / {sum(r.rss_mb):.0f}" if r.rss_mb else "–"
        pss = f"{sum(r.pss_mb):.0f}" if r.pss_mb else "–"
        return (f"| {r.name} (`{r.app}`) | {r.ack_rate:.0f} | {r.answer_rate:.0f} | {r.answered}/{r.acked} | "
                f"{r.drain_s:.1f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {rss} | {pss} | {r.cpu_ms_per_event:.1f} |")

    ack = ratio(bot.ack_rate, base.ack_rate)
    answered = ratio(bot.answer_rate, base.answer_rate)
    worst_rss = max(bot.rss_mb) if bot.rss_mb else float("inf")
    return "\n".join([
        "| server | acknowledged events/s | answered events/s | answered/acked | drain after load (s) "
        "| p50 ack (ms) | p99 ack (ms) | worker RSS max / sum (MB) | worker PSS sum (MB) | worker CPU ms/event |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        row(bot),
        row(base),
        f"| **ratio bot / baseline** | **{ack:.2f}×** | **{answered:.2f}×** | | | | "
        f"{ratio(bot.p99_ms, base.p99_ms):.2f}× | | | {ratio(bot.cpu_ms_per_event, base.cpu_ms_per_event):.2f}× |",
        "",
        "| target | measured | verdict |",
        "| --- | --- | --- |",
        f"| answered events/s ≥ {TARGET_RATIO}× the echo baseline | {answered:.2f}× "
        f"({bot.answer_rate:.0f} vs {base.answer_rate:.0f}/s) | {verdict(answered >= TARGET_RATIO)} |",
        f"| acknowledged events/s ≥ {TARGET_RATIO}× the echo baseline | {ack:.2f}× "
        f"({bot.ack_rate:.0f} vs {base.ack_rate:.0f}/s) | {verdict(ack >= TARGET_RATIO)} |",
        f"| p99 acknowledgement < {TARGET_P99_MS:.0f} ms at {CONNECTIONS} connections | {bot.p99_ms:.1f} ms "
        f"| {verdict(bot.p99_ms < TARGET_P99_MS)} |",
        f"| < {TARGET_RSS_MB:.0f} MB RSS per worker | {worst_rss:.0f} MB (peak of the largest worker) "
        f"| {verdict(worst_rss < TARGET_RSS_MB)} |",
    ])


def notes(bot: Result, base: Result, seconds: float, echoes: list[list[Result]],
          rounds: list[tuple[Result, Result]]) -> list[str]:
    """Problems first (errors, short body files, events left unanswered), then where the time went."""
    out = []
    for r in (bot, base):
        problems = []
        if r.errors:
            problems.append(f"wrk errors {r.errors}")
        if r.non2xx:
            problems.append(f"{r.non2xx} non-2xx answers")
        if r.wrapped:
            problems.append(f"the body file wrapped {r.wrapped} times (raise MAX_RATE)")
        if not r.drained:
            problems.append("not every acknowledged event was answered before the drain cap")
        if problems:
            out.append(f"- {r.name}: " + "; ".join(problems))
    for r in (bot, base):
        if "worker_cores" in r.details:
            cores = " / ".join(f"{c:.2f}" for c in r.details["worker_cores"])
            out.append(f"- {r.name}, during the load: machine {r.details['machine_busy']:.0%} busy; "
                       f"worker CPU in cores {cores}")
    details = bot.details
    if details.get("batch_mean") is not None and details.get("answer_latency_mean") is not None:
        out.append(f"- bot answering: {details['batch_mean']:.1f} events per transaction on average; from receipt to "
                   f"answer committed {details['answer_latency_mean'] * 1000:.0f} ms on average")
    if details.get("write_lock"):
        out.append("- SQLite's write locks during the load and drain, by file and process role: " + "; ".join(
            f"{role} held it {share:.0%} of the time ({rate:.0f} transactions/s, waiting {wait:.1f} ms and holding "
            f"{hold:.1f} ms each)" for role, (share, wait, hold, rate) in details["write_lock"].items()))
    if details.get("wal_mb"):
        out.append("- SQLite write-ahead logs after the load and drain: " + ", ".join(
            f"{name} {size:.1f} MB" for name, size in details["wal_mb"].items()))
    if "events" in details:
        out.append(f"- bot outcomes (load events): events {details.get('events')}, handlers {details.get('handlers')}, "
                   f"reply outbox {details.get('outbox')}, profile look-ups {details.get('profiles')}")
    out.append(f"- load: {CONNECTIONS} connections (wrk, {WRK_THREADS} threads), {seconds:g} s after a warm-up; "
               f"{USERS} distinct users; gunicorn workers × threads from gunicorn.conf.py "
               f"(WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', '2')}, "
               f"WEB_THREADS={os.environ.get('WEB_THREADS', '8')})")
    if any(len(bases) > 1 for bases in echoes):
        out.append("- echo baseline, answered events/s with the bot's gunicorn settings / with its web workers only, "
                   "per round: " + "; ".join(" / ".join(f"{e.answer_rate:.0f}" for e in bases) for bases in echoes)
                   + "; each round's ratio is to the faster")
    if len(rounds) > 1:
        out.append("- rounds (answered events/s, bot vs echo, measured back to back): " + "; ".join(
            f"{b.answer_rate:.0f} vs {e.answer_rate:.0f} ({ratio(b.answer_rate, e.answer_rate):.2f}×, "
            f"p99 {b.p99_ms:.0f} ms)" for b, e in rounds) + "; the table shows the median round")
    return out


def write_results(path: Path, text: str, extra: list[str], run_seconds: float) -> None:
    """Rewrite the measured part of ``path``; keep its hand-kept part (after :data:`KEPT_MARK`)."""
    kept = ""
    with contextlib.suppress(OSError):
        old = path.read_text(encoding="utf-8")
        if KEPT_MARK in old:
            kept = old.split(KEPT_MARK, 1)[1]
    stamp = time.strftime("%Y-%m-%d %H:%M %Z")
    path.write_text(
        f"# Benchmark results\n\nMeasured {stamp} by `make bench` on {machine()}.\n\n{text}\n\n" + "\n".join(extra)
        + f"\n\nTotal run time {run_seconds:.0f} s.\n\n{KEPT_MARK}{kept}", encoding="utf-8")
