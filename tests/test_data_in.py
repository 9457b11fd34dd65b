"""Real data in: arrivals from plain and HXL-tagged CSV (DTM-style counts) and funding from FTS tables."""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml

import campsim
from campsim.cli import main
from campsim.plan.compile import arrival_means, compile, scheduled_departures
from tests.conftest import ROOT
from tests.conftest import draw_one as draw_inputs


def expected_population(s):
    return compile(s).expected_population


FTS = ROOT / "scenarios" / "data" / "iraq-2017-fts-clusters.csv"
CLUSTERS = {"Food Security": ["food"], "WASH": ["water"], "Shelter – NFI": ["kits"]}


def write_scenario(folder, arrivals=None, funding=None, days=10, **population):
    """A deterministic scenario beside its data files; returns its path."""
    data = {
        "name": "data case",
        "start": "2017-10-01",
        "days": days,
        "deterministic": True,
        "population": {"initial": 1000, **population, "arrivals": arrivals or []},
        "funding": funding or {},
        "commodities": {
            "food": {"per_person_day": 1, "unit_cost_usd": 1},
            "water": {"per_person_day": 15, "unit_cost_usd": 0.01},
            "kits": {"per_new_household": 1, "unit_cost_usd": 100},
        },
    }
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def load(folder, text, name="counts.csv", **component):
    (folder / name).write_text(text)
    return campsim.load_scenario(write_scenario(folder, [{"csv": name, **component}]))


# --- arrivals ---------------------------------------------------------------------------


def test_plain_csv_counts_are_each_days_arrivals(tmp_path):
    s = load(tmp_path, "date,arrivals\n2017-10-02,60\n2017-10-05,30\n")
    np.testing.assert_array_equal(arrival_means(s), [0, 60, 0, 0, 30, 0, 0, 0, 0, 0])


def test_hxl_tags_find_the_columns_whatever_the_headers_say(tmp_path):
    text = (
        'Report date,Location,New arrivals\n#date+reported,#adm1+name,#affected+arrived+ind\n2017-10-03,Anbar,"1,200"\n'
    )
    s = load(tmp_path, text)
    assert arrival_means(s)[2] == 1200  # found by #affected+arrived, thousands separator read


def test_hxl_without_a_text_header_and_a_tag_pattern_with_fewer_attributes(tmp_path):
    s = load(tmp_path, "#date,#affected+idps+ind\n2017-10-02,50\n", column="#affected+idps")
    assert arrival_means(s)[1] == 50


def test_dtm_idp_columns_are_arrivals_without_naming_them(tmp_path):
    # the tags: #affected+idps+ind is found for kind: arrivals (the default) ...
    s = load(tmp_path, "date,new idps\n#date+reported,#affected+idps+ind\n2017-10-02,50\n2017-10-04,70\n")
    np.testing.assert_array_equal(arrival_means(s)[:4], [0, 50, 0, 70])
    # ... and #affected+idps+hh is households, times household_size (6 by default)
    s = load(tmp_path, "date,new families\n#date,#affected+idps+hh\n2017-10-03,10\n", name="hh.csv")
    assert arrival_means(s)[2] == 60


def test_household_counts_become_people(tmp_path):
    (tmp_path / "hh.csv").write_text("date,families\n#date,#affected+idps+hh\n2017-10-02,10\n")
    path = write_scenario(tmp_path, [{"csv": "hh.csv", "column": "#affected+idps+hh"}], household_size=6.1)
    assert arrival_means(campsim.load_scenario(path))[1] == pytest.approx(61.0, rel=1e-12)


def test_cumulative_counts_spread_each_rise_evenly_since_the_last_report(tmp_path):
    text = "date,cumulative\n2017-10-01,100\n2017-10-04,400\n2017-10-05,400\n2017-10-09,480\n"
    s = load(tmp_path, text, kind="cumulative")
    # 300 over 2-4 Oct, nothing on the 5th, 80 over 6-9 Oct; the first report is the baseline
    np.testing.assert_allclose(arrival_means(s), [0, 100, 100, 100, 0, 20, 20, 20, 20, 0], rtol=1e-12)
    assert not scheduled_departures(s).any()


