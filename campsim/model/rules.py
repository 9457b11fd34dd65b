"""Every rule of the day with a threshold or a cap, written once over numpy arrays.

A rule takes arrays of one value per line (the SimPy engine: one run) or per line and
replication (the batch engine: ``[line, replication]``, with per-line parameters shaped
``[line, 1]``), as OpenFisca writes a formula once for a whole population. Each rule
uses only ``+ - * /``, comparisons and min/max, so IEEE-754 rounds each operation the
same way whatever the shape, and the two engines agree to the last bit, and so do their
threshold decisions (a ration cut, a shortage, an order too small to place).

Divisions by zero and inf x 0 happen by design where a value is then masked out (no need,
no request): callers run the rules under ``np.errstate(divide="ignore", invalid="ignore")``,
as both engines do once for a whole run (a context per call would cost more than the rule).

Where a rule adds a term that is 0 for some lines (a kit line's per-person need, a
per-person line's kit backlog), adding an exact 0.0 leaves the other term unchanged.
"""

from __future__ import annotations

import numpy as np

from campsim.model.standards import SHORTAGE_RTOL


def population_today(yesterday, arrivals, departures):
    """P(d) = P(d-1) + (arrivals - departures)."""
    return yesterday + (arrivals - departures)


def admit(before, departures, incoming, max_population):
    """People a camp takes in today: min(incoming, max(room, 0)), room = max_population - (P(d-1) - departures).

    Without a max_population (inf) every arrival is taken in.
    """
    return np.minimum(incoming, np.maximum(max_population - (before - departures), 0.0))


def kits_for_arrivals(arrivals, household_size: float, per_new_household):
    """Kits owed to the households arriving today."""
    return arrivals / household_size * per_new_household


def new_need(people, arrivals, household_size: float, per_person_day, per_new_household):
    """Today's new need of every line: P x per_person_day, or the arriving households' kits.

    A line has either per_person_day or per_new_household, the other being 0.
    """
    return people * per_person_day + kits_for_arrivals(arrivals, household_size, per_new_household)


def shortage_threshold(planned):
    """Below this, a distribution fell short of its plan (ties count as met)."""
    return planned * (1 - SHORTAGE_RTOL)


def ration_level(cover_days, steps):
    """The ration of the lowest threshold that days of cover is strictly below; 1 where none.

    ``steps`` are (below_days_of_cover, ration) pairs of per-line arrays (see
    Plan.ration_steps), thresholds highest first, -inf where a line has no such step (never
    met). NaN and inf cover (no need today) meet no threshold.
    """
    level = None
    for below, ration in steps:  # highest threshold first: the lowest one met wins
        level = np.where(cover_days < below, ration, 1.0 if level is None else level)
    return np.ones(np.shape(cover_days)) if level is None else level


def distribute(stock, need, level):
    """(planned, distributed, pipeline break): the plan is need x ration; stock caps it.

    A pipeline break is a day on which stock could not cover the planned distribution.
    """
    planned = need * level
    distributed = np.minimum(stock, planned)
    return planned, distributed, distributed < shortage_threshold(planned)


def ration_received(distributed, need):
    """distributed / need, and 1 on a day without need (nobody needed anything, so nobody went short)."""
    return np.where(need > 0, distributed / need, 1.0)


def days_of_cover_recorded(cover_days):
    """Days of cover as recorded: NaN where there is no need (or so little that cover overflows)."""
    return np.where(cover_days < np.inf, cover_days, np.nan)


def shelve(quantity, stock, capacity):
    """(kept, overflow) of a receipt: stock never rises above capacity; the rest is lost."""
    kept = np.minimum(quantity, np.maximum(capacity - stock, 0.0))
    return kept, quantity - kept


def kit_order_target(order_up_to_days, window_sum, window_days: int, backlog):
    """order_up_to_days x mean new-household need of the window + the backlog left today."""
    return order_up_to_days * window_sum / window_days + backlog


def order_target(kits, order_up_to_days, need, window_sum, window_days: int, backlog):
    """The order-up-to level: order_up_to_days x today's need, or for kits the 7-day mean + backlog.

    ``window_days`` 0 means no kit line reviews today (the kits' target is then not needed).
    """
    per_person = order_up_to_days * need
    if window_days == 0:
        return per_person
    return np.where(kits, kit_order_target(order_up_to_days, window_sum, window_days, backlog), per_person)


def balance_binds(paid, balance, unit_cost):
    """Whether an order's cost reaches the balance, which then caps it (a free item is never capped)."""
    return (paid >= balance) & (unit_cost > 0)


def asked_quantity(target, position, capacity, max_order):
    """What a review's rule asks for before money: target - position, capped by capacity - position and max_order."""
    # min(target - position, capacity - position) = min(target, capacity) - position to the last bit:
    # rounding is monotonic, so the smaller difference is the difference of the smaller
    return np.minimum(np.minimum(target, capacity) - position, max_order)


