"""HXL files from the field read as the user meant, with libhxl (the HXL reference library) as the oracle.

Each file is read twice: by campsim, and by libhxl with a tag pattern that names the column a
person would read (the total, or the +f and +m columns where there is none). The column
campsim picks and the counts per date it reads must be libhxl's. libhxl is a test dependency
only: campsim never imports it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
import yaml

import campsim
from campsim.cli import main
from campsim.load.counts import read_counts
from campsim.runs.calibrate import read_observed
from tests.conftest import ROOT

hxl = pytest.importorskip("hxl")
from hxl.input import InputOptions  # noqa: E402
from hxl.model import TagPattern  # noqa: E402

DTM_TITLE = "IOM DTM Iraq: camp population by site\nRound 84; source: IOM\n\n"


def libhxl_counts(path, pattern: str) -> tuple[list[int], dict[date, float]]:
    """libhxl's reading: the positions of the columns ``pattern`` matches, and their sum per date.

    Dates are the first ten characters of the #date cell: libhxl's own date parser reads
    2017-10-02T00:00:00 as 10 February.
    """
    data = hxl.data(str(path), InputOptions(allow_local=True))
    wanted = TagPattern.parse(pattern)
    columns = [i for i, c in enumerate(data.columns) if wanted.match(c)]
    when = TagPattern.parse("#date").find_column_index(data.columns)
    totals: dict[date, float] = defaultdict(float)
    for row in data:
        totals[date.fromisoformat(row.values[when].strip()[:10])] += sum(
            float(row.values[i].replace(",", "")) for i in columns
        )
    return columns, dict(sorted(totals.items()))


def campsim_counts(path, column=None, kind="population", camp=None) -> tuple[list[int], dict[date, float]]:
    count, dated = read_counts(path, column, kind, camp=camp)
    return [c.index for c in count.columns], {day: value for _, day, value in dated.rows}


FILES = {
    # the issue's DTM table: total after +f and +m, under title rows (13,422 people, not 6,845)
    "total_after_f_and_m": (
        DTM_TITLE + "date,site,female,male,total\n"
        "#date+reported,#loc+name,#affected+idps+ind+f,#affected+idps+ind+m,#affected+idps+ind\n"
        "2017-10-02,Ramadi,6845,6577,13422\n2017-10-19,Ramadi,7000,6900,13900\n",
        "#affected+idps+ind!",
    ),
    # a +total column after +f
    "plus_total_after_f": (
        "date,female,total\n#date,#affected+idps+ind+f,#affected+idps+ind+total\n2017-10-02,6845,13422\n",
        "#affected+idps+ind+total",
    ),
    # age groups and age ranges before the total
    "ages_then_total": (
        "date,children,adults,elderly,0-4,60+,total\n"
        "#date,#affected+ind+children,#affected+ind+adults,#affected+ind+elderly,#affected+ind+age0_4,"
        "#affected+ind+age60plus,#affected+ind\n2017-10-02,500,400,100,120,100,1000\n",
        "#affected+ind!",
    ),
    # only +f and +m: summed
    "only_f_and_m": (
        "date,female,male\n#date,#affected+idps+ind+f,#affected+idps+ind+m\n2017-10-02,6845,6577\n2017-10-03,7000,6900\n",
        "#affected+idps+ind",
    ),
    # semicolons, ISO date-times, rows out of date order, two rows on one date (two sites)
    "semicolons_datetimes_unordered_repeated": (
        "date;site;people\n#date;#loc+name;#affected+idps+ind\n2017-10-19T00:00:00;A;4000\n"
        "2017-10-02T00:00:00;A;3000\n2017-10-19T13:45:00Z;B;1500\n",
        "#affected+idps+ind",
    ),
    # tabs, the hashtag row as the first row (no text header)
    "tabs_hashtags_only": ("#date\t#affected+ind\n2017-10-02\t1200\n2017-10-05\t1300\n", "#affected+ind"),
}


@pytest.mark.parametrize("case", FILES, ids=list(FILES))
def test_campsim_reads_the_column_and_counts_libhxl_reads(tmp_path, case):
    text, oracle = FILES[case]
    path = tmp_path / f"{case}.csv"
    path.write_text(text)
    columns, counts = campsim_counts(path)
    expected_columns, expected = libhxl_counts(path, oracle)
    assert columns == expected_columns
    assert counts == expected
    assert expected  # the oracle read something


def test_the_issues_dtm_file_gives_13422_people_not_6845(tmp_path):
    path = tmp_path / "dtm.csv"
    path.write_text(FILES["total_after_f_and_m"][0])
    assert campsim_counts(path)[1][date(2017, 10, 2)] == 13422


PATTERNS = {
    # column: as the user writes it -> the libhxl pattern naming the same column
    "#affected+idps+ind-f-m": "#affected+idps+ind-f-m",
    "#affected+idps+ind!": "#affected+idps+ind!",
    "#affected+f": "#affected+f",  # a pattern that asks for +f gets it
    "#affected+idps+m!": None,  # no column has exactly these: an error
}


@pytest.mark.parametrize("pattern", PATTERNS, ids=list(PATTERNS))
def test_column_patterns_with_minus_and_bang_match_as_in_libhxl(tmp_path, pattern):
    path = tmp_path / "dtm.csv"
    path.write_text(FILES["total_after_f_and_m"][0])
    if PATTERNS[pattern] is None:
        assert libhxl_counts(path, pattern)[0] == []
        with pytest.raises(campsim.model.errors.DataFileError, match="no column"):
            campsim_counts(path, pattern)
        return
    assert campsim_counts(path, pattern) == libhxl_counts(path, PATTERNS[pattern])


def test_a_pattern_that_finds_only_split_columns_says_so(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("date,female\n#date,#affected+idps+ind+f\n2017-10-02,6845\n")
    with pytest.raises(campsim.model.errors.DataFileError, match="only columns split by sex or age"):
        campsim_counts(path, "#affected+idps")
    assert campsim_counts(path, "#affected+idps+f")[1] == {date(2017, 10, 2): 6845}


def test_the_hashtag_row_is_found_within_the_first_25_rows_and_not_below(tmp_path):
    body = "date,people\n#date,#affected+ind\n2017-10-02,50\n"
    found = tmp_path / "found.csv"
    found.write_text("title\n" * 23 + body)  # hashtag row is row 25
    assert campsim_counts(found)[1] == libhxl_counts(found, "#affected+ind")[1] == {date(2017, 10, 2): 50}
    lost = tmp_path / "lost.csv"
    lost.write_text("title\n" * 25 + body)  # header and hashtag rows below row 25: neither reader finds them
    with pytest.raises(hxl.HXLException):
        libhxl_counts(lost, "#affected+ind")
    with pytest.raises(campsim.model.errors.DataFileError, match="not a table"):
        campsim_counts(lost)


def scenario(folder, arrivals, **extra):
    data = {
        "name": "field data",
        "start": "2017-10-01",
        "days": 30,
        "deterministic": True,
        "population": {"initial": 1000, "arrivals": arrivals},
        "commodities": {"water": {"per_person_day": 15}},
        **extra,
    }
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_a_scenario_reads_the_field_file_and_says_what_it_did_on_stderr(tmp_path, capsys):
    (tmp_path / "dtm.csv").write_text(FILES["semicolons_datetimes_unordered_repeated"][0])
    path = scenario(tmp_path, [{"csv": "dtm.csv", "kind": "population"}])
    counts = campsim.load_scenario(path).population.arrivals[0].data
    assert (
        dict(zip(counts.dates, counts.counts, strict=True))
        == libhxl_counts(tmp_path / "dtm.csv", "#affected+idps+ind")[1]
    )
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"note: {path}: population.arrivals.0.csv: dtm.csv: rows are not in date order: read sorted by date",
        f"note: {path}: population.arrivals.0.csv: dtm.csv: a date has several rows; their counts are summed "
        "(2017-10-19: 2 rows)",
    ]


def test_summing_f_and_m_is_said(tmp_path, capsys):
    (tmp_path / "fm.csv").write_text(FILES["only_f_and_m"][0])
    path = scenario(tmp_path, [{"csv": "fm.csv", "kind": "population"}])
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert "no total column for #affected+idps+ind: summed its columns by sex" in err
    assert "'female' #affected+idps+ind+f and 'male' #affected+idps+ind+m" in err


def test_calibrate_observed_reads_the_same_file_the_same_way(tmp_path, capsys):
    observed = tmp_path / "dtm.csv"
    observed.write_text(FILES["total_after_f_and_m"][0])
    series = read_observed(observed)
    assert {o.date: o.persons for o in series.observations} == libhxl_counts(observed, "#affected+idps+ind!")[1]
    observed.write_text(FILES["semicolons_datetimes_unordered_repeated"][0])
    series = read_observed(observed)
    assert {o.date: o.persons for o in series.observations} == libhxl_counts(observed, "#affected+idps+ind")[1]
    assert "rows are not in date order: read sorted by date" in series.notes
    path = scenario(tmp_path, [])
    status = main(["calibrate", str(path), "--observed", str(observed), "--out", str(tmp_path / "out"),
                   "--no-charts", "--quiet"])  # fmt: skip
    assert status == 0
    assert f"note: {observed}: rows are not in date order: read sorted by date" in capsys.readouterr().err


NETWORK_FILE = (
    "date,camp,arrivals\n#date,#loc+name,#affected+arrived+ind\n"
    "2017-10-02,North,40\n2017-10-02,south,25\n2017-10-05,North,10\n2017-10-05,North,5\n"
)


def test_in_a_network_each_camp_takes_its_rows_by_loc_name(tmp_path):
    data = yaml.safe_load((ROOT / "tests" / "data" / "network_small.yaml").read_text())
    camps = list(data["camps"])
    for name in camps[:2]:
        data["camps"][name]["population"]["arrivals"] = [{"csv": "by_camp.csv"}]
    (tmp_path / "net.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    (tmp_path / "by_camp.csv").write_text(NETWORK_FILE.replace("North", camps[0]).replace("south", camps[1].upper()))
    s = campsim.load_scenario(tmp_path / "net.yaml")
    first = s.camps[camps[0]].population.arrivals[0].data
    second = s.camps[camps[1]].population.arrivals[0].data
    assert dict(zip(first.dates, first.counts, strict=True)) == {date(2017, 10, 2): 40, date(2017, 10, 5): 15}
    assert dict(zip(second.dates, second.counts, strict=True)) == {date(2017, 10, 2): 25}
    # the oracle: libhxl's own row filter on #loc+name
    rows = hxl.data(str(tmp_path / "by_camp.csv"), InputOptions(allow_local=True)).with_rows(f"#loc+name={camps[0]}")
    assert sum(float(r.get("#affected+arrived")) for r in rows) == sum(first.counts)


def test_campsim_never_imports_libhxl():
    import ast

    for module in (ROOT / "campsim").rglob("*.py"):
        tree = ast.parse(module.read_text())
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [n for n in names if n == "hxl" or n.startswith("hxl.")], module


def test_title_rows_above_a_plain_header_are_skipped(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("Camp counts, October 2017\n\ndate,population\n2017-10-02,1200\n")
    assert campsim_counts(path)[1] == {date(2017, 10, 2): 1200}


@pytest.mark.parametrize(
    "text",
    [
        "Camp counts; October 2017\ndate,population\n2017-10-02,1200\n2017-10-03,1300\n",  # a stray ; in a title
        "date;population\n2017-10-02;1200\n2017-10-03;1300\n",
        "date\tpopulation\n2017-10-02\t1200\n2017-10-03\t1300\n",
    ],
    ids=["comma_under_a_title_with_a_semicolon", "semicolon", "tab"],
)
def test_the_delimiter_is_sniffed_from_the_first_rows(tmp_path, text):
    path = tmp_path / "counts.csv"
    path.write_text(text)
    assert campsim_counts(path)[1] == {date(2017, 10, 2): 1200, date(2017, 10, 3): 1300}


def test_a_camp_file_naming_one_other_place_is_read_with_a_note(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("date,camp,arrivals\n#date,#loc+name,#affected+arrived+ind\n2017-10-02,North,40\n")
    count, dated = read_counts(path, None, "arrivals", camp="south")
    assert [value for _, _, value in dated.rows] == [40]
    assert dated.notes == ["its #loc+name is 'North', not the camp's name: read as this camp's"]
    assert read_counts(path, None, "arrivals", camp="north")[1].notes == []