def test_a_population_series_becomes_arrivals_and_departures(tmp_path):
    text = "date,population\n#date,#affected+idps+ind\n2017-10-01,5000\n2017-10-03,5200\n2017-10-07,5000\n"
    s = load(tmp_path, text, kind="population")
    np.testing.assert_allclose(arrival_means(s), [0, 100, 100, 0, 0, 0, 0, 0, 0, 0])
    np.testing.assert_allclose(scheduled_departures(s), [0, 0, 0, 50, 50, 50, 50, 0, 0, 0])
    # population.initial stays 1,000 (the series only gives changes): hand-computed path
    np.testing.assert_allclose(expected_population(s), [1000, 1100, 1200, 1150, 1100, 1050, 1000, 1000, 1000, 1000])


def test_data_departures_come_on_top_of_the_daily_rate_and_never_take_more_than_are_there(tmp_path):
    (tmp_path / "pop.csv").write_text("date,population\n2017-10-01,900\n2017-10-03,0\n")
    path = write_scenario(tmp_path, [{"csv": "pop.csv", "kind": "population"}], departures_per_day=0.1)
    s = campsim.load_scenario(path)
    # day 0: 10% of 1000 leave; day 1: 10% of 900 + 450 scheduled; day 2: 10% of 360 + min(450, 324)
    np.testing.assert_allclose(expected_population(s)[:4], [900, 360, 0, 0], atol=1e-9)
    stochastic = s.model_copy(update={"deterministic": False})
    for replication in range(20):
        drawn = draw_inputs(stochastic, 3, replication)
        people = 1000 + np.cumsum(drawn.arrivals - drawn.departures)
        assert (people >= 0).all() and people[2] == 0


def test_the_shipped_dtm_file_reads_as_a_population_series():
    s = campsim.scenario_from_dict(
        {
            "name": "dtm",
            "start": "2017-10-02",
            "days": 58,
            "deterministic": True,
            "population": {
                "initial": 32886,
                "arrivals": [{"csv": "data/anbar-2017-dtm.csv", "kind": "population"}],
            },
            "commodities": {"water": {"per_person_day": 15}},
        },
        base_dir=ROOT / "scenarios",
    )
    path = expected_population(s)
    # the deterministic path goes through every report: 19 Oct (day 17), 26 Oct (24), 28 Nov (57)
    assert path[17] == pytest.approx(40266, rel=1e-12)
    assert path[24] == pytest.approx(41904, rel=1e-12)
    assert path[57] == pytest.approx(46308, rel=1e-12)


# --- funding from FTS -------------------------------------------------------------------


def fts_copy(folder):
    """The shipped FTS table copied beside a scenario (data files must lie in the scenario's folder)."""
    (folder / FTS.name).write_bytes(FTS.read_bytes())
    return FTS.name


def fts_scenario(folder, **funding):
    return campsim.load_scenario(write_scenario(folder, funding={"fts": fts_copy(folder), **funding}))


def test_clusters_give_each_commodity_its_clusters_share(tmp_path):
    s = fts_scenario(tmp_path, clusters=CLUSTERS)
    assert s.funded_fraction("food") == 113512986 / 235000000
    assert s.funded_fraction("water") == 57514305 / 139208327
    assert s.funded_fraction("kits") == 53677050 / 175313707
    result = campsim.simulate(s)
    food = result.summary["commodities"]["food"]
    assert food["received_usd"] == pytest.approx(food["requirement_usd"] * 113512986 / 235000000, rel=1e-12)


