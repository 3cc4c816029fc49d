"""A client's paper trail as files to keep or hand to a lawyer (`/client export`, in `bot/commands/client_export.py`).

Two files from the same merged timeline (`bot.timeline.timeline`: incidents,
invoices, payments, nudges, decisions and corrections):

* a Markdown dossier in the user's language and time zone: summary,
  timeline with the notes verbatim, invoices with days late, payments;
* a CSV with one event per row, UTF-8, ISO timestamps and stable English
  column names, for spreadsheets and scripts.

Notes are the client's own words and may contain anything. In the CSV a
cell that a spreadsheet would run as a formula is prefixed with `'`
(`csv_cell`; `read_cell` is its exact inverse); in the Markdown a note
stays inside its block quote, cannot open an HTML tag, and a table cell
cannot break its table.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterable, Sequence
from zoneinfo import ZoneInfo

from bot import fmt
from bot import kinds
from bot.money import totals
from bot.scoring import average_days_late, days_late, trouble_score
from bot.timeline import TimelineEvent, timeline, when

if TYPE_CHECKING:
    from bot.context import Context
    from bot.i18n import Messages
    from storage.records import Client, Invoice, Payment

#: The CSV header. Scripts key on these names: add columns at the end, never rename.
CSV_COLUMNS: tuple[str, ...] = (
    "timestamp",  # ISO 8601 in the user's zone, with its offset
    "timestamp_utc",  # the same instant in UTC
    "date_only",  # "true" when only the date is meaningful (an invoice issued, a payment made)
    "client",
    "type",  # incident | invoice | payment | nudge | decision | …
    "summary",  # one line in the user's language
    "detail",  # the note, verbatim
    "ref",  # invoice reference, when there is one
    "amount",  # decimal in the currency's major unit ("1200.50")
    "currency",  # ISO 4217
    "amount_minor",  # integer minor units, exact
    "logged_utc",  # when an incident was put on file (UTC); `timestamp` is when it happened
)

#: First characters that make Excel, LibreOffice or Google Sheets evaluate a cell
#: (OWASP "CSV injection"), plus the apostrophe itself so the escape is reversible.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "'")

#: Event types with a translated name in the summary (others are still exported, just not counted there).
COUNTED_TYPES = ("incident", "invoice", "payment", "nudge", "decision")

#: The summary's count of events of a type the other rows do not already count.
TYPE_LABELS: dict[str, str] = {"nudge": "export.type.nudge", "decision": "export.type.decision"}

#: An invoice's status in words (a status not listed is shown as stored).
STATUS_LABELS: dict[str, str] = {
    "open": "export.status.open",
    "paid": "export.status.paid",
    "written_off": "export.status.written_off",
}

#: The headers of the invoice and payment tables.
INVOICE_COLUMNS: tuple[str, ...] = (
    "export.col.invoice", "export.col.issued", "export.col.due", "export.col.amount",
    "export.col.paid", "export.col.owed", "export.col.status", "export.col.days_late",
)
PAYMENT_COLUMNS: tuple[str, ...] = ("export.col.date", "export.col.invoice", "export.col.amount", "export.col.days_late")


# -- CSV -------------------------------------------------------------------------
def csv_cell(value: str) -> str:
    """Text as a cell no spreadsheet will run: a leading `'` when it could start a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def read_cell(cell: str) -> str:
    """The exact inverse of `csv_cell`, for scripts that read the export back."""
    return cell[1:] if cell.startswith("'") else cell


