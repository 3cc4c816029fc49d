"""`bot.collector.paused`: the cyclic collector off for a stretch, and back as it was (issue 20)."""
from __future__ import annotations

import gc
import threading

from bot import collector


def test_paused_switches_the_collector_off_and_back_on() -> None:
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():  # nested
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_inside_still_switches_it_back() -> None:
    try:
        with collector.paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


def test_overlapping_stretches_on_two_threads_share_one_pause() -> None:
    """The first to leave does not switch it back on under the other; the last one does."""
    inside, leave_first, left = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collector.paused():
            inside.set()
            leave_first.wait(5)
        left.set()

    worker = threading.Thread(target=first)
    worker.start()
    assert inside.wait(5)
    with collector.paused():
        leave_first.set()
        assert left.wait(5)
        seen.append(gc.isenabled())  # the first thread has left: still off for this one
    worker.join(5)
    assert seen == [False] and gc.isenabled()
