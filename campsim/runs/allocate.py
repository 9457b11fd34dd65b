"""campsim allocate: split a fixed budget across commodities so that the fewest are short.

The decision is a funded share per commodity, Σ share x requirement = budget. Each
commodity's objective is simulated on a grid of shares (every commodity funded at each
grid share at once: a single camp's lines, and a network's without shared truck capacity,
do not interact), the best split is found by dynamic programming over the budget in 0.1%
units (allocate_split.py), and what is left is spent by simulated saving per dollar. When
commodities share a capacitated route, pairwise moves of money then improve the split on
the full simulation. The chosen split is re-simulated with the flat and the written ones,
and the best of the three kept. Every evaluation runs the same replications (common random
numbers). See docs/semantics.md, "Allocation".
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from campsim.load.loader import ScenarioFile
from campsim.model.errors import ScenarioError
from campsim.model.scenario import Scenario
from campsim.plan.compile import compile
from campsim.results.allocate import ALLOCATION_COLUMNS, MARGINAL_USD, AllocateResult
from campsim.runs.allocate_columns import Budgeted, budgeted, delivered_usd, draws_for, evaluate
from campsim.runs.allocate_split import grid_shares, scaled_within, split
from campsim.runs.allocate_yaml import with_shares

OBJECTIVES = ("person-days", "critical", "weighted")
DEFAULT_REPLICATIONS = 200
FRONTIER_STEP = 0.05
PAIR_FIRST_MOVE = 0.1  # pairwise moves start at 10% of the budget and halve ...
PAIR_LAST_MOVE = 0.01  # ... down to 1% of it
PAIR_ROUNDS = 60  # at most this many rounds of pairwise moves (each simulates up to n(n-1) splits)
CENT = 0.005
# the finest grid: 1,001 shares, ten times the default's work (a step of 1e-6 would run for days)
MIN_STEP = 0.001


def parse_weights(text: str | dict | None, scenario: Scenario) -> dict[str, float]:
    """``water=3,food=2`` (or a dict) checked against the scenario's commodities."""
    if text is None:
        return {}
    pairs = text.items() if isinstance(text, dict) else [p.partition("=")[::2] for p in str(text).split(",") if p]
    out = {}
    for name, value in pairs:
        name = str(name).strip()
        if name not in scenario.commodities:
            have = ", ".join(scenario.commodities)
            raise ScenarioError(f"--weights {name}: unknown commodity; the scenario has {have}")
        try:
            weight = float(value)
        except (TypeError, ValueError):
            raise ScenarioError(f"--weights {name}={value}: expected COMMODITY=NUMBER, e.g. water=3,food=2") from None
        if not (math.isfinite(weight) and weight >= 0):
            raise ScenarioError(f"--weights {name}={value}: expected a number >= 0")
        out[name] = weight
    return out


def objective_weights(kind: str, weights: dict[str, float], s: Scenario) -> tuple[np.ndarray, list[str]]:
    """[commodity] each commodity's weight in the objective, and what to say about the ones left out."""
    if kind not in OBJECTIVES:
        raise ScenarioError(f"--objective {kind}: expected one of {', '.join(OBJECTIVES)}")
    if kind != "weighted" and weights:
        raise ScenarioError(f"--weights applies to --objective weighted only, not {kind}")
    if kind == "weighted" and not weights:
        raise ScenarioError("--objective weighted needs --weights, e.g. --weights water=3,food=2")
    names, kits = list(s.commodities), [c.per_household for c in s.commodities.values()]
    if kind == "weighted":
        out = np.array([weights.get(n, 0.0) for n in names])
        notes = [f"{n} is not in --weights: it weighs 0 and gets only what the others leave" for n in names
                 if n not in weights]  # fmt: skip
    else:
        out = np.array([0.0 if kit else 1.0 for kit in kits])
        why = "its person-days count households waiting" if kind == "person-days" else "it has no critical level"
        notes = [f"{n} is left out of the {kind} objective ({why}): it gets only what the others leave"
                 for n, kit in zip(names, kits, strict=True) if kit]  # fmt: skip
    return out, notes


def interacting_route(s: Scenario, plan) -> str | None:
    """A route with a capacity that carries two or more commodities with a weight (None: none does)."""
    if plan.network is None:
        return None
    net = plan.network
    for r, name in enumerate(net.routes.names):
        if not np.isfinite(net.routes.capacity_kg_per_day[r]):
            continue
        carried = {int(c) for c, route in zip(net.sites.line_commodity, net.sites.line_route, strict=True)
                   if route == r and net.kg_per_unit[c] > 0}  # fmt: skip
        if len(carried) >= 2:
            return name
    return None


