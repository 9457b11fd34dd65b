"""Readable charts (reports issue): legends off the data, titles whole and in words, disruptions on
every time chart, coinciding lines visible, small multiples, --align start, the sweep's US$ axis.

Each visual point is checked on the rendered figure (tests/chartcheck.py)."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pytest

import campsim
from campsim.report import charts
from campsim.report.chartlabels import readable
from campsim.report.replicated_charts import fan_chart, first_shortage_chart
from campsim.report.sweep_chart import sweep_chart
from campsim.runs.compare import run_variants
from tests.chartcheck import problems
from tests.conftest import scenario

WATER = {"water": {"per_person_day": 15, "initial_stock": 60_000, "unit_cost_usd": 10,
                   "ordering": {"order_up_to_days": 3, "lead_time_days": 2},
                   "rationing": [{"below_days_of_cover": 3, "ration": 0.5}]}}  # fmt: skip
FLOOD = [{"start": 3, "days": 2, "reason": "flood"}]


def small(**top):
    return scenario(WATER, **{"name": "small", "days": 12, "disruptions": FLOOD, **top})


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_variant_names_read_in_words():
    assert readable("funding.funded_fraction=0.8") == "80% funded"
    assert readable("funding.funded_fraction=0.625") == "62.5% funded"
    assert readable("commodities.water.funded_fraction=0.55, days=365") == "water 55% funded, 365 days"
    assert readable("commodities.food.ordering.lead_time_days=7") == "food lead time 7 days"
    assert readable("population.initial=12000") == "12,000 people at the start"
    assert readable("camps.kilo18.population.max_population=5000") == "kilo18 room for 5,000 people"
    assert readable("funding.disbursement=monthly") == "funding monthly"
    assert readable("commodities.water.safety_stock=3") == "water safety stock 3"  # an unknown key: readable words
    assert readable("Ramadi camps (62% funded)") == "Ramadi camps (62% funded)"  # a scenario's name stays


def test_the_checker_sees_a_legend_over_a_line_and_a_title_cut_off():
    """The checker itself: a legend in the middle of a diagonal line, a title wider than the figure."""
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot(np.linspace(0, 1, 200), np.linspace(0, 1, 200), label="a line across the axes")
    ax.legend(loc="center")
    ax.set_title("a title far too long to fit across a figure only four inches wide, so it is cut off")
    found = problems(fig)
    assert any("legend covers" in p for p in found) and any("title cut off" in p for p in found)


@pytest.fixture(scope="module")
def variants():
    """Three funding variants of the small camp, labelled as --vary labels them."""
    points = [(f"funding.funded_fraction={f}", small(funding={"funded_fraction": f})) for f in (0.5, 0.8, 1.0)]
    return run_variants(points, replications=3)


def test_every_chart_of_a_vary_compare_keeps_legends_off_the_data_and_titles_whole(variants):
    for name, draw in charts.CHARTS.items():
        fig = draw(variants)
        assert problems(fig, name) == []
        words = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
        assert any(w.startswith("80% funded") for w in words) or name == "compliance", (name, words)
        plt.close(fig)


def test_a_long_title_is_wrapped_to_fit():
    long_label = "funding.funded_fraction=0.5, commodities.water.ordering.order_up_to_days=3"
    runs = run_variants([(long_label, small(funding={"funded_fraction": 0.5})), ("other", small())])
    fig = charts.ration_chart(runs)
    title = fig._suptitle.get_text()
    assert "water (50% funded, water order up to 3 days) falls to" in title.replace("\n", " ")
    assert "\n" in title  # wrapped, not cut at the figure's edge
    assert problems(fig) == []


def test_a_scenario_name_wider_than_the_figure_is_wrapped_in_the_legend():
    name = "A camp whose name goes on " + "and on " * 40 + "for ever"
    runs = run_variants([(name, small()), ("B", small(funding={"funded_fraction": 0.3}))])
    fig = charts.cover_chart(runs)
    assert problems(fig) == []
    assert "\n" in [t.get_text() for t in fig.legends[0].get_texts()][0]


def _scenario_lines(ax, n):
    return [line for line in ax.get_lines() if len(line.get_xdata()) > 2][:n]


def test_identical_scenarios_stay_visible_and_are_said_to_be_the_same():
    runs = run_variants([("A", small()), ("B", small())])
    for name in ("cover", "ration", "population"):
        fig = charts.CHARTS[name](runs)
        for ax in fig.axes:
            a, b = _scenario_lines(ax, 2)
            assert np.array_equal(a.get_ydata(), b.get_ydata())  # they do coincide
            assert (a.get_linestyle(), a.get_linewidth()) != (b.get_linestyle(), b.get_linewidth())
            assert a.get_linewidth() > b.get_linewidth()  # the first wider: its colour shows at the edges
        labels = [t.get_text() for t in fig.legends[0].get_texts()]
        assert any(label.endswith("same in both") for label in labels), (name, labels)
    fig = charts.funding_chart(runs)
    assert "received: same in both" in [t.get_text() for t in fig.legends[0].get_texts()]


def test_different_scenarios_are_not_said_to_be_the_same():
    runs = run_variants([("A", small()), ("B", small(funding={"funded_fraction": 0.3}))])
    labels = [t.get_text() for t in charts.cover_chart(runs).legends[0].get_texts()]
    assert not any("same" in label for label in labels)


def test_shortage_shading_has_a_legend_entry():
    runs = run_variants([("A", small()), ("B", small(funding={"funded_fraction": 0.3}))])
    assert runs[1][1].summary["commodities"]["water"]["shortage_days"] > 0
    labels = [t.get_text() for t in charts.cover_chart(runs).legends[0].get_texts()]
    assert "below the standard (shaded in the scenario's colour)" in labels
    one = charts.cover_chart(runs[1:])
    assert "below the standard" in [t.get_text() for t in one.legends[0].get_texts()]


def _hatched_spans(ax) -> list[tuple[float, float]]:
    """(first, stop) of the hatched disruption bands of an axes, in its x units."""
    spans = []
    for patch in ax.patches:
        if patch.get_hatch():
            spans.append((round(patch.get_x(), 6), round(patch.get_x() + patch.get_width(), 6)))
    for collection in ax.collections:
        if collection.get_hatch():
            for path in collection.get_paths():
                xs = path.vertices[:, 0]
                spans.append((round(xs.min(), 6), round(xs.max(), 6)))
    return spans


def test_disruptions_are_drawn_on_every_time_chart(variants):
    """Day 3 for 2 days from 1 Oct 2017: the band covers 4-6 Oct (x from 4 Oct to 6 Oct), reason "flood"."""
    first, stop = mdates.date2num(np.datetime64("2017-10-04")), mdates.date2num(np.datetime64("2017-10-06"))
    for name in ("cover", "ration", "population", "funding", "compliance", "fan", "first_shortage"):
        fig = charts.CHARTS[name](variants)
        for ax in fig.axes:
            assert (first, stop) in _hatched_spans(ax), name
        assert "disruption: flood" in [t.get_text() for t in fig.legends[0].get_texts()], name


def test_a_vary_of_more_than_three_variants_draws_small_multiples():
    points = [(f"funding.funded_fraction={f}", small(funding={"funded_fraction": f})) for f in (0.4, 0.6, 0.8, 1.0)]
    runs = run_variants(points, replications=3)
    fig = fan_chart(runs)
    assert len(fig.axes) == 4  # one commodity x four variants
    assert [ax.get_title() for ax in fig.axes] == ["40% funded", "60% funded", "80% funded", "100% funded"]
    for ax in fig.axes:
        assert len([c for c in ax.collections if not c.get_hatch()]) == 1  # one band per panel: none overlap
        assert ax.get_shared_y_axes().joined(ax, fig.axes[0])
    assert problems(fig) == []
    three = fan_chart(runs[:3])
    assert len(three.axes) == 1 and len([c for c in three.axes[0].collections if not c.get_hatch()]) == 3


def test_align_start_plots_scenarios_by_day_since_their_start():
    early, late = small(name="early"), small(name="late", start="2018-03-01")
    runs = run_variants([("early", early), ("late", late)], replications=2)  # the fan and first-shortage too
    by_date = charts.cover_chart(runs).axes[0]
    a, b = _scenario_lines(by_date, 2)
    assert a.get_xdata()[0] != b.get_xdata()[0]  # by date the two lines start five months apart
    for name, draw in charts.registry("start").items():
        fig = draw(runs)
        if name == "shortfall":  # bars by commodity: no time axis
            continue
        for ax in fig.axes:
            assert ax.get_xlabel() in ("day since start", ""), name
            lines = _scenario_lines(ax, 2)
            for line in lines:
                assert line.get_xdata().tolist() == [float(d) for d in range(12)], name
            assert (3.0, 5.0) in _hatched_spans(ax), name  # each flood on days 3 and 4 of its own scenario
        assert problems(fig, name) == []
        plt.close(fig)


@pytest.mark.slow
def test_align_start_on_the_command_line(tmp_path):
    from campsim.cli import main

    text = """name: {name}
