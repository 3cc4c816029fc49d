"""The declarations (bot/declare.py) and the two ways into a handler: text parsed per the declaration, typed values as given."""
from __future__ import annotations

import pytest

import bot.commands  # noqa: F401  (registers every declaration)
from bot import declare, registry
from bot.events import Action, Address, Command
from bot.lanes import is_short
from bot.parser import parse_args, write_args
from storage.records import Owner

WHO = Address("console", "W1", "U1")
ME = Owner("W1", "U1")
SAMPLE = {
    declare.TEXT: 'two words "quoted"',
    declare.CLIENT: "Acme Corp",
    declare.INVOICE: "INV 7",
    declare.OPEN_INVOICE: "INV-0042",
    declare.AMOUNT: "1.200,50",
    declare.DATE: "next friday",
    declare.CURRENCY: "EUR",
    declare.TIMEZONE: "Europe/Amsterdam",
}


def sample(opt: declare.Option) -> object:
    if opt.type == declare.INTEGER:
        return opt.high
    if opt.type == declare.CHOICE:
        return declare.choice_values(opt)[0]
    if opt.type == declare.FLAG:
        return True
    return SAMPLE[opt.type]


SUBS = [(d.name, s) for d in registry.DECLARED.values() for s in d.subs]


@pytest.mark.parametrize("name,sub", SUBS, ids=[f"{n}-{s.name}" for n, s in SUBS])
def test_typed_values_written_as_text_read_back_the_same(name: str, sub: declare.Sub) -> None:
    """A question's button replays a typed command as text: the text must mean the same values."""
    values = {o.name: sample(o) for o in sub.options if o.text and o.type != declare.FILE}
    back = parse_args(sub, write_args(sub, values)).values
    assert dict(back) == {k: v if v is True else str(v) for k, v in values.items()}


def test_every_group_declares_each_subcommand_it_lists() -> None:
    for name, group in registry.GROUPS.items():
        assert tuple(s.name for s in registry.DECLARED[name].subs) == group.order, name


def test_every_declared_option_is_reachable_and_named_once() -> None:
    for name, sub in SUBS:
        names = [o.name for o in sub.options]
        keys = [o.text_key for o in sub.keyed]
        assert len(names) == len(set(names)) and len(keys) == len(set(keys)), (name, sub.name)
        assert all(o.text or o.discord for o in sub.options), (name, sub.name)
        rests = [o for o in sub.positional if o.rest]
        assert not rests or rests[-1] is sub.positional[-1] or sub.grammar, (name, sub.name)  # only the last takes the rest


def test_slow_and_short_come_from_the_declaration() -> None:
    slow = {(name, s.name) for name, s in SUBS if s.slow}
    assert slow == {("client", "list"), ("client", "show"), ("client", "export"), ("client", "report"),
                    ("invoice", "list"), ("invoice", "import")}
    for name, sub in SUBS:
        typed = Command(WHO, name, sub=sub.name if registry.DECLARED[name].grouped else None, args=())
        assert is_short(typed) is not sub.slow, (name, sub.name)
    assert not is_short(Command(WHO, "client", "report"))
    assert is_short(Command(WHO, "incident", "Acme haggling"))  # a client's name: the log, which is short


def test_a_typed_command_runs_without_text(core, store) -> None:
    core.handle(Command(WHO, "client", sub="add", args=(("name", "Zed"), ("terms", 14), ("currency", "EUR"))))
    zed = store.clients.by_name(ME, "zed")
    assert zed is not None and zed.terms_days == 14 and zed.currency == "EUR"
    [refused] = core.handle(Command(WHO, "client", sub="add", args=(("name", "Yak"), ("terms", 400))))
    assert refused.is_error and "whole number" in refused.text  # the declared range, for typed values too
    assert store.clients.by_name(ME, "yak") is None


def test_a_typed_question_replays_from_its_button(core, store) -> None:
    core.handle(Command(WHO, "client", sub="add", args=(("name", "Zed"), ("currency", "EUR"))))
    [question] = core.handle(Command(WHO, "invoice", sub="add", args=(("client", "Zed"), ("amount", "1.200"))))
    assert [c.label for c in question.choices][:2] == ["€1,200.00", "€1.20"]
    assert store.invoices.list(ME) == []
    core.handle(Action(WHO, question.choices[0].id))
    [invoice] = store.invoices.list(ME)
    assert (invoice.amount_minor, invoice.currency) == (120000, "EUR")
