"""``make bench``: the bot's webhook under load, against an echo baseline measured in the same run.

Both servers are started the way the Procfile's ``web:`` line starts the bot (``gunicorn -c gunicorn.conf.py
APP``), get the same wrk load (16 connections, signed, distinct events from thousands of users) and reply to the
same fake LINE API. Absolute numbers depend on the machine and on what else runs on it; the ratio to the baseline
measured minutes apart on the same machine is the figure to read.

``--profile`` runs only the bot, with py-spy attached to its workers, and prints where the time goes.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import hmac
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.fake_line import FakeLineServer
from core.config import Settings
from db.session import inbox_database_url

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
QUESTIONS = ROOT.parent / "shared" / "eval" / "questions.jsonl"
SECRET = "bench-channel-secret"
TOKEN = "bench-channel-access-token"
CONNECTIONS = 16
WRK_THREADS = 2
#: Upper bound on the request rate a body file must cover: a thread that runs out wraps around (reported).
MAX_RATE = 2000
#: Distinct senders. The bot allows 30 messages per person per minute; with this many people even the
#: echo's rate stays far below it, so no event is refused by the rate limit.
USERS = 2000

#: The bot's gunicorn workers: web workers, and the workers that answer (gunicorn.conf.py).
WEB_WORKERS = int(os.environ.get("WEB_CONCURRENCY", "2"))
_BOT_SETTINGS = Settings.from_env()
ANSWERING_WORKERS = _BOT_SETTINGS.answer_processes if _BOT_SETTINGS.run_workers else 0

#: Targets (issue #5).
TARGET_RATIO = 0.8
TARGET_P99_MS = 100.0
TARGET_RSS_MB = 200.0

#: Staff questions beyond the shared evaluation set: structured references, keyboard-layout slips, Thai
#: digits, greetings and a few out-of-scope ones, the mix the bot sees in the office.
VARIANTS = [
    "หมวด 3 คืออะไร", "ประเด็น 4.2 ระดับ advance", "ADR คืออะไร", "คลินิกหมวด 2 วันไหน",
    "หมวด 4 เรื่องอะไร", "หมวด 6 คืออะไรคะ", "ประเด็น 1.1 ระดับ basic", "ประเด็น 2.3 คืออะไร",
    "ประเด็น 7.2 ระดับ significance", "คลินิกหมวด 4 ห้องอะไร", "คลินิกหมวด 7 วันไหน", "ตารางคลินิก PMQA",
    "PMQA มีกี่หมวด", "PMQA 4.0 คืออะไร", "Deployment หมายถึงอะไร", "Result คืออะไร",
    "ตัวชี้วัดที่ 2 คืออะไร", "ตัวชี้วัดที่ 7 น้ำหนักเท่าไร", "KPI 12 หน่วยงานรับผิดชอบ", "ตัวชี้วัดที่ 9 ค่าเป้าหมาย",
    "สถานะ KPI", "กิจกรรมส่งเสริมคุณธรรมมีอะไรบ้าง", "No Gift Policy คืออะไร", "ระบบราชการ 4.0 คืออะไร",
    "s,;f 3", "s,;f 2 hkp", "หมวด ๔ คืออะไร", "ประเด็น ๕.๒", "หมวดสาม", "เกณฑ์ PMQA ต่างจาก TQA ยังไง",
    "สวัสดีค่ะ", "เมนู", "ขอบคุณค่ะ", "อยากรู้เรื่องการจัดการความรู้", "ลูกค้าของ สสช. คือใคร",
    "ช่วยสรุปหมวด 1 ให้หน่อย", "วันนี้อากาศเป็นยังไง", "ขอเบอร์โทรฝ่ายบุคคล",
]


# ----------------------------------------------------------------------------------------------
# Load: signed, distinct webhook bodies


#: How people end a message: with these, the same question arrives as several different texts, as it does
#: from real people, so the bot's per-text caches are not hit every time.
ENDINGS = ["", " ครับ", " ค่ะ", " คะ", "?", " หน่อยครับ", " นะคะ 🙏", "  ครับผม"]


def questions() -> list[str]:
    """The shared evaluation questions plus :data:`VARIANTS` (the eval file is optional)."""
    texts: list[str] = []
    if QUESTIONS.exists():
        for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["q"])
    return texts + VARIANTS


def message_text(texts: list[str], i: int) -> str:
    """The i-th message: every question with every ending before any text repeats."""
    return texts[i % len(texts)] + ENDINGS[(i // len(texts)) % len(ENDINGS)]


def sign(body: bytes, secret: str = SECRET) -> str:
    """``X-Line-Signature``: base64 of the HMAC-SHA256 of the raw body with the channel secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def user_id(i: int) -> str:
    return "U" + hashlib.md5(f"staff-{i % USERS}".encode()).hexdigest()  # noqa: S324 (an id, not security)


