"""A network's population phase by hand: full camps overflow to the next, and then turn people away."""

from __future__ import annotations

import numpy as np

from campsim.plan.network import CampsPlan, expected_leave, overflow_order, population_path


def camps(max_population, overflow_to, initial, rate=(0.0, 0.0), names=("a", "b")) -> CampsPlan:
    days = 2
    return CampsPlan(
        names=names,
        order=overflow_order(list(names), [None if t < 0 else names[t] for t in overflow_to]),
        initial_people=np.array(initial, dtype=float),
        household_size=np.array([5.0] * len(names)),
        departures_per_day=np.array(rate, dtype=float),
        max_population=np.array(max_population, dtype=float),
        overflow_to=np.array(overflow_to),
        arrival_means=np.zeros((days, len(names))),
        scheduled_departures=np.zeros((days, len(names))),
        locations=(None,) * len(names),
    )


def test_a_full_camp_overflows_to_another_which_then_turns_people_away():
    # a: 90 of 100 places, overflows to b; b: 10 of 15 places, turns people away
    plan = camps(max_population=[100, 15], overflow_to=[1, -1], initial=[90, 10])
    own = np.array([[20.0, 2.0], [5.0, 0.0]])
    path = population_path(plan, own, expected_leave(plan))
    # day 0: a takes 10 (room 100 - 90), sends 10 on; b gets 2 + 10 = 12, takes 5, turns 7 away
    assert path.accepted[0].tolist() == [10.0, 5.0]
    assert path.overflow_out[0].tolist() == [10.0, 0.0]
    assert path.overflow_in[0].tolist() == [0.0, 10.0]
    assert path.incoming[0].tolist() == [20.0, 12.0]
    assert path.turned_away[0].tolist() == [0.0, 7.0]
    assert path.population[0].tolist() == [100.0, 15.0]
    # day 1: both full: a's 5 go to b, and b turns them away
    assert path.accepted[1].tolist() == [0.0, 0.0]
    assert path.turned_away[1].tolist() == [0.0, 5.0]
    assert path.overflow_in[1].tolist() == [0.0, 5.0]


def test_departures_make_room_the_same_day():
    # 10% of a's 100 leave first: room = 100 - (100 - 10) = 10 arrivals taken in
    plan = camps(max_population=[100, np.inf], overflow_to=[1, -1], initial=[100, 0], rate=(0.1, 0.0))
    path = population_path(plan, np.array([[25.0, 0.0], [0.0, 0.0]]), expected_leave(plan))
    assert path.departures[0].tolist() == [10.0, 0.0]
    assert path.accepted[0].tolist() == [10.0, 15.0]
    assert path.population[0].tolist() == [100.0, 15.0]


def test_a_camp_comes_after_every_camp_that_overflows_into_it():
    # file order c, b, a with a -> b -> c: the phase steps a, then b, then c
    assert overflow_order(["c", "b", "a"], [None, "c", "b"]) == (2, 1, 0)
    # no overflow: file order
    assert overflow_order(["x", "y", "z"], [None, None, None]) == (0, 1, 2)
    # an unrelated camp keeps its file place among the ready ones
    assert overflow_order(["a", "b", "c"], ["c", None, None]) == (0, 1, 2)
    assert overflow_order(["c", "a", "b"], [None, "c", None]) == (1, 0, 2)


def test_without_room_limits_a_network_camp_is_the_single_camp_path():
    plan = camps(max_population=[np.inf, np.inf], overflow_to=[-1, -1], initial=[1000, 0], rate=(0.01, 0.0))
    own = np.array([[30.0, 0.0], [12.0, 0.0]])
    path = population_path(plan, own, expected_leave(plan))
    # the single camp: P(d) = P(d-1) + (arrivals - 0.01 x P(d-1))
    p0 = 1000.0 + (30.0 - 0.01 * 1000.0)
    p1 = p0 + (12.0 - 0.01 * p0)
    assert path.population[:, 0].tolist() == [p0, p1]
    assert not path.turned_away.any() and not path.overflow_in.any()


def test_the_sites_of_the_example_network_are_numbered_in_file_order():
    import campsim
    from campsim.plan.network import compile_camps, compile_routes, compile_sites
    from tests.conftest import ROOT

    s = campsim.load_scenario(ROOT / "tests" / "data" / "network_small.yaml")
    sites = compile_sites(s)
    # three camps x (food, water, household_kits); the hub holds food and kits
    assert sites.line_camp.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert sites.line_commodity.tolist() == [0, 1, 2] * 3
    assert sites.supplied.tolist() == [True, False, True] * 3
    assert sites.supply_wline.tolist() == [0, -1, 1] * 3
    assert sites.line_route.tolist() == [0, -1, 0, 1, -1, 1, 2, -1, 2]
    assert sites.w_supplies == ((0, 3, 6), (2, 5, 8))
    assert sites.wline_commodity.tolist() == [0, 2] and sites.w_initial_stock.tolist() == [400000.0, 3000.0]
    assert sites.w_donations == ((0, 0, 19, 50000.0),)  # 20 Oct 2017 is day 19
    camps = compile_camps(s)
    assert camps.order == (0, 1, 2)  # kilo18 -> htc -> aaf
    assert camps.overflow_to.tolist() == [1, 2, -1] and camps.max_population.tolist() == [15000, 20000, np.inf]
    routes = compile_routes(s)
    assert routes.to.tolist() == [0, 1, 2] and routes.capacity_kg_per_day.tolist() == [200000, 150000, np.inf]


def test_a_commodity_is_required_for_the_camps_that_take_it_only():
    import campsim
    from campsim.plan.network import (
        compile_camps,
        compile_sites,
        expected_leave,
        network_requirements_usd,
        population_path,
    )

    s = campsim.scenario_from_dict(
        {
            "name": "two camps",
            "start": "2017-10-01",
            "days": 10,
            "deterministic": True,
            "commodities": {
                "food": {"per_person_day": 1, "unit_cost_usd": 0.5},
                "water": {"per_person_day": 15, "unit_cost_usd": 0.01},
            },
            "camps": {
                "a": {"population": {"initial": 100}, "commodities": {"food": {}}},
                "b": {"population": {"initial": 50}, "commodities": {"food": {}, "water": {}}},
            },
        }  # fmt: skip
    )
    camps = compile_camps(s)
    path = population_path(camps, camps.arrival_means, expected_leave(camps))
    need = network_requirements_usd(s, camps, compile_sites(s), path)
    # food: (100 + 50) people x 10 days x 1 ration x US$0.5; water: 50 x 10 x 15 L x US$0.01
    assert need.tolist() == [750.0, 75.0]
