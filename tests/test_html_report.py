"""report.html of a run and of a comparison: self-contained, complete, escaped."""

from __future__ import annotations

import base64
import csv
import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest

import campsim
from campsim.cli import main
from campsim.report.yamlview import scalar
from campsim.runs.compare import load_variants, run_variants
from tests.conftest import ROOT

RAMADI = ROOT / "scenarios" / "ramadi.yaml"
FUNDED = ROOT / "scenarios" / "ramadi-funded.yaml"
CHARTS = {"cover", "ration", "population", "funding", "shortfall", "compliance"}


class Page(HTMLParser):
    """Collects what the tests look at: references, images, figure ids, text."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.images: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        self.refs += [v for k, v in attrs.items() if k in ("src", "href", "action", "data") and v]
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        if "id" in attrs:
            self.ids.add(attrs["id"])

    def handle_data(self, data):
        self.text.append(data)


def parse(path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def assert_self_contained(page: Page) -> None:
    assert page.refs, "no references at all?"
    for ref in page.refs:
        assert ref.startswith("data:"), ref
    assert "script" not in page.tags and "link" not in page.tags
    for src in page.images:
        head, payload = src.split(",", 1)
        assert head == "data:image/png;base64"
        assert base64.b64decode(payload)[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def run_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "ramadi"
    assert main(["run", str(RAMADI), "--out", str(out), "--quiet"]) == 0
    return out


def test_run_report_is_self_contained_and_has_every_chart(run_report):
    page = parse(run_report / "report.html")
    assert_self_contained(page)
    assert {f"chart-{name}" for name in CHARTS} <= page.ids
    assert len(page.images) == len(CHARTS)
    text = " ".join(page.text)
    summary = json.loads((run_report / "summary.json").read_text())
    water = summary["commodities"]["water"]
    assert "water falls below 15 litres per person per day" in text
    assert f"{water['shortfall_person_days']:,.0f} person-days" in text
    for kind in ("tranche", "disruption", "stockout"):
        assert kind in text
    assert "Sphere Handbook 2018, water supply standard 2.1" in text  # standards with sources
    assert "Appendix: scenario inputs" in text
    for name in CHARTS:
        assert (run_report / f"{name}.png").stat().st_size > 0
        assert not (run_report / f"{name}.svg").exists()  # PNG only unless --svg
    assert "(also as cover.png beside this file)" in text


@pytest.mark.slow  # over 1 s: kept out of the default run's 2 minutes (CI runs it)
def test_run_with_svg_writes_each_chart_as_svg_too_and_the_page_says_so(tmp_path):
    out = tmp_path / "r"
    assert main(["run", str(RAMADI), "--out", str(out), "--quiet", "--svg"]) == 0
    for name in CHARTS:
        assert "<svg" in (out / f"{name}.svg").read_text()[:2000]
    assert "(also as cover.png and cover.svg beside this file)" in (out / "report.html").read_text()


def test_write_report_writes_svg_only_when_asked(tmp_path):
    swept = campsim.sweep(RAMADI, {"funding.funded_fraction": [0.5, 1.0]}, replications=4, jobs=1)
    campsim.write_report(swept, tmp_path / "png")
    campsim.write_report(swept, tmp_path / "svg", svg=True)
    assert sorted(p.name for p in (tmp_path / "png").glob("sweep.*")) == ["sweep.csv", "sweep.png"]
    assert sorted(p.name for p in (tmp_path / "svg").glob("sweep.*")) == ["sweep.csv", "sweep.png", "sweep.svg"]


def inputs_lines(html: str) -> list[tuple[int, str, str]]:
    """The inputs appendix as (depth, key, value) lines."""
    section = html[html.index('id="inputs"') :]
    section = section[: section.index("</section>")]
    rows = re.findall(r'--depth: (\d+)"><span class="k">(.*?)</span> (.*?)</div>', section)
    return [(int(d), unescape(k), unescape(v)) for d, k, v in rows]


def test_run_report_inputs_read_as_the_yaml_is_written(run_report):
    html = (run_report / "report.html").read_text()
    lines = inputs_lines(html)
    assert lines[:6] == [
        (0, "name:", "Ramadi camps, October 2017 influx (62% funded)"),
        (0, "start:", "2017-10-01"),  # the date as written
        (0, "days:", "182"),
        (0, "seed:", "2017"),  # an identifier: no thousands separator
        (0, "replications:", "1"),
        (0, "deterministic:", "no"),  # not Python's False
    ]
    # the food entry as a tree: commodities > food > ordering > order_up_to_days
    food = lines.index((1, "food:", ""))
    assert lines[food - 1] == (0, "commodities:", "")
    assert (2, "initial_stock:", "2,000,000") in lines[food:]  # 2000000 in the file
    assert (2, "capacity:", "4,000,000") in lines[food:]
    assert (2, "donations:", "none") in lines[food:]  # an empty list, not []
    assert (3, "order_up_to_days:", "90") in lines[food:]
    assert (4, "triangular:", "0, 1, 2") in lines  # water's lead time, a list of numbers
    # a list of mappings as YAML writes it: the first key after "- "
    disruption = lines.index((1, "- start:", "2017-11-20"))
    assert lines[disruption - 1 : disruption + 3] == [
        (0, "disruptions:", ""),
        (1, "- start:", "2017-11-20"),
        (2, "days:", "3"),
        (2, "reason:", "road closure on the supply route"),
    ]
    values = {value for _, _, value in lines}
    assert not values & {"False", "True", "[]", "None", "{}"}
    assert not any(re.fullmatch(r"\d+\.0", v) for v in values)  # no 4000000.0


@pytest.mark.parametrize(
    ("value", "key", "text"),
    [
        (False, "deterministic", "no"),
        (True, "x", "yes"),
        (None, "x", "none"),
        ([], "donations", "none"),
        ({}, "x", "none"),
        (4000000.0, "capacity", "4,000,000"),
        (32886, "initial", "32,886"),
        (2017, "seed", "2017"),
        (0.62, "funded_fraction", "0.62"),
        (1234567.5, "x", "1,234,567.5"),
        ([7, 14.0, 30], "triangular", "7, 14, 30"),
        ("2017-10-01", "start", "2017-10-01"),
        ("", "reason", '""'),
    ],
)
def test_an_input_value_reads_as_a_yaml_author_writes_it(value, key, text):
    assert scalar(value, key) == text


def test_a_hostile_scenario_name_renders_as_text(tmp_path):
    out = tmp_path / "r"
    name = "<script>alert('x')</script> & co"
    assert main(["run", str(RAMADI), "--out", str(out), "--quiet", "--no-charts",
                 "--set", f"name={name}", "--set", "disruptions.0.reason=<img src=x onerror=alert(1)>"]) == 0  # fmt: skip
    html = (out / "report.html").read_text()
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co" in html
    page = parse(out / "report.html")
    assert name in " ".join(page.text)
    assert "script" not in page.tags


def test_compare_writes_the_table_words_charts_and_report(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", str(RAMADI), str(FUNDED), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "62% funded" in printed and "fully funded" in printed
    rows = list(csv.DictReader((out / "compare.csv").open()))
    assert len(rows) == 2 * 4
    # labels: the part of the names that differs; the full names stay in the name column
    assert {r["scenario"] for r in rows} == {"62% funded", "fully funded"}
    assert {r["name"] for r in rows} == {
        "Ramadi camps, October 2017 influx (62% funded)",
        "Ramadi camps, October 2017 influx (fully funded)",
    }
    funded = [r for r in rows if r["scenario"] == "fully funded"]
    assert all(float(r["received_usd"]) == pytest.approx(float(r["requirement_usd"])) for r in funded)
    md = (out / "compare.md").read_text()
    assert md.startswith("# Comparison: ") and "| water |" in md
    page = parse(out / "report.html")
    assert_self_contained(page)
    assert {f"chart-{name}" for name in CHARTS} <= page.ids
    text = " ".join(page.text)
    assert "funding.funded_fraction" in text  # what differs between the scenarios
    headline = headline_of((out / "report.html").read_text())
    water, cell = headline["table"][1][:2]  # the 62% funded column
    assert water == "Water" and cell.startswith("short from 22 Nov 2017 (pipeline break) for up to ")
    row = next(r for r in rows if r["scenario"] == "62% funded" and r["commodity"] == "water")
    assert (
        f"{float(row['shortfall_person_days']):,.0f} person-days, US${float(row['unmet_cost_usd']):,.0f} unmet" in cell
    )


def headline_of(html: str) -> dict[str, list]:
    """A comparison page's headline: its sentences and its table (header row first, cells as text)."""
    section = html[html.index('id="headline"') : html.index("</section>")]
    text = lambda cell: unescape(re.sub(r"<[^>]+>", "", cell)).strip()  # noqa: E731
    sentences = [text(li) for li in re.findall(r"<li>(.*?)</li>", section)]
    rows = [
        [text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr)] for tr in re.findall(r"<tr>(.*?)</tr>", section)
    ]
    return {"sentences": sentences, "header": rows[0], "table": rows[1:]}


