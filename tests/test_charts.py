"""Every chart: the expected series on a small scenario, and real PNG and SVG files."""

from __future__ import annotations

import os
import threading
import time

import matplotlib.pyplot as plt
import pytest

import campsim
from campsim.report import chartfiles, charts
from campsim.report.dateticks import DateTicks
from tests.conftest import ROOT, scenario

SMALL = {
    "water": {"per_person_day": 15, "initial_stock": 60_000, "unit_cost_usd": 0.01,
              "rationing": [{"below_days_of_cover": 3, "ration": 0.5}],
              "ordering": {"order_up_to_days": 2, "lead_time_days": 2}},
    "kits": {"per_new_household": 1, "initial_stock": 5},
}  # fmt: skip


@pytest.fixture(scope="module")
def one():
    s = scenario(SMALL, name="small", population={"initial": 1000, "arrivals": [{"rate": {"2017-10-01": 30}}]},
                 funding={"funded_fraction": 0.5})  # fmt: skip
    return [("small", campsim.simulate(s))]


@pytest.fixture(scope="module")
def two(one):
    s = scenario({"water": SMALL["water"]}, name="other", days=12, start="2017-10-03",
                 population={"initial": 800})  # fmt: skip
    return [*one, ("other", campsim.simulate(s))]


def test_cover_chart_has_a_panel_per_commodity_with_thresholds_and_shading(one, two):
    fig = charts.cover_chart(one)
    water, kits = fig.axes
    assert len(water.get_lines()) == 1 + 1  # days of cover + one rationing threshold
    assert len(kits.get_lines()) == 1
    assert len(water.patches) >= 1  # shortage days shaded
    assert "fall below the standard" in fig._suptitle.get_text()
    fig = charts.cover_chart(two)
    water, kits = fig.axes
    assert len(water.get_lines()) == 2 + 1  # one line per scenario + threshold
    assert len(kits.get_lines()) == 1  # "other" has no kits
    plt.close("all")


def test_ration_chart_draws_standard_and_critical_level(one):
    fig = charts.ration_chart(one)
    water, kits = fig.axes
    assert len(water.get_lines()) == 3  # ration, standard 1.0, critical 7.5/15
    assert [round(y, 3) for y in water.get_lines()[2].get_ydata()] == [0.5, 0.5]
    assert len(kits.get_lines()) == 2  # no critical level for kits
    plt.close("all")


def test_population_funding_shortfall_and_compliance_charts(one, two):
    pop = charts.population_chart(one)
    assert len(pop.axes[0].get_lines()) == 1 and len(pop.axes[1].collections) == 1  # filled arrivals
    pop2 = charts.population_chart(two)
    assert len(pop2.axes[0].get_lines()) == 2 and len(pop2.axes[1].get_lines()) == 2
    fund = charts.funding_chart(two)
    assert len(fund.axes[0].get_lines()) == 4  # received + spent per scenario
    short = charts.shortfall_chart(two)
    assert len(short.axes[0].patches) == 2 * 2  # 2 commodities x 2 scenarios (absent = NaN bar)
    comp = charts.compliance_chart(two)
    assert [t.get_text() for t in comp.axes[0].get_yticklabels()] == ["water · small", "water · other"]
    plt.close("all")


def test_compliance_bands_follow_the_standard_and_the_critical_level():
    # 100 people, 15 L standard, 7.5 L critical: 3,000 L serves days 0-1 in full (1,500 each);
    # nothing after -> critical. With a 0.6 ration below 10 days' cover: 900 L/day (9 L, stressed).
    s = scenario({"water": {"initial_stock": 3000}}, population={"initial": 100}, days=4)
    r = campsim.simulate(s)
    assert charts.compliance_bands(r, "water").tolist() == [0, 0, 2, 2]
    assert r.summary["commodities"]["water"]["share_person_days_at_standard"] == 0.5
    assert r.summary["commodities"]["water"]["share_person_days_below_critical"] == 0.5
    s = scenario({"water": {"initial_stock": 3000, "rationing": [{"below_days_of_cover": 10, "ration": 0.6}]}},
                 population={"initial": 100}, days=4)  # fmt: skip
    r = campsim.simulate(s)
    assert r.daily["distributed"].tolist() == [900, 900, 900, 300]
    assert charts.compliance_bands(r, "water").tolist() == [1, 1, 1, 2]
    assert r.summary["commodities"]["water"]["share_person_days_below_critical"] == 0.25


