"""The whole scenario file: a single camp, or a network of camps, warehouses and routes.

Kept apart from schema.py (the parts) because a network's parts (network.py) are built
from the single camp's; this module sits on top of both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator, model_validator

from campsim.model import standards
from campsim.model.network import Camp, Route, Warehouse
from campsim.model.schema import (
    Commodity,
    Disruption,
    Funding,
    IsoDate,
    Model,
    Population,
    Whole,
    refuse_loader_fields,
)


def _yes_no(value: Any) -> Any:
    """YAML 1.1's yes/no/on/off for a switch: files written for PyYAML's old reading stay valid."""
    if isinstance(value, str) and value in YES_NO:
        return YES_NO[value]
    return value


YES_NO = {word: flag for words, flag in (("yes on", True), ("no off", False))
          for w in words.split() for word in (w, w.title(), w.upper())}  # fmt: skip

Allocation = Literal["proportional", "equal_cover", "priority"]


class Scenario(Model):
    """A whole scenario file: a network when it has ``camps:``, a single camp otherwise."""

    name: Annotated[str, Field(min_length=1)]
    start: IsoDate
    days: Annotated[int, Field(ge=1, le=standards.MAX_DAYS), Whole]
    seed: Annotated[int, Field(ge=0), Whole] = 0
    replications: Annotated[int, Field(ge=1, le=standards.MAX_REPLICATIONS), Whole] = 1
    deterministic: Annotated[
        bool, BeforeValidator(_yes_no), WithJsonSchema({"anyOf": [{"type": "boolean"}, {"enum": list(YES_NO)}]})
    ] = False
    population: Population = Field(default_factory=Population)
    funding: Funding = Field(default_factory=Funding)
    commodities: Annotated[dict[str, Commodity], Field(min_length=1, max_length=standards.MAX_COMMODITIES)]
    disruptions: list[Disruption] = Field(default_factory=list, max_length=standards.MAX_LIST_ITEMS)
    camps: Annotated[dict[str, Camp], Field(min_length=1, max_length=standards.MAX_LIST_ITEMS)] | None = Field(
        default=None, description="the camps of a network; absent: a single camp (population: and commodities:)"
    )
    warehouses: dict[str, Warehouse] = Field(default_factory=dict, max_length=standards.MAX_LIST_ITEMS)
    routes: dict[str, Route] = Field(default_factory=dict, max_length=standards.MAX_LIST_ITEMS)
    allocation: Allocation = Field(default="proportional", description="how a warehouse shares scarce stock")
    priority: list[str] = Field(
        default_factory=list, max_length=standards.MAX_LIST_ITEMS, description="camps first served (priority)"
    )
    source: Path | None = Field(default=None, exclude=True, description="the file it was loaded from (loader)")
    # the --set/--vary strings applied to the file before validation, in order (loader); private, so
    # a scenario file cannot write it and it stays out of the schema
    _overrides: tuple[str, ...] = ()  # a leading underscore: a pydantic private attribute

    @property
    def overrides(self) -> tuple[str, ...]:
        """The ``KEY=VALUE`` overrides (``--set``, then ``--vary``) applied to the file, in order."""
        return self._overrides

    def with_overrides(self, overrides: list[str] | tuple[str, ...]) -> Scenario:
        """A copy that records the overrides it was made with (the loader's)."""
        copy = self.model_copy()
        copy._overrides = tuple(overrides)
        return copy

    @model_validator(mode="before")
    @classmethod
    def _standard_defaults(cls, data: Any) -> Any:
        """food and water default to Sphere's per-person-day need when neither need is given."""
        refuse_loader_fields(data)
        commodities = data.get("commodities") if isinstance(data, dict) else None
        if isinstance(commodities, dict):
            for name, spec in commodities.items():
                if (
                    name in standards.PER_PERSON_DAY_DEFAULTS
                    and isinstance(spec, dict)
                    and "per_person_day" not in spec
                    and "per_new_household" not in spec
                ):
                    spec = commodities[name] = {"per_person_day": standards.PER_PERSON_DAY_DEFAULTS[name][0], **spec}
                if name in standards.PER_PERSON_DAY_DEFAULTS and isinstance(spec, dict) and "unit" not in spec:
                    spec = commodities[name] = {**spec, "unit": standards.PER_PERSON_DAY_DEFAULTS[name][1]}
                critical = standards.CRITICAL_PER_PERSON_DAY_DEFAULTS.get(name)
                if (
                    critical is not None
                    and isinstance(spec, dict)
                    and "critical_per_person_day" not in spec
                    and isinstance(spec.get("per_person_day"), int | float)
                    and spec["per_person_day"] >= critical
                ):
                    commodities[name] = {**spec, "critical_per_person_day": critical}
        return data

    @model_validator(mode="after")
    def _disruption_days(self) -> Scenario:
        """A disruption given by its end: gets its days: (the plan reads days); end before start: loader."""
        for d in self.disruptions:
            if d.end is not None:
                days = d.end_day(self.start) - d.start_day(self.start) + 1
                d.days = days if days >= 1 else None
        return self

    @field_validator("commodities")
    @classmethod
    def _names(cls, value: dict[str, Commodity]) -> dict[str, Commodity]:
        for name in value:
            if not name.strip():
                raise ValueError("a commodity needs a non-empty name")
        return value

    @property
    def is_network(self) -> bool:
        """True for a network of camps (``camps:``), False for a single camp."""
        return self.camps is not None

    def funded_fraction(self, name: str) -> float:
        """A commodity's own funded_fraction wins over the scenario's."""
        own = self.commodities[name].funded_fraction
        if own is not None:
            return own
        return self.funding.fts_fractions.get(name, self.funding.funded_fraction)