def test_a_four_scenario_compare_headline_is_a_sentence_each_then_a_table(tmp_path):
    out = tmp_path / "four"
    assert main(["compare", str(RAMADI), "--vary", "funding.funded_fraction=0.25,0.5,0.75,1.0",
                 "--out", str(out), "--quiet", "--no-charts"]) == 0  # fmt: skip
    headline = headline_of((out / "report.html").read_text())
    labels = [f"every item funded at {p}%" for p in (25, 50, 75, 100)]
    assert headline["header"] == ["commodity", *labels]
    # the words of compare.md, laid out: its first line cut at each scenario, its bullets cut into cells
    md = (out / "compare.md").read_text().splitlines()
    overall = md[md.index("") + 1]
    assert overall.startswith("Every item funded at 25%: ")
    parts = overall.rstrip(".").split("; ")
    assert headline["sentences"] == [p[:1].upper() + p[1:] + "." for p in parts]
    assert len(headline["sentences"]) == 4
    bullets = [line[2:] for line in md if line.startswith("- ")]
    assert [row[0] for row in headline["table"]] == ["Food", "Water", "Hygiene", "Household kits"]
    for row, bullet in zip(headline["table"], bullets, strict=True):
        name, cells = row[0], row[1:]
        assert (
            bullet
            == f"{name}: " + "; ".join(f"{label}: {cell}" for label, cell in zip(labels, cells, strict=True)) + "."
        )
    assert headline["table"][3][3:] == ["never short", "never short"]  # kits at 75% and 100%


