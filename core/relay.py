"""Handing committed replies from the answering process to the web workers, which send them.

Sending a reply (rendering, the SDK's HTTP client, LINE's answer) costs about as much CPU as answering it.
In one answering process both share one GIL and the process becomes the bottleneck, while the web workers,
which only store and acknowledge, have time to spare. So the answering process hands
each batch's replies to the web workers on the same machine: one datagram per worker, on the UNIX socket
each web worker binds in the run folder (``send-<pid>.sock``).

Nothing can be lost this way. A reply is committed (status ``sending``, leased for 20 s) before it is handed
over; a web worker that dies before sending it leaves it to be sent again after its lease, like a crashed
sender thread always did. A hand-over that fails (no web worker listening, its queue full, a message too big
for a datagram) returns the replies to the caller, which sends them itself.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime

from core.outbox import Outgoing

log = logging.getLogger(__name__)

#: Largest datagram the relay sends (Linux allows about the socket's send buffer, 208 KB by default).
MAX_DATAGRAM = 160_000
#: How often the answering process looks for web workers that started or stopped.
REFRESH_S = 2.0
_GONE = {errno.ENOENT, errno.ECONNREFUSED}


def send_socket_path(run_dir: str, pid: int) -> str:
    return os.path.join(run_dir, f"send-{pid}.sock")


def encode(rows: list[Outgoing]) -> bytes:
    return json.dumps([{
        "id": r.id, "kind": r.kind, "reply_token": r.reply_token, "to": r.to, "payload": r.payload,
        "not_after": r.not_after.isoformat() if r.not_after else None, "attempts": r.attempts,
        "retry_key": r.retry_key} for r in rows], ensure_ascii=False, separators=(",", ":")).encode()


def decode(data: bytes) -> list[Outgoing]:
    return [Outgoing(id=int(r["id"]), kind=str(r["kind"]), reply_token=str(r["reply_token"]), to=str(r["to"]),
                     payload=r["payload"], not_after=datetime.fromisoformat(r["not_after"]) if r["not_after"] else None,
                     attempts=int(r["attempts"]), retry_key=str(r["retry_key"])) for r in json.loads(data)]


class ReplyRelay:
    """In the answering process: spreads a batch's replies over the web workers' sockets."""

    def __init__(self, run_dir: str) -> None:
        self.run_dir = run_dir
        self._targets: list[str] = []
        self._looked_at = 0.0
        self._turn = 0
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.setblocking(False)

    def hand_over(self, rows: list[Outgoing]) -> list[Outgoing]:
        """Give ``rows`` to the web workers; returns those no web worker took (send them yourself)."""
        targets = list(self._current_targets())  # a copy: a web worker found gone is dropped from the list
        if not rows or not targets:
            return rows
        self._turn += 1
        shares: list[list[Outgoing]] = [[] for _ in targets]
        for i, row in enumerate(rows):
            shares[(i + self._turn) % len(targets)].append(row)
        left: list[Outgoing] = []
        for path, share in zip(targets, shares, strict=True):
            if share and not self._send(path, share):
                left.extend(share)
        return left

    def _send(self, path: str, rows: list[Outgoing]) -> bool:
        data = encode(rows)
        if len(data) > MAX_DATAGRAM:
            return False
        try:
            self._socket.sendto(data, path)
        except OSError as exc:
            if exc.errno in _GONE and path in self._targets:
                self._targets.remove(path)  # that web worker has stopped
            return False
        return True

    def _current_targets(self) -> list[str]:
        now = time.monotonic()
        if now - self._looked_at > REFRESH_S:
            self._looked_at = now
            self._targets = sorted(glob.glob(os.path.join(glob.escape(self.run_dir), "send-*.sock")))
        return self._targets

    def close(self) -> None:
        self._socket.close()


class ReplyInbox:
    """In a web worker: receives replies to send and passes them to ``deliver`` (which hands them to the
    sender threads); every ``idle_every`` seconds calls ``idle`` (recording the sent marks)."""

    def __init__(self, path: str, deliver: Callable[[list[Outgoing]], None], idle: Callable[[], None],
                 idle_every: float = 0.5) -> None:
        self.path = path
        self._deliver = deliver
        self._idle = idle
        self._idle_every = idle_every
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self._socket.bind(self.path)
        self._socket.settimeout(self._idle_every)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="bot-reply-inbox", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._socket is not None
        last_idle = time.monotonic()
        while not self._stop.is_set():
            try:
                data = self._socket.recv(MAX_DATAGRAM + 1)
            except TimeoutError:
                data = b""
            except OSError:
                return  # closed by stop()
            if data:
                try:
                    self._deliver(decode(data))
                except Exception:  # a bad datagram: its replies are sent again after their lease
                    log.exception("could not take over replies from the answering process")
            if time.monotonic() - last_idle >= self._idle_every:
                last_idle = time.monotonic()
                try:
                    self._idle()
                except Exception:
                    log.warning("could not record sent replies; trying again shortly", exc_info=True)

    def stop(self) -> None:
        """Stop taking replies (the answering process sends new ones itself) and unlink the socket."""
        self._stop.set()
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
            self._socket.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