def signed_body(phase: str, i: int, texts: list[str], base_ms: int) -> tuple[bytes, str]:
    """The i-th webhook of a phase: one text event with its own ``webhookEventId`` (26 characters, like LINE's
    ULIDs) and ``replyToken`` (``<phase>-<n>``: the fake LINE API tells the phases apart by it), and its
    ``X-Line-Signature``."""
    event = {
        "type": "message", "mode": "active", "timestamp": base_ms + i,
        "webhookEventId": f"01{phase.upper()}{i:0{24 - len(phase)}d}",
        "deliveryContext": {"isRedelivery": False}, "replyToken": f"{phase}-{i:08d}",
        "source": {"type": "user", "userId": user_id(i)},
        "message": {"type": "text", "id": f"{i + 1:018d}", "quoteToken": f"qt-{phase}-{i}",
                    "text": message_text(texts, i)},
    }
    body = json.dumps({"destination": "U" + "0" * 32, "events": [event]}, ensure_ascii=False,
                      separators=(",", ":")).encode()
    return body, sign(body)


def write_bodies(path: Path, phase: str, count: int, texts: list[str]) -> None:
    """One signed webhook per line (``signature<TAB>body``), see :func:`signed_body`."""
    base_ms = int(time.time() * 1000)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            body, signature = signed_body(phase, i, texts, base_ms)
            out.write(f"{signature}\t{body.decode()}\n")


# ----------------------------------------------------------------------------------------------
# Processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A gunicorn master started in its own process group, so it and its workers are stopped together."""

    name: str
    app: str
    config: str
    port: int
    proc: subprocess.Popen[bytes]
    log_path: Path
    db_path: Path | None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The master's children (gunicorn workers), from /proc."""
        try:
            raw = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in raw.split()]

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Processes:
    """Everything this run started; :meth:`stop_all` ends each of them by its own id (never by name)."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, cmd: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(cmd, start_new_session=True, **kwargs)
        self.procs.append(proc)
        return proc

    @staticmethod
    def stop(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
        """SIGTERM to the process group (gunicorn stops its workers gracefully), SIGKILL after ``grace``."""
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            self.stop(proc)


def start_server(procs: Processes, name: str, app: str, config: str, workdir: Path, line_url: str,
                 database_url: str = "", extra_env: dict[str, str] | None = None) -> Server:
    """``gunicorn -c gunicorn.conf.py APP`` from the repository root, as the Procfile's ``web:`` line, on a free
    port and a fresh SQLite file (or ``database_url``, which must be an empty database); waits for ``/healthz``."""
    port = free_port()
    db_path = workdir / f"{name}.sqlite3"
    metrics_dir = workdir / f"{name.replace(' ', '-')}-metrics"
    metrics_dir.mkdir()
    env = {
        **os.environ,
        "PORT": str(port),
        "PYTHAINLP_OFFLINE": "1",
        "DATABASE_URL": database_url or f"sqlite:///{db_path}",
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": line_url,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        **(extra_env or {}),
    }
    log_path = workdir / f"{name}.log"
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", config, app]
    with log_path.open("wb") as log:
        proc = procs.start(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(name, app, config, port, proc, log_path, db_path if name == "bot" and not database_url else None)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode} while starting:\n{server.log_tail()}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as resp:
                if resp.status == 200 and len(server.worker_pids()) >= 1:
                    # Every worker must have loaded the app before the load starts.
                    _wait_workers_ready(server, deadline)
                    return server
        time.sleep(0.25)
    raise RuntimeError(f"{name} did not answer /healthz within 90 s:\n{server.log_tail()}")


def _wait_workers_ready(server: Server, deadline: float) -> None:
    """/healthz answered by one worker says nothing of the others: wait until every worker has loaded the app."""
    expected = max(1, len(server.worker_pids()))
    seen: set[str] = set()
    while time.monotonic() < deadline and len(seen) < expected:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=2) as s:
            s.sendall(b"GET /healthz HTTP/1.0\r\nHost: bench\r\n\r\n")
            s.recv(4096)
        seen.update(str(p) for p in server.worker_pids() if _has_loaded_app(p))
        time.sleep(0.1)


def _has_loaded_app(pid: int) -> bool:
    """A worker that has imported the app maps much more than gunicorn's 20-odd MB."""
    return rss_kb(pid) > 30_000


