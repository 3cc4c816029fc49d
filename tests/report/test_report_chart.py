"""The report chart as a reader sees it: full names, a labelled 80 % line, the user's numbers, a fixed size.

The chart is built (`build_chart`) and its drawn text objects read back; the
PNG goes through `/client report` for the size. The pictures themselves were
looked at for 5, 20 and 60 clients in every language (see the issue note).
"""
from __future__ import annotations

import io
import re

import matplotlib.image
import matplotlib.text
import pytest

from bot.core import Core
from bot.events import Address
from bot.i18n import LANGUAGES
from bot.report.chart import CHART_PIXELS, MAX_BARS, build_chart, render_chart
from bot.report.pareto import ClientTrouble, pareto
from bot.report.text import chart_text as _chart_text, formats as _formats

LONG_NAMES = ["Saigon Noodle House", "Công ty TNHH Thương mại Hoàng Gia", "İstanbul Tekstil Ticaret A.Ş.", "Bakkerij Van der Berg & Zonen"]


def clients(n: int, top: float = 20.0) -> list[ClientTrouble]:
    names = [LONG_NAMES[i] if i < len(LONG_NAMES) else f"Client number {i + 1} Holding" for i in range(n)]
    return [ClientTrouble(name, round(top / (i + 1), 2), (("EUR", 100_000 * (i + 1)),), i + 1) for i, name in enumerate(names)]


@pytest.fixture
def ctx_for(store):
    core = Core(store)
    return lambda language: core.context(Address("console", "W1", "U-" + language, "C1", locale=language))


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def flat(label: str) -> str:
    return " ".join(label.split())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("n", [5, 20, 60])
def test_every_client_shown_by_its_full_name(language, n, ctx_for) -> None:
    ctx = ctx_for(language)
    rows = clients(n)
    fig = build_chart(pareto(rows), _chart_text(ctx), _formats(ctx))
    drawn = {flat(t) for t in texts(fig)}
    shown = rows if n <= MAX_BARS else rows[: MAX_BARS - 1]
    for row in shown:
        assert row.name in drawn, (row.name, sorted(drawn)[:40])
    assert not any(t.endswith("…") for t in drawn)  # nothing cut short
    if n > MAX_BARS:
        assert ctx.t("report.chart.others").format(n=n - MAX_BARS + 1) in drawn
    # names stay inside the picture: the widest label starts right of the left edge
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    assert min(label.get_window_extent(renderer).x0 for label in ax.get_yticklabels()) >= 0


@pytest.mark.parametrize("language,decimal,percent80", [("en", ".", "80%"), ("nl", ",", "80%"), ("vi", ",", "80%"), ("tr", ",", "%80")])
def test_every_number_on_the_chart_is_in_the_users_locale(language, decimal, percent80, ctx_for) -> None:
    ctx = ctx_for(language)
    fig = build_chart(pareto(clients(5, top=1.5)), _chart_text(ctx), _formats(ctx))  # trouble ticks 0, 0.4, … 1.6
    ax, cumulative = fig.axes[0], fig.axes[1]
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert any(re.fullmatch(rf"\d+\{decimal}\d", t) for t in ticks), ticks
    wrong = "," if decimal == "." else "."
    assert not any(wrong in t for t in ticks), ticks
    values = [flat(t) for t in texts(fig)]
    assert "1" + decimal + "5" in values  # the first bar's value label
    assert ctx.t("report.chart.eighty").format(percent=percent80) in values  # the 80 % line is labelled
    assert [t.get_text() for t in cumulative.get_xticklabels() if t.get_text()] == [
        _formats(ctx).percent(f) for f in (0, 0.5, 1)
    ]


def test_the_png_keeps_its_size_whatever_the_data(ctx_for) -> None:
    ctx = ctx_for("nl")
    for n in (1, 5, 20, 60):
        png = render_chart(pareto(clients(n)), _chart_text(ctx), _formats(ctx))
        image = matplotlib.image.imread(io.BytesIO(png), format="png")
        assert (image.shape[1], image.shape[0]) == CHART_PIXELS


def _warm_up_started(tmp_path, monkeypatch, processes: str) -> bool:  # type: ignore[no-untyped-def]
    import threading

    from bot.core import Core
    from redflag.cli import _warm_charts_here
    from storage.store import Store

    monkeypatch.setenv("REDFLAG_SLOW_PROCESSES", processes)
    core = Core(Store(tmp_path / f"serve-{processes}.db"))
    before = {t.ident for t in threading.enumerate() if t.name == "chart-warm-up"}
    try:
        _warm_charts_here(core, delay=0.0)
        started = [t for t in threading.enumerate() if t.name == "chart-warm-up" and t.ident not in before]
        for thread in started:  # drawn before the test ends: not cut off mid-draw at the interpreter's exit
            thread.join(timeout=60)
        return bool(started)
    finally:
        core.store.close()


def test_serving_with_worker_processes_leaves_matplotlib_to_them(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The workers draw the charts and warm themselves: the serving process does not load matplotlib (memory)."""
    assert not _warm_up_started(tmp_path, monkeypatch, "2")


def test_serving_without_worker_processes_warms_the_chart_here(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert _warm_up_started(tmp_path, monkeypatch, "0")