def test_compare_vary_labels_variants_by_value_and_shares_random_numbers(tmp_path):
    out = tmp_path / "vary"
    assert main(["compare", str(RAMADI), "--vary", "funding.funded_fraction=0.5:1.0:0.25",
                 "--out", str(out), "--quiet", "--no-charts"]) == 0  # fmt: skip
    rows = list(csv.DictReader((out / "compare.csv").open()))
    labels = list(dict.fromkeys(r["scenario"] for r in rows))
    assert labels == [f"funding.funded_fraction={v}" for v in ("0.5", "0.75", "1.0")]
    water = {r["scenario"]: r for r in rows if r["commodity"] == "water"}
    assert float(water[labels[0]]["received_usd"]) == pytest.approx(0.5 * float(water[labels[0]]["requirement_usd"]))
    assert "report.html" in {p.name for p in out.iterdir()}
    # common random numbers: every variant sees the same arrivals and lead times
    runs = run_variants(load_variants([str(RAMADI)], vary=("funding.funded_fraction=0.5,1.0",)))
    (_, low), (_, high) = runs
    assert low.daily["population"].equals(high.daily["population"])
    assert (
        low.summary["commodities"]["water"]["shortfall_person_days"]
        > high.summary["commodities"]["water"]["shortfall_person_days"]
    )


@pytest.mark.slow  # over 1 s: kept out of the default run's 2 minutes (CI runs it)
def test_compare_shows_commodities_a_scenario_lacks_as_absent(tmp_path):
    lean = tmp_path / "lean.yaml"
    lean.write_text(
        "name: lean\nstart: 2017-10-15\ndays: 30\npopulation: {initial: 5000}\n"
        "commodities:\n  water: {initial_stock: 100000}\n  fuel: {per_person_day: 0.5, initial_stock: 1000}\n"
    )
    out = tmp_path / "c"
    assert main(["compare", str(RAMADI), str(lean), "--out", str(out), "--quiet"]) == 0
    rows = list(csv.DictReader((out / "compare.csv").open()))
    absent = {(r["scenario"], r["commodity"]) for r in rows if r["present"] == "False"}
    assert ("lean", "food") in absent and ("Ramadi camps, October 2017 influx (62% funded)", "fuel") in absent
    assert "absent" in (out / "report.html").read_text()
    assert "absent" in (out / "compare.md").read_text()


def test_compare_with_one_invalid_file_exits_2_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nstart: 2017-10-01\ndays: 10\ncommodities:\n  water: {initial_stok: 5}\n")
    out = tmp_path / "out"
    assert main(["compare", str(RAMADI), str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:5: commodities.water.initial_stok: unknown key; did you mean initial_stock?" in err
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["compare", str(RAMADI)], "two or more"),
        (["compare", str(RAMADI), str(FUNDED), "--vary", "days=10,20"], "exactly one file"),
        (["compare", str(RAMADI), "--vary", "funding.funded_fraction"], "KEY=a,b,c"),
        (["compare", str(RAMADI), "--vary", "funding.funded_fraction=1:0:0.1"], "hi >= lo"),
        (["compare", str(RAMADI), "--vary", "funding.funded_fraction=0.5,1.5"], "funding.funded_fraction"),
    ],
)
def test_compare_bad_options_exit_2(args, words, capsys, tmp_path):
    assert main([*args, "--out", str(tmp_path / "o")]) == 2
    assert words in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_compare_default_folder_is_reports_compare_stem(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["compare", str(RAMADI), str(FUNDED), "--quiet", "--no-charts"]) == 0
    assert (tmp_path / "reports" / "compare-ramadi" / "compare.csv").exists()


def test_dates_in_words_are_kept_on_one_line_and_the_rest_escaped():
    from campsim.report.html import whole_dates

    got = whole_dates("<b> ran out on 28 Nov 2017; from 2017-11-28 & 3 Oct 17")
    assert str(got) == '&lt;b&gt; ran out on <span class="date">28 Nov 2017</span>; from 2017-11-28 &amp; 3 Oct 17'