start: {start}
days: 12
deterministic: true
population: {{initial: 1000}}
commodities:
  water: {{per_person_day: 15, initial_stock: 150000}}
disruptions: [{{start: 3, days: 2, reason: flood}}]
"""
    (tmp_path / "a.yaml").write_text(text.format(name="early", start="2017-10-01"))
    (tmp_path / "b.yaml").write_text(text.format(name="late", start="2018-03-01"))
    out = tmp_path / "out"
    args = ["compare", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "-o", str(out), "-q", "-j", "1"]
    assert main([*args, "--align", "start"]) == 0
    assert (out / "cover.png").stat().st_size > 5000
    result = campsim.compare([tmp_path / "a.yaml", tmp_path / "b.yaml"], align="start")
    assert result.align == "start"
    ax = result.plot("cover").axes[0]
    assert ax.get_xlabel() == "day since start"
    with pytest.raises(campsim.ScenarioError, match="align: expected 'date' or 'start'"):
        campsim.compare([tmp_path / "a.yaml", tmp_path / "b.yaml"], align="end")


def test_the_sweep_chart_has_a_us_dollar_axis_of_funding_received():
    """Water for 1,000 people, 15 L a day for 12 days at US$10 a litre: requirement 1,800,000;
    40% funded receives US$0.72 M, 70% US$1.26 M, 100% US$1.8 M."""
    from campsim.runs.sweep import sweep

    points = []
    for f in (0.4, 0.7, 1.0):
        s = small(funding={"funded_fraction": f}, disruptions=[])
        points.append(({"funding.funded_fraction": f}, f"funding.funded_fraction={f}", s))
    got = sweep("unused.yaml", ("funding.funded_fraction=0.4,0.7,1.0",), replications=2, points=points)
    fig = sweep_chart(got.table, got.keys)
    top = fig.axes[0]
    usd = next(child for child in top.get_children() if type(child).__name__ == "SecondaryAxis")
    assert usd.get_xticks().tolist() == [0.4, 0.7, 1.0]
    assert [t.get_text() for t in usd.get_xticklabels()] == ["0.7", "1.3", "1.8"]
    assert "US$ millions" in usd.get_xlabel().replace("\\", "")
    title = fig._suptitle.get_text()
    assert "funding.funded_fraction" not in title and "40% funded" in title
    assert problems(fig) == []


@pytest.mark.slow
def test_network_time_charts_keep_legends_off_the_data_and_show_site_disruptions():
    import yaml

    from campsim.report import network_charts
    from tests.conftest import ROOT

    data = yaml.safe_load((ROOT / "tests" / "data" / "network_small.yaml").read_text())
    data.update(disruptions=[{"start": 5, "days": 3, "sites": ["kilo18"], "reason": "strike"}])
    s = campsim.scenario_from_dict(data)
    r = campsim.simulate(s)
    fig = network_charts.camp_cover(r)
    assert problems(fig) == []
    kilo18 = [ax for ax in fig.axes if "kilo18" in ax.get_ylabel()][0]
    assert len(_hatched_spans(kilo18)) == 1
    others = [ax for ax in fig.axes if ax.get_ylabel() and "kilo18" not in ax.get_ylabel()]
    assert others and all(_hatched_spans(ax) == [] for ax in others)  # a strike at kilo18 only
    for chart in (network_charts.warehouse_stock, network_charts.route_use, network_charts.network_map):
        fig = chart(r)
        if fig is not None:
            assert problems(fig, chart.__name__) == []
    assert first_shortage_chart([("x", r)]) is None  # no replications: no chart


@pytest.mark.slow
def test_every_chart_of_the_shipped_scenarios_is_readable():
    """Every chart the reports write for the shipped scenarios: a run (with replications), compares of
    two and four, a two-year compare, --vary of three and of six, a sweep, a network run and compare,
    and the calibration: no legend over a data point, no title cut off, no raw dotted key."""
    from campsim.report import network_charts
    from campsim.report.calibration_chart import calibration_chart
    from campsim.report.folders import totals
    from campsim.runs.calibrate import calibrate
    from tests.conftest import ROOT

    def path(stem):
        return ROOT / "scenarios" / f"{stem}.yaml"

    ramadi, funded, surge, fts = (path(s) for s in ("ramadi", "ramadi-funded", "ramadi-surge", "ramadi-fts"))
    found, checked = [], []

    def check(what, fig):
        found.extend(problems(fig, what))
        checked.append(what)
        plt.close(fig)

    def add(what, registry, runs):
        for name, draw in registry.items():
            fig = draw(runs)
            if fig is not None:
                check(f"{what} {name}", fig)

    run = campsim.run_replications(campsim.load_scenario(ramadi), 8, jobs=1)
    add("run", charts.CHARTS, [("run", run)])
    add("compare of two", charts.CHARTS, campsim.compare([ramadi, funded]).runs)
    add("compare of four", charts.CHARTS, campsim.compare([ramadi, funded, surge, fts], replications=4, jobs=1).runs)
    add("two-year compare", charts.CHARTS, campsim.compare([ramadi, funded], overrides=["days=730"]).runs)
    vary = {"funding.funded_fraction": [0.62, 0.8, 1.0]}
    add("--vary of three", charts.CHARTS, campsim.compare(ramadi, vary=vary, replications=4, jobs=1).runs)
    vary = {"funding.funded_fraction": "0.5:1.0:0.1"}
    add("--vary of six", charts.CHARTS, campsim.compare(ramadi, vary=vary, replications=4, jobs=1).runs)
    sweep = campsim.sweep(ramadi, vary={"funding.funded_fraction": "0.3:1.0:0.1"}, replications=4, jobs=1)
    check("sweep", sweep.plot())
    anbar, bridge = path("anbar"), path("anbar-bridge")
    network = campsim.run_replications(campsim.load_scenario(bridge), 2, jobs=1)
    add("network run", network_charts.RUN_CHARTS, [("run", network)])
    both = campsim.compare([anbar, bridge]).runs
    add("network compare", network_charts.compare_charts(both), both)
    net_sweep = campsim.sweep(anbar, vary={"funding.funded_fraction": "0.4:1.0:0.3"}, replications=2, jobs=1)
    check("network sweep", charts.sweep_chart(totals(net_sweep.table), net_sweep.keys))
    cal = calibrate(campsim.load_scenario(ramadi), ROOT / "scenarios" / "data" / "anbar-2017-dtm.csv")
    check("calibration", calibration_chart(cal))
    assert found == []
    assert len(checked) == 8 + 6 + 8 + 6 + 8 + 8 + 1 + 4 + 3 + 1 + 1