class Evaluator:
    """Every allocation evaluated once (cached by its shares), on the same replications."""

    def __init__(self, plan, money: Budgeted, seed: int, replications: int, weights: np.ndarray, metric: str,
                 jobs: int | None = 1, progress=None):  # fmt: skip
        self.plan, self.money, self.seed, self.n, self.jobs = plan, money, seed, replications, jobs
        self.progress = progress
        self.drawn = None  # the replications' draws, made once for every evaluation
        self.weights, self.metric = weights, metric
        self.cache: dict[tuple[float, ...], np.ndarray] = {}

    def __call__(self, shares: list[np.ndarray]) -> list[np.ndarray]:
        """[commodity] weighted objective of each allocation."""
        keys = [tuple(float(x) for x in s) for s in shares]
        todo = list(dict.fromkeys(k for k in keys if k not in self.cache))
        if todo:
            if self.drawn is None:
                self.drawn = draws_for(self.plan, self.seed, self.n)
            got = evaluate(self.plan, self.money, np.array(todo), self.seed, self.n, self.jobs, self.progress,
                           self.drawn)  # fmt: skip
            values = got.person_days if self.metric == "person_days" else got.critical_days
            for key, row in zip(todo, values, strict=True):
                self.cache[key] = row * self.weights
        return [self.cache[k] for k in keys]


def allocate(path: str | Path, budget: float | None = None, budget_share: float | None = None,
             objective: str = "person-days", weights: str | dict | None = None, min_share: float = 0.0,
             max_share: float = 1.0, replications: int | None = None, step: float = 0.01,
             seed: int | None = None, data_root: str | Path | None = None,
             jobs: int | None = None, progress=None) -> AllocateResult:  # fmt: skip
    """Split the budget across commodities to minimise the objective (docs/semantics.md, Allocation).

    ``jobs``: processes stepping the allocations (None: every usable core); the figures do not depend on it.
    ``progress(k)``: called as every k allocations are simulated (a progress bar's update).

    Raises:
        ScenarioError: an invalid scenario or option (nothing is run).
    """
    source = ScenarioFile(path, data_root)
    s = source.load()
    plan = compile(s)
    money = budgeted(s, plan)
    names = list(s.commodities)
    req = money.requirement_usd
    total_req = math.fsum(req.tolist())
    low, high = _share_limits(min_share, max_share, step)
    chosen = parse_weights(weights, s)
    w, notes = objective_weights(objective, chosen, s)
    # a deterministic scenario's replications all follow the expected path: one says it all
    n = (1 if s.deterministic else DEFAULT_REPLICATIONS) if replications is None else int(replications)
    if n < 1:
        raise ScenarioError(f"--replications {n}: expected a whole number >= 1")
    root = s.seed if seed is None else int(seed)
    written = np.array([s.funded_fraction(name) for name in names], dtype=float)
    budget_usd = _budget(budget, budget_share, delivered_usd(money, written), total_req, low, high)
    run = Evaluator(plan, money, root, n, w, "critical_days" if objective == "critical" else "person_days", jobs,
                    progress)  # fmt: skip
    grid = grid_shares(low, high, step)
    curves = np.array(run([np.full(len(names), g) for g in grid]))  # [g, commodity]

    def candidates(amount: float) -> dict[str, np.ndarray | None]:
        # rounded to 12 places, so that 62% of the requirement is funded at 0.62 exactly, as written
        flat = np.full(len(names), round(amount / total_req, 12) if total_req else 0.0)
        best = _shares(split(curves, grid, req, amount, low, high), req, flat, low, high)
        return {"best": best, "flat": flat, "written": _written_at(written, req, amount, low, high)}

    # the frontier: every budget share 0, 0.05, ..., 1 within the share limits, every candidate simulated
    levels = [b for b in (round(k * FRONTIER_STEP, 12) for k in range(int(round(1 / FRONTIER_STEP)) + 1))
              if low - 1e-12 <= b <= high + 1e-12]  # fmt: skip
    frontier_splits = [candidates(b * total_req) for b in levels]
    here = candidates(budget_usd)
    wanted = [x for cands in [here, *frontier_splits] for x in cands.values() if x is not None]
    run(wanted)
    kept, best = _best_of(run, here)
    route = interacting_route(s, plan)
    method = "grid and dynamic programme"
    if route is not None:
        moved = _pairwise(run, best, req, budget_usd, low, high)
        if run([moved])[0].sum() < run([best])[0].sum():
            kept, best = "best", moved
        method += f", then pairwise moves (commodities share route {route}'s truck capacity)"
    marginal = _marginal(run, best, req, high)
    frontier = _frontier(run, levels, frontier_splits, total_req, names)
    values = {k: (None if v is None else run([v])[0]) for k, v in here.items()}
    values["best"] = run([best])[0]
    table = pd.DataFrame({
        "commodity": names, "requirement_usd": req,
        "written_share": _or_empty(here["written"]), "written_usd": _or_empty(here["written"], req),
        "flat_share": here["flat"], "flat_usd": here["flat"] * req, "best_share": best, "best_usd": best * req,
        "objective_written": _or_empty(values["written"]), "objective_flat": values["flat"],
        "objective_best": values["best"], "marginal_person_days_per_100k": marginal,
    })[list(ALLOCATION_COLUMNS)]  # fmt: skip
    totals = {k: (None if v is None else math.fsum(v.tolist())) for k, v in values.items()}
    flat_totals = curves.sum(axis=1)
    lines, data_paths = with_shares(path, dict(zip(names, (float(x) for x in best), strict=True)))
    scaled = here["written"]  # the written split at this budget
    uniform = float(scaled[0]) if scaled is not None and np.all(scaled == scaled[0]) else None
    return AllocateResult(
        scenario_name=s.name, scenario_file=str(path), commodities=names, objective=objective,
        weights={name: float(x) for name, x in zip(names, w, strict=True)}, notes=notes, method=method, kept=kept,
        budget_usd=budget_usd, requirement_usd=total_req, replications=n, seed=root, step=step,
        min_share=low, max_share=high, allocation=table, frontier=frontier, totals=totals,
        flat_equivalent_usd=_flat_equivalent(grid, flat_totals, totals["best"], total_req), flat_limit_share=high,
        written_uniform=uniform, yaml_lines=lines, data_paths=data_paths,
        data_root=None if not data_paths else str(data_root if data_root is not None else Path(path).parent),
    )  # fmt: skip


