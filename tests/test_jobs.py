"""The jobs hook for timed work (``core/chores.py``), on its own: no database, a clock the test moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.chores import Jobs

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_a_job_runs_at_most_once_per_interval_by_the_engines_clock():
    now = [START]
    runs: list[datetime] = []
    jobs = Jobs(lambda: now[0])
    jobs.run_every(timedelta(hours=1), lambda: runs.append(now[0]), "hourly")
    jobs.run_due()
    now[0] += timedelta(minutes=59)
    jobs.run_due()
    now[0] += timedelta(minutes=1)
    jobs.run_due()
    assert runs == [START, START + timedelta(hours=1)]


def test_a_busy_job_ends_the_round_and_the_next_round_carries_on():
    ran: list[str] = []
    busy = [True]
    jobs = Jobs(lambda: START)

    def first() -> bool:
        ran.append("first")
        return busy[0]

    jobs.run_every(timedelta(0), first, "first")
    jobs.run_every(timedelta(0), lambda: ran.append("second"), "second")
    assert jobs.run_due() is True
    assert ran == ["first"]
    busy[0] = False
    assert jobs.run_due() is False
    assert ran == ["first", "first", "second"]


def test_a_cancelled_job_no_longer_runs():
    ran: list[int] = []
    jobs = Jobs(lambda: START)
    job = jobs.run_every(timedelta(0), lambda: ran.append(1))
    jobs.cancel(job)
    jobs.run_due()
    assert ran == []
