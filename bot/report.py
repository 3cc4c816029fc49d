"""`/client report`: every client ranked by trouble against the revenue they bring.

DOMAIN.md's Pareto observation (about 20% of clients cause most of the
trouble) as numbers and as a picture: the ranking and the share of trouble
the top fifth causes (`pareto`, pure), a PNG chart of it (`render_chart`), and
the handler that reads the store and answers in the user's language
(`client_report`). Revenue is the sum of payments received, kept per
currency and never converted. The text reply is complete on its own, so a
screen reader loses nothing the chart shows.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from bot import fmt
from bot.commands.common import totals
from bot.errors import UserError
from bot.replies import Attachment, Reply
from bot.standings import standings

if TYPE_CHECKING:
    from bot.context import Context

#: The "top 20%" of the Pareto observation, as a fraction of the client count (rounded up).
TOP_FRACTION_NUM, TOP_FRACTION_DEN = 1, 5

#: The PNG is always this many pixels, whatever the data: surfaces can lay it out in advance.
CHART_DPI = 100
CHART_INCHES = (12.0, 7.5)
CHART_PIXELS = (int(CHART_INCHES[0] * CHART_DPI), int(CHART_INCHES[1] * CHART_DPI))
#: Bars beyond this many clients are summed into one "others" bar so labels stay legible.
MAX_BARS = 20
#: Revenue panels under the bars (one per currency); more currencies are listed in the text.
MAX_CURRENCY_PANELS = 3


@dataclass(frozen=True)
class ClientTrouble:
    """One client's inputs to the report."""

    name: str
    score: float
    revenue: tuple[tuple[str, int], ...] = ()  # (ISO currency, minor units), one entry per currency
    client_id: int = 0


@dataclass(frozen=True)
class Ranked:
    rank: int
    client: ClientTrouble
    share: float  # of all trouble, 0..1 (0 when there is none)
    cumulative: float  # share of this client and every one ranked above it


@dataclass(frozen=True)
class Pareto:
    ranked: tuple[Ranked, ...]
    total: float
    top_count: int  # how many clients make the top 20%
    top_share: float | None  # their share of the trouble; None when nobody caused any
    revenue_totals: tuple[tuple[str, int], ...]  # per currency, sorted by currency code

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.revenue_totals)