def csv_bytes(rows: Iterable[Sequence[str]], header: Sequence[str] = CSV_COLUMNS) -> bytes:
    """RFC 4180 CSV (quoted where needed, CRLF rows), UTF-8 without BOM, every cell neutralised."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    start = _FORMULA_START
    writer.writerows([("'" + cell) if cell.startswith(start) else cell for cell in row] for row in rows)
    return buf.getvalue().encode("utf-8")


def _quoted(cell: str) -> str:
    """A cell as `csv.writer` writes it with QUOTE_MINIMAL (",", '"', "\r\n" rows): quoted, quotes doubled,
    when it holds a comma, a quote, CR or LF."""
    if "," in cell or '"' in cell or "\n" in cell or "\r" in cell:  # four scans: cheaper than a regex
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _events_csv(events: Sequence[TimelineEvent], client_name: str, tz: ZoneInfo) -> bytes:
    """The same bytes as `csv_bytes(event_row(e, …) for e in events)`, in one pass (issue 20: 10 000 rows).

    Each row is written as text, without `csv.writer` (a third of the export's time): a cell is quoted
    as the writer quotes it (`_quoted`), and only cells that can hold someone's text are neutralised
    and checked (timestamps, "true"/"false", the type, one of the timeline's names, and numbers hold
    neither a formula start nor a character to quote), the client's name once; an instant's UTC text
    is made once (an incident logged as it happened has the same `at` and `logged_at`).
    """
    name = _quoted(csv_cell(client_name))
    start = _FORMULA_START
    utc = timezone.utc
    to_decimal = fmt.to_decimal
    lines = [",".join(CSV_COLUMNS)]
    append = lines.append
    for e in events:
        at, minor, currency, summary, detail, ref, logged = (
            e.at, e.amount_minor, e.currency, e.summary, e.detail, e.ref, e.logged_at,
        )
        # `isoformat()` is `isoformat(timespec="seconds")` for a whole second (every stored time), and a
        # third cheaper without the keyword; a time with a fraction of a second takes the long way.
        if at.microsecond:
            at_utc = (at if at.tzinfo is utc else at.astimezone(utc)).isoformat(timespec="seconds")
            at_local = at.astimezone(tz).isoformat(timespec="seconds")
        else:
            at_utc = (at if at.tzinfo is utc else at.astimezone(utc)).isoformat()
            at_local = at.astimezone(tz).isoformat()
        if logged is None:
            logged_utc = ""
        elif logged is at or logged == at:  # an incident logged as it happened: the same instant, one text
            logged_utc = at_utc
        else:
            logged_utc = (logged if logged.tzinfo is utc else logged.astimezone(utc)).isoformat(timespec="seconds")
        if minor is None:
            amount = minor_text = ""
        else:
            minor_text = str(minor)
            amount = str(to_decimal(minor, currency)) if currency else ""
            if minor_text.startswith(start):
                minor_text = "'" + minor_text
            if amount.startswith(start):
                amount = "'" + amount
        if summary.startswith(start):
            summary = "'" + summary
        if "," in summary or '"' in summary or "\n" in summary or "\r" in summary:  # `_quoted`, inlined
            summary = '"' + summary.replace('"', '""') + '"'
        if detail:
            if detail.startswith(start):
                detail = "'" + detail
            if "," in detail or '"' in detail or "\n" in detail or "\r" in detail:
                detail = '"' + detail.replace('"', '""') + '"'
        else:
            detail = ""
        if ref:
            ref = _quoted(("'" + ref) if ref.startswith(start) else ref)
        else:
            ref = ""
        if currency:
            currency = _quoted(("'" + currency) if currency.startswith(start) else currency)
        else:
            currency = ""
        append(f"{at_local},{at_utc},{'true' if e.date_only else 'false'},"
               f"{name},{e.type},{summary},{detail},{ref},{amount},{currency},{minor_text},{logged_utc}")
    append("")
    return "\r\n".join(lines).encode("utf-8")


def _utc_iso(at: datetime) -> str:
    return (at if at.tzinfo is timezone.utc else at.astimezone(timezone.utc)).isoformat(timespec="seconds")


def event_row(event: TimelineEvent, client_name: str, tz: ZoneInfo) -> list[str]:
    """One timeline event as CSV cells, in CSV_COLUMNS order."""
    amount = ""
    minor = event.amount_minor
    if minor is not None and event.currency:
        amount = str(fmt.to_decimal(minor, event.currency))
    at = event.at
    return [
        at.astimezone(tz).isoformat(timespec="seconds"),  # fmt.local_iso, inlined: once per row of 10 000
        _utc_iso(at),
        "true" if event.date_only else "false",
        client_name,
        event.type,
        event.summary,
        event.detail,
        event.ref or "",
        amount,
        event.currency or "",
        "" if minor is None else str(minor),
        _utc_iso(event.logged_at) if event.logged_at else "",
    ]


# -- Markdown ----------------------------------------------------------------------
_TAG_OR_ENTITY = re.compile(r"<|&(?=#?\w+;)")


def md_text(text: str) -> str:
    """Inline text that renders as written: no HTML tags, no entities, no Slack `<@U1>` swallowed."""
    if "<" not in text and "&" not in text:  # most text: nothing to escape, no regex (10 000 headings)
        return text
    return _TAG_OR_ENTITY.sub(lambda m: "&lt;" if m.group() == "<" else "&amp;", text)


def md_cell(text: str) -> str:
    """A table cell: one line, pipes escaped."""
    return md_text(" ".join(text.split())).replace("|", "\\|")


def md_quote(text: str) -> list[str]:
    """A note as a block quote, line by line, blank lines kept: it reads exactly as it was typed."""
    if "\n" not in text and "\r" not in text:
        return [("> " + md_text(text)) if text else ">"]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [("> " + md_text(line)) if line else ">" for line in lines]


def md_link(ref: str | None) -> str:
    """A web address as a Markdown link ('' for anything else, e.g. an invoice reference)."""
    if not ref or not re.match(r"https?://[^\s<>]+$", ref):
        return ""
    return f"<{ref}>"


def slug(name: str, fallback: str) -> str:
    """An ASCII file-name part from a client name ('Công ty Ánh Dương' -> 'cong-ty-anh-duong')."""
    folded = name.replace("đ", "d").replace("Đ", "D").replace("ı", "i").replace("ß", "ss")
    ascii_name = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:48].strip("-")
    return out or fallback


class Dossier:
    """Everything the export shows about one client, read once from the store."""

    def __init__(self, ctx: "Context", client: "Client") -> None:
        self.ctx = ctx
        self.client = client
        incidents = ctx.store.incidents.for_client(ctx.owner, client.id)
        self.events = timeline(ctx, client, incidents=incidents)
        self.invoices: list["Invoice"] = ctx.store.invoices.list(ctx.owner, client.id)
        by_id = {inv.id: inv for inv in self.invoices}
        self.payments: list[tuple["Invoice", "Payment"]] = [
            (by_id[p.invoice_id], p) for p in ctx.store.invoices.payments_for_client(ctx.owner, client.id)
        ]
        # The score's kinds and times from the same rows (issue 20: read 10 000 incidents once, not twice).
        self.marks = [(i.kind, i.occurred_at) for i in incidents]

    # -- CSV -------------------------------------------------------------------
    def csv(self) -> bytes:
        return _events_csv(self.events, self.client.name, self.ctx.tz)

    # -- Markdown --------------------------------------------------------------
    def markdown(self) -> bytes:
        ctx, t = self.ctx, self.ctx.t
        out = [
            "# " + md_text(t("export.md.title", name=self.client.name)),
            "",
            md_text(t("export.md.generated", when=fmt.moment(ctx.language, ctx.tz, ctx.now), zone=ctx.tz.key)),
            "",
            "_" + t("export.md.private") + "_",
            "",
            "## " + t("export.md.summary"),
            "",
        ]
        out += [f"- **{label}:** {md_text(value)}" for label, value in self._summary()]
        out += ["", "## " + t("export.md.timeline"), ""]
        language, tz, moment, day = ctx.language, ctx.tz, fmt.moment, fmt.day
        append = out.append
        for number, event in enumerate(self.events, start=1):
            at = event.at  # `when(ctx, event)`, inlined: once per heading of 10 000
            stamp = day(language, at.astimezone(tz).date()) if event.date_only else moment(language, tz, at)
            append(f"### {number}. {md_text(stamp)} — {md_text(event.summary)}")
            append("")
            if event.detail:
                out += md_quote(event.detail)
                append("")
            if event.logged_at is not None and event.date_only:
                out += [md_text(t("export.md.logged", when=moment(language, tz, event.logged_at))), ""]
            link = md_link(event.ref) if event.ref else ""
            if link:
                out += [t("export.md.source", link=link), ""]
        out += self._invoice_table()
        out += self._payment_table()
        return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")

    def _summary(self) -> list[tuple[str, str]]:
        ctx, t = self.ctx, self.ctx.t
        c = self.client
        owed = [(i.balance_minor, i.currency) for i in self.invoices if i.status == "open" and i.balance_minor]
        received = [(p.amount_minor, p.currency) for _, p in self.payments]
        avg = average_days_late(self.invoices, ctx.today)
        score = trouble_score(self.marks, self.invoices, ctx.today)
        by_kind = Counter(kind for kind, _ in self.marks)
        named = ", ".join(f"{t(kinds.NAMES[k])} ×{n}" for k, n in by_kind.most_common())
        counts = Counter(e.type for e in self.events)
        rows = [
            (t("export.md.client"), c.name),
            (t("export.md.terms"), t.n("value.days", c.terms_days)),
            (t("export.md.currency"), c.currency),
        ]
        if c.email:
            rows.append((t("export.md.email"), c.email))
        rows += [
            (t("export.md.incidents"), f"{len(self.marks)}" + (f" ({named})" if named else "")),
            (t("export.md.invoices"), str(len(self.invoices))),
            (t("export.md.owed"), totals(ctx, owed) if owed else t("export.md.nothing")),
            (t("export.md.received"), totals(ctx, received) if received else t("export.md.nothing")),
            (t("export.md.avg_late"), t.n("value.days", round(avg)) if avg is not None else t("export.md.nothing")),
            (t("export.md.score"), fmt.number(ctx.language, score)),
        ]
        rows += [(t(label), str(counts[kind])) for kind, label in TYPE_LABELS.items() if counts[kind]]
        if self.events:
            rows.append(
                (
                    t("export.md.period"),
                    t("export.md.period_value", first=when(ctx, self.events[0]), last=when(ctx, self.events[-1])),
                )
            )
        return rows

    def _invoice_table(self) -> list[str]:
        if not self.invoices:
            return []
        ctx, t = self.ctx, self.ctx.t
        header = [t(k) for k in INVOICE_COLUMNS]
        out = ["## " + t("export.md.invoices"), "", _row(header), _row(["---"] * len(header))]
        for inv in self.invoices:
            out.append(
                _row(
                    [
                        md_cell(inv.ref),
                        fmt.day(ctx.language, inv.issued_on),
                        fmt.day(ctx.language, inv.due_on),
                        fmt.money(ctx.language, inv.amount_minor, inv.currency),
                        fmt.money(ctx.language, inv.paid_minor, inv.currency),
                        fmt.money(ctx.language, inv.balance_minor, inv.currency),
                        md_cell(status_text(t, inv.status)),
                        str(days_late(inv, ctx.today)),
                    ]
                )
            )
        return out + [""]

    def _payment_table(self) -> list[str]:
        if not self.payments:
            return []
        ctx, t = self.ctx, self.ctx.t
        header = [t(k) for k in PAYMENT_COLUMNS]
        out = ["## " + t("export.md.payments"), "", _row(header), _row(["---"] * len(header))]
        for inv, p in self.payments:
            out.append(
                _row(
                    [
                        fmt.day(ctx.language, p.paid_on),
                        md_cell(inv.ref),
                        fmt.money(ctx.language, p.amount_minor, p.currency),
                        str(max((p.paid_on - inv.due_on).days, 0)),
                    ]
                )
            )
        return out + [""]


def status_text(t: "Messages", status: str) -> str:
    """An invoice's status in the user's words, or as stored when it has none."""
    return t(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"