def test_unmapped_commodities_take_the_plan_row_or_the_scenarios_fraction(tmp_path):
    s = fts_scenario(tmp_path, clusters={"WASH": ["water"]})
    assert s.funded_fraction("food") == 475998738 / 984647064  # the plan total row
    s = fts_scenario(tmp_path, clusters={"WASH": ["water"]}, funded_fraction=0.9)
    assert s.funded_fraction("food") == 0.9 and s.funded_fraction("water") == 57514305 / 139208327
    s = fts_scenario(tmp_path)  # no clusters: the plan row for all
    assert {s.funded_fraction(n) for n in ("food", "water", "kits")} == {475998738 / 984647064}


def test_a_commoditys_own_fraction_wins_over_the_table(tmp_path):
    path = write_scenario(tmp_path, funding={"fts": fts_copy(tmp_path), "clusters": CLUSTERS})
    data = yaml.safe_load(path.read_text())
    data["commodities"]["food"]["funded_fraction"] = 0.25
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    assert campsim.load_scenario(path).funded_fraction("food") == 0.25


def test_percent_only_tables_and_over_funded_clusters(tmp_path):
    table = tmp_path / "fts.csv"
    table.write_text("cluster,percent_funded\n#sector+cluster+name,#value+funding+pct\nWASH,62%\nFood Security,130\n")
    clusters = {"WASH": ["water"], "Food Security": ["food", "kits"]}
    path = write_scenario(tmp_path, funding={"fts": "fts.csv", "clusters": clusters})
    s = campsim.load_scenario(path)
    assert s.funded_fraction("water") == 0.62 and s.funded_fraction("food") == 1.0  # over-funded: capped at 1


def test_a_sweep_warns_that_the_table_shadows_funded_fraction(tmp_path):
    from campsim.runs.sweep import shadow_warnings

    s = fts_scenario(tmp_path, clusters=CLUSTERS)
    warnings = shadow_warnings(s, ["funding.funded_fraction"])
    assert len(warnings) == 3 and "funding.fts table" in warnings[0]


# --- bad data: one line, exit 2 ---------------------------------------------------------


def validate(path, capsys) -> str:
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("text", "component", "words"),
    [
        ("date,people\n#date,#affected+ind\n2017-10-02,5\n", {"column": "#affected+hh"},
         ["counts.csv line 1", "no column '#affected+hh'"]),
        ("date,arrivals\n2017-10-02,many\n", {}, ["counts.csv line 2", "arrivals: expected a non-negative number, got 'many'"]),
        ("date,arrivals\n2017-10-05,1\n03/10/2017,2\n", {}, ["line 3", "expected an ISO date", "got '03/10/2017'"]),
        ("date,arrivals\n2017-10-02,-4\n", {}, ["line 2", "got '-4'"]),
        ("date,cumulative\n2017-10-02,10\n2017-10-04,5\n", {"kind": "cumulative"}, ["line 3", "cannot fall"]),
        ("date,population\n2017-10-02,10\n", {}, ["line 1", "missing column arrivals", "found 'date', 'population'"]),
        ("date,arrivals\n", {}, ["no data rows"]),
    ],
)  # fmt: skip
def test_bad_arrival_data_is_one_clear_line(tmp_path, capsys, text, component, words):
    (tmp_path / "counts.csv").write_text(text)
    err = validate(write_scenario(tmp_path, [{"csv": "counts.csv", **component}]), capsys)
    assert "population.arrivals.0.csv" in err
    for w in words:
        assert w in err, err


@pytest.mark.parametrize(
    ("funding", "words"),
    [
        ({"clusters": {"Food security": ["food"]}}, ["funding.clusters.Food security", "no cluster 'Food security'", "did you mean 'Food Security'?"]),
        ({"clusters": {"WASH": ["water"], "Health": ["water"]}}, ["mapped to two clusters"]),
        ({"clusters": {"WASH": ["soap"]}}, ["unknown commodity 'soap'"]),
    ],
)  # fmt: skip
def test_bad_cluster_mappings_are_one_clear_line(tmp_path, capsys, funding, words):
    err = validate(write_scenario(tmp_path, funding={"fts": fts_copy(tmp_path), **funding}), capsys)
    for w in words:
        assert w in err, err


