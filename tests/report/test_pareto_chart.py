"""The Pareto chart: a real PNG of a fixed pixel size, whatever the data; matplotlib only when drawn."""
from __future__ import annotations

import io
import subprocess
import sys

import matplotlib.image
import pytest

from bot.report.chart import CHART_PIXELS, MAX_BARS, ChartFormats, ChartText, _bars, render_chart
from bot.report.pareto import ClientTrouble, pareto

TEXT = ChartText(
    title="Trouble by client",
    trouble_axis="Trouble score",
    cumulative_axis="Cumulative share",
    revenue_title="Revenue received, per currency",
    others="{n} others",
    top_legend="Top 20%",
    rest_legend="Other clients",
    cumulative_legend="Cumulative share",
    no_revenue="No payments recorded yet",
    more_currencies="Also: {codes}",
)
FORMATS = ChartFormats(
    money=lambda minor, cur: f"{cur} {minor / 100:.2f}",
    number=lambda v: f"{v:.1f}",
    percent=lambda f: f"{f * 100:.0f}%",
    compact=lambda v: f"{v:g}",
)


def _decode(png: bytes):
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return matplotlib.image.imread(io.BytesIO(png), format="png")


@pytest.mark.parametrize(
    "clients",
    [
        [ClientTrouble("Solo", 4.0, (("EUR", 100_000),))],
        [ClientTrouble(f"Client {i}", float(i % 7), (("EUR", i * 1000),) if i % 2 else (), i) for i in range(45)],
        [
            ClientTrouble("Công ty Ánh Dương", 6.0, (("VND", 25_000_000),)),
            ClientTrouble("Işık Yazılım Şirketi A.Ş.", 3.0, (("TRY", 1_500_000), ("EUR", 20_000))),
            ClientTrouble("🚩 Emoji & Co", 2.0, (("USD", 999),)),
            ClientTrouble("Yen", 1.0, (("JPY", 500_000), ("GBP", 7), ("CHF", 100))),
        ],
        [ClientTrouble("Nobody paid", 2.0), ClientTrouble("Still nobody", 1.0)],
    ],
    ids=["one-client", "many-clients", "several-currencies", "no-revenue"],
)
def test_chart_decodes_at_the_fixed_size(clients: list[ClientTrouble]) -> None:
    image = _decode(render_chart(pareto(clients), TEXT, FORMATS))
    height, width = image.shape[:2]
    assert (width, height) == CHART_PIXELS
    assert image.std() > 0.01  # something was drawn, not a blank canvas


def test_long_tail_is_folded_into_one_bar() -> None:
    p = pareto([ClientTrouble(f"C{i:02d}", float(100 - i), (("EUR", 100),), i) for i in range(30)])
    bars = _bars(p, TEXT)
    assert len(bars) == MAX_BARS
    last = bars[-1]
    assert last.label == "11 others" and last.folded and not last.top
    assert last.score == sum(100 - i for i in range(19, 30))
    assert last.cumulative == pytest.approx(1.0)
    assert last.revenue == {"EUR": 1100}
    assert [b.top for b in bars].count(True) == 6  # the top 20% of 30
    assert not any(b.folded for b in bars[:-1])


def test_exactly_max_bars_are_not_folded() -> None:
    bars = _bars(pareto([ClientTrouble(f"C{i:02d}", 1.0, (), i) for i in range(MAX_BARS)]), TEXT)
    assert len(bars) == MAX_BARS and not any(b.folded for b in bars)


def test_importing_the_report_does_not_load_matplotlib() -> None:
    code = "import sys, bot.report, bot.export; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
