"""The export layouts recognised by their header row, each with where its columns are documented.

A layout maps our fields (client, ref, amount, …) to the tool's column names
and says how the tool writes numbers and dates. A file whose header matches
no tool gets the generic layout: columns guessed from common names in the
four shipped languages, shown to the user, who confirms or changes them.

Sources (the header rows below are taken from them):

* Xero — sales invoice export/import template, the column list Xero's own
  CSV uses: https://docs.milientsoftware.com/help/moment-by-topic/integrations/file-exports/file-export-accounting-system/xero/xero-templates
  (ContactName,…,InvoiceNumber,Reference,InvoiceDate,DueDate,…,Total,TaxTotal,InvoiceAmountPaid,InvoiceAmountDue,…,Currency,Type,Sent,Status;
  one row per invoice line, dates dd/MM/yyyy or MM/dd/yyyy).
* Invoice Ninja — the invoice CSV export, app/Export/CSV/InvoiceExport.php:
  https://github.com/invoiceninja/invoiceninja/blob/v5-stable/app/Export/CSV/InvoiceExport.php
  (columns named by its translations: Client, Number, Date, Due Date, Amount, Balance, Paid to Date, Status, Currency;
  newer versions prefix "Invoice …"/"Client Name").
* e-Boekhouden.nl (Netherlands) — "Openstaande posten" CSV, semicolon-separated, Dutch decimals, d-m-Y dates:
  Relatiecode;Relatie;Factuurnummer;Factuurdatum;Vervaldatum;Bedrag;Openstaand;Soort —
  https://github.com/ConductionNL/shillinq/blob/main/lib/Service/Import/ImportProfile/EBoekhoudenProfile.php
* Moneybird (Netherlands) — "Openstaande facturen" CSV, comma-separated, ISO dates, dot decimals:
  Contact,ContactID,InvoiceID,InvoiceDate,DueDate,TotalPriceIncl,OutstandingAmount,Type —
  https://github.com/ConductionNL/shillinq/blob/main/lib/Service/Import/ImportProfile/MoneybirdProfile.php
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Our fields, in the order a mapping form shows them.
FIELDS = ("client", "ref", "amount", "currency", "issued", "due", "paid", "outstanding", "status", "type")
REQUIRED = ("client", "ref", "amount")


def key(header: str) -> str:
    """A header cell as compared: case, spaces, punctuation and Xero's '*' for required columns ignored."""
    return re.sub(r"[\W_]+", "", header.casefold())


@dataclass(frozen=True)
class Layout:
    """How one invoicing tool's CSV export names and writes its columns."""
    name: str  # a stable id ("xero")
    title: str  # the tool's own name, never translated
    columns: dict[str, tuple[str, ...]]  # field -> accepted header names (first match wins)
    required: tuple[str, ...]  # header names (as keys, "a|b" for either) that identify the tool
    decimal: str | None = None  # "." | "," | None (read from the values)
    dates: str = "auto"  # "iso" | "dmy" | "mdy" | "auto" (decided from the values)
    currency: str | None = None  # the tool's only currency, when the file has no column for it
    lines: bool = False  # one row per invoice line: rows repeating an invoice are one invoice
    source: str = ""


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "xero", "Xero",
        {"client": ("ContactName",), "ref": ("InvoiceNumber",), "amount": ("Total",), "currency": ("Currency",),
         "issued": ("InvoiceDate",), "due": ("DueDate",), "paid": ("InvoiceAmountPaid",),
         "outstanding": ("InvoiceAmountDue",), "status": ("Status",), "type": ("Type",)},
        required=("contactname", "invoicenumber", "invoicedate", "duedate", "total"),
        decimal=".", dates="auto", lines=True,
        source="https://docs.milientsoftware.com/help/moment-by-topic/integrations/file-exports/file-export-accounting-system/xero/xero-templates",
    ),
    Layout(
        "invoiceninja", "Invoice Ninja",
        {"client": ("Client Name", "Client"), "ref": ("Invoice Number", "Number"), "amount": ("Invoice Amount", "Amount"),
         "currency": ("Invoice Currency", "Currency"), "issued": ("Invoice Date", "Date"),
         "due": ("Invoice Due Date", "Due Date"), "paid": ("Invoice Paid to Date", "Paid to Date"),
         "outstanding": ("Invoice Balance", "Balance"), "status": ("Invoice Status", "Status")},
        required=("duedate|invoiceduedate", "balance|invoicebalance", "paidtodate|invoicepaidtodate"),
        decimal=".", dates="iso",
        source="https://github.com/invoiceninja/invoiceninja/blob/v5-stable/app/Export/CSV/InvoiceExport.php",
    ),
    Layout(
        "eboekhouden", "e-Boekhouden.nl",
        {"client": ("Relatie",), "ref": ("Factuurnummer",), "amount": ("Bedrag",), "issued": ("Factuurdatum",),
         "due": ("Vervaldatum",), "outstanding": ("Openstaand",), "type": ("Soort",)},
        required=("relatiecode", "relatie", "factuurnummer", "factuurdatum", "bedrag", "openstaand"),
        decimal=",", dates="dmy", currency="EUR",
        source="https://github.com/ConductionNL/shillinq/blob/main/lib/Service/Import/ImportProfile/EBoekhoudenProfile.php",
    ),
    Layout(
        "moneybird", "Moneybird",
        {"client": ("Contact",), "ref": ("InvoiceID",), "amount": ("TotalPriceIncl",), "issued": ("InvoiceDate",),
         "due": ("DueDate",), "outstanding": ("OutstandingAmount",), "type": ("Type",), "currency": ("Currency",)},
        required=("contact", "contactid", "invoiceid", "totalpriceincl", "outstandingamount"),
        decimal=".", dates="iso", currency="EUR",
        source="https://github.com/ConductionNL/shillinq/blob/main/lib/Service/Import/ImportProfile/MoneybirdProfile.php",
    ),
)

