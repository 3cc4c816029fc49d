"""The Pareto chart of `/client report` as a PNG, drawn with matplotlib.

Every word and number on it comes in already translated and formatted
(`ChartText`, `ChartFormats`, built for the user in `bot/report/text.py`), so
drawing needs no language. The text reply is complete on its own, so a
screen reader loses nothing the chart shows.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Callable

from bot import fmt
from bot.money import per_currency
from bot.report.pareto import Pareto

#: The PNG is always this many pixels, whatever the data: surfaces can lay it out in advance.
CHART_DPI = 100
CHART_INCHES = (12.0, 7.5)
CHART_PIXELS = (int(CHART_INCHES[0] * CHART_DPI), int(CHART_INCHES[1] * CHART_DPI))
#: Bars beyond this many clients are summed into one "others" bar so labels stay legible.
MAX_BARS = 20
#: Revenue panels under the bars (one per currency); more currencies are listed in the text.
MAX_CURRENCY_PANELS = 3


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
        revenue = dict(per_currency(pair for r in tail for pair in r.client.revenue))
        bars.append(Bar(text.others.format(n=len(tail)), sum(r.client.score for r in tail), tail[-1].cumulative, revenue, False, True))
    return bars


def _panel_order(p: Pareto) -> list[str]:
    """Currencies by how many clients pay in them, then by code: the common ones get a panel."""
    payers: dict[str, int] = {}
    for r in p.ranked:
        for currency, _ in per_currency(r.client.revenue):
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


def warm_in_background(delay: float = 2.0) -> None:
    """Import matplotlib and draw one throw-away chart in a daemon thread, `delay` s after start-up.

    The first chart in a fresh process paid matplotlib's import, its font cache and the Agg
    renderer's first draw (about a second) on the request path. Started once the bot is serving,
    so it neither delays start-up nor waits for a user; a `/client report` that comes first draws
    as before (the imports are shared, whichever thread gets there first).
    """
    import threading
    import time

    def run() -> None:
        time.sleep(delay)
        try:
            from bot.report.pareto import ClientTrouble, pareto

            sample = pareto([ClientTrouble("A", 3.0, (("EUR", 100),), 1), ClientTrouble("B", 1.0, (("EUR", 300),), 2)])
            words = ChartText(*(["x"] * len(ChartText.__dataclass_fields__)))
            render_chart(sample, words, ChartFormats(lambda m, c: str(m), str, str, str))
        except Exception:  # a warm-up that fails changes nothing: the first report draws as before
            import logging

            logging.getLogger(__name__).debug("chart warm-up failed", exc_info=True)

    threading.Thread(target=run, name="chart-warm-up", daemon=True).start()