def test_food_at_zero_is_critical_not_stressed():
    """Food has no critical level in the file: half its standard applies, so 0 rations is critical (issue 15.4)."""
    s = scenario({"food": {"initial_stock": 250, "per_person_day": 1,
                           "rationing": [{"below_days_of_cover": 10, "ration": 0.8}]}},
                 population={"initial": 100}, days=4)  # fmt: skip
    r = campsim.simulate(s)
    # 250 rations: 80 (ration 0.8, stressed), 80, 80, then 10 of 80 (0.1 per person, below 0.5: critical)
    assert r.daily["distributed"].tolist() == [80, 80, 80, 10]
    assert charts.compliance_bands(r, "food").tolist() == [1, 1, 1, 2]
    ration = charts.ration_chart([("run", r)])
    assert [line.get_ydata()[0] for line in ration.axes[0].get_lines()][-1] == 0.5  # the critical line drawn
    plt.close("all")


def test_write_charts_makes_non_empty_pngs_and_svgs_only_on_request(two, tmp_path):
    (tmp_path / "png").mkdir()
    written = chartfiles.write_charts(two, tmp_path / "png")
    assert set(written) == set(charts.CHART_NAMES)
    for (png,) in written.values():
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    assert sorted(p.suffix for p in (tmp_path / "png").iterdir()) == [".png"] * len(written)
    (tmp_path / "svg").mkdir()
    for png, svg in chartfiles.write_charts(two, tmp_path / "svg", svg=True).values():
        assert png.read_bytes() == (tmp_path / "png" / png.name).read_bytes()  # the same PNG either way
        assert svg.read_text()[:200].count("<svg") == 1 or "<svg" in svg.read_text()[:2000]


def test_a_chart_is_saved_as_a_110_dpi_png_and_an_svg_only_on_request(tmp_path):
    import struct

    (png,) = chartfiles.save(plt.figure(figsize=(2, 1.5)), tmp_path, "small")
    assert struct.unpack(">II", png.read_bytes()[16:24]) == (2 * 110, 1.5 * 110)  # 220 x 165 pixels
    assert [p.name for p in tmp_path.iterdir()] == ["small.png"]
    png, svg = chartfiles.save(plt.figure(figsize=(2, 1.5)), tmp_path, "both", svg=True)
    assert (png.name, svg.name) == ("both.png", "both.svg") and "<svg" in svg.read_text()[:2000]


def test_a_png_drawn_once_is_the_same_file_savefig_writes(two, tmp_path):
    # save() draws once where savefig draws twice (placing, then painting): the file must not change
    (png,) = chartfiles.save(charts.cover_chart(two), tmp_path, "once")
    charts.cover_chart(two).savefig(tmp_path / "savefig.png", dpi=chartfiles.DPI)
    assert png.read_bytes() == (tmp_path / "savefig.png").read_bytes()
    plt.close("all")


def test_date_ticks_kept_per_view_are_matplotlib_s_own(one):
    import matplotlib.dates as mdates

    fig = charts.cover_chart(one)
    fig.canvas.draw()
    for ax in fig.axes:
        kept = ax.xaxis.get_major_locator()
        assert isinstance(kept, DateTicks) and kept._kept is not None  # asked, and kept
        plain = mdates.AutoDateLocator(minticks=kept.minticks, maxticks=8)  # chartbase.time_axis's
        plain.set_axis(ax.xaxis)
        assert list(kept()) == list(plain())
        ax.set_xlim(ax.get_xlim()[0], ax.get_xlim()[1] + 40)  # a new view: new ticks, not the kept ones
        assert list(kept()) == list(plain()) and kept._kept[0] == tuple(ax.xaxis.get_view_interval())
    plt.close(fig)


