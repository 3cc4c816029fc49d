"""A user's mistake, as a catalog key: the core turns it into a translated reply."""
from __future__ import annotations


class UserError(Exception):
    """Bad input. `key` is a message id; `values` fill its placeholders.

    `usage` names a message id with the right way to write the command; the
    reply shows it under the error so the user can fix the line at once.
    """

    def __init__(self, key: str, usage: str | None = None, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.usage = usage
        self.values = values