def test_unmapped_commodity_without_a_plan_row_is_an_error(tmp_path, capsys):
    (tmp_path / "fts.csv").write_text("cluster,required_usd,funded_usd\nWASH,100,50\n")
    err = validate(write_scenario(tmp_path, funding={"fts": "fts.csv", "clusters": {"WASH": ["water"]}}), capsys)
    assert "commodity 'food' is in no cluster" in err


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("cluster,money\nWASH,5\n", ["fts.csv line 1", "missing columns"]),
        ("cluster,required_usd,funded_usd\nWASH,lots,5\n", ["fts.csv line 2", "got 'lots'"]),
        ("cluster,required_usd,funded_usd\nWASH,10,5\nWASH,10,6\n", ["line 3", "appears twice"]),
    ],
)
def test_bad_fts_tables_are_one_clear_line(tmp_path, capsys, text, words):
    (tmp_path / "fts.csv").write_text(text)
    err = validate(write_scenario(tmp_path, funding={"fts": "fts.csv", "clusters": {"WASH": ["water"]}}), capsys)
    assert "funding.fts" in err
    for w in words:
        assert w in err, err


def test_clusters_without_a_table_and_kind_without_a_file_are_schema_errors(tmp_path, capsys):
    err = validate(write_scenario(tmp_path, funding={"clusters": CLUSTERS}), capsys)
    assert "give fts: too" in err
    err = validate(write_scenario(tmp_path, [{"rate": {"2017-10-01": 5}, "kind": "population"}]), capsys)
    assert "column: and kind: describe a csv: file" in err


def test_fractions_are_finite_shares(tmp_path):
    s = fts_scenario(tmp_path, clusters=CLUSTERS)
    assert all(0 <= s.funded_fraction(n) <= 1 and math.isfinite(s.funded_fraction(n)) for n in s.commodities)


def test_individuals_are_preferred_to_households_when_both_are_given(tmp_path):
    text = "date,families,people\n#date,#affected+idps+hh,#affected+idps+ind\n2017-10-01,10,55\n2017-10-02,20,118\n"
    s = load(tmp_path, text, kind="population")
    assert arrival_means(s)[1] == 63  # 118 - 55 people, not (20 - 10) households x 6


# --- which column, and what the file must hold ------------------------------------------


def test_a_headcount_pattern_passes_over_a_column_of_arrivals(tmp_path):
    # #affected+ind also matches #affected+arrived+ind; for a population it must take the headcount
    text = "date,new arrivals,people in camp\n#date,#affected+arrived+ind,#affected+ind\n2017-10-02,10,1000\n2017-10-04,20,1100\n"
    s = load(tmp_path, text, kind="population")
    np.testing.assert_allclose(arrival_means(s)[:4], [0, 0, 50, 50], rtol=1e-12)  # +100 over 3-4 Oct


def test_individuals_are_preferred_among_the_columns_a_named_pattern_matches(tmp_path):
    text = "date,families,people\n#date,#affected+hh+idps,#affected+ind+idps\n2017-10-02,10,55\n"
    s = load(tmp_path, text, column="#affected+idps")
    assert arrival_means(s)[1] == 55  # the individuals, not 10 households x 6


def test_a_file_with_no_date_in_the_horizon_is_an_error(tmp_path, capsys):
    (tmp_path / "counts.csv").write_text("date,arrivals\n2016-10-02,5\n2016-10-03,7\n")  # a wrong year
    err = validate(write_scenario(tmp_path, [{"csv": "counts.csv"}]), capsys)
    assert "population.arrivals.0.csv" in err
    assert "no date within the scenario's horizon 2017-10-01 to 2017-10-10" in err
    assert "runs from 2016-10-02 to 2016-10-03" in err


def test_rows_outside_the_horizon_are_ignored_when_some_fall_inside(tmp_path):
    s = load(tmp_path, "date,arrivals\n2017-09-30,99\n2017-10-02,5\n2017-12-01,99\n")
    assert arrival_means(s).sum() == 5