def rss_kb(pid: int, field_name: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kb(pid: int) -> int:
    """Proportional set size: shared pages (preloaded app, libraries) divided among the processes sharing them."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (all their threads)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def histogram_totals(url: str) -> dict[str, float]:
    """The ``_sum`` and ``_count`` of the bot's histograms from its ``/metrics`` (empty for the echo, which has
    none): read before and after the load, they give the load's mean answering batch and answer latency."""
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
    and the mean wait and hold per transaction (ms). Shares of one file near 100% in all mean its lock limits the
    rate, not the cores."""
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


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, from /proc/stat (idle and iowait are not busy)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(values) - values[3] - values[4], sum(values)


class RssSampler:
    """Peak VmRSS of each worker, sampled every ``interval`` seconds while the load runs."""

    def __init__(self, server: Server, interval: float = 0.5) -> None:
        self.server = server
        self.interval = interval
        self.peak_kb: dict[int, int] = {}
        self.peak_pss_kb: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        for pid in self.server.worker_pids():
            self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), rss_kb(pid))
            self.peak_pss_kb[pid] = max(self.peak_pss_kb.get(pid, 0), pss_kb(pid))

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sample()


# ----------------------------------------------------------------------------------------------
# One measurement


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
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
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
        return self.answered / self.answer_window_s if self.answer_window_s else 0.0

    @property
    def cpu_ms_per_event(self) -> float:
        """Worker CPU from the load's start to the last reply, per answered event: what one event costs."""
        return 1000 * self.cpu_s / self.answered if self.answered else 0.0


def load_tool() -> str:
    """wrk when installed, else the Python fallback (slower client: see bench/pyload.py)."""
    return "wrk" if shutil.which("wrk") else "pyload"


