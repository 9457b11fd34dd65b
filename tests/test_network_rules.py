"""The network's sharing rules by hand: 900 units among requests of 600, 300 and 300."""

from __future__ import annotations

import numpy as np
import pytest

from campsim.model import rules

REQUESTS = np.array([[600.0], [300.0], [300.0]])  # [camp, replication]


@pytest.fixture(autouse=True)
def masked_divisions():
    """As the engines call the rules: a division by zero that is then masked out is no error."""
    with np.errstate(divide="ignore", invalid="ignore"):
        yield


def test_proportional_shares_in_proportion_to_the_requests():
    # 900 x 600 / 1200, 900 x 300 / 1200, ...
    assert rules.share_proportional(np.array([900.0]), REQUESTS)[:, 0].tolist() == [450.0, 225.0, 225.0]


def test_priority_serves_camps_in_order_until_the_stock_runs_out():
    assert rules.share_by_priority(np.array([900.0]), REQUESTS, [0, 1, 2])[:, 0].tolist() == [600.0, 300.0, 0.0]
    assert rules.share_by_priority(np.array([900.0]), REQUESTS, [2, 1, 0])[:, 0].tolist() == [300.0, 300.0, 300.0]


def test_equal_cover_levels_days_of_cover_with_the_level_worked_by_hand():
    # need 100, 50, 50 a day; stock + in transit 200, 100, 250 (2, 2 and 5 days of cover).
    # For 5 <= L <= 8 all three receive: (100 L - 200) + (50 L - 100) + (50 L - 250) = 900 -> L = 7.25
    need = np.array([[100.0], [50.0], [50.0]])
    position = np.array([[200.0], [100.0], [250.0]])
    got = rules.share_equal_cover(np.array([900.0]), REQUESTS, need, position)[:, 0]
    assert got.tolist() == pytest.approx([525.0, 262.5, 112.5], rel=1e-12)
    # every camp ends at 7.25 days of cover
    assert ((position[:, 0] + got) / need[:, 0]).tolist() == pytest.approx([7.25] * 3, rel=1e-12)


def test_equal_cover_gives_idle_camps_only_what_the_needy_leave():
    # camp 3 needs nothing today: camps 1 and 2 get theirs in full (900 fits), camp 3 the rest
    need = np.array([[100.0], [50.0], [0.0]])
    position = np.array([[0.0], [0.0], [0.0]])
    got = rules.share_equal_cover(np.array([1000.0]), REQUESTS, need, position)[:, 0]
    assert got.tolist() == pytest.approx([600.0, 300.0, 100.0])
    # when the needy take it all, the idle camp gets nothing
    got = rules.share_equal_cover(np.array([800.0]), REQUESTS, need, position)[:, 0]
    assert got[2] == 0.0 and got.sum() == pytest.approx(800.0)


@pytest.mark.parametrize("share", ["proportional", "priority", "equal_cover"])
def test_everyone_gets_the_request_when_all_fit_and_never_more_than_the_stock(share):
    rng = np.random.default_rng(4)
    requests = rng.uniform(0, 500, (4, 200))
    available = rng.uniform(0, 2500, 200)
    need, position = rng.uniform(0, 100, (4, 200)), rng.uniform(0, 300, (4, 200))
    got = {
        "proportional": lambda: rules.share_proportional(available, requests),
        "priority": lambda: rules.share_by_priority(available, requests, [3, 1, 0, 2]),
        "equal_cover": lambda: rules.share_equal_cover(available, requests, need, position),
    }[share]()
    fits = requests.sum(axis=0) <= available
    assert np.array_equal(got[:, fits], requests[:, fits])
    assert (got >= 0).all() and (got <= requests * (1 + 1e-12)).all()
    assert (got.sum(axis=0) <= available * (1 + 1e-12)).all()
    # short: the whole stock goes out
    assert got[:, ~fits].sum(axis=0) == pytest.approx(available[~fits], rel=1e-9)


def test_trucks_scale_a_route_over_capacity_down_to_it():
    # 300 kg of food (0.6 kg) and 500 kg of kits (25 kg) on a 400 kg/day road: everything halves
    assert rules.truck_scale(np.array([800.0]), 400.0).tolist() == [0.5]
    assert rules.truck_scale(np.array([300.0]), 400.0).tolist() == [1.0]
    assert rules.truck_scale(np.array([300.0]), np.inf).tolist() == [1.0]
