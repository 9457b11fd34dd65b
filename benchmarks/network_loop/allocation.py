"""The network loop's share rules: how a short warehouse shares a commodity's stock among the requests."""

from __future__ import annotations

from benchmarks.network_loop.sites import INF, CampLine


def share_proportional(available: float, asked: list[float], total: float) -> list[float]:
    """Each camp available x r_i / (the requests' total)."""
    return [available * r / total for r in asked]


def share_by_priority(
    priority: list[str], available: float, supplies: list[CampLine], asked: list[float]
) -> list[float]:
    """Camps in priority: order (then the rest in file order), each min(r_i, what is left)."""
    rank = {name: i for i, name in enumerate(priority)}
    order = sorted(range(len(supplies)), key=lambda n: (rank.get(supplies[n].camp.name, len(rank)),
                                                         supplies[n].camp.index))  # fmt: skip
    out = [0.0] * len(asked)
    left = available
    for n in order:
        out[n] = min(asked[n], left)
        left = left - out[n]
    return out


def share_equal_cover(available: float, asked: list[float], need: list[float], position: list[float]) -> list[float]:
    """Water-filling of days of cover (some stock short): camps with need n_i > 0 get min(r_i, max(0, L n_i - p_i))
    with the level L that shares out all the stock; if they are all served, camps with no need share the rest
    in proportion to their requests. L is exact: the shared total is linear between the breakpoints p_i / n_i
    (a camp starts to receive) and (p_i + r_i) / n_i (it is served in full)."""
    needy = [(r, n, p) for r, n, p in zip(asked, need, position, strict=True) if n > 0]  # in file order

    def shared(level: float) -> float:
        total = 0.0
        for r, n, p in needy:
            total += min(r, max(0.0, level * n - p))
        return total

    points = []
    for r, n, p in needy:
        points += [p / n, (p + r) / n]
    points = sorted(x for x in points if x < INF)
    # the highest breakpoint whose shared total fits: the total never falls as the level rises, so bisect
    lo, hi = 0, len(points)
    while lo < hi:
        mid = (lo + hi) // 2
        if shared(points[mid]) <= available:
            lo = mid + 1
        else:
            hi = mid
    level = max(points[lo - 1], 0.0) if lo else 0.0
    slope = 0.0  # on the segment above it, camps that receive but are not full grow with their need
    for r, n, p in needy:
        if p / n <= level < (p + r) / n:
            slope += n
    if slope > 0:
        level = level + (available - shared(level)) / slope
    out, given, idle, needy_asked = [], 0.0, 0.0, 0.0
    for r, n, p in zip(asked, need, position, strict=True):
        if n > 0:
            x = min(r, max(0.0, level * n - p))
            given += x
            needy_asked += r
        else:
            x = 0.0
            idle += r
        out.append(x)
    if needy_asked <= available and idle > 0:  # every needy camp served: the rest to camps with no need
        left = available - given
        for i, (r, n) in enumerate(zip(asked, need, strict=True)):
            if not n > 0:
                out[i] = min(r, left * r / idle)
    return out
