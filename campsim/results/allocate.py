"""An allocation's result: the tables ``campsim allocate`` writes and the figures its words use."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# allocation.csv's columns, in order (the contract; docs/hxl.md tags them)
ALLOCATION_COLUMNS = (
    "commodity", "requirement_usd", "written_share", "written_usd", "flat_share", "flat_usd", "best_share",
    "best_usd", "objective_written", "objective_flat", "objective_best", "marginal_person_days_per_100k",
)  # fmt: skip
FRONTIER_COLUMNS = ("budget_share", "budget_usd", "objective_flat", "objective_best")  # then best_share_<commodity>
MARGINAL_USD = 100_000.0  # marginal_person_days_per_100k: what the next US$100,000 saves

OBJECTIVE_WORDS = {
    "person-days": "person-days short",
    "critical": "person-days below the critical level",
    "weighted": "weighted person-days short",
}


@dataclass(frozen=True)
class DataPath:
    """A data file the scenario names (csv:, fts:): where its value is in the file, and the file itself."""

    line: int  # 0-based line of the scenario text
    written: str  # the value as written on that line
    absolute: str  # the file it names


@dataclass
class AllocateResult:
    """What ``campsim.allocate`` returns and ``campsim allocate`` writes (docs/semantics.md, Allocation).

    ``allocation`` and ``frontier`` are allocation.csv and frontier.csv; ``totals`` the objective of
    the written, flat and best splits at the budget (written: None when the written split cannot
    spend this budget within the share limits).
    """

    scenario_name: str
    scenario_file: str
    commodities: list[str]
    objective: str
    weights: dict[str, float]
    notes: list[str]
    method: str
    kept: str  # "best", "flat" or "written": which candidate the best split is
    budget_usd: float
    requirement_usd: float
    replications: int
    seed: int
    step: float
    min_share: float
    max_share: float
    allocation: pd.DataFrame
    frontier: pd.DataFrame
    totals: dict[str, float | None]
    flat_equivalent_usd: float | None  # the flat budget that does as well as the best split (None: none does)
    flat_limit_share: float  # the highest flat share simulated (max-share)
    written_uniform: float | None  # the written share at this budget when every commodity has the same one
    yaml_lines: list[str] = field(default_factory=list)  # the scenario with the best shares written in
    data_paths: list[DataPath] = field(default_factory=list)
    data_root: str | None = None  # the folder data files were read from, when the scenario names any

    @property
    def budget_share(self) -> float:
        return self.budget_usd / self.requirement_usd if self.requirement_usd else 0.0

    @property
    def objective_words(self) -> str:
        return OBJECTIVE_WORDS[self.objective]

    @property
    def saved(self) -> float:
        """What the best split saves against the reference (the written split if it applies, else flat)."""
        return self.totals[self.reference] - self.totals["best"]

    @property
    def reference(self) -> str:
        return "written" if self.totals.get("written") is not None else "flat"