def run_wrk(procs: Processes, url: str, bodies: Path, seconds: float, out: Path) -> tuple[dict[str, Any], float]:
    """One load run (wrk, or the Python fallback); returns its JSON summary and the monotonic time it exited."""
    if load_tool() == "wrk":
        cmd = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--timeout", "10s",
               "-s", str(BENCH / "callback.lua"), f"{url}/callback", "--", str(bodies), str(WRK_THREADS), str(out)]
    else:
        cmd = [sys.executable, "-m", "bench.pyload", f"{url}/callback", str(bodies), f"{seconds:g}", str(CONNECTIONS),
               str(out)]
    proc = procs.start(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        output, _ = proc.communicate(timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        procs.stop(proc)
        raise RuntimeError("wrk did not finish in time") from None
    ended = time.monotonic()
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{output.decode(errors='replace')}")
    return json.loads(out.read_text()), ended


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


def measure(procs: Processes, fake: FakeLineServer, workdir: Path, name: str, app: str, config: str, warm: Path,
            main: Path, seconds: float, warmup: float, drain_cap: float, on_load: Any = None,
            database_url: str = "", extra_env: dict[str, str] | None = None) -> Result:
    """Start one server, warm it up, load it, wait for the replies to drain, stop it."""
    print(f"\n== {name}: gunicorn -c {config} '{app}'", flush=True)
    started = time.monotonic()
    server = start_server(procs, name, app, config, workdir, fake.base_url, database_url, extra_env)
    print(f"   ready in {time.monotonic() - started:.1f} s, workers {server.worker_pids()}", flush=True)
    result = Result(name, app)
    profiles_before = fake.recorder.profiles
    try:
        warm_summary, _ = run_wrk(procs, server.url, warm, warmup, workdir / f"{name}-warm.json")
        warm_acked = warm_summary["requests"] - warm_summary["non2xx"]
        wait_for_replies(fake, "warm", warm_acked, cap_s=15, idle_s=3)
        fake.recorder.replies.clear()
        print(f"   warm-up: {warm_acked} events in {warmup:g} s", flush=True)

        with RssSampler(server) as sampler:
            workers = server.worker_pids()
            cpu_before = cpu_seconds(workers)
            each_before, machine_before, load_started = [cpu_seconds([p]) for p in workers], machine_jiffies(), \
                time.monotonic()
            histograms_before = histogram_totals(server.url)
            profiler = on_load(server) if on_load else None
            summary, ended = run_wrk(procs, server.url, main, seconds, workdir / f"{name}.json")
            # Where the CPU went during the load: a worker near one core is bound by its GIL, a machine near 100%
            # by the cores; neither means waiting (locks, the network).
            elapsed = max(time.monotonic() - load_started, 1e-9)
            busy, total = (a - b for a, b in zip(machine_jiffies(), machine_before, strict=True))
            result.details["machine_busy"] = busy / total if total else 0.0
            result.details["worker_cores"] = sorted(
                ((cpu_seconds([p]) - before) / elapsed for p, before in zip(workers, each_before, strict=True)),
                reverse=True)
            result.duration_s = summary["duration_us"] / 1e6
            first = ended - result.duration_s
            result.acked = summary["requests"] - summary["non2xx"]
            print(f"   load: {result.acked} acknowledged in {result.duration_s:.1f} s; waiting for replies", flush=True)
            result.drained = wait_for_replies(fake, "main", result.acked, cap_s=drain_cap)
            histograms_after = histogram_totals(server.url)
            result.details["batch_mean"] = mean_between(histograms_before, histograms_after, "bot_answer_batch_events")
            result.details["answer_latency_mean"] = mean_between(histograms_before, histograms_after,
                                                                 "bot_event_latency_seconds")
            result.details["write_lock"] = write_lock_shares(histograms_before, histograms_after,
                                                             time.monotonic() - load_started)
            if server.db_path is not None:
                result.details["wal_mb"] = wal_sizes_mb(server.db_path)
            result.cpu_s = cpu_seconds(workers) - cpu_before
            if profiler is not None:
                profiler()
        times = fake.recorder.replies_with_prefix("main")
        result.answered = len(times)
        result.details["answered_during_load"] = sum(1 for t in times if t <= ended)
        last = max(times) if times else ended
        result.answer_window_s = max(last, ended) - first
        result.drain_s = max(0.0, last - ended)
        lat = summary["latency_us"]
        result.p50_ms, result.p90_ms, result.p99_ms, result.max_ms = (
            lat["p50"] / 1000, lat["p90"] / 1000, lat["p99"] / 1000, lat["max"] / 1000)
        result.errors = {k: v for k, v in summary["errors"].items() if v}
        result.non2xx, result.wrapped = summary["non2xx"], summary["wrapped"]
        result.rss_mb = [kb / 1024 for kb in sampler.peak_kb.values() if kb]
        result.pss_mb = [kb / 1024 for kb in sampler.peak_pss_kb.values() if kb]
        result.details["profiles"] = fake.recorder.profiles - profiles_before
    finally:
        procs.stop(server.proc)
    if server.db_path is not None:
        result.details.update(bot_outcomes(server.db_path))
    fake.recorder.replies.clear()
    return result


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


# ----------------------------------------------------------------------------------------------
# Report


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0]
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}, load average {load:.1f} at the end of the run")