@pytest.mark.slow  # over 1 s: kept out of the default run's 2 minutes (CI runs it)
def test_charts_rendered_in_worker_processes_are_the_same_bytes_as_in_one(two, tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    serial = chartfiles.write_charts(two, tmp_path / "one", workers=1, svg=True)
    forked = chartfiles.write_charts(two, tmp_path / "two", workers=2, svg=True)
    assert list(serial) == list(forked) == list(charts.CHART_NAMES)
    for name in serial:
        for a, b in zip(serial[name], forked[name], strict=True):
            assert a.read_bytes() == b.read_bytes(), f"{name}: {a.suffix} differs"  # SVG too: no date, fixed ids


def test_a_chart_that_fails_in_a_worker_fails_the_report(two, tmp_path, monkeypatch):
    def broken(runs):
        raise ValueError("chart broke")

    monkeypatch.setitem(charts.CHARTS, "ration", broken)  # forked workers inherit the patched table
    with pytest.raises(ValueError, match="chart broke"):
        chartfiles.write_charts(two, tmp_path, workers=2)


def test_a_chart_worker_that_dies_fails_the_report_instead_of_hanging(two, tmp_path, monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    deadline = time.monotonic() + 10  # a pool stopped by the test before winds down its thread
    while chartfiles.chart_workers() < 2 and threading.active_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    if chartfiles.chart_workers() < 2:  # rendered in this process, the chart would end pytest itself
        pytest.skip(f"no safe fork here (not Linux, one core, or threads {[t.name for t in threading.enumerate()]})")

    def killed(runs):
        os._exit(3)  # as if the kernel's OOM killer took the worker

    monkeypatch.setitem(charts.CHARTS, "ration", killed)
    with pytest.raises(BrokenProcessPool):
        chartfiles.write_charts(two, tmp_path, workers=2)


def test_an_explicit_worker_count_never_forks_where_fork_is_unsafe(two, tmp_path, monkeypatch):
    monkeypatch.setattr(chartfiles, "chart_workers", lambda: 1)  # as on macOS, or beside a Dask client's threads
    monkeypatch.setattr(chartfiles, "ProcessPoolExecutor", None)  # any attempt to fork would fail
    assert set(chartfiles.write_charts(two, tmp_path, workers=4)) == set(charts.CHART_NAMES)


def test_the_shortfall_title_never_adds_person_days_of_different_items():
    """Reports issue: "6,542,010 in all" added litres-short days to rations-short days; name the worst item instead."""
    s = campsim.load_scenario(ROOT / "scenarios" / "ramadi.yaml")
    r = campsim.simulate(s)
    fig = charts.shortfall_chart([("run", r)])
    worst = max(r.summary["commodities"].items(), key=lambda kv: kv[1]["shortfall_person_days"])
    assert fig.axes[0].get_title() == (f"Shortfall: {worst[0]} worst, "
                                       f"{worst[1]['shortfall_person_days']:,.0f} person-days short")  # fmt: skip
    assert "in all" not in fig.axes[0].get_title()
    plt.close("all")


def test_the_first_shortage_title_names_the_item_short_soonest():
    s = campsim.load_scenario(ROOT / "scenarios" / "ramadi.yaml")
    r = campsim.run_replications(s, 20, jobs=1)
    frame = r.p_shortage_by_date
    # the item whose P(first shortage by date) reaches 50% on the earliest date, found here from the table
    firsts = {name: rows.loc[rows["p_first_shortage_by_date"] >= 0.5, "date"].min()
              for name, rows in frame.groupby("commodity")}  # fmt: skip
    soonest = min((d, name) for name, d in firsts.items() if d == d)
    title = charts.first_shortage_chart([("run", r)]).axes[0].get_title()
    assert title.startswith(f"Chance of a shortage by date: {soonest[1]} first, even odds by {soonest[0]:%d %b %Y}")
    plt.close("all")


def test_disruptions_are_drawn_on_the_time_charts_with_their_reason():
    """Reports issue: a disruption is a hatched band with its reason (Ramadi: a 3-day road closure from 20 Nov)."""
    import matplotlib.dates as mdates

    s = campsim.load_scenario(ROOT / "scenarios" / "ramadi.yaml")
    r = campsim.simulate(s)
    for chart in (charts.cover_chart, charts.ration_chart):
        fig = chart([("run", r)])
        for ax in fig.axes[: len(s.commodities)]:
            bands = [p for p in ax.patches if p.get_hatch() == "///"]
            assert len(bands) == 1
            first, width = bands[0].get_x(), bands[0].get_width()
            span = (mdates.num2date(first).date().isoformat(), mdates.num2date(first + width).date().isoformat())
            assert span == ("2017-11-20", "2017-11-23")  # three days: the 20th, 21st and 22nd
            labels = ax.get_legend_handles_labels()[1]
            assert "disruption: road closure on the supply route" in labels
        plt.close("all")
