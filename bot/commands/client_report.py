"""`/client report`: the Pareto ranking as text, and its chart as a PNG (following the text) when there is trouble to draw.

The maths is `bot/report/pareto.py`, the chart `bot/report/chart.py`, the
words `bot/report/text.py`; this module reads the store (`bot/standings.py`) and answers. Those
are imported when a report is asked for, not when the command is declared: a
slow command runs in a worker process (`bot/slow_process.py`, which preloads
them), so the serving process need not pay for them at start-up (issue 20).
"""
from __future__ import annotations

from bot.commands.client import CLIENT_GROUP
from bot.context import Context
from bot.declare import Args
from bot.replies import Later, Reply

USAGE = "report.usage"


@CLIENT_GROUP.sub("report", usage=USAGE, help=("help.client_report",), slow=True, long=True,
                  extra_words="report.extra_words")
def client_report(ctx: Context, args: Args) -> list[Reply]:
    """`/client report`: words after `report` were refused by the grammar (report.extra_words)."""
    from bot.report import text as report_text
    from bot.report.pareto import pareto
    from bot.standings import troubles

    rows = troubles(ctx)
    if not rows:
        return [Reply(text=ctx.t("report.no_clients"), context=ctx.t("report.no_clients_hint"))]
    p = pareto(rows)
    headline, lines = report_text.summary_lines(ctx, p)
    # the chart follows the text (bot/later.py): drawn after the text is out, never before it
    later = (Later("pareto_chart", report_text.chart_order(ctx, p)),) if p.top_share is not None else ()
    return [
        Reply(
            title=ctx.t("report.title"),
            text=headline,
            lines=tuple(lines),
            context=ctx.t("report.how_scored"),
            later=later,
        )
    ]
