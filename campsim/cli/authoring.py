"""Commands that help write scenario files: ``campsim init`` (a template), ``campsim schema`` and
``campsim validate`` (errors and warnings without a run)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from campsim.cli.options import CONTEXT, data_root_option, quiet_option, set_option
from campsim.cli.say import echo_notes, say, say_error
from campsim.model.errors import ScenarioError

# The template validates (without warnings) and runs as written; tests/test_authoring.py checks it.
TEMPLATE = """\
# yaml-language-server: $schema=scenario.schema.json
# (editor completion: write the schema next to this file with `campsim schema > scenario.schema.json`)
#
# A campsim scenario: one camp, the four commodities of a Sphere-based plan. Every number says
# where it comes from; replace the [U] ones when you know better.
#   [Sphere] Sphere Handbook 2018 minimum standards
#   [WFP]    World Food Programme planning figures
#   [Iraq SNFI] Iraq Shelter/NFI cluster technical guidance (V11, 2017)
#   [U]      an assumption, not verified: change it
# Check it with `campsim validate {file}`, run it with `campsim run {file}`.
name: {name}
start: {start}          # day 0 (ISO date)
days: 180                  # six months [U]
seed: 1                    # the random inputs' seed: same seed, same run
deterministic: false       # true: every random input takes its expected value
population:
  initial: 10000           # people in the camp on day 0 [U]
  household_size: 6        # persons per household, for kits [Iraq SNFI]; use your country's figure
  departures_per_day: 0.1% # share of the camp leaving each day [U]
  arrivals:                # a list; components add up
    - rate: {{{start}: 100}}   # people per day from this date on [U]
funding:
  funded_fraction: 80%     # share of each commodity's requirement received [U]
  disbursement: monthly    # upfront | monthly | a list of {{date: or day:, share:}}
commodities:
  food:
    unit: ration           # one ration = a day's 2,100 kcal, the full basket [Sphere; WFP]
    per_person_day: 1      # 2,100 kcal per person per day [Sphere]
    unit_cost_usd: 0.64    # full in-kind ration [WFP; U]
    initial_stock: 600000  # ~60 days for 10,000 people [U]
    ordering:
      review_every_days: 7 # weekly pipeline review [U]
      order_up_to_days: 90 # lead time + review period + safety stock [U]
      lead_time_days: {{lognormal: {{mean: 45, sd: 15}}}}   # international purchase ~45 days [WFP]; spread [U]
    rationing:             # cut the ration when days of cover fall below a threshold
      - {{below_days_of_cover: 21, ration: 0.8}}   # [U]
      - {{below_days_of_cover: 7, ration: 0.5}}    # [U]
  water:
    unit: litre
    per_person_day: 15     # drinking, cooking and basic hygiene [Sphere, water supply standard 2.1]
    unit_cost_usd: 0.0075  # trucked water, US$7.5 per m3 [U]
    initial_stock: 450000  # three days in tanks and bladders [U]
    capacity: 1500000      # tanks and bladders [U]
    ordering:
      review_every_days: 1 # trucking is booked daily [U]
      order_up_to_days: 4  # [U]
      lead_time_days: {{triangular: [0, 1, 2]}}   # next day, two with checkpoints [U]
    rationing:
      - {{below_days_of_cover: 0.5, ration: 0.5}}  # 7.5 L per person per day, the survival sum [Sphere]
  hygiene:
    unit: g soap
    per_person_day: 15     # 250 g bathing + 200 g laundry soap per person per month [Sphere 2011]
    unit_cost_usd: 0.003   # US$3/kg [U]
    initial_stock: 4500000 # ~30 days [U]
    ordering:
      review_every_days: 14
      order_up_to_days: 60 # [U]
      lead_time_days: {{triangular: [7, 14, 30]}}   # local procurement [U]
  household_kits:
    unit: kit              # blankets, mattresses, plastic sheet, kitchen set [Iraq SNFI]
    per_new_household: 1   # one kit per arriving household [Iraq SNFI]
    unit_cost_usd: 300     # [U]
    initial_stock: 500     # prepositioned kits [U]
    ordering:
      review_every_days: 7
      order_up_to_days: 30 # [U]
      lead_time_days: {{triangular: [7, 14, 30]}}   # local procurement [U]
disruptions: []            # e.g. - {{start: {start}, days: 3, commodities: [water], reason: road closure}}
"""


def template(name: str, start: date) -> str:
    """The scenario template for a camp called ``name`` starting on ``start``."""
    quoted = json.dumps(name)  # a YAML string whatever the name holds
    return TEMPLATE.format(name=quoted, start=start.isoformat(), file=f"{name}.yaml")


@click.command(context_settings=CONTEXT)
@click.argument("name")
@click.option("--force", is_flag=True, help="Replace NAME.yaml if it exists.")
def init(name: str, force: bool) -> int:
    """Write NAME.yaml, a commented scenario template that validates and runs as it is.

    One camp, food, water, hygiene and household kits at Sphere's standards, each number
    with its source; start is the first day of this month.
    """
    path = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    if path.exists() and not force:
        raise ScenarioError("exists; give --force to replace it", file=str(path))
    start = date.today().replace(day=1)
    try:
        path.write_text(template(path.stem, start), encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"cannot write: {exc.strerror}", file=str(path)) from None
    click.echo(f"wrote {path}; check it with: campsim validate {path}")
    return 0


@click.command(context_settings=CONTEXT)
def schema() -> int:
    """Print the JSON Schema of the scenario format (for editors: campsim schema > scenario.schema.json).

    It checks keys, types and bounds; rules across fields (names that must exist, dates
    inside the horizon, data files) are checked by campsim validate only.
    """
    from campsim.model.json_schema import scenario_json_schema

    click.echo(json.dumps(scenario_json_schema(), indent=2))
    return 0


@click.command(context_settings=CONTEXT)
@click.argument("scenarios", nargs=-1, required=True, metavar="SCENARIO.yaml...")
@set_option
@quiet_option
@data_root_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors: exit status 2 if any file has one.")
def validate(
    scenarios: tuple[str, ...], overrides: tuple[str, ...], quiet: bool, data_root: Path | None, strict: bool
) -> int:
    """Check scenario files without running them.

    Prints each problem on its own line (file:line: field.path: problem) on stderr and
    exits with status 2 if any file is invalid; prints "ok" lines otherwise. Warns (on
    stderr, "warning: file:line: field.path: ...") about what will surely go wrong: stock
    that runs out before the first delivery, an order-up-to target below the review period
    plus the lead time, a disruption longer than the stock cover, no funding; exit status 0
    with warnings, 2 with --strict.
    """
    from campsim.load.advice import load_with_warnings

    status = 0
    for path in scenarios:
        try:
            s, warnings = load_with_warnings(path, overrides, data_root)
        except ScenarioError as exc:
            say_error(exc)
            status = 2
            continue
        echo_notes([s])
        for warning in warnings:
            say(warning, err=True)
        if strict and warnings:
            status = 2
            continue
        if not quiet:
            say(f"ok: {path} ({s.name}; {s.days} days, {len(s.commodities)} commodities)")
    return status
