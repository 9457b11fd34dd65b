"""The Anbar network scenarios (scenarios/anbar.yaml, anbar-bridge.yaml): valid, on the IOM DTM record, sourced.

The network cannot be simulated yet, so the population check is plain arithmetic on each
camp's expected path, P(d) = P(d-1) + (arrivals(d) - departures_per_day x P(d-1)), with
arrivals(d) the mean of the camp's rate: and surge: components and no max_population.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

import campsim
from campsim.cli import main
from campsim.load.hxl import parse_number, read_table
from campsim.model.schema import Population

ROOT = Path(__file__).resolve().parent.parent
ANBAR = ROOT / "scenarios" / "anbar.yaml"
BRIDGE = ROOT / "scenarios" / "anbar-bridge.yaml"
RAMADI = ROOT / "scenarios" / "ramadi.yaml"
DTM = ROOT / "scenarios" / "data" / "anbar-2017-dtm.csv"
SOURCES = ROOT / "docs" / "sources.md"
HUB = "baghdad-hub"
TOLERANCE = 0.05  # the network's total within 5% of every DTM count


# --- the expected population, by hand -----------------------------------------------------


def arrivals_mean(population: Population, day: date) -> float:
    """People arriving on ``day``: each rate: in force then (0 before its first date), plus surges."""
    total = 0.0
    for comp in population.arrivals:
        if comp.rate is not None:
            since = [when for when in comp.rate if when <= day]
            total += comp.rate[max(since)] if since else 0.0
        elif comp.surge is not None:
            first = comp.surge.start
            if first <= day < first + timedelta(days=comp.surge.days):
                total += comp.surge.total / comp.surge.days
        else:
            pytest.fail("expected_path handles rate: and surge: arrivals only, not csv:")
    return total


def expected_path(population: Population, start: date, days: int) -> list[float]:
    """P(d) for d = 0 .. days-1 (day 0 = start), from P(-1) = initial."""
    people = float(population.initial)
    path = []
    for d in range(days):
        people = people + (
            arrivals_mean(population, start + timedelta(days=d)) - population.departures_per_day * people
        )
        path.append(people)
    return path


def network_total(s: campsim.Scenario) -> list[float]:
    paths = [expected_path(camp.population, s.start, s.days) for camp in s.camps.values()]
    return [sum(day) for day in zip(*paths, strict=True)]


def dtm_counts() -> list[tuple[date, float]]:
    table = read_table(DTM, "#date+reported and #affected+idps+ind")
    when, count = table.find("#date+reported"), table.find("#affected+idps+ind")
    assert when is not None and count is not None, table.describe_columns()
    rows = [(date.fromisoformat(table.cell(r, when)), parse_number(table.cell(r, count))) for _, r in table.rows]
    assert len(rows) >= 4, "expected the four IOM counts of Oct-Nov 2017"
    return rows


def test_expected_path_by_hand() -> None:
    pop = Population.model_validate(
        {
            "initial": 1000,
            "departures_per_day": 0.01,
            "arrivals": [
                {"rate": {date(2017, 10, 2): 100.0}},
                {"surge": {"start": date(2017, 10, 3), "days": 2, "total": 50.0}},
            ],
        }
    )
    # day 0: 1000 - 10 = 990; day 1: 990 + 100 - 9.9 = 1080.1; day 2: 1080.1 + 125 - 10.801 = 1194.299
    assert expected_path(pop, date(2017, 10, 1), 3) == pytest.approx([990.0, 1080.1, 1194.299])


# --- both files ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ANBAR, BRIDGE], ids=lambda p: p.name)
def test_loads_and_validates(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = campsim.load_scenario(path)
    assert s.is_network
    assert main(["validate", str(path)]) == 0
    assert "ok: " in capsys.readouterr().out


@pytest.mark.parametrize("path", [ANBAR, BRIDGE], ids=lambda p: p.name)
def test_camps_sum_to_the_dtm_counts(path: Path) -> None:
    s = campsim.load_scenario(path)
    total = network_total(s)
    for when, count in dtm_counts():
        day = (when - s.start).days
        assert 0 <= day < s.days, when
        error = abs(total[day] - count) / count
        assert error <= TOLERANCE, f"{when}: camps hold {total[day]:,.0f}, IOM DTM {count:,.0f} ({error:.2%} off)"


def test_network_total_is_ramadis_path() -> None:
    """The split keeps ramadi.yaml's fitted path: same departure rate, rates and initial split without loss."""
    s, single = campsim.load_scenario(ANBAR), campsim.load_scenario(RAMADI)
    assert (s.start, s.days) == (single.start, single.days)
    assert network_total(s) == pytest.approx(expected_path(single.population, single.start, single.days), rel=1e-9)
    assert {camp.population.departures_per_day for camp in s.camps.values()} == {single.population.departures_per_day}


@pytest.mark.parametrize("path", [ANBAR, BRIDGE], ids=lambda p: p.name)
def test_no_room_limit_binds_on_the_expected_path(path: Path) -> None:
    s = campsim.load_scenario(path)
    for name, camp in s.camps.items():
        room = camp.population.max_population
        if room is not None:
            assert max(expected_path(camp.population, s.start, s.days)) <= room, name


