"""Scenario files read as the user meant: percentages, end: dates, default units (issue 15.11)."""

from __future__ import annotations

import pytest

import campsim

BASE = """\
name: words
start: 2017-10-01
days: 60
population: {{initial: 1000, departures_per_day: {departures}}}
funding: {{funded_fraction: {funded}, disbursement: [{{day: 0, share: {share}}}]}}
commodities:
  water:
    per_person_day: 15
    initial_stock: 100000
    ordering: {{order_up_to_days: 5, lead_time_days: 2}}
    rationing: [{{below_days_of_cover: 2, ration: {ration}}}]
  food:
    initial_stock: 5000
  soap:
{soap}
disruptions:
  - {{start: 2017-10-10, {length}}}
"""


def _load(tmp_path, **fields):
    values = {"departures": 0, "funded": 0.62, "share": 1, "ration": 0.5, "length": "days: 3",
              "soap": "    unit: bar\n    per_person_day: 0.5"} | fields  # fmt: skip
    path = tmp_path / "s.yaml"
    path.write_text(BASE.format(**values))
    return campsim.load_scenario(path)


def test_percentages_where_a_fraction_is_expected(tmp_path):
    s = _load(tmp_path, departures='"0.1%"', funded="62%", share="100%", ration="50 %")
    assert s.population.departures_per_day == pytest.approx(0.001)
    assert s.funding.funded_fraction == pytest.approx(0.62)
    assert s.funding.disbursement.tranches[0].share == 1
    assert s.commodities["water"].rationing[0].ration == 0.5


def test_a_percentage_in_set_too(tmp_path):
    _load(tmp_path)
    s = campsim.load_scenario(tmp_path / "s.yaml", ["funding.funded_fraction=80%"])
    assert s.funding.funded_fraction == pytest.approx(0.8)


@pytest.mark.parametrize(("end", "days"), [("2017-10-12", 3), ("2017-10-10", 1), ("10", 2)])
def test_a_disruption_may_end_on_a_date_or_day_instead_of_lasting_days(tmp_path, end, days):
    """end: is the last disrupted day, inclusive: 10 Oct to 12 Oct is 3 days."""
    s = _load(tmp_path, length=f"end: {end}")
    assert s.disruptions[0].days == days
    assert s.disruptions[0].end_day(s.start) == 9 + days - 1


def test_end_and_days_disrupt_the_same_days(tmp_path):
    by_days = campsim.simulate(_load(tmp_path, length="days: 3"), seed=1).summary
    by_end = campsim.simulate(_load(tmp_path, length="end: 2017-10-12"), seed=1).summary
    assert by_end["commodities"] == by_days["commodities"]


def test_water_and_food_default_to_litre_and_ration_even_with_their_own_need(tmp_path):
    s = _load(tmp_path)
    assert (s.commodities["water"].unit, s.commodities["food"].unit, s.commodities["soap"].unit) == (
        "litre", "ration", "bar")  # fmt: skip


def test_a_missing_unit_elsewhere_is_still_valid(tmp_path):
    assert _load(tmp_path, soap="    per_person_day: 0.5").commodities["soap"].unit == "unit"
