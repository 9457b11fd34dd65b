"""campsim forecast: the report folder, the terminal's order, bad states, HXL, and the Python API."""

from __future__ import annotations

import csv
import json
import re

import pytest

import campsim
from campsim.cli import main
from campsim.load.hxl import read_table
from campsim.report.forecast import WARNING_TAGS
from campsim.results.warning import WARNING_COLUMNS
from tests.conftest import ROOT
from tests.test_browser import CHROMEDRIVER, CHROMIUM, browser  # noqa: F401 (browser: the Chromium fixture)
from tests.test_hxl_out import assert_each_tag_finds_its_column, assert_valid_hxl_counting_people_only

WATER = """\
name: hand camp
start: 2017-10-01
days: 30
deterministic: true
population: {initial: 1000}
commodities:
  water:
    per_person_day: 15
    initial_stock: 150000
    ordering: {review_every_days: 7, order_up_to_days: 1, lead_time_days: 14}
  food:
    per_person_day: 1
    initial_stock: 100000
    ordering: {review_every_days: 7, order_up_to_days: 60, lead_time_days: 3}
"""
# at the end of day 4 (5 Oct): 10 days of water, 100 of food
STATE = """\
kind,date,site,commodity,quantity,note
as_of,2017-10-05,,,,
population,,,,1000,
stock,2017-10-05,,water,150000,
stock,2017-10-05,,food,100000,
balance,,,water,0,
balance,,,food,0,
"""
FOLDER_FILES = {"warning.csv", "warning.hxl.csv", "warning.md", "p_break_by_date.csv", "summary.json", "daily.csv",
                "events.csv", "daily_quantiles.csv", "p_shortage_by_date.csv", "report.html", "p_break.png",
                "cover_fan.png"}  # fmt: skip


@pytest.fixture
def camp(tmp_path):
    (tmp_path / "camp.yaml").write_text(WATER)
    (tmp_path / "state.csv").write_text(STATE)
    return tmp_path


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_forecast_writes_its_folder_and_prints_the_table_most_urgent_first(camp, capsys):
    out = camp / "f"
    argv = ["forecast", str(camp / "camp.yaml"), "--state", str(camp / "state.csv"), "--out", str(out), "-n", "3"]
    assert main(argv) == 0
    assert FOLDER_FILES <= {p.name for p in out.iterdir()}
    warning = rows(out / "warning.csv")
    assert list(warning[0]) == WARNING_COLUMNS
    assert [(r["commodity"], r["status"]) for r in warning] == [("water", "red"), ("food", "green")]
    # the forecast's run files: dated from the day after as_of, means over the 3 replications
    daily = rows(out / "daily.csv")
    assert daily[0]["date"] == "2017-10-06" and daily[-1]["date"] == "2017-10-30"
    assert json.loads((out / "summary.json").read_text())["replications"] == 3
    # the chart's data: water breaks on 16 Oct in every replication, food never
    chance = {(r["commodity"], r["date"]): float(r["p_break_by_date"]) for r in rows(out / "p_break_by_date.csv")}
    assert (chance["water", "2017-10-15"], chance["water", "2017-10-16"], chance["water", "2017-10-30"]) == (0, 1, 1)
    assert chance["food", "2017-10-30"] == 0
    printed = capsys.readouterr().out.splitlines()
    table = [line for line in printed if line.startswith(("red", "amber", "green"))]
    assert [line.split()[:2] for line in table] == [["red", "water"], ["green", "food"]]  # the csv's words
    assert "report:" in printed[-1]


def test_a_quantile_with_no_break_reads_none_within_the_forecast(camp, capsys):
    out = camp / "f"
    argv = ["forecast", str(camp / "camp.yaml"), "--state", str(camp / "state.csv"), "--out", str(out), "--no-charts"]
    assert main(argv) == 0
    food = next(r for r in rows(out / "warning.csv") if r["commodity"] == "food")
    assert (food["break_p10_date"], food["break_p50_date"], food["break_p90_date"]) == ("", "", "")  # #date: empty
    md_row = next(line for line in (out / "warning.md").read_text().splitlines() if line.startswith("| green | food"))
    assert md_row.count("| none within the forecast |") == 2 and md_row.count("none within the forecast") == 3
    html = (out / "report.html").read_text()
    assert html.count("none within the forecast</td>") == 3  # food's three cells (water breaks in each)
    printed = capsys.readouterr().out
    food_line = next(line for line in printed.splitlines() if line.startswith("green") and "food" in line)
    assert food_line.split()[6:9] == ["none"] * 3 and '("none": none within the forecast)' in printed