# --- the pieces ------------------------------------------------------------------------------


def _share_limits(low: float, high: float, step: float) -> tuple[float, float]:
    for name, value in (("--min-share", low), ("--max-share", high)):
        if not (math.isfinite(value) and 0 <= value <= 1):
            raise ScenarioError(f"{name} {value:g}: expected a share between 0 and 1")
    if low > high:
        raise ScenarioError(f"--min-share {low:g} is above --max-share {high:g}: expected min <= max")
    if not (math.isfinite(step) and MIN_STEP <= step <= 1):
        raise ScenarioError(f"--step {step:g}: expected a share step from {MIN_STEP:g} to 1, e.g. 0.01")
    return float(low), float(high)


def _budget(budget: float | None, share: float | None, delivered: float, total: float, low: float,
            high: float) -> float:  # fmt: skip
    """The budget in USD: --budget, --budget-share x the total requirement, or what the tranches deliver."""
    if budget is not None and share is not None:
        raise ScenarioError("give --budget USD or --budget-share F, not both")
    if share is not None:
        if not (math.isfinite(share) and 0 <= share <= 1):
            raise ScenarioError(f"--budget-share {share:g}: expected a share of the total requirement between 0 and 1")
        amount, named = share * total, f"--budget-share {share:g} (US${share * total:,.0f})"
    elif budget is not None:
        if not math.isfinite(budget) or budget < 0:
            raise ScenarioError(f"--budget {budget:g}: expected an amount in USD >= 0")
        amount, named = float(budget), f"--budget {budget:,.0f}"
    else:
        amount, named = delivered, f"the scenario's budget (US${delivered:,.0f})"
    slack = 1e-9 * max(total, 1.0)
    if amount > total * high + slack:
        raise ScenarioError(f"{named} is above the total requirement x --max-share {high:g} = US${total * high:,.0f}: "
                            "no split can spend it")  # fmt: skip
    if amount < total * low - slack:
        raise ScenarioError(f"{named} is below the total requirement x --min-share {low:g} = US${total * low:,.0f}: "
                            "no split fits in it")  # fmt: skip
    return amount


