"""What the reports say, in words (issue 15 points 1, 3, 5, 6, 7, 8, 16; issue 17 point 4).

Each test runs the command in-process (``main([...])``) and reads what a user reads:
summary.json, summary.md, report.html and the terminal.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings

import pytest

from campsim.cli import main
from campsim.report.headline import commodity_sentence, headlines, overall
from campsim.report.terminal import printable
from campsim.report.wording import day_words, plural, verb
from tests.conftest import ROOT

RAMADI = ROOT / "scenarios" / "ramadi.yaml"
SURGE = ROOT / "scenarios" / "ramadi-surge.yaml"
ISO = re.compile(r"\d{4}-\d\d-\d\d")

TWO = """\
name: two items (50% funded)
start: 2017-10-01
days: 60
deterministic: true
population: {initial: 1000}
funding: {funded_fraction: 0.5}
commodities:
  food:
    per_person_day: 1
    unit_cost_usd: 1
    initial_stock: 1000
    ordering: {review_every_days: 1, order_up_to_days: 1, lead_time_days: 1}
  water:
    per_person_day: 15
    unit: litre
    unit_cost_usd: 0.01
    initial_stock: 15000
    ordering: {review_every_days: 1, order_up_to_days: 1, lead_time_days: 1}
"""


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


def html_headline(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", section(page, 'id="headline"', "</section>"))


# --- point 1: overrides are recorded and shown -------------------------------------------------


def test_an_override_is_recorded_in_summary_json_and_shown_under_every_title(tmp_path, capsys):
    out = tmp_path / "full"
    assert main(["run", str(RAMADI), "--set", "funding.funded_fraction=1", "--set", "seed=7",
                 "--out", str(out), "--no-charts"]) == 0  # fmt: skip
    terminal = capsys.readouterr().out.splitlines()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overrides"] == ["funding.funded_fraction=1", "seed=7"]
    assert "(62% funded)" in summary["scenario"]  # the file's name stays; the overrides qualify it
    shown = "with --set funding.funded_fraction=1 --set seed=7"
    md = (out / "summary.md").read_text().splitlines()
    assert md[0].endswith("(62% funded)") and shown in md[2]  # right under the title
    page = (out / "report.html").read_text()
    h1 = page.index("<h1>")
    assert shown in page[h1 : page.index('class="meta"', h1)]  # between the title and the rest
    assert "(62% funded)" in terminal[0] and terminal[1] == shown


def test_a_run_as_written_records_no_override(tmp_path, capsys):
    out = tmp_path / "as-written"
    assert main(["run", str(RAMADI), "--out", str(out), "--no-charts"]) == 0
    assert json.loads((out / "summary.json").read_text())["overrides"] == []
    assert "with --set" not in (out / "summary.md").read_text() + capsys.readouterr().out
    assert 'id="overrides"' not in (out / "report.html").read_text()


def test_each_compare_variant_records_its_own_overrides(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", str(RAMADI), "--set", "seed=3", "--vary", "funding.funded_fraction=0.62,1.0",
                 "--out", str(out), "--no-charts"]) == 0  # fmt: skip
    terminal = capsys.readouterr().out.splitlines()
    assert terminal[:2] == ["funding.funded_fraction=0.62: with --set seed=3 --set funding.funded_fraction=0.62",
                            "funding.funded_fraction=1.0: with --set seed=3 --set funding.funded_fraction=1.0"]  # fmt: skip
    md = (out / "compare.md").read_text()
    assert "with --set seed=3 --set funding.funded_fraction=0.62" in md
    assert "with --set seed=3 --set funding.funded_fraction=1.0" in md
    assert "with --set seed=3 --set funding.funded_fraction=1.0" in (out / "report.html").read_text()


def test_a_sweep_shows_its_shared_overrides_under_its_title(tmp_path, capsys):
    out = tmp_path / "sw"
    assert main(["sweep", str(RAMADI), "--set", "seed=5", "--vary", "funding.funded_fraction=0.5,1.0", "-n", "2",
                 "-j", "1", "--out", str(out), "--no-charts"]) == 0  # fmt: skip
    assert capsys.readouterr().out.splitlines()[0] == "with --set seed=5"
    page = (out / "report.html").read_text()
    assert 'id="overrides"><strong>with --set seed=5</strong>' in page
    assert "funding.funded_fraction" not in html_headline(page)  # the headline speaks words, not keys


# --- points 3 and 7: why it ran out, by severity, the money --------------------------------------


def test_the_headline_orders_commodities_by_person_days_short_not_by_date(tmp_path):
    out = tmp_path / "r"
    assert main(["run", str(RAMADI), "--out", str(out), "--no-charts", "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    c = summary["commodities"]
    by_date = sorted((x["first_shortage_date"], n) for n, x in c.items() if x["shortage_days"])
    by_severity = sorted((n for n in c if c[n]["shortage_days"]), key=lambda n: -c[n]["shortfall_person_days"])
    assert by_date[0][1] != by_severity[0]  # Ramadi: hygiene goes short first, water worst
    bullets = [line for line in section((out / "summary.md").read_text(), "## Headline", "## Shortages").splitlines()
               if line.startswith("- ")]  # fmt: skip
    assert [b[2:].split(":")[0].lower() for b in bullets[: len(by_severity)]] == [n.replace("_", " ")
                                                                                  for n in by_severity]  # fmt: skip
    page = html_headline((out / "report.html").read_text())
    assert page.index("Water:") < page.index("Hygiene:") < page.index("Food:")


def test_a_headline_sentence_uses_one_date_format_and_plural_units(tmp_path):
    out = tmp_path / "r"
    assert main(["run", str(RAMADI), "--out", str(out), "--no-charts", "--quiet"]) == 0
    headline = section((out / "summary.md").read_text(), "## Headline", "## Shortages")
    assert not ISO.search(headline)
    assert "water falls below 15 litres per person per day" in headline
    water = json.loads((out / "summary.json").read_text())["commodities"]["water"]
    assert day_words(water.get("funds_exhausted_first_date") or water["first_shortage_date"]) in headline
    assert not ISO.search(html_headline((out / "report.html").read_text()))


def funds_summary() -> dict:
    """What h-outcomes' keys look like: water's money ran out, kit money left over."""
    water = {"kind": "per_person_day", "unit": "litre", "shortage_days": 64, "longest_shortage_days": 36,
             "first_shortage_date": "2017-11-22", "first_shortage_cause": "funds exhausted",
             "funds_exhausted_days": 60, "funds_exhausted_first_date": "2017-11-28", "peak_people_short": 46_469,
             "shortfall_person_days": 2_989_982.0, "shortfall": 44_849_730.0, "unmet_cost_usd": 336_373.0,
             "balance_usd": 0.0, "coverage": 0.63, "requirement_source": "file"}  # fmt: skip
    food = {**water, "unit": "ration", "first_shortage_cause": "ration cut", "funds_exhausted_days": 0,
            "funds_exhausted_first_date": None, "first_shortage_date": "2017-10-30",
            "shortfall_person_days": 1_462_045.0, "requirement_source": "need"}  # fmt: skip
    kits = {"kind": "per_new_household", "unit": "kit", "shortage_days": 75, "longest_shortage_days": 40,
            "first_shortage_date": "2017-11-05", "first_shortage_cause": "pipeline break", "peak_people_short": 7_200,
            "shortfall_person_days": 414_589.0, "shortfall": 900.0, "unmet_cost_usd": 0.0, "coverage": 1.0,
            "balance_usd": 306_627.14, "kits_delivered": 4_100, "households_waited": 1_200, "mean_wait_days": 11.5,
            "longest_wait_days": 40, "on_time_share": 0.62, "requirement_source": "file"}  # fmt: skip
    return {"replications": 1, "commodities": {"food": food, "household_kits": kits, "water": water},
            "funding": {"received_usd": 1.0, "requirement_usd": 2.0}}  # fmt: skip


def test_the_money_running_out_is_the_headline_cause():
    summary = funds_summary()
    sentence = commodity_sentence("water", summary["commodities"]["water"], summary)
    assert sentence.startswith("Water: the money ran out on 28 Nov 2017; ")
    assert "up to about 46,000 people on 64 days" in sentence
    assert [s.split(":")[0] for s in headlines(summary)] == ["Water", "Food", "Household kits"]  # by severity


def test_unspent_money_beside_exhausted_money_and_a_derived_requirement_are_said():
    text = overall(funds_summary())
    assert ("US$306,627 of household kits money was left unspent while water's money ran out: "
            "a better split of the budget would help.") in text  # fmt: skip
    assert "allocate" not in text  # no command that does not exist yet
    assert "The requirement of food was derived from the scenario's own expected need" in text


# --- point 6: kits are a backlog ------------------------------------------------------------------


def test_kit_sentences_speak_of_waiting_and_delivery_by_the_end():
    summary = funds_summary()
    sentence = commodity_sentence("household_kits", summary["commodities"]["household_kits"], summary)
    assert sentence.startswith("Household kits: 4,100 kits delivered; 1,200 households waited (on average 11.5 days")
    assert "62% handed out on the day the household arrived" in sentence
    assert "414,589 person-days waiting; 100.0% delivered by the end." in sentence
    assert "ration" not in sentence and "person-days short" not in sentence


def test_the_surge_reports_kits_without_a_ration(tmp_path, capsys):
    out = tmp_path / "surge"
    assert main(["run", str(SURGE), "--out", str(out), "--no-charts"]) == 0
    row = next(r for r in capsys.readouterr().out.splitlines() if r.startswith("household_kits"))
    md = (out / "summary.md").read_text()
    kits = next(line for line in md.splitlines() if line.startswith("- Household kits"))
    assert "person-days waiting" in kits and "delivered by the end" in kits and "lowest ration" not in kits
    assert next(r for r in md.splitlines() if r.startswith("| household_kits |")).split(" | ")[5] == "-"
    assert row.split()[5] == "-"  # min ration
    page = (out / "report.html").read_text()
    card = page[page.rindex("<h3>household_kits</h3>") :]
    card = card[: card.index("</dl>")]
    assert "delivered by the end" in card and "lowest ration" not in card


# --- point 5: means say they are means ------------------------------------------------------------


def test_replicated_figures_say_mean_of_n_with_p10_p90_and_no_replication_0_dates(tmp_path, capsys):
    out = tmp_path / "reps"
    assert main(["run", str(RAMADI), "-n", "6", "-j", "1", "--out", str(out), "--no-charts"]) == 0
    terminal = capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text())
    md = (out / "summary.md").read_text()
    assert "mean of 6 replications" in terminal and "mean of 6 replications" in md
    for name, c in summary["commodities"].items():
        row = next(r for r in terminal.splitlines() if r.startswith(name))
        u = summary["uncertainty"][name]
        assert f"{c['shortfall_person_days']:,.0f} ({u['shortfall_person_days']['p10']:,.0f}–" in row
        assert f"{c['shortage_days']:.1f} ({u['shortage_days']['p10']:.1f}–{u['shortage_days']['p90']:.1f})" in row
        table_row = next(r for r in md.splitlines() if r.startswith(f"| {name} |"))
        assert f"{c['shortage_days']:.1f} (P10–P90 " in table_row
    assert not re.search(r"\d\.\d\d days", md + terminal)  # counts of days: one decimal
    headline = section(md, "## Headline", "## Shortages")
    medians = {c["first_shortage_date"] for c in summary["commodities"].values()}
    water = summary["commodities"]["water"]
    assert f"median first shortage {day_words(water['first_shortage_date'])}" in headline
    for c in summary["commodities"].values():
        for b in c["pipeline_breaks"]:  # replication 0's: named as such, never in a sentence about means
            if b["start"] not in medians:
                assert day_words(b["start"]) not in headline and b["start"] not in headline
    assert "## Pipeline breaks in replication 0" in md


# --- point 8: the solver's knob and words ---------------------------------------------------------


def test_a_global_knob_warns_about_commodities_no_target_names(tmp_path, capsys, monkeypatch):
    path = tmp_path / "two.yaml"
    path.write_text(TWO)
    monkeypatch.chdir(tmp_path)
    args = ["--target", "water.shortage_days<=0", "-n", "1", "-j", "1", "--quiet", "--tol", "0.01"]
    assert main(["solve", str(path), "--vary", "funding.funded_fraction", *args, "--out", "g"]) == 0
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if line.startswith("warning:")] == [
        "warning: funding.funded_fraction also raises the funding of food, which no --target names, and the cost "
        "on top counts them; to fund only what the targets name, use --vary commodities.water.funded_fraction"
    ]
    assert main(["solve", str(path), "--vary", "commodities.water.funded_fraction", *args]) == 0
    assert "warning" not in capsys.readouterr().err
    words = (tmp_path / "reports" / "solve-two" / "solve.md").read_text().split("\n\n")[1]
    assert words.startswith("Raising water's share of its requirement funded to ") and "funded_fraction" not in words
    assert main(["run", str(path), "--quiet", "--no-charts"]) == 0  # the same scenario: the solve's figure
    headline = section((tmp_path / "reports" / "two" / "summary.md").read_text(), "## Headline", "## Shortages")
    assert "Raising water's share of its requirement funded to " in headline
    assert "water's days below the standard at most 0" in headline
    assert "funded_fraction" not in headline and "<=" not in headline and "water.shortage_days" not in headline


def test_the_readme_solves_with_the_per_commodity_knob():
    readme = (ROOT / "README.md").read_text()
    solve = readme[readme.index("campsim solve scenarios/ramadi.yaml") :]
    assert solve.split("\n")[0].endswith("--vary commodities.water.funded_fraction \\")


# --- point 16: help and wording -------------------------------------------------------------------


@pytest.mark.parametrize("command", ["compare", "sweep", "solve"])
def test_out_help_names_the_command_s_own_folder(command, capsys):
    assert main([command, "--help"]) == 0
    assert f"reports/{command}-" in " ".join(capsys.readouterr().out.split())


def test_run_help_lists_the_charts_as_a_default_output(capsys):
    assert main(["run", "--help"]) == 0
    text = capsys.readouterr().out
    assert text.index("*.png ") < text.index("--replications N > 1") and "--svg" in text


def test_units_are_plural_and_verbs_agree():
    assert plural("litre", 15) == "litres" and plural("litre", 1) == "litre"
    assert plural("g soap", 15) == "g soap" and plural("bar of soap", 2) == "bars of soap"
    assert verb("household_kits", "meets", "meet") == "meet" and verb("water", "meets", "meet") == "meets"
    blankets = {"kind": "per_person_day", "shortage_days": 0}
    assert commodity_sentence("blankets", blankets, {"replications": 1}).startswith("Blankets meet the standard")


# --- issue 17 point 4: control characters -------------------------------------------------------


def test_printable_escapes_control_characters_and_keeps_emoji():
    assert printable("a\x07b\x1b[31m\nc\u202e") == "a\\x07b\\x1b[31m\\nc\\u202e"
    assert printable("water 💧 👨‍👩‍👧") == "water 💧 👨‍👩‍👧"


@pytest.fixture
def hostile(tmp_path):
    """A scenario named with a BEL and an emoji, in a folder whose name holds a newline and an ESC."""
    folder = tmp_path / "camp\nfiles\x1b[31m"
    folder.mkdir()
    path = folder / "s.yaml"
    path.write_text(TWO.replace("name: two items (50% funded)", 'name: "ring \\a drop \U0001f4a7"'))
    return path


def test_control_characters_never_reach_the_terminal_raw(hostile, tmp_path, capsys):
    out = tmp_path / "out\x1b]0;title\x07"
    assert main(["run", str(hostile), "--out", str(out), "--no-charts"]) == 0
    got = capsys.readouterr()
    assert got.err == ""
    assert "ring \\x07 drop \U0001f4a7" in got.out and "out\\x1b]0;title\\x07" in got.out
    assert main(["validate", str(hostile)]) == 0
    assert main(["run", str(hostile.parent / "missing.yaml")]) == 2
    assert main(["run", str(hostile), "--set", "days=x"]) == 2
    got = capsys.readouterr()
    for text in (got.out, got.err):
        assert "\x1b" not in text and "\x07" not in text
    assert "camp\\nfiles\\x1b[31m" in got.out
    assert len(got.err.splitlines()) == 2 and all("camp\\nfiles\\x1b[31m" in line for line in got.err.splitlines())


@pytest.mark.slow
def test_charts_of_an_emoji_name_raise_no_glyph_warnings(hostile, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["run", str(hostile), "--out", str(tmp_path / "o"), "-j", "1", "--quiet"]) == 0  # in-process
    assert [str(w.message) for w in caught] == []


@pytest.mark.slow
def test_a_successful_run_with_charts_keeps_stderr_empty(hostile, tmp_path):
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "campsim", "run", str(hostile), "--out", str(tmp_path / "o")],
                          capture_output=True, env=env, cwd=tmp_path, timeout=120)  # fmt: skip
    assert done.returncode == 0 and done.stderr == b""
    assert b"\x1b" not in done.stdout and b"\x07" not in done.stdout


def test_a_replicated_network_and_a_replicated_compare_say_their_figures_are_means(tmp_path, capsys):
    out = tmp_path / "net"
    assert main(["run", str(ROOT / "scenarios" / "anbar.yaml"), "-n", "3", "-j", "1", "--set", "seed=3",
                 "--out", str(out), "--no-charts"]) == 0  # fmt: skip
    terminal = capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overrides"] == ["seed=3"]
    md = (out / "summary.md").read_text()
    assert "mean of 3 replications" in terminal and "with --set seed=3" in terminal
    assert [line for line in terminal.splitlines() if line.startswith("funding:")][0].endswith(" spent (means)")
    assert "mean of 3 replications" in md and "Worst (mean of 3 replications)" in md
    assert "P10–P90" in section(md, "## Person-days short", "## Warehouses")
    cmp = tmp_path / "cmp"
    assert main(["compare", str(RAMADI), "--vary", "funding.funded_fraction=0.62,1.0", "-n", "3", "-j", "1",
                 "--out", str(cmp), "--no-charts"]) == 0  # fmt: skip
    terminal = capsys.readouterr().out
    assert terminal.startswith("means of 3 replications each (P10–P90 in brackets")
    assert "Figures are means of 3 replications each" in (cmp / "compare.md").read_text()


def test_a_compare_headline_names_vary_variants_in_words(tmp_path):
    out = tmp_path / "cmp"
    assert main(["compare", str(RAMADI), "--vary", "commodities.water.funded_fraction=0.5,1", "--out", str(out),
                 "--no-charts", "--quiet"]) == 0  # fmt: skip
    headline = html_headline((out / "report.html").read_text())
    assert "water funded at 50%" in headline and "water funded at 100%" in headline
    assert "funded_fraction" not in headline
    md = (out / "compare.md").read_text()
    assert "funded_fraction" not in section(md, "\n\n", "## Shortfall")  # the sentences under the title