def order_quantity(target, position, capacity, max_order, balance, unit_cost):
    """(quantity, paid, place) of an order-up-to review.

    q = target - position, capped by capacity - position, max_order and balance / unit_cost
    (a money-capped order spends exactly the balance, no rounding dust); an order is placed
    only where q > 1e-9 x target and q > 0.
    """
    quantity = asked_quantity(target, position, capacity, max_order)
    paid = quantity * unit_cost
    capped = balance_binds(paid, balance, unit_cost)
    if capped.any():
        quantity = np.where(capped, balance / np.where(capped, unit_cost, 1.0), quantity)
        paid = np.where(capped, balance, paid)
    # q > max(1e-9 x target, 0) is q > 1e-9 x target and q > 0
    return quantity, paid, quantity > np.maximum(SHORTAGE_RTOL * target, 0.0)


def funds_cut(asked, target, bought):
    """What money took off a review's order: asked - bought where the rule asked for an order
    (asked > 1e-9 x target and > 0, as an order is placed) and less than asked x (1 - 1e-9) was
    bought; else 0. ``bought`` is the order placed (0 where none was: money left only dust).

    ``asked`` is already capped by capacity and max_order, so money is the only cap left.
    """
    wanted = asked > np.maximum(SHORTAGE_RTOL * target, 0.0)
    return np.where(wanted & (bought < shortage_threshold(asked)), asked - bought, 0.0)


def pipeline_after_receipt(pipeline, delivered, open_orders_left):
    """The pipeline after today's deliveries; exactly 0 once the last open order is in."""
    return np.where(open_orders_left > 0, pipeline - delivered, 0.0)


# --- a network: sharing a warehouse's stock, and the trucks ---------------------------------


def total_requested(requests):
    """The sum of the requests [camp, ...], added camp by camp in file order (one order in both engines)."""
    total = 0.0
    for request in requests:
        total = total + request
    return total


def share_proportional(available, requests):
    """Each camp gets its request if all fit, else available x r_i / sum r (requests [camp, ...])."""
    total = total_requested(requests)
    return np.where(total <= available, requests, available * requests / total)


def share_by_priority(available, requests, order):
    """Each camp gets its request if all fit; else camps in ``order`` take min(r_i, what is left)."""
    total = total_requested(requests)
    out = np.zeros(np.shape(requests))
    left = available
    for i in order:
        out[i] = np.minimum(requests[i], left)
        left = left - out[i]
    return np.where(total <= available, requests, out)


def share_equal_cover(available, requests, need, position):
    """Water-filling of days of cover: camps with need > 0 get min(r_i, max(0, L n_i - p_i)) with the
    level L that shares out all the stock; if they are all served and stock is left, camps whose need
    is 0 share the rest in proportion to their requests. Everyone gets the request if all fit.

    Arrays are [camp, replication]. The level is found exactly: on each segment between two
    breakpoints (p_i / n_i, where a camp starts to receive, and (p_i + r_i) / n_i, where it is
    served in full) the shared total is linear in L.
    """
    requests, need, position = (np.asarray(a, dtype=float) for a in (requests, need, position))
    available = np.asarray(available, dtype=float)
    total = total_requested(requests)
    needy = need > 0
    safe_need = np.where(needy, need, 1.0)
    starts = np.where(needy, position / safe_need, np.inf)  # level at which a camp begins to receive
    fulls = np.where(needy, (position + requests) / safe_need, np.inf)  # ... and is served in full
    needy_requests = np.where(needy, requests, 0.0)
    # candidate levels: every breakpoint; the level lies between the last one whose total <= available
    points = np.sort(np.concatenate([starts, fulls], axis=0), axis=0)  # [2 x camp, replication]

    def shared(level):  # an infinite level times no need is NaN: that camp is masked out anyway
        return total_requested(np.where(needy, np.minimum(requests, np.maximum(0.0, level * need - position)), 0.0))

    # the shared total at every breakpoint at once, [point, camp, replication], added camp by camp
    # (a running sum: the same additions, in the same order, as total_requested)
    at_points = np.where(
        needy[None], np.minimum(requests[None], np.maximum(0.0, points[:, None] * need[None] - position[None])), 0.0
    )
    totals = np.cumsum(at_points, axis=1)[:, -1]
    fits = np.isfinite(points) & (totals <= available)
    level = np.max(np.where(fits, points, 0.0), axis=0)  # the highest breakpoint whose total fits (0: none)
    # on the segment above that breakpoint, camps that receive but are not full grow with slope n_i
    growing = needy & (starts <= level) & (fulls > level)
    slope = total_requested(np.where(growing, need, 0.0))
    level = np.where(slope > 0, level + (available - shared(level)) / slope, level)
    to_needy = np.where(needy, np.minimum(requests, np.maximum(0.0, level * need - position)), 0.0)
    left = available - total_requested(to_needy)
    idle_requests = np.where(needy, 0.0, requests)
    idle_total = total_requested(idle_requests)
    served = total_requested(needy_requests) <= available
    to_idle = np.where(served & (idle_total > 0), np.minimum(idle_requests, left * idle_requests / idle_total), 0.0)
    return np.where(total <= available, requests, to_needy + to_idle)


def at_capacity(shipped_kg, capacity_kg):
    """A route's day at capacity: it carried something, and at least capacity x (1 - 1e-9)."""
    return (shipped_kg > 0) & (shipped_kg >= capacity_kg * (1 - SHORTAGE_RTOL))


def truck_scale(kg, capacity_kg):
    """The factor every weighed quantity on a route is multiplied by: capacity / kg where the load is over it."""
    return np.where(kg > capacity_kg, capacity_kg / kg, 1.0)
