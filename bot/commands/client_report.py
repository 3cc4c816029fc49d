"""`/client report`: the Pareto ranking as text, and its chart as a PNG when there is trouble to draw.

The maths is `bot/report/pareto.py`, the chart `bot/report/chart.py`, the
words `bot/report/text.py`; this module reads the store and answers.
"""
from __future__ import annotations

from bot.context import Context
from bot.errors import UserError
from bot.parser import Token
from bot.replies import Attachment, Reply
from bot.report import text as report_text
from bot.report.pareto import pareto
from bot.standings import troubles

USAGE = "report.usage"


def client_report(ctx: Context, rest: str, tokens: list[Token]) -> list[Reply]:
    """`/client report` takes no words after it."""
    if rest.strip():
        raise UserError("report.extra_words", usage=USAGE, words=rest.strip())
    rows = troubles(ctx)
    if not rows:
        return [Reply(text=ctx.t("report.no_clients"), context=ctx.t("report.no_clients_hint"))]
    p = pareto(rows)
    headline, lines = report_text.summary_lines(ctx, p)
    files: tuple[Attachment, ...] = (report_text.chart_file(ctx, p),) if p.top_share is not None else ()
    return [
        Reply(
            title=ctx.t("report.title"),
            text=headline,
            lines=tuple(lines),
            context=ctx.t("report.how_scored"),
            files=files,
        )
    ]
