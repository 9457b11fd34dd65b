"""Splitting a budget from simulated curves: the dynamic programme and the leftover.

Pure arithmetic over arrays, no simulation: ``curves[g, c]`` is commodity c's share of the
objective with every commodity funded at ``grid[g]`` (docs/semantics.md, Allocation).
"""

from __future__ import annotations

import math

import numpy as np

UNITS = 1000  # the budget in units of 0.1%
# a grid point's cost is rounded up to whole units; this much above a whole unit is float noise
UNIT_NOISE = 1e-9


def grid_shares(low: float, high: float, step: float) -> np.ndarray:
    """low, every multiple of step strictly between, and high (decimal values, rounded to 12 places)."""
    inner = [round(k * step, 12) for k in range(math.ceil(low / step), math.floor(high / step) + 1)]
    return np.array(sorted({low, high, *[x for x in inner if low < x < high]}), dtype=float)


def unit_costs(grid: np.ndarray, requirement_usd: np.ndarray, budget_usd: float) -> np.ndarray:
    """[g, c] what grid point g costs commodity c, in whole units of 0.1% of the budget, rounded up."""
    exact = grid[:, None] * requirement_usd[None, :] / budget_usd * UNITS
    return np.ceil(exact - UNIT_NOISE).astype(np.int64)


def best_points(curves: np.ndarray, costs: np.ndarray, units: int = UNITS) -> list[int] | None:
    """The grid point of each commodity minimising the summed curves within ``units``; None if none fits.

    A dynamic programme over commodities and whole units: no convexity needed. Ties go to the
    cheaper point (the lower share), leaving more for the leftover.
    """
    groups, width = curves.shape[1], units + 1
    value = np.zeros(width)  # best objective of the commodities so far within u units
    choices = []
    for c in range(groups):
        best = np.full(width, np.inf)
        pick = np.full(width, -1, dtype=np.int64)
        for g in range(curves.shape[0]):
            cost = int(costs[g, c])
            if cost > units:
                continue
            shifted = np.full(width, np.inf)
            shifted[cost:] = value[: width - cost] + curves[g, c]
            better = shifted < best
            best[better], pick[better] = shifted[better], g
        value = best
        choices.append(pick)
    if not np.isfinite(value[units]):
        return None
    points, left = [], units
    for c in reversed(range(groups)):
        g = int(choices[c][left])
        points.append(g)
        left -= int(costs[g, c])
    return points[::-1]


def saving_per_usd(curves: np.ndarray, grid: np.ndarray, requirement_usd: np.ndarray, points: list[int]) -> np.ndarray:
    """[c] the simulated saving per dollar from each chosen point to the next grid point (-inf at the last)."""
    out = np.full(len(points), -np.inf)
    for c, g in enumerate(points):
        if g + 1 < len(grid) and requirement_usd[c] > 0:
            spend = (grid[g + 1] - grid[g]) * requirement_usd[c]
            out[c] = (curves[g, c] - curves[g + 1, c]) / spend
    return out


def spend_leftover(usd: np.ndarray, budget_usd: float, caps_usd: np.ndarray, order: list[int]) -> np.ndarray:
    """Give what is left of the budget to the commodities in ``order``, each up to its cap."""
    usd = usd.astype(float).copy()
    for c in order:
        left = budget_usd - math.fsum(usd.tolist())
        if left <= 0:
            break
        room = caps_usd[c] - usd[c]
        if room > 0:
            # to the cap exactly when it binds (usd + (cap - usd) can land an ulp above the cap)
            usd[c] = caps_usd[c] if left >= room else usd[c] + left
    return usd


def split(curves: np.ndarray, grid: np.ndarray, requirement_usd: np.ndarray, budget_usd: float,
          low: float, high: float) -> np.ndarray:  # fmt: skip
    """[c] USD per commodity: the dynamic programme's grid points, then the leftover by saving per dollar.

    Commodities with no requirement cost nothing at any share and get no money.
    """
    paying = requirement_usd > 0
    floor = low * requirement_usd
    if budget_usd <= 0 or not paying.any():
        return floor.copy()
    points = best_points(curves, unit_costs(grid, requirement_usd, budget_usd))
    if points is None:  # the budget is the shares' floor to within a unit's rounding: every share at low
        points = [0] * len(requirement_usd)
    usd = grid[points] * requirement_usd
    saving = saving_per_usd(curves, grid, requirement_usd, points)
    order = sorted((c for c in range(len(usd)) if paying[c]), key=lambda c: -saving[c])
    return spend_leftover(usd, budget_usd, high * requirement_usd, order)


def scaled_within(shares: np.ndarray, requirement_usd: np.ndarray, budget_usd: float, low: float,
                  high: float) -> np.ndarray | None:  # fmt: skip
    """[c] ``shares`` scaled by one factor k, each clipped to [low, high], spending ``budget_usd``.

    Σ clip(k x share_c, low, high) x requirement_c is piecewise linear and nondecreasing in k,
    with breaks where a share meets a limit: k is solved exactly on the segment holding the
    budget. None when no k reaches it (the commodities written at 0 cannot grow). Commodities
    without a requirement keep their share (they cost nothing).
    """
    paying = requirement_usd > 0
    s, r = shares[paying], requirement_usd[paying]

    def spent(k: float) -> float:
        return math.fsum((np.clip(k * s, low, high) * r).tolist())

    growing = s > 0
    ks = sorted({0.0, *(low / s[growing]).tolist(), *(high / s[growing]).tolist()})
    totals = [spent(k) for k in ks]
    if budget_usd > totals[-1] + 1e-9 * max(totals[-1], 1.0):
        return None
    i = next((i for i, t in enumerate(totals) if t >= budget_usd), len(ks) - 1)
    if i == 0 or totals[i] == totals[i - 1]:
        k = ks[i]
    else:
        k = ks[i - 1] + (ks[i] - ks[i - 1]) * (budget_usd - totals[i - 1]) / (totals[i] - totals[i - 1])
    out = shares.astype(float).copy()
    # rounded to 12 places, as the flat share: 0.62 scaled by 0.5 / 0.62 is 0.5, not 0.5000000000000001
    out[paying] = np.clip(np.round(k * s, 12), low, high)
    return out
