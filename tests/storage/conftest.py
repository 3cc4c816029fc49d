"""Every storage test that takes the `store` fixture runs on both engines: SQLite and PostgreSQL."""
from __future__ import annotations

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    return request.param
