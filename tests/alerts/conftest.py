"""The reminder tests' helpers (recording notifier, sweep at a moment, books) for the alert tests."""
from tests.nudges.conftest import RecordingNotifier, books, notifier, sweep, utc  # noqa: F401