def table(bot: Result, base: Result) -> str:
    """The markdown table: both rows, the ratio, the targets with PASS/MISS."""
    def row(r: Result) -> str:
        rss = f"{max(r.rss_mb):.0f} / {sum(r.rss_mb):.0f}" if r.rss_mb else "–"
        pss = f"{sum(r.pss_mb):.0f}" if r.pss_mb else "–"
        return (f"| {r.name} (`{r.app}`) | {r.ack_rate:.0f} | {r.answer_rate:.0f} | {r.answered}/{r.acked} | "
                f"{r.drain_s:.1f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {rss} | {pss} | {r.cpu_ms_per_event:.1f} |")

    ack_ratio = bot.ack_rate / base.ack_rate if base.ack_rate else 0.0
    ans_ratio = bot.answer_rate / base.answer_rate if base.answer_rate else 0.0
    p99_ratio = bot.p99_ms / base.p99_ms if base.p99_ms else 0.0
    cpu_ratio = bot.cpu_ms_per_event / base.cpu_ms_per_event if base.cpu_ms_per_event else 0.0
    worst_rss = max(bot.rss_mb) if bot.rss_mb else float("inf")
    lines = [
        "| server | acknowledged events/s | answered events/s | answered/acked | drain after load (s) "
        "| p50 ack (ms) | p99 ack (ms) | worker RSS max / sum (MB) | worker PSS sum (MB) | worker CPU ms/event |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        row(bot),
        row(base),
        f"| **ratio bot / baseline** | **{ack_ratio:.2f}×** | **{ans_ratio:.2f}×** | | | | {p99_ratio:.2f}× | | "
        f"| {cpu_ratio:.2f}× |",
        "",
        "| target | measured | verdict |",
        "| --- | --- | --- |",
        f"| answered events/s ≥ {TARGET_RATIO}× the echo baseline | {ans_ratio:.2f}× "
        f"({bot.answer_rate:.0f} vs {base.answer_rate:.0f}/s) | {verdict(ans_ratio >= TARGET_RATIO)} |",
        f"| acknowledged events/s ≥ {TARGET_RATIO}× the echo baseline | {ack_ratio:.2f}× "
        f"({bot.ack_rate:.0f} vs {base.ack_rate:.0f}/s) | {verdict(ack_ratio >= TARGET_RATIO)} |",
        f"| p99 acknowledgement < {TARGET_P99_MS:.0f} ms at {CONNECTIONS} connections | {bot.p99_ms:.1f} ms "
        f"| {verdict(bot.p99_ms < TARGET_P99_MS)} |",
        f"| < {TARGET_RSS_MB:.0f} MB RSS per worker | {worst_rss:.0f} MB (peak of the largest worker) "
        f"| {verdict(worst_rss < TARGET_RSS_MB)} |",
    ]
    return "\n".join(lines)


def notes(bot: Result, base: Result, seconds: float) -> list[str]:
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
    tool = f"wrk, {WRK_THREADS} threads" if load_tool() == "wrk" else "the Python fallback client (no wrk)"
    out.append(f"- load: {CONNECTIONS} connections ({tool}), {seconds:g} s after a warm-up; "
               f"{USERS} distinct users; gunicorn workers × threads from gunicorn.conf.py "
               f"(WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', '2')}, "
               f"WEB_THREADS={os.environ.get('WEB_THREADS', '8')})")
    return out


