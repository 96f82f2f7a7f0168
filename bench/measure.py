"""One measurement: start a server, warm it up, load it, wait for the replies, read what it cost, stop it."""

from __future__ import annotations

import contextlib
import sqlite3
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.fake_line import FakeLineServer
from bench.load import SECRET, TOKEN, run_wrk
from bench.procs import MemorySampler, Processes, cpu_seconds, machine_jiffies, start_server
from db.session import inbox_database_url


@dataclass(frozen=True)
class Plan:
    """What every server of a run gets: the same bodies, the same durations."""

    warm_bodies: Path
    main_bodies: Path
    seconds: float
    warmup: float
    drain_cap: float


@dataclass
class Result:
    name: str
    app: str
    acked: int = 0
    duration_s: float = 0.0
    answered: int = 0
    answer_window_s: float = 0.0
    drain_s: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    non2xx: int = 0
    wrapped: int = 0
    rss_mb: list[float] = field(default_factory=list)
    pss_mb: list[float] = field(default_factory=list)
    cpu_s: float = 0.0
    drained: bool = True
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ack_rate(self) -> float:
        return self.acked / self.duration_s if self.duration_s else 0.0

    @property
    def answer_rate(self) -> float:
        """Replies that reached the fake LINE, from the load's first event to the last reply (drain included:
        the bot acknowledges first and answers in its answering worker)."""
        return self.answered / self.answer_window_s if self.answer_window_s else 0.0

    @property
    def cpu_ms_per_event(self) -> float:
        """Worker CPU from the load's start to the last reply, per answered event: what one event costs."""
        return 1000 * self.cpu_s / self.answered if self.answered else 0.0


