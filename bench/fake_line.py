"""A standalone fake LINE Messaging API for the benchmark (loopback only, no pytest).

It must never be the bottleneck, so it is a plain ``ThreadingHTTPServer`` that answers at once and only
records what the benchmark needs: when each reply arrives and with which reply token. Run it alone with
``python -m bench.fake_line --port 8900`` (``GET /_stats`` shows the counters).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_PROFILE = re.compile(r"^/v2/bot/profile/([^/?]+)$")


class Recorder:
    """What arrived, thread-safe: reply tokens with their arrival time (``time.monotonic``), push and
    profile counts."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.replies: list[tuple[float, str]] = []
        self.pushes = 0
        self.profiles = 0
        self.ids = itertools.count(1)

    def reply(self, token: str) -> None:
        with self.lock:
            self.replies.append((time.monotonic(), token))

    def replies_with_prefix(self, prefix: str) -> list[float]:
        """Arrival times of the replies whose reply token starts with ``prefix`` (one benchmark phase)."""
        with self.lock:
            return [t for t, token in self.replies if token.startswith(prefix)]

    def stats(self) -> dict[str, int]:
        with self.lock:
            return {"replies": len(self.replies), "pushes": self.pushes, "profiles": self.profiles}


class _Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive, like api.line.me, so the SDK's connection pool is exercised as in production."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: FakeLineServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        """Silent: one log line per request would cost more than the answer."""

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        """Status line, headers and body in one write: split small writes on a keep-alive connection meet
        Nagle's algorithm and the client's delayed ACK and cost 40 ms each, which real LINE does not."""
        if self.server.latency_s:
            time.sleep(self.server.latency_s)
        data = json.dumps(payload, ensure_ascii=False).encode()
        head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n").encode()
        self.wfile.write(head + data)

    def _sent(self, body: dict[str, Any]) -> dict[str, Any]:
        recorder = self.server.recorder
        return {"sentMessages": [{"id": str(next(recorder.ids)), "quoteToken": f"q{next(recorder.ids)}"}
                                 for _ in body.get("messages", [])]}

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._send(400, {"message": "The request body has 1 error(s)"})
            return
        recorder = self.server.recorder
        if self.path == "/v2/bot/message/reply":
            recorder.reply(str(body.get("replyToken", "")))
            self._send(200, self._sent(body))
        elif self.path == "/v2/bot/message/push":
            with recorder.lock:
                recorder.pushes += 1
            self._send(200, self._sent(body))
        else:
            self._send(404, {"message": "Not found"})

    def do_GET(self) -> None:  # noqa: N802
        recorder = self.server.recorder
        match = _PROFILE.match(self.path)
        if match:
            with recorder.lock:
                recorder.profiles += 1
            user_id = match.group(1)
            self._send(200, {"userId": user_id, "displayName": f"เจ้าหน้าที่ {user_id[-4:]}",
                             "language": "th"})
        elif self.path == "/_stats":
            self._send(200, recorder.stats())
        else:
            self._send(404, {"message": "Not found"})


class FakeLineServer(ThreadingHTTPServer):
    """One thread per connection; daemon threads so a stuck client never blocks shutdown."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, port: int = 0, latency_ms: float = 0.0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        #: Added to every answer, to show what LINE's real round trip does to the bot (0: loopback speed).
        self.latency_s = latency_ms / 1000
        self.recorder = Recorder()
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a gunicorn worker stopping) is normal here, not worth a traceback."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def start(self) -> FakeLineServer:
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="fake-line", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay added to every answer")
    args = parser.parse_args()
    server = FakeLineServer(args.port, args.latency_ms)
    print(f"fake LINE API on {server.base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