# ----------------------------------------------------------------------------------------------
# Profiling


def py_spy() -> str | None:
    local = ROOT / ".venv" / "bin" / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


def profiler_for(procs: Processes, out_dir: Path, seconds: float) -> Any:
    """Attach ``py-spy record`` to every worker for the load; returns a start function whose result waits."""
    tool = py_spy()
    if tool is None:
        raise SystemExit("py-spy is not installed: run `make bench` (bench/requirements.txt) first")
    out_dir.mkdir(parents=True, exist_ok=True)

    def start(server: Server) -> Any:
        started: list[subprocess.Popen[bytes]] = []
        for i, pid in enumerate(server.worker_pids()):
            # On-CPU samples (what costs cores) and wall-clock samples (--idle: waits for the SQLite lock,
            # sockets and queues count too), as collapsed stacks; a flame graph of the first worker's CPU.
            runs = [("cpu", "raw", "txt", []), ("wall", "raw", "txt", ["--idle"])]
            if i == 0:
                runs.append(("cpu", "flamegraph", "svg", []))
            for kind, fmt, suffix, extra in runs:
                cmd = [tool, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "100",
                       "--format", fmt, "--output", str(out_dir / f"worker{i}-{kind}.{suffix}"), "--threads",
                       "--nonblocking", *extra]
                started.append(procs.start(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))

        def wait() -> None:
            for proc in started:
                try:
                    _, err = proc.communicate(timeout=seconds + 30)
                except subprocess.TimeoutExpired:
                    procs.stop(proc)
                    continue
                if proc.returncode != 0:
                    print("   py-spy:", err.decode(errors="replace").strip()[-500:], flush=True)

        return wait

    return start


# ----------------------------------------------------------------------------------------------


