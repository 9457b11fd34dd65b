"""The scenario schema (pydantic): the scenario file format as a contract.

The key names are a contract (README "Scenario files", docs/semantics.md): users and other
tools write these files. Every model forbids unknown keys, so a typo is an error, never
ignored. Loading a file into this schema is loader.py's job.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from campsim.model import standards


def _iso_date(value: Any) -> date:
    """Accept a YAML date or an ISO date string; refuse timestamps and numbers."""
    if isinstance(value, datetime):
        raise ValueError(f"expected a date like 2017-10-01 without a time, got {value}")
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            pass
    if not isinstance(value, date):
        raise ValueError(f"expected an ISO date like 2017-10-01, got {value!r}")
    if not standards.FIRST_DATE <= value <= standards.LAST_DATE:
        raise ValueError(f"expected a date from {standards.FIRST_DATE} to {standards.LAST_DATE}, got {value}")
    return value


def _whole(value: Any) -> Any:
    """A whole number written with an exponent (``1e6``, a float in YAML 1.2) where an integer is expected."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
        return int(value)
    return value


Whole = BeforeValidator(_whole)


def _day_number_or_date(value: Any) -> int | date:
    """A day number (0 = start) or an ISO date."""
    value = _whole(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return _iso_date(value)


# what `campsim schema` says of the types read by a validator (pydantic cannot see into those)
DATE_JSON = {"type": "string", "format": "date", "pattern": r"^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$"}
DAY_OR_DATE_JSON = {"anyOf": [DATE_JSON, {"type": "integer"}]}
FRACTION_JSON = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 1},
        {"type": "string", "pattern": r"^\s*(100(\.0*)?|[0-9]{1,2}(\.[0-9]*)?)\s*%\s*$"},
    ]
}

IsoDate = Annotated[date, BeforeValidator(_iso_date), WithJsonSchema(DATE_JSON)]
NonNegFloat = Annotated[float, Field(ge=0, le=standards.MAX_QUANTITY)]
People = Annotated[float, Field(ge=0, le=standards.MAX_ARRIVALS_PERSONS)]


def _percent(value: Any) -> Any:
    """``"62%"`` -> 0.62, as CSV cells are read; anything else is left to the field's type."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            number = float(value.strip()[:-1].strip())
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise ValueError(f"expected a number from 0 to 1 or a percentage like 62%, got {value!r}")
        return number / 100
    return value


Fraction = Annotated[float, BeforeValidator(_percent), Field(ge=0, le=1), WithJsonSchema(FRACTION_JSON)]


class Model(BaseModel):
    """Strict base: unknown keys are errors; no string-to-number coercion; no NaN/inf."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


@dataclass(frozen=True)
class ArrivalCounts:
    """An arrivals file's dated counts as written (people, or households where ``households``).

    The loader fills it from ``csv:``; compiling a plan turns it into arrivals by day.
    """

    kind: str  # arrivals | cumulative | population
    label: str  # the count column's header or tag, for messages
    households: bool  # the column counts households (tagged +hh)
    lines: tuple[int, ...]  # the file line of each count
    dates: tuple[date, ...]
    counts: tuple[float, ...]
    notes: tuple[str, ...] = ()  # what reading did beyond one row per date (sorted, summed, ...)


# Fields the loader fills from data files; a scenario file may not write them.
LOADER_FIELDS = {"data", "fts_fractions", "source"}


def refuse_loader_fields(data: Any) -> Any:
    """Refuse the keys of LOADER_FIELDS in a mapping a file wrote."""
    if isinstance(data, dict):
        for key in LOADER_FIELDS & set(data):
            raise ValueError(f"{key}: is filled in by campsim from the data files, not written in a scenario")
    return data


class DayOrDate(Model):
    """Something that happens on one day, given as ``date:`` or as ``day:`` (0 = start)."""

    date: IsoDate | None = None
    day: Annotated[int, Field(ge=0), Whole] | None = None

    @model_validator(mode="after")
    def _one_of_date_day(self) -> DayOrDate:
        if (self.date is None) == (self.day is None):
            raise ValueError("give either date: or day:, not both or neither")
        return self

    def day_index(self, start: date) -> int:
        """Day number relative to the scenario start."""
        return self.day if self.day is not None else (self.date - start).days


class Surge(Model):
    """A one-off influx: ``total`` people spread evenly over ``days`` days from ``start``."""

    start: IsoDate
    days: Annotated[int, Field(ge=1), Whole]
    total: People


