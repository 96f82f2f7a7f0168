"""The processes a run starts (gunicorn servers, wrk) and what /proc says about them: RSS, PSS, CPU time."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


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


@dataclass
class Server:
    """A gunicorn master started in its own process group, so it and its workers are stopped together."""

    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log_path: Path

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(procs: Processes, name: str, app: str, config: str, workdir: Path, env: dict[str, str]) -> Server:
    """``gunicorn -c CONFIG APP`` from the repository root, as the Procfile's ``web:`` line, on a free port with
    ``env`` added to this process's environment; returns once every worker has loaded the app."""
    port = free_port()
    log_path = workdir / f"{name}.log"
    cmd = [str(Path(sys.executable).parent / "gunicorn"), "-c", config, app]  # the gunicorn beside this Python
    with log_path.open("wb") as log:
        proc = procs.start(cmd, cwd=ROOT, env={**os.environ, **env, "PORT": str(port)}, stdout=log,
                           stderr=subprocess.STDOUT)
    server = Server(name, port, proc, log_path)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode} while starting:\n{server.log_tail()}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as resp:
                if resp.status == 200 and len(server.worker_pids()) >= 1:
                    _wait_workers_ready(server, deadline)
                    return server
        time.sleep(0.25)
    raise RuntimeError(f"{name} did not answer /healthz within 90 s:\n{server.log_tail()}")


def _wait_workers_ready(server: Server, deadline: float) -> None:
    """/healthz answered by one worker says nothing of the others: wait until every worker has loaded the app
    (a worker that has imported it maps much more than gunicorn's 20-odd MB)."""
    expected = max(1, len(server.worker_pids()))
    seen: set[int] = set()
    while time.monotonic() < deadline and len(seen) < expected:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=2) as s:
            s.sendall(b"GET /healthz HTTP/1.0\r\nHost: bench\r\n\r\n")
            s.recv(4096)
        seen.update(p for p in server.worker_pids() if proc_kb(p, "status", "VmRSS") > 30_000)
        time.sleep(0.1)


def proc_kb(pid: int, file: str, field: str) -> int:
    """A ``kB`` field of ``/proc/PID/FILE`` (``status``: VmRSS; ``smaps_rollup``: Pss, shared pages divided
    among the processes sharing them), 0 when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(field + ":"):
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


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, from /proc/stat (idle and iowait are not busy)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(values) - values[3] - values[4], sum(values)


class MemorySampler:
    """Peak RSS and PSS of each worker, sampled every ``interval`` seconds while the load runs."""

    def __init__(self, server: Server, interval: float = 0.5) -> None:
        self.server = server
        self.interval = interval
        self.peak_rss_kb: dict[int, int] = {}
        self.peak_pss_kb: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        for pid in self.server.worker_pids():
            self.peak_rss_kb[pid] = max(self.peak_rss_kb.get(pid, 0), proc_kb(pid, "status", "VmRSS"))
            self.peak_pss_kb[pid] = max(self.peak_pss_kb.get(pid, 0), proc_kb(pid, "smaps_rollup", "Pss"))

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sample()
