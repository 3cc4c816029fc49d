"""`/invoice list` words a failed reminder from the core's own reason, set by the adapter, not from platform codes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pytest

from bot.notify import DeliveryFailed, Reason, Recipient
from bot.replies import Reply
from storage.records import Owner
from tests.nudges.conftest import utc

OWNER = Owner("W1", "U1")
AT = utc(2026, 11, 25, 9)


@dataclass
class Refusing:
    """A platform that refuses every DM for good, in its own words and with the core's reason."""

    detail: str
    kind: Reason
    platform: str = "console"

    async def send_dm(self, recipient: Recipient, replies: Sequence[Reply]) -> None:
        raise DeliveryFailed(self.detail, permanent=True, kind=self.kind)


@pytest.fixture
def overdue(books):
    books.user("UTC", 9)
    books.client()
    books.invoice("INV-1", "2026-11-18")


@pytest.mark.parametrize("detail,kind,shown", [
    ("gone_away_42", Reason.NOT_FOUND, "the bot could not find you to send a message"),
    ("whatever the platform says", Reason.ACCESS_REVOKED, "the bot's access to this workspace was revoked"),
    ("nope", Reason.DMS_CLOSED, "your direct messages are closed to the bot"),
    ("channel_not_found", Reason.OTHER, "the platform refused it (channel_not_found)"),  # a platform code alone means nothing here
])
async def test_the_reason_comes_from_the_adapter(overdue, sweep, store, say, detail, kind, shown):
    report = await sweep(AT, notifiers={"console": Refusing(detail, kind)})
    assert report.count("failed") == 1
    [failure] = store.nudges.failures(OWNER)
    assert (failure.reason, failure.kind) == (detail, kind.value)  # the platform's words stay for the operator
    listing = say("/invoice list")[0].plain()
    assert shown in listing, listing


def test_an_unknown_stored_reason_reads_as_other() -> None:
    assert Reason.of(None) is Reason.OTHER and Reason.of("no_such_reason") is Reason.OTHER
    assert Reason.of("network") is Reason.NETWORK
