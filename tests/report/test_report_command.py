"""`/client report`: the ranking, the top-20% share, revenue per currency, and the chart, through the core."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import matplotlib.image
import pytest

from bot.report.chart import CHART_PIXELS
from bot.scoring import trouble_score
from storage.records import Owner

OWNER = Owner("W1", "U1")


def _png_size(content: bytes) -> tuple[int, int]:
    image = matplotlib.image.imread(io.BytesIO(content), format="png")
    return image.shape[1], image.shape[0]


def _ok(replies) -> None:
    assert not any(r.is_error for r in replies), "\n".join(r.plain() for r in replies)


def test_no_clients_yet(say) -> None:
    [reply] = say("/client report")
    assert reply.files == () and not reply.is_error
    assert reply.text == "You have no clients yet, so there is nothing to rank."
    assert '/client add "Acme Corp"' in reply.context


def test_extra_words_are_refused_with_the_usage(say) -> None:
    say("/client add Acme")
    [reply] = say("/client report everything please")
    assert reply.is_error and reply.files == ()
    assert "“everything please”" in reply.text
    assert "How to write it: /client report" in reply.plain()


def test_one_client_is_still_a_correct_report(say, clock) -> None:
    say("/client add Solo currency=EUR")
    clock.set(datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc))
    _ok(say("/incident Solo haggling wanted a discount again"))
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))
    _ok(say("/invoice add Solo 800 issued=2026-10-01 due=2026-10-31 ref=S-1"))
    _ok(say("/invoice paid S-1 on=2026-11-20"))
    [reply] = say("/client report")
    assert reply.title == "Trouble against revenue"
    assert reply.text == "Solo is your only client, so all the trouble on file is theirs."
    # haggling 2 × ½^(24/180) + 20 days late / 30
    expected = round(2 * 0.5 ** (24 / 180) + 20 / 30, 1)
    assert reply.lines[0] == f"1. Solo: trouble {expected} (100%, 100% cumulative); revenue: €800.00"
    assert reply.lines[1] == "Revenue received in total, per currency (never converted): €800.00"
    [chart] = reply.files
    assert chart.mime == "image/png" and chart.filename == "redflag-report-2026-11-25.png"
    assert _png_size(chart.content) == CHART_PIXELS


@pytest.fixture
def studio(say, clock, store):
    """Six clients, four currencies, trouble spread the Pareto way."""
    clock.set(datetime(2026, 9, 1, 9, 0, tzinfo=timezone.utc))
    for name, currency in [("Acme", "EUR"), ("Bolt", "USD"), ("Cedar", "EUR"), ("Dune", "VND"), ("Elm", "JPY"), ("Fig", "EUR")]:
        _ok(say(f"/client add {name} currency={currency}"))
    for _ in range(3):
        _ok(say("/incident Acme abuse shouting on a call"))
    _ok(say("/incident Acme scope-creep a fifth logo"))
    _ok(say("/incident Bolt scope-creep one more page"))
    _ok(say("/incident Cedar after-hours texts at 2am"))
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))
    # Acme pays in two currencies; the totals must keep them apart
    _ok(say("/invoice add Acme 1000 EUR issued=2026-08-01 due=2026-08-31 ref=A-EUR"))
    _ok(say("/invoice add Acme $250.50 issued=2026-08-01 due=2026-08-31 ref=A-USD"))
    _ok(say("/invoice paid A-EUR on=2026-09-30"))
    _ok(say("/invoice paid A-USD on=2026-08-30"))
    _ok(say("/invoice add Bolt $4000 issued=2026-08-01 due=2026-08-31 ref=B-1"))
    _ok(say("/invoice paid B-1 on=2026-08-31"))
    _ok(say("/invoice add Dune 25000000 VND issued=2026-08-01 due=2026-08-31 ref=D-1"))
    _ok(say("/invoice paid D-1 on=2026-08-20"))
    _ok(say("/invoice add Elm 120000 JPY issued=2026-08-01 due=2026-08-31 ref=E-1"))
    _ok(say("/invoice paid E-1 60000 on=2026-08-25"))
    return store


def _expected_scores(store, today) -> dict[str, float]:
    incidents = store.incidents.kinds_by_client(OWNER)
    out = {}
    for c in store.clients.list(OWNER):
        flat = [(k, t) for k, times in incidents.get(c.id, {}).items() for t in times]
        out[c.name] = trouble_score(flat, store.invoices.list(OWNER, c.id), today)
    return out


def test_ranking_share_and_revenue_per_currency(say, studio, clock) -> None:
    [reply] = say("/client report")
    scores = _expected_scores(studio, clock.now.date())
    ranked = sorted(scores, key=lambda n: (-scores[n], n))
    assert ranked[0] == "Acme"
    names = [line.split(": trouble")[0].split(". ", 1)[1] for line in reply.lines[: len(ranked)]]
    assert names == ranked
    total = sum(scores.values())
    top2 = (scores[ranked[0]] + scores[ranked[1]]) / total  # 20% of 6 clients, rounded up: 2
    assert reply.text == f"Your top 2 clients of 6 (the top 20%) cause {round(top2 * 100)}% of the trouble."
    lines = "\n".join(reply.lines)
    assert "Elm: trouble 2.9" in lines  # 86 days overdue on the unpaid half outranks one scope-creep
    assert reply.lines[0].endswith("revenue: €1,000.00 + $250.50")  # both currencies, side by side, never added
    assert "Bolt: trouble" in lines and "revenue: $4,000.00" in next(line for line in reply.lines if "Bolt" in line)
    assert "₫25,000,000" in lines and "¥60,000" in lines
    assert "Fig: trouble 0 (0%, 100% cumulative); revenue: no payments yet" in lines
    assert reply.lines[-1] == (
        "Revenue received in total, per currency (never converted): €1,000.00 + ¥60,000 + $4,250.50 + ₫25,000,000"
    )
    [chart] = reply.files
    assert _png_size(chart.content) == CHART_PIXELS


def test_report_is_the_users_own(say, studio) -> None:
    [reply] = say("/client report", user="U2")
    assert reply.text == "You have no clients yet, so there is nothing to rank."


def test_no_trouble_means_no_chart_but_a_clear_answer(say) -> None:
    say("/client add Calm")
    say("/client add Quiet")
    [reply] = say("/client report")
    assert reply.files == ()
    assert reply.text == "No trouble on file: no incidents and no late invoices. Nothing to chart yet."
    assert len(reply.lines) == 2


@pytest.mark.parametrize(
    ("lang", "headline"),
    [
        ("nl", "De top 20% van je klanten (2 van de 6) is goed voor"),
        ("vi", "Nhóm 20% khách hàng gây rắc rối nhất (2/6 khách hàng) chiếm"),
        ("tr", "Müşterilerinizin ilk %20'si (6 müşteriden 2 tanesi) sorunların %"),
    ],
)
def test_report_in_every_language(say, studio, lang, headline) -> None:
    say(f"/redflag settings lang={lang}")
    [reply] = say("/client report")
    assert reply.text.startswith(headline), reply.text
    [chart] = reply.files
    assert _png_size(chart.content) == CHART_PIXELS


def test_unpaid_invoices_are_not_revenue(say, clock) -> None:
    say("/client add Slow currency=EUR")
    _ok(say("/invoice add Slow 900 issued=2026-09-01 due=2026-10-01 ref=SL-1"))
    [reply] = say("/client report")
    assert reply.lines == ("1. Slow: trouble 1.8 (100%, 100% cumulative); revenue: no payments yet",)  # 55 days late / 30
    [chart] = reply.files
    assert _png_size(chart.content) == CHART_PIXELS


def test_a_report_whose_data_has_not_changed_reuses_its_chart(say, monkeypatch) -> None:
    """Issue 20: the chart is drawn once per distinct data; new data draws a new one."""
    from bot import chart_cache
    from bot.report import chart as report

    chart_cache.clear()
    drawn = []
    original = report.render_chart

    def counting(*args):
        drawn.append(1)
        return original(*args)

    monkeypatch.setattr(report, "render_chart", counting)
    say("/client add Acme")
    say("/incident Acme late-payment paid late")
    [first] = say("/client report")
    [second] = say("/client report")
    assert len(drawn) == 1
    assert first.files[0].content == second.files[0].content
    say("/incident Acme haggling on the rate")
    [third] = say("/client report")
    assert len(drawn) == 2 and third.files[0].content != first.files[0].content
