"""The report in the user's language: its text reply, and its chart with every word and number on it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot import fmt
from bot.money import totals
from bot.replies import Attachment
from bot.report import chart
from bot.report.chart import ChartFormats, ChartText
from bot.report.pareto import Pareto

if TYPE_CHECKING:
    from bot.context import Context


def formats(ctx: "Context") -> ChartFormats:
    return language_formats(ctx.language)


def language_formats(language: str) -> ChartFormats:
    return ChartFormats(
        money=lambda minor, currency: fmt.money(language, minor, currency),
        number=lambda v: fmt.number(language, v),
        percent=lambda f: fmt.percent(language, f),
        compact=lambda v: fmt.compact(language, v),
    )


def chart_text(ctx: "Context") -> ChartText:
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
        headline = t.n("report.headline", p.top_count, total=len(p.ranked), share=fmt.percent(ctx.language, p.top_share))
    lines = []
    for r in p.ranked:
        revenue = _revenue(ctx, r.client.revenue) or t("report.no_revenue")
        lines.append(
            t(
                "report.line",
                rank=r.rank,
                name=r.client.name,
                score=fmt.number(ctx.language, r.client.score),
                share=fmt.percent(ctx.language, r.share),
                cumulative=fmt.percent(ctx.language, r.cumulative),
                revenue=revenue,
            )
        )
    if p.revenue_totals:
        lines.append(t("report.revenue_totals", revenue=_revenue(ctx, p.revenue_totals)))
    return headline, lines


@dataclass(frozen=True)
class ChartOrder:
    """Everything the chart needs, made in the user's context: drawn later, maybe in another process (bot/later.py)."""

    pareto: Pareto
    words: ChartText
    language: str
    babel_locale: str
    filename: str
    title: str


def chart_order(ctx: "Context", p: Pareto) -> ChartOrder:
    return ChartOrder(p, chart_text(ctx), ctx.language, str(ctx.t.babel_locale),
                      f"redflag-report-{ctx.today.isoformat()}.png", ctx.t("report.chart.file_title"))


def draw_chart(order: ChartOrder) -> Attachment:
    """The chart as a PNG file. The same data, words and locale draw the same PNG: it is kept (issue 20, ~200 ms)."""
    from bot import chart_cache

    key = (order.pareto, order.words, order.babel_locale, order.language)
    png = chart_cache.chart(key, lambda: chart.render_chart(order.pareto, order.words, language_formats(order.language)))
    return Attachment(order.filename, png, "image/png", order.title)


def chart_file(ctx: "Context", p: Pareto) -> Attachment:
    """The chart drawn now, in the user's context."""
    return draw_chart(chart_order(ctx, p))
