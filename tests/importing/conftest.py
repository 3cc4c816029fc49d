"""Fixtures for the import tests: send a file as an Upload event, click the preview's buttons."""
from __future__ import annotations

import pytest

from bot.events import Upload
from redflag_testkit import address


@pytest.fixture
def send(core):
    def _send(content: bytes | str, filename: str = "invoices.csv", request_id: str | None = None, locale: str | None = None):
        data = content.encode("utf-8") if isinstance(content, str) else content
        return core.handle(Upload(address(locale=locale), filename, data, request_id=request_id))

    return _send