def test_report_html_opens_with_the_red_rows_in_plain_words(camp):
    out = camp / "f"
    assert main(["forecast", str(camp / "camp.yaml"), "--state", str(camp / "state.csv"), "--out", str(out), "-q"]) == 0
    html = (out / "report.html").read_text()
    first = re.search(r'<section class="headline" id="red">.*?</section>', html, re.S).group(0)
    # break on 16 Oct (day 11 after as_of); an order placed on 5 Oct lands by 19 Oct with the P90 lead time
    # (14 days; an order may come sooner when lead times vary, so no "at the earliest");
    # order 25 x 15,000 - 150,000 on hand - 15,000 the rule's day-14 order lands on 28 Oct = 210,000 L
    assert ("water: 100% chance of a pipeline break by 16 Oct 2017; order 210,000 litres by 2 Oct 2017 (already "
            "past: order now; with the 14-day lead time at P90 it arrives by 19 Oct 2017)") in first  # fmt: skip
    assert "earliest" not in html
    assert "food" not in first
    assert html.index('id="red"') < html.index('id="warning"') < html.index('id="chart-p_break"')
    md = (out / "warning.md").read_text()
    assert "order 210,000 litres by 2 Oct 2017 (already past: order now;" in md


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("stock,2017-10-05,,juice,5,", "unknown commodity 'juice'"),
        ("stock,2017-10-05,,water,-5,", "negative quantity"),
        ("pipeline,2017-10-05,,water,5,order", "on or before as_of"),
    ],
)
def test_a_bad_state_exits_2_with_one_line_naming_file_line_and_field(camp, capsys, line, words):
    (camp / "bad.csv").write_text(STATE + line + "\n")
    out = camp / "f"
    assert main(["forecast", str(camp / "camp.yaml"), "--state", str(camp / "bad.csv"), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.csv:8" in err[0] and words in err[0], err
    assert not out.exists()


def test_a_state_without_as_of_is_refused_before_any_work(camp, capsys):
    (camp / "bad.csv").write_text(STATE.replace("as_of,2017-10-05,,,,\n", ""))
    assert main(["forecast", str(camp / "camp.yaml"), "--state", str(camp / "bad.csv"), "--out", str(camp / "f")]) == 2
    assert "as_of" in capsys.readouterr().err
    assert not (camp / "f").exists()


def test_warning_hxl_is_valid_and_every_tag_finds_its_column_and_is_documented(camp):
    out = camp / "f"
    argv = ["forecast", str(camp / "camp.yaml"), "--state", str(camp / "state.csv"), "--out", str(out), "-q",
            "--no-charts"]  # fmt: skip
    assert main(argv) == 0
    table = read_table(out / "warning.hxl.csv", "warning columns")
    assert_each_tag_finds_its_column(table)
    assert [c.header for c in table.columns] == WARNING_COLUMNS
    assert_valid_hxl_counting_people_only(out / "warning.hxl.csv")
    doc = (ROOT / "docs" / "hxl.md").read_text()
    for column, tag in WARNING_TAGS.items():
        assert f"| `{column}` | `{tag}` |" in doc


def test_the_api_gives_the_cli_s_warning(camp):
    out = camp / "f"
    argv = ["forecast", str(camp / "camp.yaml"), "--state", str(camp / "state.csv"), "--out", str(out), "-q",
            "--no-charts", "-n", "2"]  # fmt: skip
    assert main(argv) == 0
    got = campsim.forecast(camp / "camp.yaml", camp / "state.csv", replications=2)
    written = rows(out / "warning.csv")
    assert got.warning["status"].tolist() == [r["status"] for r in written]
    assert got.warning["order_by_date"].tolist() == [r["order_by_date"] for r in written]
    assert got.plot().axes and got.plot("cover_fan").axes
    folder = campsim.write_report(got, camp / "api", charts=False)
    assert (folder / "warning.csv").read_text() == (out / "warning.csv").read_text()


HUB = """\
name: hub and camp
start: 2017-10-01
days: 40
deterministic: true
commodities:
  food: {unit: ration, per_person_day: 1, kg_per_unit: 0.6}
warehouses:
  hub:
    commodities:
      food: {initial_stock: 20000, ordering: {review_every_days: 7, order_up_to_days: 1, lead_time_days: 20}}
camps:
  c1:
    population: {initial: 1000}
    commodities:
      food: {initial_stock: 3000, supply: {from: hub, review_every_days: 1, order_up_to_days: 3}}
routes:
  r1: {from: hub, to: c1, transit_days: 1}
"""


def test_a_network_warns_of_its_warehouse_line_and_a_supplied_camp_waits_for_both_lead_times(tmp_path):
    # The camp asks for its 1,000 rations a day and the hub ships them (a day in transit) until its
    # 20,000 are gone: its last shipment leaves on day 19, and on day 20 (21 Oct) it is short. The camp's
    # 2,000 on hand and the last shipment carry it through day 22: day 23 (24 Oct) breaks. The hub's first
    # order (day 21, target 1 day of need) lands on day 41, after the horizon.
    (tmp_path / "hub.yaml").write_text(HUB)
    run = tmp_path / "run"
    assert main(["run", str(tmp_path / "hub.yaml"), "--write-state", "2017-10-05", "--out", str(run), "-q",
                 "--no-charts"]) == 0  # fmt: skip
    out = tmp_path / "f"
    assert main(["forecast", str(tmp_path / "hub.yaml"), "--state", str(run / "state.csv"), "--out", str(out), "-q",
                 "--no-charts"]) == 0  # fmt: skip
    got = {(r["site"], r["site_kind"]): r for r in rows(out / "warning.csv")}
    assert set(got) == {("c1", "camp"), ("hub", "warehouse")}
    hub, camp = got["hub", "warehouse"], got["c1", "camp"]
    assert hub["break_p50_date"] == "2017-10-21"
    short = [r["date"] for r in rows(out / "warehouses.csv") if float(r["dispatched"]) < float(r["requested"])]
    assert short[0] == "2017-10-21"
    assert float(hub["cover_days_today"]) == 15  # 20,000 - 5 days x 1,000 shipped, over the camp's 1,000 a day
    assert (hub["lead_time_p90_days"], hub["status"]) == ("20", "red")  # 21 Oct is before 5 Oct + 20
    assert camp["break_p50_date"] == "2017-10-24"
    assert camp["lead_time_p90_days"] == "21"  # the hub's 20 days and the road's 1
    assert float(camp["cover_days_today"]) == 2
    assert (camp["status"], camp["order_by_date"]) == ("red", "2017-10-03")  # 24 Oct - 21 days
    assert float(camp["order_quantity"]) == float(camp["person_days_short"]) == 17 * 1000  # days 23-39 unfed
    assert float(hub["order_quantity"]) == 17 * 1000  # its camp's want; it ends empty


def test_delay_risk_holds_the_day_8_delivery_back_and_brings_the_break_forward(camp, capsys):
    # 100,000 L due on day 8 after as_of: on time, the break is on day 17 (22 Oct); five days late (day 13),
    # the 150,000 L on hand run out after day 10 and days 11-12 (16-17 Oct) break first.
    (camp / "late.csv").write_text(STATE + "pipeline,2017-10-13,,water,100000,order\n")
    base = ["forecast", str(camp / "camp.yaml"), "--state", str(camp / "late.csv"), "-q", "--no-charts"]
    assert main([*base, "--out", str(camp / "on-time")]) == 0
    assert main([*base, "--out", str(camp / "late"), "--delay-risk", "5"]) == 0
    water = {name: next(r for r in rows(camp / name / "warning.csv") if r["commodity"] == "water")
             for name in ("on-time", "late")}  # fmt: skip
    assert water["on-time"]["break_p50_date"] == "2017-10-22"
    assert water["late"]["break_p50_date"] == "2017-10-16"
    assert main([*base, "--out", str(camp / "bad"), "--delay-risk", "{triangular: [5, 1]}"]) == 2
    assert "--delay-risk" in capsys.readouterr().err and not (camp / "bad").exists()


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None, reason="no Chromium or chromedriver on PATH")
def test_the_forecast_page_opens_in_chromium_red_first_with_its_charts(browser, tmp_path):  # noqa: F811
    out = tmp_path / "f"
    run = tmp_path / "run"
    network = str(ROOT / "tests" / "data" / "network_small.yaml")
    assert main(["run", network, "--write-state", "2017-11-01", "--out", str(run), "-q", "--no-charts"]) == 0
    assert main(["forecast", network, "--state", str(run / "state.csv"), "--days", "45", "-n", "50", "--out",
                 str(out), "-q"]) == 0  # fmt: skip
    browser.get((out / "report.html").as_uri())
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight]);"
    )
    assert len(images) == 2 and all(done and width > 0 and height > 0 for done, width, height in images), images
    red = browser.find_element("id", "red")
    assert red.is_displayed() and red.location["y"] < browser.find_element("id", "warning").location["y"]
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    browser.set_window_size(794, 1123)  # A4 width: the warning table fits without horizontal overflow
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 800
    browser.set_window_size(1200, 1600)


