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
