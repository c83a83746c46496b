"""`signpost run`'s supervisor with real child processes: a part that stops is restarted with backoff, the others
keep running, and stopping stops them all. (tests/resilience/test_faults.py kills the real action server.)"""
from __future__ import annotations

import sys
import time

from bot import settings
from bot.cli.serve import MAX_RESTART_DELAY, Part, Supervisor


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _wait_for_exit(part: Part) -> None:
    deadline = time.monotonic() + 10
    while part.process is not None and part.process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)


def test_a_part_that_stops_restarts_with_growing_delays_and_the_other_keeps_running() -> None:
    clock = Clock()
    crashing = Part("crashing", [sys.executable, "-c", "import sys; sys.exit(3)"])
    steady = Part("steady", [sys.executable, "-c", "import time; time.sleep(60)"])
    supervisor = Supervisor([crashing, steady], settings.rasa_environment(), clock=clock)
    supervisor.start()
    try:
        steady_pid = steady.process.pid
        delays = []
        for _ in range(7):
            _wait_for_exit(crashing)
            supervisor.check()  # notices the exit and schedules a restart
            assert crashing.process is None
            delays.append(crashing.next_start - clock.now)
            supervisor.check()  # too early: still waiting
            assert crashing.process is None
            clock.now = crashing.next_start
            supervisor.check()  # restarted
            assert crashing.process is not None
        assert delays == [1, 2, 4, 8, 16, MAX_RESTART_DELAY, MAX_RESTART_DELAY]
        assert steady.process.pid == steady_pid and steady.process.poll() is None
    finally:
        supervisor.stop()
    assert all(p.poll() is not None for p in (steady.process, crashing.process))


def test_a_part_that_stays_up_a_minute_restarts_quickly_again() -> None:
    clock = Clock()
    part = Part("flaky", [sys.executable, "-c", "import time; time.sleep(60)"])
    supervisor = Supervisor([part], settings.rasa_environment(), clock=clock)
    part.restarts = 4  # it has failed before
    supervisor.start()
    try:
        clock.now += 61
        supervisor.check()
        assert part.restarts == 0
        part.process.kill()
        part.process.wait()
        supervisor.check()
        assert part.next_start - clock.now == 1
    finally:
        supervisor.stop()
