"""Fallback load generator for machines without wrk: ``python -m bench.pyload URL BODIES SECONDS CONNECTIONS OUT``.

Same contract as ``callback.lua`` (same body file, same JSON summary), one keep-alive connection per thread.
It is a Python client under the GIL, so it saturates sooner than wrk: its absolute figures are lower and its
latencies include its own queueing. Bot and baseline are still measured alike, so the ratio remains usable.
"""

from __future__ import annotations

import http.client
import itertools
import json
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def run(url: str, bodies_path: str, seconds: float, connections: int) -> dict[str, object]:
    parts = urlsplit(url)
    lines = Path(bodies_path).read_text(encoding="utf-8").splitlines()
    latencies: list[list[float]] = [[] for _ in range(connections)]
    non2xx = [0] * connections
    errors = [0] * connections
    # One shared sequence (next() on itertools.count is atomic under the GIL): a connection the server serves
    # more often simply takes more bodies, and a body is sent twice only when the whole file is used up.
    sequence = itertools.count()
    deadline = time.monotonic() + seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=10)
        while time.monotonic() < deadline:
            signature, body = lines[next(sequence) % len(lines)].split("\t", 1)
            started = time.perf_counter()
            try:
                conn.request("POST", parts.path, body=body.encode(),
                             headers={"Content-Type": "application/json", "X-Line-Signature": signature})
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors[k] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=10)
                continue
            latencies[k].append(time.perf_counter() - started)
            if not 200 <= response.status < 300:
                non2xx[k] += 1
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 15)
    duration = time.monotonic() - started
    every = [x * 1e6 for per in latencies for x in per]
    wrapped = next(sequence) // len(lines)
    return {
        "duration_us": int(duration * 1e6), "requests": len(every), "non2xx": sum(non2xx), "wrapped": wrapped,
        "errors": {"connect": 0, "read": sum(errors), "write": 0, "status": sum(non2xx), "timeout": 0},
        "latency_us": {"p50": _percentile(every, 50), "p90": _percentile(every, 90), "p99": _percentile(every, 99),
                       "max": max(every, default=0.0), "mean": sum(every) / len(every) if every else 0.0},
    }


def main() -> None:
    url, bodies, seconds, connections, out = sys.argv[1:6]
    summary = run(url, bodies, float(seconds), int(connections))
    with open(out, "w", encoding="utf-8") as f:
        json.dump(summary, f)


if __name__ == "__main__":
    main()
