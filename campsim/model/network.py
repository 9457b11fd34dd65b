"""The parts of a network scenario: camps, warehouses and the roads between them.

A scenario with ``camps:`` is a network (see docs/semantics.md, "Camp networks"): the
commodities describe the items once, and stock and supply live at the sites. Key names
are a contract, as for the single camp.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from campsim.model import standards
from campsim.model.schema import (
    Donation,
    LeadTime,
    Model,
    NonNegFloat,
    Ordering,
    Population,
    RationStep,
    lead_time,
)

Location = Annotated[list[float], Field(min_length=2, max_length=2)]


class CampPopulation(Population):
    """A camp's people: today's population block, plus its room and where the overflow goes."""

    max_population: Annotated[int, Field(ge=0, le=standards.MAX_POPULATION_PERSONS)] | None = Field(
        default=None, description="plots or tents available: arrivals beyond it go to overflow_to, or are turned away"
    )
    overflow_to: str | None = Field(default=None, description="the camp that takes the arrivals this one cannot")


class Supply(Model):
    """Requisitions from a warehouse, reviewed like an order-up-to rule but free and without lead time."""

    warehouse: str = Field(alias="from", description="the warehouse that supplies this camp")
    review_every_days: Annotated[int, Field(ge=1)] = 1
    order_up_to_days: NonNegFloat


class CampStock(Model):
    """A commodity at a camp: its stock, and how (if at all) it is resupplied."""

    initial_stock: NonNegFloat = 0.0
    capacity: NonNegFloat | None = None
    donations: list[Donation] = Field(default_factory=list, max_length=standards.MAX_LIST_ITEMS)
    rationing: list[RationStep] | None = Field(
        default=None, max_length=standards.MAX_LIST_ITEMS, description="replaces the commodity's policy here"
    )
    supply: Supply | None = None
    ordering: Ordering | None = None

    @model_validator(mode="after")
    def _one_way_in(self) -> CampStock:
        if self.supply is not None and self.ordering is not None:
            raise ValueError("give supply: (from a warehouse) or ordering: (from suppliers), not both")
        return self


class WarehouseStock(Model):
    """A commodity at a warehouse: its stock, supplier orders and donations."""

    initial_stock: NonNegFloat = 0.0
    capacity: NonNegFloat | None = None
    ordering: Ordering | None = None
    donations: list[Donation] = Field(default_factory=list, max_length=standards.MAX_LIST_ITEMS)


class Camp(Model):
    """A camp: its location, its people and the commodities it receives."""

    location: Location | None = None
    population: CampPopulation = Field(default_factory=CampPopulation)
    commodities: dict[str, CampStock] = Field(default_factory=dict, max_length=standards.MAX_COMMODITIES)


class Warehouse(Model):
    """A warehouse: its location and the commodities it holds."""

    location: Location | None = None
    commodities: dict[str, WarehouseStock] = Field(default_factory=dict, max_length=standards.MAX_COMMODITIES)


class Route(Model):
    """One road from a warehouse to a camp: every commodity between them goes this way."""

    origin: str = Field(alias="from", description="a warehouse")
    to: str = Field(description="a camp")
    transit_days: Annotated[LeadTime, BeforeValidator(lead_time)] = Field(
        default_factory=lambda: LeadTime(fixed=1.0), description="a number or a distribution like lead_time_days"
    )
    capacity_kg_per_day: NonNegFloat | None = None
    cost_usd_per_kg: NonNegFloat = 0.0


def alias_keys(model: type[Model]) -> list[str]:
    """A model's keys as a scenario file writes them (``from``, not the Python name)."""
    return [field.alias or name for name, field in model.model_fields.items()]


def as_location(value: Any) -> Any:  # pragma: no cover - kept for symmetry with the schema's helpers
    return value