def measure(procs: Processes, fake: FakeLineServer, workdir: Path, name: str, app: str, config: str, plan: Plan,
            database_url: str = "", extra_env: dict[str, str] | None = None) -> Result:
    """Start one server on a fresh SQLite file (or ``database_url``, an empty database), warm it up, load it,
    wait for the replies to drain, stop it."""
    print(f"\n== {name}: gunicorn -c {config} '{app}'", flush=True)
    started = time.monotonic()
    db_path = workdir / f"{name.replace(' ', '-')}.sqlite3"
    metrics_dir = workdir / f"{name.replace(' ', '-')}-metrics"
    metrics_dir.mkdir()
    env = {"PYTHAINLP_OFFLINE": "1", "DATABASE_URL": database_url or f"sqlite:///{db_path}",
           "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "LINE_API_BASE_URL": fake.base_url,
           "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), **(extra_env or {})}
    server = start_server(procs, name.replace(" ", "-"), app, config, workdir, env)
    print(f"   ready in {time.monotonic() - started:.1f} s, workers {server.worker_pids()}", flush=True)
    result = Result(name, app)
    is_bot_on_sqlite = app.startswith("bot:") and not database_url
    profiles_before = fake.recorder.profiles
    try:
        warm, _ = run_wrk(procs, server.url, plan.warm_bodies, plan.warmup, workdir / f"{name}-warm.json")
        warm_acked = warm["requests"] - warm["non2xx"]
        wait_for_replies(fake, "warm", warm_acked, cap_s=15, idle_s=3)
        fake.recorder.replies.clear()
        print(f"   warm-up: {warm_acked} events in {plan.warmup:g} s", flush=True)

        with MemorySampler(server) as memory:
            workers = server.worker_pids()
            each_before = [cpu_seconds([p]) for p in workers]
            machine_before, load_started = machine_jiffies(), time.monotonic()
            metrics_before = histogram_totals(server.url)
            summary, ended = run_wrk(procs, server.url, plan.main_bodies, plan.seconds, workdir / f"{name}.json")
            # Where the CPU went during the load: a worker near one core is bound by its GIL, a machine near 100%
            # by the cores; neither means waiting (locks, the network).
            elapsed = max(time.monotonic() - load_started, 1e-9)
            busy, total = (a - b for a, b in zip(machine_jiffies(), machine_before, strict=True))
            result.details["machine_busy"] = busy / total if total else 0.0
            result.details["worker_cores"] = sorted(
                ((cpu_seconds([p]) - before) / elapsed for p, before in zip(workers, each_before, strict=True)),
                reverse=True)
            result.duration_s = summary["duration_us"] / 1e6
            result.acked = summary["requests"] - summary["non2xx"]
            print(f"   load: {result.acked} acknowledged in {result.duration_s:.1f} s; waiting for replies", flush=True)
            result.drained = wait_for_replies(fake, "main", result.acked, cap_s=plan.drain_cap)
            metrics_after = histogram_totals(server.url)
            result.details["batch_mean"] = mean_between(metrics_before, metrics_after, "bot_answer_batch_events")
            result.details["answer_latency_mean"] = mean_between(metrics_before, metrics_after,
                                                                 "bot_event_latency_seconds")
            result.details["write_lock"] = write_lock_shares(metrics_before, metrics_after,
                                                             time.monotonic() - load_started)
            result.cpu_s = cpu_seconds(workers) - sum(each_before)
            if is_bot_on_sqlite:
                result.details["wal_mb"] = wal_sizes_mb(db_path)
        times = fake.recorder.replies_with_prefix("main")
        result.answered = len(times)
        last = max(times) if times else ended
        result.answer_window_s = max(last, ended) - (ended - result.duration_s)
        result.drain_s = max(0.0, last - ended)
        result.p50_ms, result.p99_ms = summary["latency_us"]["p50"] / 1000, summary["latency_us"]["p99"] / 1000
        result.errors = {k: v for k, v in summary["errors"].items() if v}
        result.non2xx, result.wrapped = summary["non2xx"], summary["wrapped"]
        result.rss_mb = [kb / 1024 for kb in memory.peak_rss_kb.values() if kb]
        result.pss_mb = [kb / 1024 for kb in memory.peak_pss_kb.values() if kb]
        result.details["profiles"] = fake.recorder.profiles - profiles_before
    finally:
        procs.stop(server.proc)
    if is_bot_on_sqlite:
        result.details.update(bot_outcomes(db_path))
    fake.recorder.replies.clear()
    return result


def wait_for_replies(fake: FakeLineServer, prefix: str, expected: int, cap_s: float, idle_s: float = 5.0) -> bool:
    """Wait until ``expected`` replies of a phase arrived, nothing came for ``idle_s``, or ``cap_s`` passed."""
    deadline = time.monotonic() + cap_s
    last_count, last_change = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = len(fake.recorder.replies_with_prefix(prefix))
        if count >= expected:
            return True
        if count != last_count:
            last_count, last_change = count, time.monotonic()
        elif time.monotonic() - last_change > idle_s:
            return False
        time.sleep(0.1)
    return False


# The bot's own view, from its /metrics (the echo has none) and its database after the run.


def histogram_totals(url: str) -> dict[str, float]:
    """The ``_sum`` and ``_count`` of every histogram at ``/metrics``: read before and after the load, they give
    the load's means."""
    try:
        with urllib.request.urlopen(f"{url}/metrics", timeout=5) as resp:
            text = resp.read().decode("utf-8")
    except OSError:
        return {}
    totals: dict[str, float] = {}
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name.split("{")[0].endswith(("_sum", "_count")):
            with contextlib.suppress(ValueError):
                totals[name] = float(value)
    return totals


def _grown(before: dict[str, float], after: dict[str, float], series: str) -> float:
    return after.get(series, 0.0) - before.get(series, 0.0)


def mean_between(before: dict[str, float], after: dict[str, float], histogram: str) -> float | None:
    count = _grown(before, after, f"{histogram}_count")
    return _grown(before, after, f"{histogram}_sum") / count if count > 0 else None


def write_lock_shares(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, tuple]:
    """Per SQLite file and process role ("inbox, web"): the share of the time the file's write lock was held,
    the mean wait and hold per transaction (ms), and transactions per second. A file whose shares add up to
    nearly 100% limits the rate, not the cores."""
    out: dict[str, tuple] = {}
    for database in ("main", "inbox"):
        for role in ("web", "answering", "process"):
            label = f'{{database="{database}",role="{role}"}}'
            held = _grown(before, after, f"bot_sqlite_write_lock_hold_seconds_sum{label}")
            count = _grown(before, after, f"bot_sqlite_write_lock_hold_seconds_count{label}")
            waited = _grown(before, after, f"bot_sqlite_write_lock_wait_seconds_sum{label}")
            if count > 0:
                out[f"{database}, {role}"] = (held / max(seconds, 1e-9), 1000 * waited / count, 1000 * held / count,
                                              count / seconds)
    return out


def inbox_file(db_path: Path) -> Path:
    """The SQLite file beside ``db_path`` where the bot's webhook stores events (``inbox_database_url``)."""
    return Path(inbox_database_url(f"sqlite:///{db_path}").split("///", 1)[1])


def wal_sizes_mb(db_path: Path) -> dict[str, float]:
    """How big each SQLite file's write-ahead log is after the load: one that only grows means checkpoints
    starved by readers (``db/session.py: truncate_wal_if_over``)."""
    sizes = {}
    for name, path in (("main", db_path), ("inbox", inbox_file(db_path))):
        with contextlib.suppress(OSError):
            sizes[name] = Path(f"{path}-wal").stat().st_size / 2**20
    return sizes


def bot_outcomes(db_path: Path) -> dict[str, Any]:
    """What the bot did with the load's events, from its database: proof that it did the real work."""
    try:
        with contextlib.closing(sqlite3.connect(inbox_file(db_path))) as inbox:
            events = dict(inbox.execute("SELECT status, count(*) FROM inbound_events "
                                        "WHERE webhook_event_id LIKE '01MAIN%' GROUP BY status").fetchall())
            handlers = dict(inbox.execute("SELECT handler, count(*) FROM inbound_events "
                                          "WHERE webhook_event_id LIKE '01MAIN%' GROUP BY handler").fetchall())
        with contextlib.closing(sqlite3.connect(db_path)) as db:
            outbox = dict(db.execute("SELECT status, count(*) FROM outbox WHERE reply_token LIKE 'main-%' "
                                     "GROUP BY status").fetchall())
    except sqlite3.Error as exc:
        return {"db_error": str(exc)}
    return {"events": events, "handlers": handlers, "outbox": outbox}
