"""Waking an answering process when another process on the same machine has stored events.

The web workers acknowledge LINE and store the events; a separate process answers them (``gunicorn.conf.py``'s
answering worker, or ``flask --app bot work``). It sleeps until it is woken or a second has passed: a wake-up
is one datagram on a UNIX socket, sent without waiting and dropped when nobody listens or the listener's queue
is full (it is already due to wake). Losing one costs at most the one-second poll, never an event: the events
are in the database, and the wake-up only says "look now".
"""

from __future__ import annotations

import contextlib
import os
import select
import socket


class WakeSocket:
    """``listen`` in the answering process, ``send`` in the others. One path per answering process."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._listener: socket.socket | None = None
        self._sender: socket.socket | None = None

    @property
    def listening(self) -> bool:
        return self._listener is not None

    def listen(self) -> None:
        """Bind the path (replacing a socket file a dead listener left behind)."""
        if self._listener is not None:
            return
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        listener.bind(self.path)
        listener.setblocking(False)
        self._listener = listener

    def send(self) -> None:
        """Say "look now", without ever blocking or failing the caller."""
        if self._sender is None:
            self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self._sender.setblocking(False)
        with contextlib.suppress(OSError):  # no listener yet, or its queue is full: it will look anyway
            self._sender.sendto(b"!", self.path)

    def wait(self, timeout: float) -> bool:
        """Sleep until a wake-up arrives or ``timeout`` passes; True when woken. Every wake-up waiting is
        taken at once: one look at the database serves them all."""
        if self._listener is None:
            raise RuntimeError("wait() before listen()")
        ready, _, _ = select.select([self._listener], [], [], timeout)
        if not ready:
            return False
        while True:
            try:
                self._listener.recv(64)
            except OSError:  # nothing more waiting (or the socket was closed by stop)
                return True

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        if self._sender is not None:
            self._sender.close()
            self._sender = None
