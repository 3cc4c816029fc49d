"""Reminders in the terminal: a nudge is printed into the running console session."""
from __future__ import annotations

from typing import Sequence

from adapters.console.repl import Console
from bot.notify import DeliveryFailed, Recipient
from bot.replies import Reply


class ConsoleNotifier:
    platform = "console"

    def __init__(self, console: Console) -> None:
        self.console = console

    async def send_dm(self, recipient: Recipient, replies: Sequence[Reply]) -> None:
        if recipient.user != self.console.address.user:
            # Another local user's reminder: keep it pending for their own session.
            raise DeliveryFailed("recipient is not in this console session")
        self.console.show(list(replies), header=self.console.t("console.reminder"))