def test_the_network() -> None:
    s, single = campsim.load_scenario(ANBAR), campsim.load_scenario(RAMADI)
    assert {"kilo18", "htc", "aaf"} <= set(s.camps)
    assert set(s.warehouses) == {HUB}
    assert s.funding.funded_fraction == pytest.approx(0.62)
    assert s.disruptions == []
    roads = {(r.origin, r.to): r for r in s.routes.values()}
    for name, camp in s.camps.items():
        road = roads[(HUB, name)]
        assert road.transit_days.fixed == 1
        # a whole number of trucks a day, of 20-30 t each, carrying at least the camp's busiest day
        capacity = road.capacity_kg_per_day
        assert capacity is not None and any(20_000 <= capacity / k <= 30_000 for k in range(1, 11)), name
        path = expected_path(camp.population, s.start, s.days)
        busiest = max(
            people * sum(s.commodities[i].per_person_day * s.commodities[i].kg_per_unit for i in ("food", "hygiene"))
            + arrivals_mean(camp.population, s.start + timedelta(days=d))
            / camp.population.household_size
            * s.commodities["household_kits"].kg_per_unit
            for d, people in enumerate(path)
        )
        assert busiest <= capacity, (name, busiest)
        for item in ("food", "hygiene", "household_kits"):
            supply = camp.commodities[item].supply
            assert supply is not None and supply.warehouse == HUB, (name, item)
        water = camp.commodities["water"]
        assert water.supply is None and water.ordering is not None, name
        assert water.ordering.lead_time_days == single.commodities["water"].ordering.lead_time_days
    # ramadi.yaml's commodity definitions, plus weights
    for item, c in s.commodities.items():
        mine = c.model_dump(exclude={"kg_per_unit"})
        theirs = single.commodities[item].model_dump(
            exclude={"kg_per_unit", "initial_stock", "capacity", "ordering", "donations"}
        )
        assert {k: v for k, v in mine.items() if k in theirs} == theirs, item
        assert c.kg_per_unit > 0, item
    for item, stock in s.warehouses[HUB].commodities.items():
        assert stock.ordering is not None, item
        assert stock.ordering.lead_time_days == single.commodities[item].ordering.lead_time_days, item


def test_the_bridge_file_is_anbar_with_the_hub_roads_closed() -> None:
    base, bridge = campsim.load_scenario(ANBAR), campsim.load_scenario(BRIDGE)
    keys = {"name", "disruptions"}
    assert bridge.model_dump(exclude=keys) == base.model_dump(exclude=keys)
    assert bridge.name != base.name
    [closure] = bridge.disruptions
    assert closure.days == 3
    assert sorted(closure.routes) == sorted(n for n, r in base.routes.items() if r.origin == HUB)
    assert closure.commodities is None and closure.sites is None
    assert isinstance(closure.start, date) and (closure.start.year, closure.start.month) == (2017, 11)
    assert "bridge" in closure.reason
    # its date is ours: the start: line under disruptions says so
    lines = BRIDGE.read_text(encoding="utf-8").splitlines()
    start_line = next(line for line in lines[lines.index("disruptions:") :] if line.strip().startswith("- start:"))
    assert "[U]" in start_line


# --- source tags ---------------------------------------------------------------------------

_COMMENT = re.compile(r"(?:^|\s)#")
_KEY = re.compile(r"[\w\-]+:(?=\s|$)")  # a key (a name or a date such as 2017-10-03:), not a value
_NUMBER = re.compile(r"(?<!\w)\d")  # a digit that does not end a name such as kilo18
_TAG = re.compile(r"\[([^\[\]]+)\]")
UNTAGGED_KEYS = {"seed"}  # the random-number seed is no quantity (untagged in ramadi.yaml too)


def known_tags() -> set[str]:
    """The tags docs/sources.md lists in its table ("Tags at a glance")."""
    tags = set()
    for line in SOURCES.read_text(encoding="utf-8").splitlines():
        if line.startswith("| ["):
            tags |= set(_TAG.findall(line.split("|")[1]))
    assert {"IOM", "seed", "U", "OCHA", "Sphere"} <= tags
    return tags


def tag_ok(tag: str, known: set[str]) -> bool:
    """[A; B], [A: part], [A, part], [A; date U]: each part a known tag, with or without detail, or a U part."""
    for part in (p.strip() for p in tag.split(";")):
        if part.endswith(" U") or part == "U":
            continue
        if not any(part == k or (part.startswith(k) and part[len(k)] in ":, ") for k in known):
            return False
    return True


def untagged_numbers(text: str, known: set[str]) -> list[str]:
    """Lines with a number in their value and no known source tag in their comment; and unknown tags."""
    bad = []
    for n, line in enumerate(text.splitlines(), 1):
        found = _COMMENT.search(line)
        code, comment = (line[: found.start()], line[found.start() :]) if found else (line, "")
        tags = _TAG.findall(comment)
        if any(not tag_ok(t, known) for t in tags):
            bad.append(f"{n}: unknown tag in {line.strip()!r}")
        key = code.strip().lstrip("- ").split(":", 1)[0]
        if key in UNTAGGED_KEYS or not _NUMBER.search(_KEY.sub("", code)):
            continue
        if not tags:
            bad.append(f"{n}: no source tag on {line.strip()!r}")
    return bad


def test_the_tag_check_catches_what_it_should() -> None:
    known = known_tags()
    good = "a:\n  b: 3     # [IOM; split U]\n  2017-10-03:\n  to: kilo18\nseed: 1\n  c: {d: [0, 1]}  # [Sphere: 15 L]\n"
    assert untagged_numbers(good, known) == []
    assert len(untagged_numbers("a: 3   # no tag\n", known)) == 1
    assert len(untagged_numbers("- {date: 2017-10-01, share: 0.5}\n", known)) == 1
    assert len(untagged_numbers("a: 3   # [DTM]\n", known)) == 1
    assert len(untagged_numbers("name: x 62%\n", known)) == 1


@pytest.mark.parametrize("path", [ANBAR, BRIDGE], ids=lambda p: p.name)
def test_every_number_carries_a_source_tag(path: Path) -> None:
    assert untagged_numbers(path.read_text(encoding="utf-8"), known_tags()) == []