def _shares(usd: np.ndarray, req: np.ndarray, fallback: np.ndarray, low: float, high: float) -> np.ndarray:
    """Funded shares from USD (a commodity with no requirement keeps ``fallback``: it costs nothing).

    Kept within [low, high]: a cap's USD / requirement can land an ulp above it, and a
    funded_fraction above 1 is not a valid scenario (allocated.yaml would not run).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(req > 0, np.clip(usd / np.where(req > 0, req, 1.0), low, high), fallback)


def _written_at(written: np.ndarray, req: np.ndarray, amount: float, low: float, high: float) -> np.ndarray | None:
    """The written split at ``amount``: its shares themselves when they spend it within the limits, else
    scaled by one factor, each share clipped to [low, high] (None: no factor spends it)."""
    total = math.fsum((written * req).tolist())
    paying = req > 0
    within = np.all(written[paying] >= low) and np.all(written[paying] <= high)
    if within and abs(total - amount) <= 1e-9 * max(total, 1.0):
        return written.copy()  # the written shares themselves, not a rounding of them
    return scaled_within(written, req, amount, low, high)


def _best_of(run: Evaluator, cands: dict[str, np.ndarray | None]) -> tuple[str, np.ndarray]:
    """The candidate with the least objective (the dynamic programme's first on a tie)."""
    scored = [(run([v])[0].sum(), i, k) for i, (k, v) in enumerate(cands.items()) if v is not None]
    _, _, kept = min(scored)
    return kept, cands[kept]


def _pairwise(run: Evaluator, shares: np.ndarray, req: np.ndarray, budget: float, low: float,
              high: float) -> np.ndarray:  # fmt: skip
    """Move money between pairs of commodities while the simulated objective falls (the best move each round)."""
    usd = shares * req
    current = run([shares])[0].sum()
    move, rounds = PAIR_FIRST_MOVE * budget, 0
    while move >= PAIR_LAST_MOVE * budget and budget > 0 and rounds < PAIR_ROUNDS:
        rounds += 1
        tried = []
        for i in range(len(req)):
            for j in range(len(req)):
                amount = min(move, usd[i] - low * req[i], high * req[j] - usd[j])
                if i != j and req[i] > 0 and req[j] > 0 and amount > CENT:
                    moved = usd.copy()
                    moved[i], moved[j] = moved[i] - amount, moved[j] + amount
                    tried.append(moved)
        scores = [v.sum() for v in run([m / np.where(req > 0, req, 1.0) for m in tried])] if tried else []
        if scores and min(scores) < current:
            k = int(np.argmin(scores))
            usd, current = tried[k], scores[k]
        else:
            move /= 2
    return _shares(usd, req, shares, low, high)


def _marginal(run: Evaluator, best: np.ndarray, req: np.ndarray, high: float) -> list[float | None]:
    """Per commodity: what the next US$100,000 saves at the best split (all it can take below its cap,
    if that is less: a commodity cannot be funded past max-share; None at its cap)."""
    usd = best * req
    extra = [min(MARGINAL_USD, high * r - u) if r > 0 else 0.0 for u, r in zip(usd, req, strict=True)]
    more = [np.where(np.arange(len(req)) == c, (usd + e) / np.where(req > 0, req, 1.0), best)
            for c, e in enumerate(extra)]  # fmt: skip
    here = run([best])[0].sum()
    scores = run([m for m, e in zip(more, extra, strict=True) if e > CENT])
    it = iter(scores)
    return [None if e <= CENT else here - next(it).sum() for e in extra]


def _frontier(run: Evaluator, levels: list[float], splits: list[dict], total: float, names: list[str]) -> pd.DataFrame:
    rows = []
    for b, cands in zip(levels, splits, strict=True):
        kept, best = _best_of(run, cands)
        row = {"budget_share": b, "budget_usd": b * total, "objective_flat": run([cands["flat"]])[0].sum(),
               "objective_best": run([best])[0].sum()}  # fmt: skip
        row.update({f"best_share_{n}": float(x) for n, x in zip(names, best, strict=True)})
        rows.append(row)
    return pd.DataFrame(rows)


def _flat_equivalent(grid: np.ndarray, flat: np.ndarray, target: float, total: float) -> float | None:
    """The least flat budget doing as well as ``target``: the first grid share at or below it, linearly
    interpolated from the share before; None if no flat share on the grid does as well."""
    hits = np.flatnonzero(flat <= target)
    if not len(hits):
        return None
    g = int(hits[0])
    if g == 0 or flat[g - 1] == flat[g]:
        return float(grid[g] * total)
    share = grid[g - 1] + (grid[g] - grid[g - 1]) * (flat[g - 1] - target) / (flat[g - 1] - flat[g])
    return float(share * total)


def _or_empty(values: np.ndarray | None, scale: np.ndarray | None = None):
    if values is None:
        return None
    return values if scale is None else values * scale