def test_a_population_series_spanning_the_start_is_inside_the_horizon(tmp_path):
    # reports on 28 Sep and 12 Oct: the rise of 140 is spread over 29 Sep - 12 Oct, 10/day
    s = load(tmp_path, "date,population\n2017-09-28,1000\n2017-10-12,1140\n", kind="population")
    np.testing.assert_allclose(arrival_means(s), [10.0] * 10, rtol=1e-12)


def test_fts_percent_is_used_where_the_amounts_are_blank(tmp_path):
    table = tmp_path / "fts.csv"
    table.write_text("cluster,required_usd,funded_usd,percent_funded\nFood Security,,,40\nWASH,200,50,\n")
    path = write_scenario(
        tmp_path, funding={"fts": "fts.csv", "clusters": {"Food Security": ["food", "kits"], "WASH": ["water"]}}
    )
    s = campsim.load_scenario(path)
    assert s.funded_fraction("food") == 0.4 and s.funded_fraction("water") == 0.25


def test_fts_rows_without_a_share_matter_only_when_mapped(tmp_path, capsys):
    # FTS exports carry rows such as an unattributed "Not specified" with nothing required
    (tmp_path / "fts.csv").write_text(
        "cluster,required_usd,funded_usd\nWASH,200,50\nNot specified,0,1200\nCCCM,,\n,1000,500\n"
    )
    path = write_scenario(tmp_path, funding={"fts": "fts.csv", "clusters": {"WASH": ["water"]}})
    s = campsim.load_scenario(path)
    assert s.funded_fraction("water") == 0.25 and s.funded_fraction("food") == 0.5  # food, kits: the plan row
    path = write_scenario(
        tmp_path, funding={"fts": "fts.csv", "clusters": {"WASH": ["water"], "Not specified": ["food"]}}
    )
    err = validate(path, capsys)
    assert "fts.csv line 3" in err and "cluster 'Not specified': required is 0" in err
    path = write_scenario(tmp_path, funding={"fts": "fts.csv", "clusters": {"CCCM": ["kits"]}})
    assert "cluster 'CCCM': no required and funded USD, and no percent funded" in validate(path, capsys)


def test_garbage_in_an_unused_fts_cell_is_still_an_error(tmp_path, capsys):
    (tmp_path / "fts.csv").write_text("cluster,required_usd,funded_usd\nWASH,200,50\nHealth,n/a,5\n")
    err = validate(
        write_scenario(tmp_path, funding={"fts": "fts.csv", "clusters": {"WASH": ["water"]}, "funded_fraction": 1}),
        capsys,
    )
    assert "fts.csv line 3" in err and "got 'n/a'" in err


def test_lines_are_counted_in_the_file_not_in_records(tmp_path, capsys):
    # a quoted cell spanning two lines: the bad row is on line 4 of the file
    (tmp_path / "counts.csv").write_text('date,note,arrivals\n2017-10-02,"a\nb",3\n2017-10-03,x,y\n')
    assert "counts.csv line 4" in validate(write_scenario(tmp_path, [{"csv": "counts.csv"}]), capsys)


def test_a_mistyped_hashtag_is_named_not_taken_for_a_comment(tmp_path, capsys):
    (tmp_path / "counts.csv").write_text("#date,#affected+arrived,#adm1-name\n2017-10-02,3,x\n")
    err = validate(write_scenario(tmp_path, [{"csv": "counts.csv"}]), capsys)
    assert "counts.csv line 1" in err and "not an HXL hashtag: '#adm1-name'" in err


def test_a_nul_in_a_data_file_path_is_bad_input_not_a_crash(tmp_path, capsys):
    err = validate(write_scenario(tmp_path, [{"csv": "d\0.csv"}]), capsys)
    assert "population.arrivals.0.csv" in err and "not a usable file path" in err and "\0" not in err