def test_the_forecast_charts_keep_legends_off_the_data_and_titles_whole(camp):
    from tests.chartcheck import problems

    got = campsim.forecast(camp / "camp.yaml", camp / "state.csv", replications=2)
    for chart in ("p_break", "cover_fan"):
        fig = got.plot(chart)
        assert problems(fig, chart) == []
        assert fig.legends, chart  # one legend for the figure, below its panels
    # the forecast starts the day after the state's date: the title names that date as the state's
    title = " ".join(got.plot("p_break")._suptitle.get_text().split())
    assert "(state as of 2017-10-05, 2 replications)" in title and "forecast from" not in title


def test_charts_are_png_only_unless_svg_is_asked_for(camp):
    plain, both = camp / "plain", camp / "both"
    base = ["forecast", str(camp / "camp.yaml"), "--state", str(camp / "state.csv"), "-q", "-n", "2"]
    assert main([*base, "--out", str(plain)]) == 0 and main([*base, "--out", str(both), "--svg"]) == 0
    assert not list(plain.glob("*.svg"))
    assert {p.name for p in both.glob("*.svg")} == {"p_break.svg", "cover_fan.svg"}


@pytest.mark.slow  # a process in a pseudo-terminal
def test_a_forecast_shows_its_progress_in_a_terminal_and_none_when_piped(camp):
    from tests.test_progress import in_pty, piped

    args = ["forecast", str(camp / "camp.yaml"), "--state", str(camp / "state.csv"), "-n", "40", "--no-charts",
            "--out", str(camp / "f")]  # fmt: skip
    assert b"forecast:" in in_pty(args)
    assert "forecast:" not in piped([*args, "--force"])
