"""What a serving process imports before it serves, and what it leaves for later (issue 20, start-up).

`/fire`'s conversation, `/client report`'s and `/client list`'s ranking, the
dossier's history buttons, the pattern rules and a reminder's words are
declared at start-up but imported on first use (`bot/dialogue/__init__.py`,
`bot/commands/client*.py`, `bot/alerts/actions.py`,
`bot/commands/nudge_actions.py`); a serving process imports them right after
it serves (`bot/warm.py`). These run in a fresh interpreter, since
this one has imported everything already.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

LATER = ("bot.dialogue.flow", "bot.dialogue.plan", "bot.dialogue.verdict", "bot.dialogue.states", "bot.report.text",
         "bot.report.chart", "bot.report.pareto", "bot.standings", "bot.history_view", "bot.alerts.rules", "bot.letters",
         "bot.nudges.texts")

START = """
import sys
from bot.core import Core
from bot.events import Address, Command
from storage.store import Store
import adapters.slack.service, adapters.discord.service

core = Core(Store(sys.argv[1]))
later = %r
print("before:", sorted(m for m in later if m in sys.modules))
me = Address("console", "W1", "U1")
for text in [("client", 'add "Globex"'), ("incident", '"Globex" late-payment paid 20 days late'), ("fire", "Globex"),
             ("client", "report"), ("client", "list"), ("client", 'show "Globex"')]:
    replies = core.handle(Command(me, *text), later=True)
    assert replies and not any(r.is_error for r in replies), (text, [r.plain() for r in replies])
print("after:", sorted(m for m in later if m in sys.modules))
core.store.close()
""" % (LATER,)


def test_the_commands_helpers_are_imported_when_first_used(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", START, str(tmp_path / "s.db")], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    before, after = out.stdout.strip().splitlines()
    assert before == "before: []"
    assert after == "after: " + str(sorted(LATER))


WARM = """
import sys
import bot.core, bot.commands
from bot.warm import LATER, warm_later
assert not any(m in sys.modules for m in LATER)
warm_later(0.0).join(30)
print(all(m in sys.modules for m in LATER), "bot.dialogue.verdict" in sys.modules, "bot.letters" in sys.modules)
"""


def test_a_serving_process_imports_them_after_it_serves() -> None:
    out = subprocess.run([sys.executable, "-c", WARM], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True True True"
