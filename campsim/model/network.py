"""The parts of a network scenario: camps, warehouses and the roads between them.

A scenario with ``camps:`` is a network: its ``commodities:`` describe the items once,
and stock and supply live at the sites (a camp's or a warehouse's ``commodities:``).
Key names are a contract, as for the single camp; ``from`` is a Python keyword, so the
models hold it as ``warehouse`` (Supply) and ``origin`` (Route), aliased to ``from``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from campsim.model import standards
from campsim.model.schema import (
    Donation,
    LeadTime,
    Model,
    NonNegFloat,
    Ordering,
    Population,
    RationStep,
    Whole,
    lead_time,
)


def _lat_lon(value: list[float]) -> list[float]:
    lat, lon = value
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"expected [latitude, longitude] within [-90..90, -180..180], got {value}")
    return value


Location = Annotated[list[float], Field(min_length=2, max_length=2), AfterValidator(_lat_lon)]


class CampPopulation(Population):
    """A camp's people: the single camp's population block, plus its room and where the overflow goes."""

    max_population: Annotated[int, Field(ge=0, le=standards.MAX_POPULATION_PERSONS), Whole] | None = Field(
        default=None, description="people the camp has room for; arrivals beyond it go to overflow_to"
    )
    overflow_to: str | None = Field(default=None, description="the camp that takes the arrivals this one cannot")


class Supply(Model):
    """Requisitions from a warehouse: reviewed like an order-up-to rule, carried by a route."""

    warehouse: str = Field(alias="from", description="the warehouse that supplies this camp")
    review_every_days: Annotated[int, Field(ge=1), Whole] = 1
    order_up_to_days: NonNegFloat


class CampStock(Model):
    """A commodity at a camp: its stock, and how (if at all) it is resupplied.

    With neither ``supply:`` nor ``ordering:`` the camp has its initial stock and donations only.
    """

    initial_stock: NonNegFloat = 0.0
    capacity: NonNegFloat | None = None
    donations: list[Donation] = Field(default_factory=list, max_length=standards.MAX_LIST_ITEMS)
    rationing: list[RationStep] | None = Field(
        default=None,
        max_length=standards.MAX_LIST_ITEMS,
        description="replaces the commodity's rationing here ([] turns it off); absent: the commodity's",
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

    def rationing(self, name: str, default: list[RationStep]) -> list[RationStep]:
        """The rationing policy for commodity ``name`` here: the camp's own, or ``default``."""
        own = self.commodities[name].rationing if name in self.commodities else None
        return default if own is None else own


class Warehouse(Model):
    """A warehouse: its location and the commodities it holds."""

    location: Location | None = None
    commodities: dict[str, WarehouseStock] = Field(default_factory=dict, max_length=standards.MAX_COMMODITIES)


class Route(Model):
    """One road from a warehouse to a camp: every commodity between the two goes this way."""

    origin: str = Field(alias="from", description="a warehouse")
    to: str = Field(description="a camp")
    transit_days: Annotated[LeadTime, BeforeValidator(lead_time, json_schema_input_type=NonNegFloat | LeadTime)] = (
        Field(default_factory=lambda: LeadTime(fixed=1.0), description="a number of days or a distribution")
    )
    capacity_kg_per_day: NonNegFloat | None = Field(default=None, description="absent: unlimited")
    cost_usd_per_kg: NonNegFloat = 0.0

    @field_validator("capacity_kg_per_day")
    @classmethod
    def _a_real_load(cls, value: float | None) -> float | None:
        # below a gram a day the truck scaling (capacity / kg) loses precision in subnormal floats and a
        # road could carry a hair above its capacity; no road carries so little: 0 closes it
        if value is not None and 0 < value < standards.MIN_TRUCK_CAPACITY_KG_PER_DAY:
            raise ValueError(
                f"expected 0 (nothing gets through) or at least {standards.MIN_TRUCK_CAPACITY_KG_PER_DAY:g} kg a day, "
                f"got {value:g}"
            )
        return value
