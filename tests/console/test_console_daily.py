"""The console as a user lives in it: plain text, clear answers to stray lines, a dialogue that waits.

Most checks run the real `redflag` console as a subprocess (piped stdin);
the asynchronous reminder and the prompt redraw drive `Console` directly,
because a terminal's half-typed line cannot be piped.
"""
from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path

from adapters.console.notifier import ConsoleNotifier
from adapters.console.repl import Console
from bot.core import Core
from bot.events import Address
from bot.notify import Recipient
from bot.nudges import cli as nudges_cli
from storage.store import Store

REDFLAG = Path(sys.executable).with_name("redflag")


def environ(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "REDFLAG_"))}
    env.update({"REDFLAG_DB": str(db), "LANG": "C.UTF-8", "LC_ALL": "", "TZ": "UTC", "NO_COLOR": "1"})
    return env


def run(tmp: Path, stdin: str) -> str:
    done = subprocess.run([str(REDFLAG)], input=stdin, capture_output=True, text=True, env=environ(tmp / "redflag.db"), cwd=tmp, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_line_that_is_not_a_command_says_what_was_wrong_and_suggests(tmp_path: Path) -> None:
    out = run(tmp_path, "hello\nclient list\ncliet list\n3\n")
    assert "“hello” isn't a command: commands start with a slash. Type /redflag help to see every command." in out
    assert "“client list” isn't a command: commands start with a slash. Did you mean /client list?" in out
    assert "Did you mean /client list?" in out.split("“cliet list”", 1)[1]  # a typo in the command word too
    assert "There's no open question for “3” to answer." in out
    assert "How to write it: /redflag help" not in out


def test_another_command_leaves_the_dialogue_where_it_was(tmp_path: Path) -> None:
    # go; abuse: no, only about the work; then /client list; then a habit "2"; then "No" (2) to the unethical question
    out = run(tmp_path, "/client add Acme\n/fire Acme\n1\n3\n/client list\n2\n2\n")
    after_list = out.split("• Acme", 1)[1]
    assert 'Your decision about Acme is still open (requests you\'re not comfortable with). /fire "Acme" or “Back to the question” picks it up.' in after_list
    assert "  r) Back to the question" in after_list
    # the bare "2" went back to the open question (shown again), it did not answer anything
    shown_again = after_list.split("r) Back to the question", 1)[1]
    assert shown_again.count("Has Acme asked you for work") == 1
    assert "Which of these keep happening with Acme?" in shown_again  # the next "2" answered it: "No"


def test_the_open_dialogue_line_speaks_the_language_just_chosen(tmp_path: Path) -> None:
    # a dialogue left open, then the language changed: the settings and the line under them in one language
    out = run(tmp_path, "/client add Acme\n/fire Acme\n1\n/redflag settings lang=nl\n/redflag settings lang=vi\n")
    dutch = out.split("Je instellingen", 1)[1].split("Cài đặt của bạn", 1)[0]
    assert 'Je beslissing over Acme staat nog open' in dutch and "r) Terug naar de vraag" in dutch
    assert "is still open" not in dutch and "Back to the question" not in dutch
    vietnamese = out.split("Cài đặt của bạn", 1)[1]
    assert "Quyết định về Acme vẫn đang dở dang" in vietnamese and "r) Quay lại câu hỏi" in vietnamese
    assert "staat nog open" not in vietnamese


def test_back_and_cancel_are_letters_and_numbers_only_count_answers(tmp_path: Path) -> None:
    # go; abuse: "3" is the third answer ("No, only about the work"), never Back; then b; then c
    out = run(tmp_path, "/client add Acme\n/fire Acme\n1\n3\nb\nc\n")
    assert "  1) Yes, more than once\n  2) Once\n  3) No, only about the work\n  b) Back   c) Cancel" in out
    assert "No, only about the work ✓" in out  # "b" went back to the abuse question, with the answer marked
    assert "Fine, we'll leave Acme there." in out  # "c" cancelled
    assert "4)" not in out.split("Has Acme ever attacked you", 1)[1].split("Type a number", 1)[0]


def test_files_are_reported_with_absolute_paths(tmp_path: Path) -> None:
    out = run(tmp_path, "/client add Acme\n/incident Acme haggling wanted half off\n/client export Acme\n")
    saved = [line.split("Saved ", 1)[1] for line in out.splitlines() if line.startswith("Saved ")]
    assert saved and all(Path(p).is_absolute() and Path(p).exists() for p in saved)
    assert all(Path(p).parent == (tmp_path / "exports").resolve() for p in saved)


def test_a_reminder_prints_plain_text_and_the_prompt_comes_back(tmp_path: Path) -> None:
    store = Store(tmp_path / "redflag.db")
    core = Core(store)
    out = io.StringIO()
    console = Console(core, stdin=io.StringIO(""), stdout=out, interactive=True, address=Address("console", "local", "me", "console"))
    console.handle_line("/client add Acme")
    console._prompt = "redflag> "  # the user is at the prompt when the reminder comes in
    from bot.replies import Reply

    reminder = [Reply(title="Overdue: PB-101 from Acme", text="*PB-101* — time for a final notice")]
    asyncio.run(ConsoleNotifier(console).send_dm(Recipient("console", "local", "me"), reminder))
    text = out.getvalue()
    assert "PB-101 — time for a final notice" in text and "*PB-101*" not in text
    assert text.endswith("redflag> ")  # the prompt is redrawn after the message
    assert "\r\033[K— Reminder —" in text  # the half-typed prompt line was cleared first
    store.close()


async def test_reminders_from_the_command_line_are_plain_text(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    store = Store(tmp_path / "redflag.db")
    core = Core(store, lambda: datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc))
    console = Console(core, stdin=io.StringIO(""), stdout=io.StringIO(), interactive=False, address=Address("console", "local", "me", "console"))
    console.handle_line("/client add Acme")
    console.handle_line("/invoice add Acme 100 issued=2026-09-01 due=2026-10-01 ref=PB-101")
    out = io.StringIO()
    report = await nudges_cli.run_once(store, None, datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc), stream=out)
    assert "PB-101" in out.getvalue(), report
    assert "PB-101" in out.getvalue()
    assert "*" not in out.getvalue()
    store.close()


def test_the_report_prints_its_text_then_saves_its_chart(tmp_path: Path) -> None:
    """Issue 20: the report's text comes first; the chart follows, drawn after it, and its path is printed."""
    out = run(tmp_path, "/client add Acme\n/incident Acme haggling wanted half off\n/client report\n")
    report = out.split("/client report", 1)[-1] if "/client report" in out else out
    text_at = out.index("Acme", out.index("Trouble against revenue"))
    saved = [line for line in out.splitlines() if line.startswith("Saved ") and line.endswith(".png")]
    assert len(saved) == 1 and out.index(saved[0]) > text_at, report  # the text before the chart's line
    png = Path(saved[0].split("Saved ", 1)[1])
    assert png.exists() and png.read_bytes().startswith(b"\x89PNG")
