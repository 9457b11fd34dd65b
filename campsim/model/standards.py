"""Humanitarian standards and planning defaults: one per line, unit in the name, source beside it.

Every default the scenario schema uses lives here once. Sources are listed in
docs/sources.md and repeated in docs/semantics.md.
"""

from __future__ import annotations

from datetime import date

# Water for drinking, cooking and basic hygiene. Sphere 2018, water supply standard 2.1.
WATER_L_PER_PERSON_DAY = 15.0
# Sphere's survival breakdown (drinking 2.5-3 + hygiene 2-6 + cooking 3-6): the lower sum.
WATER_SURVIVAL_L_PER_PERSON_DAY = 7.5
# Food energy requirement. Sphere 2018 food transfers standard / Appendix 6; WFP.
FOOD_KCAL_PER_PERSON_DAY = 2100.0
# One ration is a full day's 2,100 kcal basket (WFP: 400 g cereal, 60 g pulses, 25 g oil ...).
FOOD_RATIONS_PER_PERSON_DAY = 1.0
# Soap: 250 g bathing + 200 g laundry per person per month. Sphere 2011 hygiene table.
SOAP_G_PER_PERSON_MONTH = 450.0
# Iraq planning household size. Iraq Shelter/NFI Technical Guidance V11 (Feb 2017).
HOUSEHOLD_SIZE_PERSONS = 6.0
# A household_size outside these bounds is a typo (1e-310 made kit needs infinite).
MIN_HOUSEHOLD_SIZE_PERSONS = 1.0
MAX_HOUSEHOLD_SIZE_PERSONS = 30.0

# Critical level (the "survival" floor) by commodity name, in the same unit as the need.
# Water: Sphere's survival sum of 7.5 L. Below it a day counts as critical in the report.
# Sphere gives no survival figure for food or soap (food: 2,100 kcal is the planning need, not a floor).
CRITICAL_PER_PERSON_DAY_DEFAULTS: dict[str, float] = {"water": WATER_SURVIVAL_L_PER_PERSON_DAY}
# Without a scenario's own level or a survival figure: half the item's standard, as the Kenya camps'
# food ration was halved in WFP's cuts ([Reuters], docs/sources.md); below it a day is "critical".
CRITICAL_SHARE_OF_STANDARD = 0.5


def critical_per_person_day(name: str, per_person_day: float | None, given: float | None) -> float | None:
    """The critical level of a person-day item, in order: the scenario's ``given`` level; Sphere's
    survival figure for the item where one exists and is at most its standard; half its standard.
    None for an item without a per-person-day standard (kits). docs/semantics.md gives the reasons.
    """
    if given is not None:
        return given
    if not per_person_day:
        return None
    survival = CRITICAL_PER_PERSON_DAY_DEFAULTS.get(name)
    if survival is not None and survival <= per_person_day:
        return survival
    return CRITICAL_SHARE_OF_STANDARD * per_person_day


# Per-person-day defaults by commodity name, with the unit they are counted in.
PER_PERSON_DAY_DEFAULTS: dict[str, tuple[float, str]] = {
    "food": (FOOD_RATIONS_PER_PERSON_DAY, "ration"),
    "water": (WATER_L_PER_PERSON_DAY, "litre"),
}

# Monthly disbursement: a tranche every 30 days from day 0 (the definition of "monthly").
MONTHLY_TRANCHE_INTERVAL_DAYS = 30
# Shortage tolerance: a day is short when distributed < need x (1 - SHORTAGE_RTOL),
# so floating-point ties count as met.
SHORTAGE_RTOL = 1e-9
# Limits that keep a typo from asking for an absurd run.
MAX_DAYS = 3650
# Every date of a scenario (its first and last day included) lies in this range: one that
# every output (pandas, matplotlib, the HTML page) can draw, and far from the calendar's ends.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2199, 12, 31)
MAX_POPULATION_PERSONS = 1_000_000_000
# Arrivals per day (rates, surge totals spread per day, CSV counts) stay below this too.
MAX_ARRIVALS_PERSONS = 1_000_000_000
# Any other quantity, price or number of days in a scenario; keeps products far from overflow.
MAX_QUANTITY = 1e15
MAX_COMMODITIES = 100
MAX_REPLICATIONS = 1_000_000
# A lognormal lead time's mean may not be smaller (its sd/mean ratio must stay finite).
MIN_LEAD_TIME_MEAN_DAYS = 1e-6
MAX_LIST_ITEMS = 10_000
# New-household need for a kit item's order target is averaged over this many days.
KIT_NEED_WINDOW_DAYS = 7

# The standards a report cites: (what, value, source).
STANDARDS_CITED: tuple[tuple[str, str, str], ...] = (
    ("Water", "at least 15 L per person per day (drinking, cooking, basic hygiene)",
     "Sphere Handbook 2018, water supply standard 2.1"),
    ("Water, survival", "7.5 L per person per day (drinking 2.5-3, hygiene 2-6, cooking 3-6 L: lower sum)",
     "Sphere Handbook 2018; UNHCR Handbook for Emergencies (7 L survival minimum)"),
    ("Food energy", "2,100 kcal per person per day; 10-12% from protein, 17% from fat",
     "Sphere Handbook 2018, food transfers standard / Appendix 6; WFP"),
    ("Full food ration", "cereal 400 g, pulses 60 g, oil 25 g, fortified blended food 50 g, sugar 15 g, salt 5 g",
     "WFP food basket"),
    ("Soap", "250 g bathing + 200 g laundry soap per person per month", "Sphere 2011 hygiene table"),
    ("Household size (Iraq)", "6 persons", "Iraq Shelter/NFI Technical Guidance V11, Feb 2017"),
    ("Winter household kit (Iraq)", "6 blankets, 6 mattresses, 1 carpet, 1 plastic sheet; heater and fuel can",
     "Iraq SNFI winterization strategy 2014"),
)  # fmt: skip
MIN_TRUCK_CAPACITY_KG_PER_DAY = 0.001  # a road's capacity: 0 (closed) or at least a gram a day [U]
