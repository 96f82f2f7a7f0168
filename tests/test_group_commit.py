"""Group commit of webhook requests: every request learns the fate of its own events, none is lost."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy.exc import DataError, OperationalError

from core.group_commit import GroupCommit


class Store:
    def __init__(self, refuse: str = "", delay: float = 0.005) -> None:
        self.rows: list[str] = []
        self.transactions: list[list[str]] = []
        self.refuse, self.delay, self.down = refuse, delay, False
        self.lock = threading.Lock()

    def write(self, items: list[str]) -> int:
        time.sleep(self.delay)  # a commit takes a while, so others queue up meanwhile
        if self.down:
            raise OperationalError("INSERT", {}, Exception("database is away"))
        if self.refuse in items:
            raise DataError("INSERT", {}, Exception("refused"))
        with self.lock:
            self.rows.extend(items)
            self.transactions.append(list(items))
        return len(items)


def _run(group: GroupCommit[str], requests: list[list[str]]) -> list[object]:
    outcomes: list[object] = [None] * len(requests)
    start = threading.Barrier(len(requests))

    def request(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = group.submit(requests[i])
        except Exception as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=request, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
        assert not t.is_alive(), "a request never returned"
    return outcomes


def test_concurrent_requests_share_transactions_and_each_row_is_stored_once():
    store = Store()
    requests = [[f"r{i}-e{j}" for j in range(3)] for i in range(40)]
    outcomes = _run(GroupCommit(store.write), requests)
    assert all(isinstance(o, int) and o >= 3 for o in outcomes)
    assert sorted(store.rows) == sorted(e for r in requests for e in r)
    assert len(store.transactions) < len(requests)  # grouped
    for r in requests:  # a request's events are never split between transactions
        assert any(set(r) <= set(t) for t in store.transactions)


def test_a_refused_request_fails_alone():
    store = Store(refuse="bad")
    requests = [["bad"]] + [[f"ok{i}"] for i in range(15)]
    outcomes = _run(GroupCommit(store.write), requests)
    assert isinstance(outcomes[0], DataError)
    assert all(o == 1 or (isinstance(o, int) and o >= 1) for o in outcomes[1:])
    assert sorted(store.rows) == sorted(f"ok{i}" for i in range(15))


def test_a_lost_database_fails_every_request_of_the_group_then_recovers():
    store = Store()
    group: GroupCommit[str] = GroupCommit(store.write)
    store.down = True
    outcomes = _run(group, [[f"a{i}"] for i in range(8)])
    assert all(isinstance(o, OperationalError) for o in outcomes)
    store.down = False
    assert _run(group, [[f"b{i}"] for i in range(8)]) and sorted(store.rows) == sorted(f"b{i}" for i in range(8))


def test_an_unexpected_error_reaches_the_callers_and_the_group_keeps_working():
    calls = {"n": 0}

    def write(items: list[str]) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("boom")
        return len(items)

    group: GroupCommit[str] = GroupCommit(write)
    with pytest.raises(RuntimeError):
        group.submit(["x"])
    assert group.submit(["y"]) == 1
