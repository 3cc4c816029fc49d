"""`/invoice import`: read a CSV export, show the preview, write only what the user confirms.

The file arrives as an `Upload` event (a Slack file, a Discord attachment, a
path the console read). It is kept as a pending batch (storage/imports.py);
the preview says what would be added, updated and paid, which clients are
new (with "did you mean"), the totals per currency and every row that cannot
be read, with its reason. **Import** writes it (bot/importing/apply.py),
**Columns** lets the user correct a guessed mapping, **Cancel** drops it.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING

from bot import fmt
from bot.money import default_currency, totals
from bot.context import Context
from bot.commands.invoice import INVOICE_GROUP
from bot.importing.progress import reporter
from bot.importing.reader import MAX_BYTES, ReadError, Table, read_table
from bot.declare import FILE, Args
from bot.declare import Option as Param
from bot.registry import action, form
from bot.replies import Choice, Field, Form, FormField, Option, Reply
from storage.imports import Batch

if TYPE_CHECKING:  # the layouts, the planning and the write on the first import, not at start-up (issue 20)
    from bot.importing.layouts import Mapping
    from bot.importing.preview import Plan

PREFIX = "imp"
MAP_FORM = "imp-map"
MAX_PROBLEM_LINES = 50
MAX_CHANGE_LINES = 30

#: A column's name, per field the file can map (`layouts.FIELDS`).
FIELD_LABELS: dict[str, str] = {
    "client": "import.field.client",
    "ref": "import.field.ref",
    "amount": "import.field.amount",
    "currency": "import.field.currency",
    "issued": "import.field.issued",
    "due": "import.field.due",
    "paid": "import.field.paid",
    "outstanding": "import.field.outstanding",
    "status": "import.field.status",
    "type": "import.field.type",
}
#: How the file writes its dates, per order the preview found.
DATE_ORDERS: dict[str, str] = {"iso": "import.dates.iso", "dmy": "import.dates.dmy", "mdy": "import.dates.mdy"}


@INVOICE_GROUP.sub("import", usage="usage.invoice_import", help=("help.invoice_import",), slow=True, long=True,
                   options=(Param("file", FILE, required=True, positional=True, rest=True),))  # typed text is no file
def start(ctx: Context, args: Args) -> list[Reply]:
    """`/invoice import` typed without a file: say how to give one on this surface."""
    return [Reply(text=ctx.t("import.how_to_send"), context=ctx.t("import.layouts_hint"))]


def upload(ctx: Context, filename: str, content: bytes, size: int | None = None) -> list[Reply]:
    from bot.importing import layouts

    try:
        if size and size > MAX_BYTES:
            raise ReadError("import.error.too_big", size=round(size / 1024 / 1024), limit=MAX_BYTES // 1024 // 1024)
        table = read_table(content)
    except ReadError as err:
        return [Reply(text=ctx.t(err.key, **err.values), context=ctx.t("import.nothing_written"), is_error=True)]
    mapping = layouts.detect(table.header)
    batch = ctx.store.imports.create(
        ctx.owner, filename or "import.csv",
        {"header": list(table.header), "rows": [[line, list(cells)] for line, cells in table.rows],
         "separator": table.separator, "encoding": table.encoding},
        _mapping_json(mapping), ctx.now, ctx.request_id,
    )
    return [preview_reply(ctx, batch)]


# -- batch <-> plan ----------------------------------------------------------------
def _mapping_json(mapping: Mapping) -> dict:
    return {"layout": mapping.layout.name, "columns": mapping.columns, "dates": mapping.dates}


def _table(batch: Batch) -> Table:
    t = batch.table
    return Table(tuple(t["header"]), tuple((line, tuple(cells)) for line, cells in t["rows"]), t["separator"], t["encoding"])


def _mapping(batch: Batch) -> Mapping:
    from bot.importing import layouts
    from bot.importing.layouts import Mapping

    return Mapping(layouts.by_name(batch.mapping["layout"]), {k: int(v) for k, v in batch.mapping["columns"].items()},
                   batch.mapping.get("dates"))


#: The last plans by (batch, what is on file): the confirmation reuses the preview's plan when
#: nothing changed in between, instead of reading 10 000 rows twice. Small: plans are big.
_PLANS: "OrderedDict[tuple, tuple[Table, Plan]]" = OrderedDict()


def _on_file(ctx: Context) -> tuple:
    return ctx.store.imports.on_file(ctx.owner) + (ctx.today,)


def plan_for(ctx: Context, batch: Batch) -> tuple[Table, Plan]:
    key = (ctx.store.path, ctx.owner, batch.id, repr(batch.mapping), _on_file(ctx))
    cached = _PLANS.get(key)
    if cached is not None:
        return cached
    table = _table(batch)
    from bot.importing.preview import build

    plan = build(
        table, _mapping(batch), today=ctx.today, default_currency=default_currency(ctx),
        clients=ctx.store.clients.list(ctx.owner), invoices=ctx.store.invoices.list(ctx.owner),
        progress=reporter("read"),
    )
    _PLANS[key] = (table, plan)
    while len(_PLANS) > 2:
        _PLANS.popitem(last=False)
    return table, plan


# -- the preview -------------------------------------------------------------------
def preview_reply(ctx: Context, batch: Batch) -> Reply:
    from bot.importing.layouts import FIELDS

    table, plan = plan_for(ctx, batch)
    t = ctx.t
    mapping = plan.mapping
    source = mapping.layout.title if mapping.layout.name != "generic" else t("import.generic_layout")
    header = table.header
    columns = ", ".join(f"{t(FIELD_LABELS[f])} ← “{header[i]}”" for f, i in sorted(mapping.columns.items(), key=lambda kv: FIELDS.index(kv[0])))
    missing = mapping.missing()
    read_as = t("import.read_as", encoding=table.encoding, separator=_separator_name(ctx, table.separator),
                example="1.200,50" if plan.decimal == "," else "1,200.50",
                dates=t(DATE_ORDERS[plan.date_order]))
    fields = [
        Field(t("import.f.rows"), str(plan.rows)),
        Field(t("import.f.new"), str(len(plan.new))),
        Field(t("import.f.updated"), str(len(plan.updates))),
        Field(t("import.f.unchanged"), str(plan.unchanged)),
        Field(t("import.f.unreadable"), str(len(plan.problems))),
    ]
    if plan.totals():
        fields.append(Field(t("import.f.totals"), totals(ctx, [(v, c) for c, v in plan.totals().items()])))
    if plan.outstanding():
        fields.append(Field(t("import.f.outstanding"), totals(ctx, [(v, c) for c, v in plan.outstanding().items()])))
    lines: list[str] = [t("import.columns", columns=columns or "—"), read_as]
    if not plan.date_certain:
        lines.append(t("import.dates_ambiguous"))
    if missing:
        lines.append(t("import.missing_columns", fields=", ".join(t(FIELD_LABELS[f]) for f in missing)))
    if plan.new_clients:
        lines.append(t.n("import.new_clients", len(plan.new_clients)))
        for name, suggestion in plan.new_clients[:MAX_PROBLEM_LINES]:
            lines.append("• " + (t("import.new_client_suggest", name=name, suggestion=suggestion) if suggestion else name))
        if len(plan.new_clients) > MAX_PROBLEM_LINES:
            lines.append(t.n("import.and_more", len(plan.new_clients) - MAX_PROBLEM_LINES))
    for u in plan.updates[:MAX_CHANGE_LINES]:
        lines.append("• " + _update_line(ctx, u))
    if len(plan.updates) > MAX_CHANGE_LINES:
        lines.append(t.n("import.and_more", len(plan.updates) - MAX_CHANGE_LINES))
    if plan.problems:
        lines.append(t.n("import.problems", len(plan.problems)))
        for p in plan.problems[:MAX_PROBLEM_LINES]:
            lines.append("• " + t("import.problem_line", line=p.line, reason=t(p.key, **p.values)))
        if len(plan.problems) > MAX_PROBLEM_LINES:
            lines.append(t.n("import.and_more", len(plan.problems) - MAX_PROBLEM_LINES))
    choices: list[Choice] = []
    ready = plan.writes and not missing and plan.date_certain
    if not plan.date_certain:  # ambiguous dates are asked about, never guessed
        choices.append(Choice(f"{PREFIX}:dmy:{batch.id}", t("import.button.dmy"), "primary"))
        choices.append(Choice(f"{PREFIX}:mdy:{batch.id}", t("import.button.mdy"), "primary"))
    elif ready:
        choices.append(Choice(f"{PREFIX}:go:{batch.id}", t.n("import.button.go", plan.writes), "primary"))
    choices.append(Choice(f"{PREFIX}:map:{batch.id}", t("import.button.columns")))
    choices.append(Choice(f"{PREFIX}:no:{batch.id}", t("import.button.cancel")))
    context = t("import.confirm_hint") if plan.writes and not missing else t("import.nothing_to_write")
    return Reply(
        title=t("import.preview_title", source=source, file=batch.filename),
        fields=tuple(fields),
        lines=tuple(lines),
        choices=tuple(choices),
        context=context,
    )


def _separator_name(ctx: Context, sep: str) -> str:
    return ctx.t({",": "import.sep.comma", ";": "import.sep.semicolon", "\t": "import.sep.tab"}.get(sep, "import.sep.pipe"))


def _update_line(ctx: Context, u) -> str:
    inv, c = u.invoice, u.candidate
    parts = []
    for k, v in u.changes.items():
        label = {"amount_minor": "field.amount", "currency": "field.currency", "issued_on": "field.issued", "due_on": "field.due"}[k]
        before, after = getattr(inv, k), v
        if k == "amount_minor":
            before, after = fmt.money(ctx.language, before, inv.currency), fmt.money(ctx.language, after, c.currency)
        elif k in ("issued_on", "due_on"):
            before, after = fmt.day(ctx.language, before), fmt.day(ctx.language, after)
        parts.append(ctx.t("fix.changed_field", field=ctx.t(label), before=before, after=after))
    if u.payment:
        parts.append(ctx.t("import.new_payment", amount=fmt.money(ctx.language, u.payment, inv.currency)))
    return f"{inv.ref}: " + "; ".join(parts)


# -- buttons and the column form ----------------------------------------------------
@action(PREFIX)
def import_action(ctx: Context, action_id: str) -> list[Reply]:
    parts = action_id.split(":")
    if len(parts) != 3 or not parts[2].isdigit():
        return [Reply(text=ctx.t("error.stale_button"), is_error=True)]
    verb, batch = parts[1], ctx.store.imports.get(ctx.owner, int(parts[2]))
    if batch is None:
        return [Reply(text=ctx.t("import.gone"), is_error=True)]
    if batch.status == "applied":
        return [_done_reply(ctx, batch.result, replaces=True)]
    if batch.status != "pending":
        return [Reply(text=ctx.t("import.cancelled"), replaces=True)]
    if verb == "no":
        ctx.store.imports.finish(ctx.owner, batch.id, "cancelled", {})
        return [Reply(text=ctx.t("import.cancelled"), replaces=True)]
    if verb == "map":
        return [map_form(ctx, batch)]
    if verb in ("dmy", "mdy"):
        ctx.store.imports.set_mapping(ctx.owner, batch.id, {**batch.mapping, "dates": verb})
        fresh = ctx.store.imports.get(ctx.owner, batch.id)
        assert fresh is not None
        return [replace(preview_reply(ctx, fresh), replaces=True)]
    if verb == "go":
        _, plan = plan_for(ctx, batch)
        if not plan.writes or plan.mapping.missing() or not plan.date_certain:
            return [preview_reply(ctx, batch)]
        from bot.importing.apply import apply

        result = apply(ctx.store, ctx.owner, plan, batch.id, today=ctx.today, now=ctx.now, progress=reporter("write"))
        if result is None:  # applied by a concurrent click meanwhile
            again = ctx.store.imports.get(ctx.owner, batch.id)
            return [_done_reply(ctx, again.result if again else {}, replaces=True)]
        return [_done_reply(ctx, result.as_dict(), replaces=True)]
    return [Reply(text=ctx.t("error.stale_button"), is_error=True)]


#: What was done, counted, per kind of change.
DONE_COUNTS: dict[str, str] = {
    "added": "import.done_added",
    "updated": "import.done_updated",
    "payments": "import.done_payments",
    "clients": "import.done_clients",
}


def _done_reply(ctx: Context, result: dict, replaces: bool) -> Reply:
    t = ctx.t
    refs = result.get("changed_refs") or []
    lines = (t("import.done_changed", refs=", ".join(refs[:MAX_CHANGE_LINES]) + (" …" if len(refs) > MAX_CHANGE_LINES else "")),) if refs else ()
    return Reply(
        text=t("import.done", what=", ".join(
            t.n(DONE_COUNTS[k], int(result.get(k, 0) or 0))
            for k in ([k for k in ("added", "updated", "payments", "clients") if result.get(k)] or ["added"]))),
        lines=lines,
        context=t("import.done_hint"),
        replaces=replaces,
    )


def map_form(ctx: Context, batch: Batch) -> Reply:
    from bot.importing.layouts import FIELDS

    header = batch.table["header"]
    current = _mapping(batch).columns
    options = (Option("-", ctx.t("import.no_column")),) + tuple(Option(str(i), h[:70] or f"#{i + 1}") for i, h in enumerate(header))
    return Reply(
        text=ctx.t("import.map_intro"),
        form=Form(
            id=MAP_FORM,
            title=ctx.t("import.map_title"),
            submit_label=ctx.t("import.map_submit"),
            fields=tuple(
                FormField(id=f, label=ctx.t(FIELD_LABELS[f]), kind="select", options=options,
                          initial=str(current[f]) if f in current else "-", required=False)
                for f in FIELDS if f != "type"
            ),
            context=str(batch.id),
        ),
    )


@form(MAP_FORM)
def map_submitted(ctx: Context, values: dict[str, str]) -> list[Reply]:
    raw = values.get("_context", "")
    batch = ctx.store.imports.get(ctx.owner, int(raw)) if raw.isdigit() else None
    if batch is None or batch.status != "pending":
        return [Reply(text=ctx.t("import.gone"), is_error=True)]
    from bot.importing import layouts
    from bot.importing.layouts import FIELDS

    width = len(batch.table["header"])
    chosen: dict[str, int | None] = {}
    for f in FIELDS:
        if f not in values:
            continue
        v = values[f].strip()
        if not v:
            continue  # left as it was (a console prompt answered with Enter)
        chosen[f] = int(v) if v.isdigit() and int(v) < width else None
    mapping = layouts.with_columns(_mapping(batch), chosen)
    ctx.store.imports.set_mapping(ctx.owner, batch.id, _mapping_json(mapping))
    fresh = ctx.store.imports.get(ctx.owner, batch.id)
    assert fresh is not None
    return [preview_reply(ctx, fresh)]
