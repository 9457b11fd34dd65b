"""A camp network's report: its charts (PNG and SVG), report.html and summary.md, run and compared.

Real files and real matplotlib, on a two-camp network small enough to check by eye: the hub
ships food to north (a 60 kg/day road, closed on days 3-4) and to south (which starts empty).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
import yaml

import campsim
from campsim.cli import main
from campsim.report import network_charts
from campsim.report.network import write_network_report
from tests.conftest import ROOT

CHARTS = ("camp_cover", "network_map", "warehouse_stock", "route_use")
TINY = {
    "name": "tiny network", "start": "2017-10-01", "days": 12, "deterministic": True,
    "commodities": {"food": {"per_person_day": 1, "unit_cost_usd": 1, "kg_per_unit": 1},
                    "water": {"per_person_day": 15, "unit_cost_usd": 0.01}},
    "warehouses": {"hub": {"location": [33.31, 44.36], "commodities": {"food": {"initial_stock": 5000}}}},
    "camps": {
        "north": {"location": [33.42, 43.10], "population": {"initial": 100},
                  "commodities": {"food": {"initial_stock": 200, "supply": {"from": "hub", "order_up_to_days": 5}},
                                  "water": {"initial_stock": 20000}}},
        "south": {"location": [33.12, 43.88], "population": {"initial": 200},
                  "commodities": {"food": {"initial_stock": 0, "supply": {"from": "hub", "order_up_to_days": 5}}}},
    },
    "routes": {"hub-north": {"from": "hub", "to": "north", "capacity_kg_per_day": 60},
               "hub-south": {"from": "hub", "to": "south"}},
    "disruptions": [{"start": 3, "days": 2, "routes": ["hub-north"], "reason": "bridge closed"}],
}  # fmt: skip


def tiny(**changes) -> dict:
    data = copy.deepcopy(TINY)
    data.update(copy.deepcopy(changes))
    return data


def funded() -> dict:
    """The tiny network with room on the roads, nothing closed and south stocked: no camp goes short."""
    data = tiny(disruptions=[])
    data["routes"]["hub-north"].pop("capacity_kg_per_day")
    data["camps"]["south"]["commodities"]["food"]["initial_stock"] = 400
    return data


def write(tmp: Path, name: str, data: dict) -> Path:
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """The tiny network run through the CLI, with its charts."""
    tmp = tmp_path_factory.mktemp("network")
    # charts in this process: on four small charts forking workers costs more than it saves
    assert main(["run", str(write(tmp, "tiny", tiny())), "--out", str(tmp / "report"), "-q", "-j", "1"]) == 0
    return tmp / "report"


def test_the_run_folder_holds_the_charts_as_png_and_the_page_shows_them(run):
    for name in CHARTS:
        assert (run / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert not (run / f"{name}.svg").exists()  # SVG only with --svg
    page = (run / "report.html").read_text()
    images = re.findall(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)"', page)
    assert len(images) == len(CHARTS) and all(alt for alt in images)
    assert "not built yet" not in (run / "summary.md").read_text() + page


def test_the_headline_names_the_camps_that_went_short_first_and_worst_as_summary_md_does(run):
    summary = json.loads((run / "summary.json").read_text())
    lines = [(camp, item, c) for camp, site in summary["camps"].items() for item, c in site["commodities"].items()]
    first = min((c["first_shortage_day"], camp, item) for camp, item, c in lines if c["shortage_days"])
    worst = max((c["shortfall_person_days"], camp, item) for camp, item, c in lines)
    assert (first[1], worst[1]) == ("south", "north")  # two different camps: each sentence is checked
    sentences = [f"First short: {first[1]}, {first[2]}, from 2017-10-01 (pipeline break).",
                 f"Worst: {worst[1]}, {worst[2]}: {worst[0]:,.0f} person-days short."]  # fmt: skip
    page, markdown = (run / "report.html").read_text(), (run / "summary.md").read_text()
    headline = page[page.index('id="headline"') : page.index("</section>")]
    for sentence in sentences:
        assert sentence in headline and sentence in markdown
    assert "Roads closed: hub-north (2 days)." in headline
    # the camps x commodities table: south takes no water
    table = page[page.index('id="person-days"') : page.index("</table>", page.index('id="person-days"'))]
    assert re.search(r"<td>south</td><td class=\"num\">200</td><td class=\"absent\">not taken</td>", table)


def test_no_headline_claims_when_no_camp_goes_short(tmp_path):
    result = campsim.simulate(campsim.scenario_from_dict(funded()))
    out = write_network_report(result, tmp_path / "funded", charts=False)
    page = (out / "report.html").read_text()
    headline = page[page.index('id="headline"') : page.index("</section>")]
    assert "No camp went short of anything." in headline
    for claim in ("First short", "Worst", "Roads closed", "Trucks full", "could not fill", "turned away"):
        assert claim not in headline, claim
    assert "First short" not in (out / "summary.md").read_text()
    fig = network_charts.network_map(result)
    assert fig.axes[0].get_title() == "Network: no camp went short"
    assert network_charts.camp_cover(result)._suptitle.get_text() == "Days of cover per camp: no camp goes short"
    plt.close("all")


def test_people_turned_away_are_named_in_the_headline_where_they_were(tmp_path):
    data = funded()
    data["camps"]["north"]["population"].update(max_population=100, arrivals=[{"rate": {"2017-10-01": 10}}])
    result = campsim.simulate(campsim.scenario_from_dict(data))
    page = (write_network_report(result, tmp_path / "full", charts=False) / "report.html").read_text()
    away = result.summary["camps"]["north"]["population"]["turned_away"]
    assert away == 120 and f"People turned away (no room, nowhere to send them): north {away:,.0f}." in page


def test_the_map_is_schematic_when_a_site_has_no_location():
    located, geographic = network_charts.node_positions(campsim.scenario_from_dict(tiny()))
    assert geographic and located["north"] == (43.10, 33.42)  # (longitude, latitude)
    data = tiny()
    del data["camps"]["south"]["location"]
    positions, geographic = network_charts.node_positions(campsim.scenario_from_dict(data))
    assert not geographic
    assert positions == {"hub": (0.0, 0.0), "north": (1.0, 0.5), "south": (1.0, -0.5)}  # camps top to bottom


def test_the_charts_draw_what_the_run_did():
    result = campsim.simulate(campsim.scenario_from_dict(tiny()))
    roads = network_charts.network_map(result).axes[0].get_lines()[:2]
    kg = [result.summary["routes"][name]["shipped_kg"] for name in ("hub-north", "hub-south")]
    assert [line.get_linewidth() for line in roads] == pytest.approx([1 + 9 * k / max(kg) for k in kg])
    assert roads[0].get_linestyle() == "--" and roads[1].get_linestyle() == "-"  # north's road was closed
    north, south = network_charts.route_use(result).axes
    assert [line.get_ydata()[0] for line in north.get_lines()] == [0.06]  # its truck capacity in t/day
    assert south.get_lines() == [] and len(north.patches) == 1 and not south.patches  # the closure shaded
    cover = network_charts.camp_cover(result).axes
    assert len(cover) == 4 and cover[3].texts[0].get_text() == "not taken here"  # south x water
    plt.close("all")
    direct = tiny(warehouses={}, routes={}, disruptions=[])
    for camp in direct["camps"].values():
        camp["commodities"]["food"] = {"initial_stock": 5000}
    alone = campsim.simulate(campsim.scenario_from_dict(direct))
    assert network_charts.warehouse_stock(alone) is None and network_charts.route_use(alone) is None


def test_no_charts_writes_no_image_but_still_the_page(tmp_path):
    out = tmp_path / "report"
    assert main(["run", str(write(tmp_path, "tiny", tiny())), "--out", str(out), "--no-charts", "-q"]) == 0
    assert not list(out.glob("*.png")) and not list(out.glob("*.svg"))
    page = (out / "report.html").read_text()
    assert "<img" not in page and "Worst: north, food" in page


def test_a_compare_of_two_networks_writes_its_page(tmp_path):
    a, b = write(tmp_path, "short", tiny()), write(tmp_path, "funded", funded())
    out = tmp_path / "compare"
    assert main(["compare", str(a), str(b), "--out", str(out), "--no-charts", "-q"]) == 0
    page = (out / "report.html").read_text()
    assert "<img" not in page and "not built yet" not in (out / "compare.md").read_text()
    table = page[page.index('id="compare-pd"') : page.index("</table>", page.index('id="compare-pd"'))]
    assert "<td>network</td><td>food</td>" in table and "<td>south</td><td>water</td>" not in table
    assert re.search(r"<td>north</td><td>food</td><td class=\"num\">460</td><td class=\"num\">0</td>", table)
    assert "Worst: north, food: 460 person-days short." in page and "No camp went short of anything." in page


@pytest.mark.slow
def test_a_compare_of_two_networks_draws_a_map_each_and_the_camps_short(tmp_path):
    a, b = write(tmp_path, "short", tiny()), write(tmp_path, "funded", funded())
    out = tmp_path / "compare"
    assert main(["compare", str(a), str(b), "--out", str(out), "-q", "--svg"]) == 0
    for name in ("camp_shortfall", "map_1", "map_2"):
        assert (out / f"{name}.png").stat().st_size > 1000 and (out / f"{name}.svg").stat().st_size > 1000
    assert (out / "report.html").read_text().count("<img") == 3


@pytest.mark.slow
def test_a_replicated_network_page_says_which_figures_are_means(tmp_path):
    out = tmp_path / "report"
    path = ROOT / "tests" / "data" / "network_small.yaml"
    assert main(["run", str(path), "-n", "3", "-j", "1", "--out", str(out), "-q"]) == 0
    page = (out / "report.html").read_text()
    assert "figures are means over them" in page and "show replication 0" in page
    assert 'id="uncertainty"' in page and page.count("<img") == len(CHARTS)