def add_revenue(amounts: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """Sum amounts per currency (never across currencies), sorted by currency code; zero sums left out."""
    sums: dict[str, int] = {}
    for currency, minor in amounts:
        sums[currency] = sums.get(currency, 0) + minor
    return tuple(sorted((code, minor) for code, minor in sums.items() if minor))


def top_count(clients: int) -> int:
    """The top 20% of `clients`, rounded up: at least one client once there is one."""
    return -(-clients * TOP_FRACTION_NUM // TOP_FRACTION_DEN) if clients else 0


def pareto(clients: Iterable[ClientTrouble]) -> Pareto:
    """Rank by trouble (highest first; ties by name, then id, so the order is stable)."""
    ordered = sorted(clients, key=lambda c: (-c.score, c.name.casefold(), c.client_id))
    total = sum(c.score for c in ordered)
    ranked: list[Ranked] = []
    running = 0.0
    for i, c in enumerate(ordered, start=1):
        running += c.score
        ranked.append(
            Ranked(
                rank=i,
                client=c,
                share=c.score / total if total else 0.0,
                cumulative=min(running / total, 1.0) if total else 0.0,
            )
        )
    top = top_count(len(ordered))
    top_share = ranked[top - 1].cumulative if total and top else None
    revenue = add_revenue(pair for c in ordered for pair in c.revenue)
    return Pareto(tuple(ranked), total, top, top_share, revenue)


# -- the chart ------------------------------------------------------------------
@dataclass(frozen=True)
class ChartText:
    """Every word on the chart, already translated."""

    title: str
    trouble_axis: str
    cumulative_axis: str
    revenue_title: str  # over the revenue panels: received, per currency, never converted
    others: str  # with {n}: the bar that sums clients past MAX_BARS
    top_legend: str
    rest_legend: str
    cumulative_legend: str
    no_revenue: str
    more_currencies: str  # with {codes}
    eighty: str = "{percent}"  # the label of the 80 % line, with {percent}


@dataclass(frozen=True)
class ChartFormats:
    """Numbers in the user's locale."""

    money: Callable[[int, str], str]
    number: Callable[[float], str]
    percent: Callable[[float], str]  # a fraction, 0.42 -> "42%"
    compact: Callable[[float], str]  # axis ticks: 25000000 -> "25M"


@dataclass(frozen=True)
class Bar:
    label: str
    score: float
    cumulative: float
    revenue: dict[str, int]
    top: bool  # among the top 20%
    folded: bool = False  # the sum of every client past MAX_BARS - 1


def _bars(p: Pareto, text: ChartText) -> list[Bar]:
    """One bar per client, at most MAX_BARS: the last one sums the tail when there are more."""
    rows = list(p.ranked)
    if len(rows) <= MAX_BARS:
        shown, tail = rows, []
    else:
        shown, tail = rows[: MAX_BARS - 1], rows[MAX_BARS - 1 :]
    bars = [Bar(" ".join(r.client.name.split()), r.client.score, r.cumulative, dict(r.client.revenue), r.rank <= p.top_count) for r in shown]
    if tail:
        revenue = dict(add_revenue(pair for r in tail for pair in r.client.revenue))
        bars.append(Bar(text.others.format(n=len(tail)), sum(r.client.score for r in tail), tail[-1].cumulative, revenue, False, True))
    return bars


def _panel_order(p: Pareto) -> list[str]:
    """Currencies by how many clients pay in them, then by code: the common ones get a panel."""
    payers: dict[str, int] = {}
    for r in p.ranked:
        for currency, _ in add_revenue(r.client.revenue):
            payers[currency] = payers.get(currency, 0) + 1
    return sorted(payers, key=lambda c: (-payers[c], c))


def _wrap(name: str, width: int, max_lines: int) -> str:
    """A client's full name on at most `max_lines` lines (a word longer than a line is split, never cut)."""
    import textwrap

    lines = textwrap.wrap(" ".join(name.split()), width=width, break_long_words=True) or [""]
    while len(lines) > max_lines:  # widen rather than drop a word
        width += 4
        lines = textwrap.wrap(" ".join(name.split()), width=width, break_long_words=True)
    return "\n".join(lines)


def render_chart(p: Pareto, text: ChartText, formats: ChartFormats) -> bytes:
    """The Pareto chart as PNG bytes, CHART_PIXELS in size."""
    fig = build_chart(p, text, formats)
    buf = io.BytesIO()
    with warnings.catch_warnings():
        # A client named with an emoji has no glyph in the bundled font: draw a box, don't warn.
        warnings.simplefilter("ignore", UserWarning)
        fig.savefig(buf, format="png", dpi=CHART_DPI, metadata={"Software": None})
    return buf.getvalue()


def build_chart(p: Pareto, text: ChartText, formats: ChartFormats):  # -> matplotlib.figure.Figure
    """The Pareto chart as a matplotlib Figure, laid out and drawn once (its text objects are final).

    Horizontal: one row per client, ranked from the top, with the full name
    beside its bar (wrapped, never cut), the cumulative share in a column of
    its own with the 80 % line labelled, and the revenue per currency in
    columns beside it, so no label can sit on another. Every number on it
    (ticks included) is in the user's locale.

    matplotlib is imported here, not at module level: it costs a noticeable
    fraction of a second, and start-up (and every other command) must not pay it.
    The Figure is drawn with the Agg canvas directly, without pyplot, so there
    is no global figure state and no GUI backend whatever the environment says.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

    bars = _bars(p, text)
    rows = len(bars)
    ys = list(range(rows))
    currencies = _panel_order(p)
    panels: list[str | None] = list(currencies[:MAX_CURRENCY_PANELS]) or [None]

    font = 9 if rows <= 10 else 8
    max_lines = 3 if rows <= 10 else 2
    width = 34 if rows <= 10 else 24
    labels = [_wrap(b.label, width, max_lines) for b in bars]
    left = 0.2  # a first guess; set from the measured names below

    fig = Figure(figsize=CHART_INCHES, dpi=CHART_DPI)
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(1, 2 + len(panels), width_ratios=[3.0, 1.3] + [1.25] * len(panels), wspace=0.1)
    ax = fig.add_subplot(grid[0, 0])
    top_colour, rest_colour, line_colour = "#c0392b", "#95a5a6", "#1f3a93"
    colours = [top_colour if b.top else rest_colour for b in bars]
    marks = ax.barh(ys, [b.score for b in bars], color=colours, height=0.7)
    for mark, b in zip(marks, bars):
        if b.folded:
            mark.set_hatch("//")  # a sum of many clients, not one
    ax.set_ylim(max(rows, 5) - 0.4, -0.6)  # rank 1 on top; a lone client gets a bar, not a wall
    ax.set_yticks(ys)
    ax.set_yticklabels(labels, fontsize=font, linespacing=1.0)
    top_score = max([b.score for b in bars] + [1.0])
    ax.set_xlim(0, top_score * 1.22)  # room for the value after each bar
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: formats.number(v)))
    ax.set_xlabel(text.trouble_axis, fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    for y, b in zip(ys, bars):
        if b.score > 0:
            ax.annotate(formats.number(b.score), (b.score, y), ha="left", va="center", fontsize=7, xytext=(3, 0), textcoords="offset points")

    cum = fig.add_subplot(grid[0, 1], sharey=ax)
    cum.plot([b.cumulative * 100 for b in bars], ys, color=line_colour, marker="o", markersize=4, linewidth=1.8)
    cum.axvline(80, color=line_colour, linestyle=":", linewidth=1.2)
    cum.annotate(
        text.eighty.format(percent=formats.percent(0.8)),
        (80, 0),
        xycoords=("data", "axes fraction"),
        xytext=(-3, 4),
        textcoords="offset points",
        ha="right",
        va="bottom",
        rotation=90,  # along its line, from the bottom up, where the last clients' points sit right of it
        fontsize=7,
        color=line_colour,
    )
    cum.set_xlim(0, 108)
    cum.xaxis.set_major_locator(FixedLocator([0, 50, 100]))
    cum.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: formats.percent(v / 100)))
    cum.tick_params(axis="y", labelleft=False, length=0)
    cum.set_xlabel(text.cumulative_axis, fontsize=9)
    cum.grid(axis="x", alpha=0.3)

    for i, currency in enumerate(panels):
        rax = fig.add_subplot(grid[0, 2 + i], sharey=ax)
        rax.tick_params(axis="y", labelleft=False, length=0)
        rax.grid(axis="x", alpha=0.3)
        if currency is None:
            rax.text(0.5, 0.5, text.no_revenue, ha="center", va="center", transform=rax.transAxes, color="#555555", wrap=True, fontsize=8)
            rax.set_xticks([])
        else:
            values = [b.revenue.get(currency, 0) for b in bars]
            digits = fmt.minor_digits(currency)
            rax.barh(ys, [v / 10**digits for v in values], color="#27ae60", height=0.7)
            top = max(values) / 10**digits if any(values) else 1
            rax.set_xlim(0, top * 2.1)  # the bar on the left half, its amount beside it
            rax.xaxis.set_major_locator(FixedLocator([0, top]))
            rax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: formats.compact(v)))
            for y, v in zip(ys, values):
                if v:
                    rax.annotate(formats.money(v, currency), (v / 10**digits, y), ha="left", va="center", fontsize=6.5, xytext=(2, 0), textcoords="offset points")
        rax.set_xlabel(currency or "", fontsize=9)
        if i == 0:
            rax.set_title(text.revenue_title, fontsize=8, loc="left", pad=4)
    for axis in fig.axes:
        axis.tick_params(axis="x", labelsize=8)
    if len(currencies) > MAX_CURRENCY_PANELS:
        fig.text(0.99, 0.005, text.more_currencies.format(codes=", ".join(currencies[MAX_CURRENCY_PANELS:])), ha="right", va="bottom", fontsize=8)

    fig.suptitle(text.title, fontsize=14, x=0.01, ha="left", y=0.985)
    fig.legend(
        handles=[
            Patch(color=top_colour, label=text.top_legend),
            *([Patch(color=rest_colour, label=text.rest_legend)] if not all(b.top for b in bars) else []),
            Line2D([], [], color=line_colour, marker="o", label=text.cumulative_legend),
        ],
        loc="upper left",
        bbox_to_anchor=(0.005, 0.955),
        ncol=3,
        fontsize=8,
        frameon=False,
    )
    fig.subplots_adjust(left=left, right=0.98, top=0.9, bottom=0.09)
    # Measure the names as drawn and make room for the widest one: a full name, never cut at the edge.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a glyph missing from the font (emoji): a box, no warning
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    widest = max((label.get_window_extent(renderer).width for label in ax.get_yticklabels()), default=0.0)
    fig.subplots_adjust(left=min(0.45, (widest + 14) / CHART_PIXELS[0]))
    return fig


# -- the handler ------------------------------------------------------------------
def _trouble(ctx: "Context") -> list[ClientTrouble]:
    """Every client's score and revenue, from three queries whatever the number of clients.

    Revenue is each invoice's paid amount (the sum of its payments, in the invoice's own currency).
    """
    return [
        ClientTrouble(
            row.client.name,
            row.score,
            add_revenue((inv.currency, inv.paid_minor) for inv in row.invoices),
            row.client.id,
        )
        for row in standings(ctx)
    ]


def _percent(ctx: "Context", fraction: float) -> str:
    from babel.numbers import format_percent

    return format_percent(fraction, locale=ctx.t.babel_locale)  # the locale places the sign: "42%", "%42"


def _formats(ctx: "Context") -> ChartFormats:
    from babel.numbers import format_compact_decimal

    return ChartFormats(
        money=lambda minor, currency: fmt.money(ctx.language, minor, currency),
        number=lambda v: fmt.number(ctx.language, v),
        percent=lambda f: _percent(ctx, f),
        compact=lambda v: format_compact_decimal(v, locale=ctx.t.babel_locale, fraction_digits=1),
    )


def _chart_text(ctx: "Context") -> ChartText:
    t = ctx.t
    return ChartText(
        title=t("report.chart.title"),
        trouble_axis=t("report.chart.trouble_axis"),
        cumulative_axis=t("report.chart.cumulative_axis"),
        revenue_title=t("report.chart.revenue_title"),
        others=t("report.chart.others"),
        top_legend=t("report.chart.top_legend"),
        rest_legend=t("report.chart.rest_legend"),
        cumulative_legend=t("report.chart.cumulative_legend"),
        no_revenue=t("report.chart.no_revenue"),
        more_currencies=t("report.chart.more_currencies"),
        eighty=t("report.chart.eighty"),
    )


def _revenue(ctx: "Context", amounts: tuple[tuple[str, int], ...]) -> str:
    """'€1,000.00 + $250.50', or '' when nothing was paid."""
    return totals(ctx, [(minor, code) for code, minor in amounts]) if amounts else ""


def summary_lines(ctx: "Context", p: Pareto) -> tuple[str, list[str]]:
    """The report as text: a headline and one line per client (what a screen reader reads)."""
    t = ctx.t
    if p.top_share is None:
        headline = t("report.no_trouble")
    elif len(p.ranked) == 1:
        headline = t("report.single", name=p.ranked[0].client.name)
    else:
        headline = t.n("report.headline", p.top_count, total=len(p.ranked), share=_percent(ctx, p.top_share))
    lines = []
    for r in p.ranked:
        revenue = _revenue(ctx, r.client.revenue) or t("report.no_revenue")
        lines.append(
            t(
                "report.line",
                rank=r.rank,
                name=r.client.name,
                score=fmt.number(ctx.language, r.client.score),
                share=_percent(ctx, r.share),
                cumulative=_percent(ctx, r.cumulative),
                revenue=revenue,
            )
        )
    if p.revenue_totals:
        lines.append(t("report.revenue_totals", revenue=_revenue(ctx, p.revenue_totals)))
    return headline, lines


def client_report(ctx: "Context", text: str) -> list[Reply]:
    """`/client report`: the ranking as text, and the Pareto chart as a PNG when there is trouble to draw."""
    if text.strip():
        raise UserError("report.extra_words", usage="report.usage", words=text.strip())
    rows = _trouble(ctx)
    if not rows:
        return [Reply(text=ctx.t("report.no_clients"), context=ctx.t("report.no_clients_hint"))]
    p = pareto(rows)
    headline, lines = summary_lines(ctx, p)
    files: tuple[Attachment, ...] = ()
    if p.top_share is not None:
        from bot import chart_cache

        text = _chart_text(ctx)
        # The same data, words and locale draw the same PNG: keep it (issue 20, ~200 ms of matplotlib).
        png = chart_cache.chart((p, text, ctx.t.babel_locale, ctx.language), lambda: render_chart(p, text, _formats(ctx)))
        files = (Attachment(f"redflag-report-{ctx.today.isoformat()}.png", png, "image/png", ctx.t("report.chart.file_title")),)
    return [
        Reply(
            title=ctx.t("report.title"),
            text=headline,
            lines=tuple(lines),
            context=ctx.t("report.how_scored"),
            files=files,
        )
    ]