class ArrivalComponent(Model):
    """One source of arrivals; a scenario's components add up."""

    rate: dict[IsoDate, People] | None = Field(
        default=None,
        max_length=standards.MAX_LIST_ITEMS,  # dates, like list items (100,000 took 50 s)
        description="people/day from each date on (piecewise constant)",
    )
    surge: Surge | None = None
    csv: str | None = Field(
        default=None, description="CSV (plain or HXL-tagged) of arrivals, cumulative arrivals or a population count"
    )
    column: str | None = Field(
        default=None,
        min_length=1,
        description="the count column: a header name or an HXL tag pattern such as #affected+idps+ind",
    )
    kind: Literal["arrivals", "cumulative", "population"] = Field(
        default="arrivals", description="what the column counts: daily arrivals, cumulative arrivals, or people present"
    )
    data: ArrivalCounts | None = Field(default=None, exclude=True, description="the csv: file's counts (loader)")

    _no_data = model_validator(mode="before")(classmethod(lambda cls, data: refuse_loader_fields(data)))

    @model_validator(mode="after")
    def _exactly_one(self) -> ArrivalComponent:
        given = [k for k in ("rate", "surge", "csv") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "each arrivals item needs exactly one of rate:, surge:, csv:"
                + (f" (got {', '.join(given)})" if given else "")
            )
        if self.rate is not None and not self.rate:
            raise ValueError("rate: needs at least one {date: people/day} entry")
        if self.csv is None and ("column" in self.model_fields_set or "kind" in self.model_fields_set):
            raise ValueError("column: and kind: describe a csv: file; this item has none")
        return self


class Population(Model):
    """The camp population and how it changes."""

    initial: Annotated[int, Field(ge=0, le=standards.MAX_POPULATION_PERSONS), Whole] = 0
    household_size: Annotated[
        float, Field(ge=standards.MIN_HOUSEHOLD_SIZE_PERSONS, le=standards.MAX_HOUSEHOLD_SIZE_PERSONS)
    ] = standards.HOUSEHOLD_SIZE_PERSONS
    departures_per_day: Fraction = 0.0
    arrivals: list[ArrivalComponent] = Field(default_factory=list, max_length=standards.MAX_LIST_ITEMS)


class Tranche(DayOrDate):
    """A share of the funded amount arriving on one day."""

    share: Fraction


class Disbursement(Model):
    """When funding arrives: ``upfront``, ``monthly`` or a schedule of tranches."""

    mode: Literal["upfront", "monthly", "schedule"] = "upfront"
    tranches: list[Tranche] = Field(default_factory=list, max_length=standards.MAX_LIST_ITEMS)


def _disbursement(value: Any) -> Any:
    if isinstance(value, Disbursement):
        return value
    if value in ("upfront", "monthly"):
        return {"mode": value}
    if isinstance(value, list):
        if not value:
            raise ValueError("an empty tranche list pays nothing; use upfront, monthly or list tranches")
        return {"mode": "schedule", "tranches": value}
    raise ValueError(f"expected upfront, monthly or a list of {{date: or day:, share:}}, got {value!r}")


class Funding(Model):
    """Funding received against each commodity's requirement."""

    funded_fraction: Fraction = 1.0
    disbursement: Annotated[
        Disbursement,
        BeforeValidator(_disbursement, json_schema_input_type=Literal["upfront", "monthly"] | list[Tranche]),
    ] = Field(default_factory=Disbursement)
    fts: str | None = Field(
        default=None, min_length=1, description="an FTS-style table of required and funded USD by cluster"
    )
    clusters: dict[str, list[str]] | None = Field(
        default=None, description="FTS cluster name (as the table spells it) -> the commodities it funds"
    )
    fts_fractions: dict[str, float] = Field(
        default_factory=dict, exclude=True, description="commodity -> funded share from the fts: table (loader)"
    )

    _no_data = model_validator(mode="before")(classmethod(lambda cls, data: refuse_loader_fields(data)))

    @model_validator(mode="after")
    def _clusters_need_fts(self) -> Funding:
        if self.clusters is not None and self.fts is None:
            raise ValueError("clusters: maps an fts: table's clusters to commodities; give fts: too")
        return self


class LogNormal(Model):
    """Mean and standard deviation of the lead time itself (not of its logarithm)."""

    # bounded so that (sd / mean)^2 and the draws stay finite and fit whole days
    mean: Annotated[float, Field(ge=standards.MIN_LEAD_TIME_MEAN_DAYS, le=standards.MAX_QUANTITY)]
    sd: NonNegFloat


