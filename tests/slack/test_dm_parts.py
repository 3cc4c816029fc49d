"""A reminder DM in several Slack messages records each part; a retry resumes at the first that did not arrive."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.notify import Delivery, DeliveryFailed, Recipient
from bot.replies import Reply

ME = Recipient("slack", "T1", "U1")
LONG = Reply(title="Overdue: many invoices", text="Acme owes a lot.", lines=tuple(f"Line {i} " + "w" * 2000 for i in range(120)))  # 3 messages


def delivery(log: list, start: int = 0, unknown: int | None = None) -> Delivery:
    async def sending(i: int) -> None:
        log.append(("sending", i))

    async def sent(i: int) -> None:
        log.append(("sent", i))

    return Delivery("nudge-7", start, unknown, datetime.now(timezone.utc) if unknown is not None else None, sending, sent)


async def test_parts_are_recorded_and_a_retry_resumes_after_what_arrived(service, fake):
    service.notifier.timeout = 0.5
    fake.hang_after_accept("chat.postMessage", times=1, skip=1)  # part 0 answered, part 1 stored but not answered
    log: list = []
    with pytest.raises(DeliveryFailed) as caught:
        await service.notifier.send_dm(ME, [LONG], delivery=delivery(log))
    assert caught.value.unknown
    assert log == [("sending", 0), ("sent", 0), ("sending", 1)]
    parts = len(fake.calls_to("chat.postMessage"))
    assert parts == 2
    # The sweep's next attempt: part 0 done, part 1 unknown -> found in the history, not posted again.
    log2: list = []
    await service.notifier.send_dm(ME, [LONG], delivery=delivery(log2, start=1, unknown=1))
    assert ("sent", 1) in log2 and ("sending", 1) not in log2
    counts = fake.posts_by_delivery()
    assert set(counts.values()) == {1} and {p for (_, _, p) in counts} == set(range(len(counts)))
    assert len(counts) >= 3  # every part once, in order


async def test_a_part_that_did_not_arrive_is_sent_on_retry(service, fake):
    fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "1"})
    fake.hangs.clear()
    log: list = []
    with pytest.raises(DeliveryFailed):
        await service.notifier.send_dm(ME, [LONG], delivery=delivery(log))
    assert fake.posted() == []
    await service.notifier.send_dm(ME, [LONG], delivery=delivery([], start=0, unknown=None))
    assert set(fake.posts_by_delivery().values()) == {1}
