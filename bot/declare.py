"""How a command declares itself once: its subcommands, their options with types, ranges and choices.

Like discord.py's `ext.commands`, a command carries its own metadata; each one
is declared beside its handler in `bot/commands/<command>.py` and registered
with `bot.registry.command`. Everything that used to restate the list reads
the declaration instead: `/redflag help` (its help keys), the lanes (`slow`),
the text grammar (`bot.parser.parse_args`: which words are positional, which
`key=` options exist, which of them may run over several words), the Discord
application-command tree (`adapters/discord/commands.py`: names, types,
ranges, choices, autocomplete) and the check of the Slack manifest.

A handler always receives `Args`, the typed values by option name, whether they
came from text (console, Slack) or as typed options (Discord).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator, Mapping

from bot.errors import UserError
from bot.parser import MAX_NAME, MAX_REF

if TYPE_CHECKING:
    from bot.context import Context
    from bot.replies import Reply

# -- option types ----------------------------------------------------------------
TEXT = "text"  # free text
CLIENT = "client"  # a client's name (Discord offers the names on file)
INVOICE = "invoice"  # an invoice reference (Discord offers the references on file)
OPEN_INVOICE = "open_invoice"  # a reference of an invoice still open
AMOUNT = "amount"  # money as the user writes it (`1.200,50`, `$300`), read per locale by the handler
DATE = "date"  # a date as the user writes it, read per language by the handler
CURRENCY = "currency"  # an ISO code
INTEGER = "integer"  # a whole number within `low`..`high`
CHOICE = "choice"  # one of `choices`
FLAG = "flag"  # on when given (`overdue`)
FILE = "file"  # an uploaded file (Discord attachment; text surfaces send an `Upload`)
TIMEZONE = "timezone"  # an IANA zone (Discord offers the zones)

TYPES = frozenset({TEXT, CLIENT, INVOICE, OPEN_INVOICE, AMOUNT, DATE, CURRENCY, INTEGER, CHOICE, FLAG, FILE, TIMEZONE})
#: The longest value a typed surface accepts for a type, when the option names no `length` of its own.
LENGTHS: dict[str, tuple[int, int]] = {CLIENT: (1, MAX_NAME), INVOICE: (1, MAX_REF), OPEN_INVOICE: (1, MAX_REF),
                                       AMOUNT: (1, 40), DATE: (1, 40), CURRENCY: (3, 3)}


#: Discord's name and description of each option, by option name (catalog ids written out, so a
#: search from an id finds its use; an option whose name is not here has no Discord words yet).
OPTION_IDS: dict[str, tuple[str, str]] = {
    "name": ("discord.opt.name", "discord.opt.name.desc"),
    "terms": ("discord.opt.terms", "discord.opt.terms.desc"),
    "currency": ("discord.opt.currency", "discord.opt.currency.desc"),
    "email": ("discord.opt.email", "discord.opt.email.desc"),
    "client": ("discord.opt.client", "discord.opt.client.desc"),
    "until": ("discord.opt.until", "discord.opt.until.desc"),
    "kind": ("discord.opt.kind", "discord.opt.kind.desc"),
    "note": ("discord.opt.note", "discord.opt.note.desc"),
    "amount": ("discord.opt.amount", "discord.opt.amount.desc"),
    "due": ("discord.opt.due", "discord.opt.due.desc"),
    "ref": ("discord.opt.ref", "discord.opt.ref.desc"),
    "issued": ("discord.opt.issued", "discord.opt.issued.desc"),
    "on": ("discord.opt.on", "discord.opt.on.desc"),
    "overdue": ("discord.opt.overdue", "discord.opt.overdue.desc"),
    "days": ("discord.opt.days", "discord.opt.days.desc"),
    "lang": ("discord.opt.lang", "discord.opt.lang.desc"),
    "tz": ("discord.opt.tz", "discord.opt.tz.desc"),
    "hour": ("discord.opt.hour", "discord.opt.hour.desc"),
    "contact": ("discord.opt.contact", "discord.opt.contact.desc"),
    "your_name": ("discord.opt.your_name", "discord.opt.your_name.desc"),
    "signature": ("discord.opt.signature", "discord.opt.signature.desc"),
    "number": ("discord.opt.number", "discord.opt.number.desc"),
    "new_name": ("discord.opt.new_name", "discord.opt.new_name.desc"),
    "into": ("discord.opt.into", "discord.opt.into.desc"),
    "late_fee": ("discord.opt.late_fee", "discord.opt.late_fee.desc"),
    "new_ref": ("discord.opt.new_ref", "discord.opt.new_ref.desc"),
    "file": ("discord.opt.file", "discord.opt.file.desc"),
    "sort": ("discord.opt.sort", "discord.opt.sort.desc"),
    "alerts": ("discord.opt.alerts", "discord.opt.alerts.desc"),
    "digest": ("discord.opt.digest", "discord.opt.digest.desc"),
}


@dataclass(frozen=True)
class Choice:
    """One allowed value, and the catalog key (or literal name) Discord shows for it."""

    value: str
    label: str
    literal: bool = False  # `label` is shown as is (a language's own name), not a catalog key


@dataclass(frozen=True)
class Option:
    """One value a subcommand takes.

    `name` is what the handler reads and Discord's parameter; `key` is the
    text surfaces' `key=` word when it differs (`your_name` is typed `name=`).
    A `positional` option is given by position in text; the last one may take
    the `rest` of the words. `spans`: a `key=` date may run over the next words
    (`due=next friday`). `length` is Discord's limit for a text value.
    """

    name: str
    type: str = TEXT
    required: bool = False
    positional: bool = False
    rest: bool = False
    spans: bool = False
    low: int | None = None
    high: int | None = None
    length: tuple[int, int] | None = None
    choices: Callable[[], tuple[Choice, ...]] | None = None
    key: str | None = None
    label: str | None = None  # catalog key of Discord's option name; default from OPTION_IDS
    description: str | None = None  # catalog key of its description; default from OPTION_IDS
    discord: bool = True  # offered as a Discord option
    text: bool = True  # read from the text grammar

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"option {self.name}: unknown type {self.type!r}")

    @property
    def limits(self) -> tuple[int, int] | None:
        """(shortest, longest) for a text value; None for no limit (or no text)."""
        return self.length or LENGTHS.get(self.type)

    @property
    def text_key(self) -> str:
        return self.key or self.name

    @property
    def label_key(self) -> str:
        return self.label or OPTION_IDS[self.name][0]

    @property
    def description_key(self) -> str:
        return self.description or OPTION_IDS[self.name][1]


Handler = Callable[["Context", "Args"], "list[Reply]"]
Grammar = Callable[[str, str], "dict[str, object]"]  # (text, language) -> values by option name


@dataclass(frozen=True)
class Sub:
    """One subcommand (or the command itself, for a command without subcommands)."""

    name: str
    handler: Handler
    usage: str
    options: tuple[Option, ...] = ()
    help: tuple[str, ...] = ()  # catalog keys of its `/redflag help` lines (one line may cover several subs)
    slow: bool = False  # reads or renders a lot: runs on the pool of threads (bot/lanes.py)
    discord: bool = True  # offered in the Discord tree
    extra_words: str = "error.extra_words"  # the error for words the grammar has no place for
    extra_usage: str | None = None  # the usage shown with that error; default `usage`
    long: bool = False  # may outlast a platform's 3-second acknowledgement (a chart, an export): "thinking…" first
    grammar: Grammar | None = None  # for a grammar positions and `key=` cannot say (`/incident`'s note, taken raw)

    def __post_init__(self) -> None:
        if self.long and not self.slow:
            raise ValueError(f"{self.name}: a long subcommand is slow too")

    def option(self, name: str) -> Option:
        for opt in self.options:
            if opt.name == name:
                return opt
        raise KeyError(f"{self.name} has no option {name!r}")

    @property
    def positional(self) -> tuple[Option, ...]:
        return tuple(o for o in self.options if o.positional and o.text)

    @property
    def keyed(self) -> tuple[Option, ...]:
        return tuple(o for o in self.options if not o.positional and o.text)


Route = Callable[["Context", str], "tuple[str, str]"]


@dataclass(frozen=True)
class Declared:
    """A command: its subcommands in help order, or one `Sub` named like the command itself.

    `route` (optional) picks the subcommand from the text when the first word
    alone cannot (`/incident list` is a client named "list…" when one exists);
    it returns (sub, the rest of the text).
    """

    name: str
    usage: str
    subs: tuple[Sub, ...]
    default: str | None = None  # the sub run when no text is given
    route: Route | None = None
    fallback: str | None = None  # the sub run when the first word names none
    missing: tuple[str, ...] | None = None  # the subs named when none was given; default all

    @property
    def grouped(self) -> bool:
        """True when Discord shows subcommands (`/client add`); False for `/fire <client>`."""
        return not (len(self.subs) == 1 and self.subs[0].name == self.name)

    def sub(self, name: str) -> Sub | None:
        for s in self.subs:
            if s.name == name:
                return s
        return None

    def help_keys(self) -> Iterator[str]:
        seen: set[str] = set()
        for s in self.subs:
            for key in s.help:
                if key not in seen:
                    seen.add(key)
                    yield key


@dataclass(frozen=True)
class Args:
    """The values a subcommand was given, by option name: text from text surfaces, typed from Discord.

    Only given options are present (`contact=` with nothing after it is present
    and empty). `integer()` applies the declared range to a text or a typed value.
    """

    sub: Sub
    values: Mapping[str, object] = field(default_factory=dict)

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def get(self, name: str, default: object = None) -> object:
        return self.values.get(name, default)

    def text(self, name: str, default: str = "") -> str:
        value = self.values.get(name)
        return default if value is None else str(value)

    def flag(self, name: str) -> bool:
        return bool(self.values.get(name))

    def integer(self, name: str, default: int | None = None) -> int | None:
        """The whole number given for `name` within its declared range, or `default` when not given."""
        if name not in self.values or self.values[name] in (None, ""):
            return default
        opt = self.sub.option(name)
        low, high = opt.low if opt.low is not None else 0, opt.high if opt.high is not None else 999999
        value = self.values[name]
        if isinstance(value, bool) or not isinstance(value, int):
            from bot.parser import parse_int

            return parse_int(str(value), name, low, high, self.sub.usage)
        if not low <= value <= high:
            raise UserError("error.bad_number", usage=self.sub.usage, field=name, value=str(value), low=low, high=high)
        return value

    def options(self, *names: str) -> dict[str, str]:
        """The given `key=` options among `names` as text, by their text key (for code shared with forms)."""
        out: dict[str, str] = {}
        for name in names:
            if name in self.values and self.values[name] is not None:
                out[self.sub.option(name).text_key] = str(self.values[name])
        return out


def choice_values(opt: Option) -> tuple[str, ...]:
    return tuple(c.value for c in opt.choices()) if opt.choices else ()