@contextlib.contextmanager
def interrupts_as_exceptions() -> Iterator[None]:
    """SIGTERM, SIGHUP and SIGINT raise KeyboardInterrupt, so ``finally`` blocks stop every process."""
    def raise_interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {s: signal.signal(s, raise_interrupt) for s in (signal.SIGTERM, signal.SIGHUP)}
    # Also when started with SIGINT ignored (a background job of a script): Ctrl-C must still clean up.
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


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
    parser.add_argument("--profile", action="store_true", help="only the bot, with py-spy; writes bench/profile/")
    parser.add_argument("--results", type=Path, default=BENCH / "results.md")
    args = parser.parse_args(argv)
    if load_tool() != "wrk":
        print("NOTE: wrk is not installed (Debian: apt-get install -y wrk; `make bench` tries): falling back to "
              "bench/pyload.py, a Python client that saturates sooner. Read the ratios, not the absolute rates.",
              file=sys.stderr)

    procs = Processes()
    fake = FakeLineServer(latency_ms=args.line_latency_ms).start()
    workdir = Path(tempfile.mkdtemp(prefix="bot-bench-"))
    t0 = time.monotonic()
    try:
        with interrupts_as_exceptions():
            texts = questions()
            warm, main_bodies = workdir / "warm.txt", workdir / "main.txt"
            write_bodies(warm, "warm", int(MAX_RATE * args.warmup) + 100, texts)
            write_bodies(main_bodies, "main", int(MAX_RATE * args.seconds) + 100, texts)
            print(f"{len(texts)} distinct questions, {USERS} users; fake LINE API at {fake.base_url}", flush=True)
            common = {"warm": warm, "main": main_bodies, "seconds": args.seconds, "warmup": args.warmup,
                      "drain_cap": args.drain_cap}
            bot_db = {"database_url": args.database_url}
            if args.profile:
                out_dir = BENCH / "profile"
                for old in out_dir.glob("worker*"):
                    old.unlink()
                bot = measure(procs, fake, workdir, "bot", "bot:create_app()", args.bot_config, **common, **bot_db,
                              on_load=profiler_for(procs, out_dir, args.seconds))
                print(f"\nbot: {bot.ack_rate:.0f} acked/s, {bot.answer_rate:.0f} answered/s, p99 {bot.p99_ms:.1f} ms "
                      "(under py-spy: slower than a plain run)")
                from bench.profile_report import report

                text = report(out_dir, bot.details["answered_during_load"], bot.acked)
                (out_dir / "report.md").write_text(text + "\n", encoding="utf-8")
                print(text)
                print(f"\nwritten: {out_dir}/report.md, collapsed stacks worker*-{{cpu,wall}}.txt, "
                      "flame graph worker0-cpu.svg")
                return 0
            # Echo and bot in alternation, so that a machine that slows down for a while (shared cores) slows
            # both; the table shows the round with the median ratio, and every round is listed under it.
            rounds = 1 if args.database_url else max(1, args.rounds)
            pairs: list[tuple[Result, Result]] = []
            echoes: list[list[Result]] = []
            for i in range(rounds):
                folder = workdir / f"round{i + 1}"
                folder.mkdir()
                bases = [measure(procs, fake, folder, "echo baseline", "bench.echo_app:app",
                                 "bench/gunicorn_echo.conf.py", **common)]
                if ANSWERING_WORKERS:
                    # The same gunicorn settings give the echo the bot's answering workers too; with only the
                    # web workers it may be faster (two cores), and the bot is held to the faster echo.
                    bases.append(measure(procs, fake, folder, f"echo baseline, {WEB_WORKERS} workers",
                                         "bench.echo_app:app", "bench/gunicorn_echo.conf.py", **common,
                                         extra_env={"BENCH_ECHO_WORKERS": str(WEB_WORKERS)}))
                bot = measure(procs, fake, folder, "bot", "bot:create_app()", args.bot_config, **common, **bot_db)
                pairs.append((bot, max(bases, key=lambda r: r.answer_rate)))
                echoes.append(bases)
            in_order = list(pairs)
            pairs.sort(key=lambda pair: pair[0].answer_rate / max(pair[1].answer_rate, 1e-9))
            bot, base = pairs[len(pairs) // 2]
    except KeyboardInterrupt:
        print("\ninterrupted: stopping everything this run started", file=sys.stderr)
        return 130
    finally:
        procs.stop_all()
        fake.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    text = table(bot, base)
    extra = notes(bot, base, args.seconds)
    if ANSWERING_WORKERS:
        extra.append(f"- echo baseline, answered events/s with {WEB_WORKERS + ANSWERING_WORKERS} workers (the bot's "
                     f"gunicorn settings) / with {WEB_WORKERS}, per round: "
                     + "; ".join(" / ".join(f"{e.answer_rate:.0f}" for e in bases) for bases in echoes)
                     + "; each round's ratio is to the faster")
    if len(pairs) > 1:
        extra.append("- rounds (answered events/s, bot vs echo, measured back to back): " + "; ".join(
            f"{b.answer_rate:.0f} vs {e.answer_rate:.0f} ({b.answer_rate / max(e.answer_rate, 1e-9):.2f}×, "
            f"p99 {b.p99_ms:.0f} ms)" for b, e in in_order) + "; the table shows the median round")
    print("\n" + text + "\n\n" + "\n".join(extra))
    stamp = time.strftime("%Y-%m-%d %H:%M %Z")
    args.results.write_text(
        f"# Benchmark results\n\nMeasured {stamp} by `make bench` on {machine()}.\n\n{text}\n\n" + "\n".join(extra)
        + f"\n\nTotal run time {time.monotonic() - t0:.0f} s.\n", encoding="utf-8")
    print(f"\nwritten to {args.results} (total {time.monotonic() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
