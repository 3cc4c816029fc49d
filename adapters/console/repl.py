"""The terminal chat: a prompt that takes slash-command lines and answers in place.

Interactive (a terminal): line editing and history through readline, colour,
reminders printed as they come. Piped (`printf '/client list\n' | redflag`):
one command per line, no prompt noise, exit at end of input.
"""
from __future__ import annotations

import getpass
import logging
import os
import sys
import threading
from pathlib import Path
from typing import TextIO

from adapters.console.choices import match, match_choice
from adapters.console.files import save as save_file
from adapters.console.hints import not_a_command, suggestion
from adapters.console.render import Style, render
from bot import later
from bot.core import Core
from bot.events import Action, Address, Command, FormSubmit
from bot.i18n import Messages
from bot.replies import Choice, Form, FormField, Reply

log = logging.getLogger(__name__)

EXIT_WORDS = {"quit", "exit", "/quit", "/exit"}


def local_timezone() -> str | None:
    """The machine's IANA zone: $TZ, /etc/timezone, or the /etc/localtime link."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and "/" in tz:
        return tz
    try:
        text = Path("/etc/timezone").read_text().strip()
        if text:
            return text
    except OSError:
        pass
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    return None


def console_address() -> Address:
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG")
    try:
        user = getpass.getuser()
    except Exception:  # no passwd entry in some containers
        user = "local"
    return Address(platform="console", workspace="local", user=user, channel="console", locale=locale, timezone=local_timezone())


class Console:
    def __init__(
        self,
        core: Core,
        stdin: TextIO = sys.stdin,
        stdout: TextIO = sys.stdout,
        interactive: bool | None = None,
        address: Address | None = None,
        export_dir: Path | None = None,
    ) -> None:
        self.core = core
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = stdin.isatty() if interactive is None else interactive
        self.address = address or console_address()
        self.style = Style(color=self.interactive and stdout.isatty() and not os.environ.get("NO_COLOR"))
        # Absolute, so "Saved …" names a file the user can open from anywhere.
        self.export_dir = (export_dir or Path(os.environ.get("REDFLAG_EXPORT_DIR", "exports"))).absolute()
        self.choices: list[Choice] = []
        self.lock = threading.RLock()
        self._counter = 0
        self._prompt: str | None = None  # the prompt input() is waiting on, for redrawing it

    # -- i/o ---------------------------------------------------------------------
    @property
    def t(self) -> Messages:
        return self.core.context(self.address).t

    def write(self, text: str) -> None:
        with self.lock:
            self.stdout.write(text + "\n")
            self.stdout.flush()

    def read(self, prompt: str) -> str | None:
        if self.interactive:
            self._prompt = prompt
            try:
                return input(prompt)
            except EOFError:
                return None
            finally:
                self._prompt = None
        line = self.stdin.readline()
        if not line:
            return None
        return line.rstrip("\r\n")

    # -- the loop ----------------------------------------------------------------
    def run(self) -> int:
        if self.interactive:
            self._enable_history()
            self.write(self.style.dim(self.t("console.welcome")))
        while True:
            line = self.read("redflag> " if self.interactive else "")
            if line is None:
                if self.interactive:
                    self.write("\n" + self.t("console.bye"))
                return 0
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.lower() in EXIT_WORDS:
                self.write(self.t("console.bye"))
                return 0
            self.handle_line(line)

    def handle_line(self, line: str) -> None:
        from adapters.console.importing import import_file, wants_file

        path = wants_file(line)
        if path:
            import_file(self, path)
            return
        if line.startswith("/"):
            name, _, rest = line[1:].partition(" ")
            # the report's text at once, its chart saved after (`_show`; made here, in this process)
            self.show(self.core.handle(Command(self.address, name, rest.strip(), request_id=None), later=True))
            return
        with self.lock:
            choices = list(self.choices)
        if not choices:
            self.write(not_a_command(self.t, line))
            return
        chosen, ambiguous = match_choice(line, choices)
        if chosen is None:
            answers = [c for c in choices if not c.nav]
            if ambiguous:
                self.write(self.t("console.ambiguous_choice", answer=line, matches=", ".join(ambiguous)))
            elif answers:
                meant = suggestion(line)
                extra = " " + self.t("console.did_you_mean", command=meant) if meant and not line.strip().isdigit() else ""
                self.write(self.t("console.no_such_choice", answer=line, count=len(answers)) + extra)
            else:
                self.write(not_a_command(self.t, line))
            return
        from adapters.console.importing import run_with_bar  # an import's Import choice draws its bar

        self.show(run_with_bar(self, Action(self.address, chosen.id, request_id=self._request_id())))

    def _request_id(self) -> str:
        self._counter += 1
        return f"console-{os.getpid()}-{self._counter}"

    def show(self, replies: list[Reply], header: str | None = None) -> None:
        with self.lock:
            waiting = self._prompt if header and self.interactive else None
            if waiting is not None:
                self.stdout.write("\r\033[K")  # clear the half-typed prompt line; it is redrawn below
            if header:
                self.write(self.style.bold(f"— {header} —"))
            self._show(replies, header)
            if waiting is not None:
                self._redraw(waiting)

    def _redraw(self, prompt: str) -> None:
        """Put the prompt back, with whatever the user had typed, after a message that came in meanwhile."""
        typed = ""
        try:
            import readline

            typed = readline.get_line_buffer()
        except ImportError:
            pass
        self.stdout.write(prompt + typed)
        self.stdout.flush()

    def _show(self, replies: list[Reply], header: str | None) -> None:
        for reply in replies:
            if reply.form is not None:
                if reply.text:
                    self.write(self.style.emphasis(reply.text))
                self.fill_form(reply.form)
                continue
            self.write(render(reply, self.style))
            for attachment in reply.files:
                path = save_file(self.export_dir, attachment)
                self.write(self.t("console.file_written", path=str(path)))
            for order in reply.later:  # files that follow the text (the report's chart): made now, then saved
                try:
                    made = later.make(order)
                except Exception:  # drawing failed: the text above is complete, say what is missing
                    log.exception("a file that follows a reply could not be made")
                    self.write(self.t("error.file_not_made", files=str(getattr(order.order, "filename", order.kind))))
                    continue
                for attachment in made:
                    path = save_file(self.export_dir, attachment)
                    self.write(self.t("console.file_written", path=str(path)))
            if reply.choices:
                self.choices = list(reply.choices)
                self.write(self.style.dim(self.t("console.choose")))
            elif not reply.form_errors:
                self.choices = [] if not header else self.choices

    # -- forms as prompts --------------------------------------------------------
    def fill_form(self, form: Form, previous: dict[str, str] | None = None, only: set[str] | None = None) -> None:
        values = dict(previous or {})
        self.write(self.style.bold(form.title))
        pending: str | None = None  # a slash command typed at an optional prompt ends the form
        for f in form.fields:
            if only is not None and f.id not in only:
                continue
            if pending is not None:
                if f.required:
                    self.write(self.t("console.form_cancelled"))
                    self.handle_line(pending)
                    return
                values[f.id] = ""
                continue
            answer = self._ask(f)
            if answer is None:
                self.write(self.t("console.form_cancelled"))
                return
            if not f.required and f.kind != "textarea" and answer.startswith("/"):
                pending, answer = answer.strip(), ""
            values[f.id] = answer
        replies = self.core.handle(
            FormSubmit(self.address, form.id, tuple(values.items()), request_id=self._request_id(), context=form.context)
        )
        errors = [r for r in replies if r.form_errors]
        if errors:
            self.write(render(errors[0], self.style))
            bad = {field_id for field_id, _ in errors[0].form_errors}
            if self.interactive or bad:
                self.fill_form(form, values, only=bad)
            return
        self.show(replies)
        if pending is not None:
            self.handle_line(pending)

    def _ask(self, f: FormField) -> str | None:
        while True:
            label = f.label + ("" if f.required else " " + self.t("console.form_optional"))
            if f.kind == "select":
                self.write(label)
                for number, option in enumerate(f.options, start=1):
                    self.write(f"  {number}) {option.label}")
                answer = self.read("> " if self.interactive else "")
                if answer is None:
                    return None
                if not answer.strip() and not f.required:
                    return ""
                chosen, _ = match(answer, [o.label for o in f.options] , list(f.options))
                if chosen is None:
                    chosen, _ = match(answer, [o.value for o in f.options], list(f.options))
                if chosen is not None:
                    return chosen.value
                self.write(self.t("console.no_such_choice", answer=answer, count=len(f.options)))
                continue
            suffix = f" [{f.initial}]" if f.initial and self.interactive else ""
            answer = self.read(f"{label}{suffix}: " if self.interactive else "")
            if answer is None:
                return None
            if not answer and f.initial:
                return f.initial
            if answer.strip() or not f.required:
                return answer
            self.write(self.t("console.form_required"))

    def _enable_history(self) -> None:
        try:
            import readline
        except ImportError:  # Windows without pyreadline: plain input() still works
            return
        history = Path.home() / ".redflag_history"
        try:
            readline.read_history_file(history)
        except OSError:
            pass
        import atexit

        atexit.register(lambda: _save_history(readline, history))


def _save_history(readline_module: object, path: Path) -> None:
    try:
        readline_module.write_history_file(path)  # type: ignore[attr-defined]
    except OSError:
        pass