class LeadTime(Model):
    """A lead time in days: a fixed number or one distribution."""

    fixed: NonNegFloat | None = None
    triangular: Annotated[list[NonNegFloat], Field(min_length=3, max_length=3)] | None = None
    uniform: Annotated[list[NonNegFloat], Field(min_length=2, max_length=2)] | None = None
    lognormal: LogNormal | None = None

    @model_validator(mode="after")
    def _one_distribution(self) -> LeadTime:
        given = [k for k in ("fixed", "triangular", "uniform", "lognormal") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("expected a number of days or one of triangular:, uniform:, lognormal:")
        if self.triangular is not None:
            lo, mode, hi = self.triangular
            if not lo <= mode <= hi:
                raise ValueError(f"triangular needs [min, mode, max] with min <= mode <= max, got {self.triangular}")
            if lo == hi:
                self.fixed, self.triangular = lo, None
        if self.uniform is not None:
            lo, hi = self.uniform
            if lo > hi:
                raise ValueError(f"uniform needs [low, high] with low <= high, got {self.uniform}")
        return self

    @property
    def mean_days(self) -> float:
        """Expected lead time before rounding."""
        if self.fixed is not None:
            return self.fixed
        if self.triangular is not None:
            return sum(self.triangular) / 3
        if self.uniform is not None:
            return sum(self.uniform) / 2
        return self.lognormal.mean


def lead_time(value: Any) -> Any:
    """A number of days, or a mapping naming one distribution (lead times, transit times)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"fixed": value}
    if isinstance(value, dict | LeadTime):
        return value
    raise ValueError(
        "expected a number of days or one of {triangular: [min, mode, max]}, {uniform: [low, high]}, "
        f"{{lognormal: {{mean: m, sd: s}}}}, got {value!r}"
    )


class Ordering(Model):
    """Periodic order-up-to review."""

    review_every_days: Annotated[int, Field(ge=1), Whole] = 1
    order_up_to_days: NonNegFloat
    lead_time_days: Annotated[LeadTime, BeforeValidator(lead_time, json_schema_input_type=NonNegFloat | LeadTime)]
    max_order: NonNegFloat | None = None


class RationStep(Model):
    """Cut the ration to ``ration`` when days of cover fall strictly below the threshold."""

    below_days_of_cover: Annotated[float, Field(gt=0)]
    ration: Fraction


class Donation(DayOrDate):
    """A free, unfunded delivery."""

    quantity: NonNegFloat


class Commodity(Model):
    """One supply line: need standard, stock, ordering, funding and rationing.

    In a network (a scenario with ``camps:``) it describes the item only, and its rationing
    is every camp's default; stock, ordering and donations live at the sites.
    """

    unit: str = "unit"
    per_person_day: NonNegFloat | None = None
    per_new_household: NonNegFloat | None = None
    critical_per_person_day: NonNegFloat | None = None
    unit_cost_usd: NonNegFloat = 0.0
    kg_per_unit: NonNegFloat = Field(default=0.0, description="weight of one unit, for road capacity and cost")
    initial_stock: NonNegFloat = 0.0
    capacity: NonNegFloat | None = None
    shelf_life_days: Annotated[int, Field(ge=1), Whole] | None = None
    funded_fraction: Fraction | None = None
    requirement_usd: NonNegFloat | None = None
    ordering: Ordering | None = None
    rationing: list[RationStep] = Field(default_factory=list, max_length=standards.MAX_LIST_ITEMS)
    donations: list[Donation] = Field(default_factory=list, max_length=standards.MAX_LIST_ITEMS)

    @property
    def per_household(self) -> bool:
        """True for an item given once per arriving household (a kit)."""
        return self.per_new_household is not None


class Disruption(Model):
    """A period in which deliveries of some (or all) commodities cannot arrive.

    In a network it may name ``routes:`` (those roads are closed) or ``sites:`` (deliveries
    to those camps and warehouses stop), the latter with or without ``commodities:``.
    """

    start: Annotated[
        date | int,
        BeforeValidator(_day_number_or_date),
        WithJsonSchema(DAY_OR_DATE_JSON),
    ]
    days: Annotated[int, Field(ge=1), Whole] | None = Field(default=None, description="how many days; or give end:")
    end: Annotated[date | int, BeforeValidator(_day_number_or_date), WithJsonSchema(DAY_OR_DATE_JSON)] | None = Field(
        default=None, description="the last disrupted day (inclusive), a date or a day number; or give days:"
    )
    commodities: list[str] | None = None
    routes: list[str] | None = Field(default=None, description="route names (networks only)")
    sites: list[str] | None = Field(default=None, description="camp or warehouse names (networks only)")
    reason: str = "disruption"

    @model_validator(mode="after")
    def _days_or_end(self) -> Disruption:
        if (self.days is None) == (self.end is None):
            raise ValueError("give either days: (how many) or end: (the last day, inclusive), not both or neither")
        return self

    def start_day(self, start: date) -> int:
        """Day number of the first disrupted day."""
        return self.start if isinstance(self.start, int) else (self.start - start).days

    def end_day(self, start: date) -> int:
        """Day number of the last disrupted day (from days: or end:)."""
        if self.end is None:
            return self.start_day(start) + self.days - 1
        return self.end if isinstance(self.end, int) else (self.end - start).days
