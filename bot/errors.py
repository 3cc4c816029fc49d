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


#: How an error names the value it is about (`field=` in its values): "the client's name", never the code key "name".
FIELD_LABELS: dict[str, str] = {
    "name": "label.name",
    "note": "label.note",
    "ref": "label.ref",
    "terms": "label.terms",
    "days": "label.days",
    "hour": "label.hour",
    "contact": "label.contact",
    "your_name": "label.your_name",
    "signature": "label.signature",
}