#: Column names a generic export commonly uses, in the shipped languages (compared as keys).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "client": ("client", "clientname", "customer", "customername", "contact", "contactname", "company", "klant",
               "klantnaam", "relatie", "debiteur", "opdrachtgever", "musteri", "müşteri", "musteriadi", "müşteriadı",
               "cari", "khachhang", "kháchhàng", "tenkhachhang", "tênkháchhàng"),
    "ref": ("invoicenumber", "invoiceno", "invoice", "number", "no", "ref", "reference", "invoiceid", "factuurnummer",
            "factuurnr", "factuur", "nummer", "faturano", "faturanumarası", "faturanumarasi", "sohoadon", "sốhóađơn",
            "mahoadon", "mãhóađơn"),
    "amount": ("amount", "total", "totalamount", "invoiceamount", "totalinclvat", "totalincl", "gross", "bedrag",
               "totaal", "totaalbedrag", "totaalinclbtw", "tutar", "toplam", "toplamtutar", "sotien", "sốtiền",
               "tongtien", "tổngtiền"),
    "currency": ("currency", "currencycode", "valuta", "munt", "parabirimi", "dovizcinsi", "tiente", "tiềntệ", "loaitien",
                 "loạitiền"),
    "issued": ("date", "invoicedate", "issuedate", "issued", "dateissued", "factuurdatum", "datum", "faturatarihi",
               "tarih", "ngayhoadon", "ngàyhóađơn", "ngaylap", "ngàylập"),
    "due": ("duedate", "due", "paymentdue", "vervaldatum", "vervaldag", "vadetarihi", "vade", "hanthanhtoan",
            "hạnthanhtoán", "ngaydenhan", "ngàyđếnhạn"),
    "paid": ("paid", "amountpaid", "paidtodate", "betaald", "voldaan", "odenen", "ödenen", "odenentutar", "ödenentutar",
             "dathanhtoan", "đãthanhtoán"),
    "outstanding": ("balance", "outstanding", "amountdue", "balancedue", "openstaand", "saldo", "kalan", "bakiye",
                    "conlai", "cònlại"),
    "status": ("status", "state", "invoicestatus", "durum", "trangthai", "trạngthái"),
}


@dataclass(frozen=True)
class Mapping:
    """Which column (index) holds each field, for one file."""

    layout: Layout
    columns: dict[str, int] = field(default_factory=dict)
    dates: str | None = None  # "dmy" | "mdy" when the user said which (the file could not tell)

    def missing(self) -> list[str]:
        return [f for f in REQUIRED if f not in self.columns]


def _index(header: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, h in enumerate(header):
        out.setdefault(key(h), i)
    return out


def detect(header: tuple[str, ...]) -> Mapping:
    """The tool whose header this is, or the generic layout with columns guessed from their names."""
    index = _index(header)
    for layout in LAYOUTS:
        if all(any(k in index for k in alt.split("|")) for alt in layout.required):
            columns = {}
            for name, accepted in layout.columns.items():
                for h in accepted:
                    if key(h) in index:
                        columns[name] = index[key(h)]
                        break
            return Mapping(layout, columns)
    return guess(header)


GENERIC = Layout("generic", "CSV", {}, required=())


def guess(header: tuple[str, ...]) -> Mapping:
    index = _index(header)
    columns: dict[str, int] = {}
    used: set[int] = set()
    for name, words in SYNONYMS.items():
        for w in words:
            i = index.get(key(w))
            if i is not None and i not in used:
                columns[name] = i
                used.add(i)
                break
    return Mapping(GENERIC, columns)


def with_columns(mapping: Mapping, chosen: dict[str, int | None]) -> Mapping:
    """The user's corrections to a guessed mapping (None: the file has no such column)."""
    columns = dict(mapping.columns)
    for name, value in chosen.items():
        if value is None:
            columns.pop(name, None)
        else:
            columns[name] = value
    return Mapping(mapping.layout, columns, mapping.dates)


def by_name(name: str) -> Layout:
    for layout in LAYOUTS:
        if layout.name == name:
            return layout
    return GENERIC
