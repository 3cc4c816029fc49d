"""The dialogue through the real console, as a subprocess: numbers, labels, prefixes, and a kill mid-way."""
from __future__ import annotations

import os
import re
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REDFLAG = Path(sys.executable).with_name("redflag")


def environ(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update({"REDFLAG_DB": str(db), "LANG": "C.UTF-8", "LC_ALL": "", "TZ": "UTC", "NO_COLOR": "1"})
    return env


def run(db: Path, stdin: str) -> str:
    done = subprocess.run([str(REDFLAG)], input=stdin, capture_output=True, text=True, env=environ(db), cwd=db.parent, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(
    "answers,title,script",
    [
        # go; abuse: no; unethical: no; patterns: none; now and then: none; about you: none
        ("1\n3\n2\n8\n8\n3\n", "Verdict: keep Acme", "I'd like to hear how the project is going"),
        # ...pattern: scope creep (2, then Done); now and then: none; tried: nothing; about you: none
        ("1\n3\n2\n2\n8\n7\n2\n3\n", "Verdict: keep Acme, on new terms", "Each deliverable includes a set number of revisions"),
        # ...about you: more work than I can handle (2, Done); checks: contract and obligations ticked, Done
        ("1\n3\n2\n8\n8\n2\n3\n" + "1\n2\n5\n", "Verdict: part ways with Acme, with notice", "My workload has grown"),
        # abuse "more than once", confirmed; checks: no unfinished paid work (Done)
        ("1\n1\n1\n2\n", "Verdict: end it with Acme now", "I'm ending our collaboration, effective today."),
    ],
    ids=["keep", "repair", "fire_notice", "fire_now"],
)
def test_console_walks_every_verdict(tmp_path: Path, answers: str, title: str, script: str) -> None:
    out = run(tmp_path / "redflag.db", "/client add Acme\n/fire Acme\n" + answers + "/client show Acme\n")
    assert title in out
    assert script in out
    assert not re.findall(r"\{[a-z_]+\}", out)  # e.g. the keep advice "Remind {name} of the payment terms"
    assert "1) Remind me in 3 days to decide" in out
    assert "Verdict: " in out.split(title, 1)[1]  # on the timeline shown by /client show


def test_console_walks_to_fire_now_by_numbers(tmp_path: Path) -> None:
    db = tmp_path / "redflag.db"
    # go; abuse: "Yes, more than once"; confirm: "Yes, end it now"; paid unfinished work: "No"
    out = run(db, "/client add Acme\n/fire Acme\n1\n1\n1\n2\n")
    assert "Should you let Acme go?" in out
    assert "1) Let's go through it" in out
    assert "Verdict: end it with Acme now" in out
    assert "I'm ending our collaboration, effective today." in out


def test_console_accepts_labels_and_prefixes(tmp_path: Path) -> None:
    db = tmp_path / "redflag.db"
    # "let's" is a prefix of the only button starting so; "Once" a full label; "n" an unambiguous prefix of "No"
    out = run(db, "/client add Acme\n/fire Acme\nlet's\nOnce\nback\nonce\nn\n")
    assert out.count("Has Acme ever attacked you personally") == 2
    assert "Once ✓" in out  # Back showed the abuse question with the answer remembered
    assert "Which of these keep happening with Acme" in out  # "n" answered the unethical question with "No"
    assert "  b) Back   c) Cancel" in out  # never numbered among the answers


def test_console_killed_mid_dialogue_resumes_in_a_new_process(tmp_path: Path) -> None:
    db = tmp_path / "redflag.db"
    proc = subprocess.Popen(
        [str(REDFLAG)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=environ(db), cwd=tmp_path, bufsize=1,
    )
    assert proc.stdin and proc.stdout
    proc.stdin.write("/client add Acme\n/fire Acme\n1\n3\n")  # go; abuse: "No, only about the work"
    proc.stdin.flush()
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    seen = ""
    while "Has Acme asked you for work" not in seen:
        try:
            seen += lines.get(timeout=60)  # a generous guard against a hang, not a timing assertion
        except queue.Empty:
            raise AssertionError(f"the console stopped before the question:\n{seen}\n{proc.stderr.read() if proc.poll() is not None else ''}")
    proc.kill()  # no goodbye, no cleanup: like a crash
    proc.wait()

    out = run(db, "/fire Acme\n1\n")
    assert "Pick up where you left off, or start over?" in out
    assert "You were at: requests you're not comfortable with" in out
    assert out.rstrip().count("Has Acme asked you for work") == 1


def test_console_progress_line_never_jumps(tmp_path: Path) -> None:
    # go; abuse no; unethical no; patterns: late payment, scope creep, haggling (1, 2, 3, Done);
    # (three patterns: a firing, so "now and then" and "about you" are skipped); tried: the late fee (1, Done); checks: Done
    out = run(tmp_path / "redflag.db", "/client add Acme\n/fire Acme\n1\n3\n2\n1\n2\n3\n8\n1\n4\n5\n")
    shown = [(int(n), int(m)) for n, m in re.findall(r"Question (\d+) of about (\d+)", out)]
    assert shown and all(n <= m for n, m in shown)
    totals = [m for _, m in shown]
    assert all(b <= a + 1 for a, b in zip(totals, totals[1:])), totals
    assert "Verdict: part ways with Acme, with notice" in out
    assert max(n for n, _ in shown) <= 8
