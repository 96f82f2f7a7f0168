"""The threads that answer and send: their loops, and how they are woken.

An answering worker claims a batch when woken (or once a second on its own, for work another machine stored),
hands the batch's replies to the sender threads (or, with answering processes of their own, to the web
workers through ``core/relay.py``), and runs the due jobs when idle (``core/chores.py``).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.exc import OperationalError

from core.answering import BatchAnswerer
from core.chores import Jobs
from core.config import Settings
from core.inbox import Inbox
from core.observability import PROCESS_ROLE
from core.outbox import Outbox, Outgoing
from core.relay import ReplyInbox, ReplyRelay, send_socket_path
from core.storage import Runtime
from core.wake import WakeSocket

log = logging.getLogger(__name__)

#: Replies handed to the sender threads and not yet sent, per process.
MAX_SENDS_WAITING = 256


def wake_paths(settings: Settings) -> list[str]:
    """One wake socket per answering process, in the run folder."""
    if not settings.run_dir:
        return []
    return [os.path.join(settings.run_dir, f"wake-{i}.sock") for i in range(max(1, settings.answer_processes))]


class Workers:
    def __init__(self, runtime: Runtime, inbox: Inbox, answering: BatchAnswerer, outbox: Outbox,
                 jobs: Jobs) -> None:
        self.runtime = runtime
        self.inbox = inbox
        self.answering = answering
        self.outbox = outbox
        self.jobs = jobs
        self._last_chores = 0.0
        self._senders: ThreadPoolExecutor | None = None
        self._in_flight = threading.BoundedSemaphore(MAX_SENDS_WAITING)
        self._wake = threading.Event()
        #: How other processes on this machine wake the answering ones (``core/wake.py``).
        self.wake_sockets = [WakeSocket(path) for path in wake_paths(runtime.settings)]
        self._listening: WakeSocket | None = None
        #: In an answering process: hands replies to the web workers to send (``core/relay.py``).
        self.relay: ReplyRelay | None = None
        #: In a web worker: takes replies from the answering processes.
        self._reply_inbox: ReplyInbox | None = None
        self._stop = threading.Event()
        self.threads: list[threading.Thread] = []
        #: Seconds an idle worker sleeps before looking for work it was not woken for (another machine's).
        self.idle_poll = 1.0

    # ----- wake-ups ------------------------------------------------------------------------------
    def wake(self) -> None:
        """New work: wake this process's answering threads, or, in a process without them (a web worker
        when answering runs in processes of its own), the answering processes."""
        self._wake.set()
        if self._listening is not None:
            self._listening.send()  # this process's workers may be waiting on their socket
        elif not self.threads:
            for wake_socket in self.wake_sockets:
                wake_socket.send()

    def _sleep(self, timeout: float) -> None:
        """Idle until woken (by this process, or through the wake socket) or ``timeout`` passes."""
        if self._listening is None or self._wake.is_set():
            woken = self._wake.wait(timeout)
        else:
            woken = self._listening.wait(timeout)
        if woken:
            self._gather()
        self._wake.clear()
        self.answering.work_likely = self.answering.work_likely or woken

    def _gather(self) -> None:
        """Let events gather for ``answer_gather`` seconds before claiming them, so that a worker that keeps up
        answers several per transaction instead of waking for each webhook request: a transaction's fixed
        statements and its turn at SQLite's write lock are shared by more events. The wake-ups that arrive
        meanwhile are taken now: they were sent after their events were committed, so the claim that follows
        sees those events."""
        gather = self.runtime.settings.answer_gather
        if gather <= 0 or self._stop.wait(gather):
            return
        if self._listening is not None:
            self._listening.wait(0)

    # ----- one round -----------------------------------------------------------------------------
    def work_once(self, chores_every: float = 0.0) -> bool:
        """Answer a batch of events and send their replies; when none is due, run the due jobs, at most every
        ``chores_every`` seconds. False when idle."""
        # After a batch, or when woken, work is likely waiting: claim at once. The peek (a read that does not
        # take SQLite's write lock) is for the once-a-second look an idle worker takes on its own.
        if self.answering.work_likely or self.inbox.peek() is not None:
            replies = self.answering.process_next()
            if replies is not None:
                for row in self.relay.hand_over(replies) if self.relay is not None else replies:
                    self._send(row)
                return True
        if time.monotonic() - self._last_chores < chores_every:
            return False
        busy = self.jobs.run_due()
        self._last_chores = 0.0 if busy else time.monotonic()
        return busy

    def _send(self, row: Outgoing) -> None:
        """Deliver now (tests, CLI) or hand to the sender threads. At most ``MAX_SENDS_WAITING`` wait, so
        that a slow LINE API slows the answering down instead of letting the replies' leases run out."""
        if self._senders is None:
            self.outbox.deliver(row)
            return
        self._in_flight.acquire()

        def send() -> None:
            try:
                self.outbox.deliver_logged(row)
            finally:
                self._in_flight.release()

        self._senders.submit(send)

    def drain(self, timeout: float = 10.0) -> None:
        """Work until nothing is left (tests, CLI)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.work_once():
            pass

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.work_once(chores_every=1.0)
            except OperationalError:
                log.warning("database unavailable; worker waits", exc_info=True)
                busy = False
                self._stop.wait(1.0)
            except Exception:
                log.exception("worker error")
                busy = False
            if not busy:
                self._sleep(self.idle_poll)
            elif 0 < self.answering.last_batch < self.runtime.settings.events_per_transaction:
                self._gather()  # what arrived while this batch was answered is only the start of the next

    # ----- starting and stopping ---------------------------------------------------------------------
    def start(self, slot: int = 0) -> None:
        """Background threads that turn stored events into replies (and pick up what a previous
        process left behind), and the threads that send the replies. With wake sockets configured,
        this process listens on the ``slot``-th, so that web processes can wake it."""
        if self.threads:
            return
        settings = self.runtime.settings
        self._stop.clear()
        if self.wake_sockets:
            PROCESS_ROLE["name"] = "answering"
            self._listening = self.wake_sockets[slot % len(self.wake_sockets)]
            self._listening.listen()
            self.relay = ReplyRelay(settings.run_dir)
        self._senders = ThreadPoolExecutor(settings.sender_threads, thread_name_prefix="bot-sender")
        for i in range(settings.worker_threads):
            t = threading.Thread(target=self._loop, name=f"bot-worker-{i}", daemon=True)
            t.start()
            self.threads.append(t)

    def start_sending_for_answerers(self) -> None:
        """In a web worker, when answering runs in processes of its own: send the replies they hand over."""
        run_dir = self.runtime.settings.run_dir
        if self._reply_inbox is not None or not run_dir:
            return
        PROCESS_ROLE["name"] = "web"
        self._reply_inbox = ReplyInbox(send_socket_path(run_dir, os.getpid()),
                                       deliver=self.outbox.deliver_all, idle=self.outbox.flush_sent)
        self._reply_inbox.start()

    def stop(self) -> None:
        if self._reply_inbox is not None:
            self._reply_inbox.stop()
            self._reply_inbox = None
        self._stop.set()
        self.wake()
        for t in self.threads:
            t.join(timeout=self.runtime.settings.line_api_timeout + 5)
        self.threads.clear()
        if self._listening is not None:
            self._listening.close()
            self._listening = None
        if self.relay is not None:
            self.relay.close()
            self.relay = None
        if self._senders is not None:
            self._senders.shutdown(wait=True)  # sends in flight finish first
            self._senders = None
        try:
            self.outbox.flush_sent()
        except OperationalError:
            log.warning("could not record sent messages; they will be retried and refused by LINE as duplicates")
