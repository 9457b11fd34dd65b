"""A state file in: what is on hand, on the way and owed at the end of a day (state.csv).

The layout is the one ``campsim run --write-state DATE`` writes (docs/hxl.md, "state.csv"):
columns ``kind, date, site, commodity, quantity, note``, an optional HXL hashtag row, one
row per item. Every row is checked against the scenario it will restart; the first problem
is a ScenarioError naming the file, the line and the field (docs/semantics.md, "State and
forecast", says what each kind means and which rows are required).
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date, timedelta
from pathlib import Path

from campsim.load.counts import parse_day
from campsim.load.files import read_data_bytes, shown
from campsim.load.hxl import _THOUSANDS, HEADER_SEARCH_ROWS, is_hashtag_row, sniff_delimiter
from campsim.model.errors import DataFileError, ScenarioError
from campsim.model.scenario import Scenario
from campsim.model.standards import KIT_NEED_WINDOW_DAYS
from campsim.model.state import BACKLOG_NOTE, KINDS, STATE_COLUMNS, STATE_HASHTAGS, State, StateRow

__all__ = [
    "BACKLOG_NOTE",
    "KINDS",
    "STATE_COLUMNS",
    "STATE_HASHTAGS",
    "State",
    "StateRow",
    "check_state",
    "parse_state",
    "read_state",
]


def read_state(path: str | Path, scenario: Scenario) -> State:
    """Read and check a state file (state.csv or state.hxl.csv) for ``scenario``.

    Raises:
        ScenarioError: ``file:line: field: problem`` for the first bad row, a missing
            required row, or a file that cannot be read.
    """
    name = shown(path)
    try:
        text = read_data_bytes(path).decode("utf-8-sig")
    except DataFileError as exc:
        raise ScenarioError(exc.problem, file=name, line=exc.line) from None
    return parse_state(text, scenario, name)


def parse_state(text: str, scenario: Scenario, source: str = "<state>") -> State:
    """A state file's text, parsed and checked (see read_state)."""
    # a spreadsheet saved in a locale with decimal commas separates cells with ; (or a tab)
    delimiter = sniff_delimiter(text)
    records = list(enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1))
    records = [(n, cells) for n, cells in records if any(c.strip() for c in cells)]
    if not records:
        raise ScenarioError(f"empty state file; expected the columns {', '.join(STATE_COLUMNS)}", file=source)
    # title rows above the header are skipped, as in the HXL data files (hxl.py); in HXL the hashtag row may
    # stand for the header
    tags = [t.lower() for t in STATE_HASHTAGS]
    found = next((k for k, (_, cells) in enumerate(records[:HEADER_SEARCH_ROWS])
                  if [c.strip().lower() for c in _trimmed(cells)] in (list(STATE_COLUMNS), tags)), None)  # fmt: skip
    if found is None:
        n, header = records[0]
        raise ScenarioError(
            f"expected the header {','.join(STATE_COLUMNS)}, got {','.join(header)[:80]!r}", file=source, line=n
        )
    tags_only = [c.strip().lower() for c in _trimmed(records[found][1])] == tags
    body = records[found + 1 :]
    if body and not tags_only and is_hashtag_row(body[0][1]):
        body = body[1:]
    rows = [_row(n, cells, source, delimiter) for n, cells in body]
    return check_state(rows, scenario, source)


def _trimmed(cells: list[str]) -> list[str]:
    """The cells without empty ones past the sixth (a spreadsheet saves its used width on every row)."""
    width = len(STATE_COLUMNS)
    return cells[:width] if not any(c.strip() for c in cells[width:]) else cells


def _number(text: str, delimiter: str) -> float:
    """A quantity as a spreadsheet saves it: 150000 or 1.5e5; in a comma-separated file also with
    thousands separators ("150,000"); in a ;-separated one (a decimal-comma locale) with a decimal
    comma (150000,5), where "150,000" is 150."""
    if delimiter == "," and _THOUSANDS.match(text):
        text = text.replace(",", "")
    elif delimiter == ";" and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    return float(text)


def _row(n: int, cells: list[str], source: str, delimiter: str = ",") -> StateRow:
    cells = _trimmed(cells)
    if len(cells) != len(STATE_COLUMNS):
        raise ScenarioError(
            f"expected {len(STATE_COLUMNS)} cells ({', '.join(STATE_COLUMNS)}), got {len(cells)}", file=source, line=n
        )
    kind, when, site, commodity, quantity, note = (_unguarded(c.strip()) for c in cells)
    kind = kind.lower()  # a spreadsheet's autocorrect capitalises a cell's first letter ("Stock", "Order")
    if kind == "pipeline" and note.split(" ", 1)[0].lower() in ("order", "donation", "shipment"):
        word, *route = note.split(" ", 1)
        note = " ".join([word.lower(), *route])
    if kind not in KINDS:
        raise ScenarioError(
            f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}", file=source, line=n, path="kind"
        )
    day = None
    if when:
        try:
            day = parse_day(when)  # a spreadsheet's date-time (2017-11-01 00:00:00) is its date, as in data files
        except ValueError:
            raise ScenarioError(
                f"expected a date as YYYY-MM-DD, got {when[:40]!r}", file=source, line=n, path=f"{kind}.date"
            ) from None
    value = 0.0
    if kind != "as_of" or quantity:
        try:
            value = _number(quantity, delimiter)
        except ValueError:
            raise ScenarioError(
                f"expected a number, got {quantity[:40]!r}", file=source, line=n, path=f"{kind}.quantity"
            ) from None
        if not math.isfinite(value):
            raise ScenarioError(
                f"expected a finite number, got {quantity[:40]!r}", file=source, line=n, path=f"{kind}.quantity"
            )
        if value < 0:
            raise ScenarioError(
                f"negative quantity {quantity}; expected 0 or more", file=source, line=n, path=f"{kind}.quantity"
            )
    return StateRow(kind, day, site, commodity, value, note, n)


def _unguarded(cell: str) -> str:
    """A cell without the quote a formula-safe CSV puts before text starting with = + - @ (report/csvsafe.py)."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@") else cell


def sites_of(scenario: Scenario) -> tuple[list[str], dict[str, set[str]]]:
    """(the camps, each site's commodities): a single camp is the one site named "" (or its name)."""
    if not scenario.is_network:
        return [""], {"": set(scenario.commodities)}
    held = {name: set(camp.commodities) for name, camp in scenario.camps.items()}
    held.update({name: set(w.commodities) for name, w in scenario.warehouses.items()})
    return list(scenario.camps), held


def pipeline_notes(scenario: Scenario) -> set[str]:
    """The notes a pipeline row may carry: order, donation, and shipment ROUTE for each route."""
    routes = scenario.routes if scenario.is_network else {}
    return {"order", "donation", *(f"shipment {r}" for r in routes)}


def check_state(rows: list[StateRow], scenario: Scenario, source: str = "<state>") -> State:
    """Rows checked against a scenario: sites, commodities, dates, and the required rows."""
    err = _Errors(source)
    as_of = [r for r in rows if r.kind == "as_of"]
    if not as_of:
        raise ScenarioError(
            "no as_of row; the first row of a state names its date (kind as_of)", file=source, path="rows"
        )
    if len(as_of) > 1:
        err(as_of[1], "kind", f"a second as_of row (the first is on line {as_of[0].line})")
    when = as_of[0].date
    if when is None:
        err(as_of[0], "date", "the as_of row needs a date")
    # the forecast starts the day after as_of, on one of the scenario's days: as_of may be the eve of its start
    first, last = scenario.start - timedelta(days=1), scenario.start + timedelta(days=scenario.days - 2)
    if not first <= when <= last:
        err(
            as_of[0],
            "date",
            f"as_of {when} is outside {first} to {last} (the forecast starts the day after it, on one of "
            f"the scenario's days, {scenario.start} to {last + timedelta(days=1)})",
        )
    camps, held = sites_of(scenario)
    single = not scenario.is_network
    kits = {name for name, c in scenario.commodities.items() if c.per_household}
    notes = pipeline_notes(scenario)
    for r in rows:
        if r.kind == "as_of":
            continue
        site = "" if single and r.site in ("", scenario.name) else r.site
        if r.kind == "balance":  # money is per commodity: a site may be named, but must be one of the scenario's
            if site and site not in held:
                err(r, "site", f"unknown site {r.site!r}; a balance row needs none (money is per commodity)")
            if r.commodity not in scenario.commodities:
                err(
                    r,
                    "commodity",
                    f"unknown commodity {r.commodity!r}; expected one of {_listed(scenario.commodities)}",
                )
            continue
        if site not in held:
            known = f"empty or {scenario.name!r} (a single camp)" if single else f"one of {_listed(held)}"
            err(r, "site", f"unknown site {r.site!r}; expected {known}")
        if r.kind == "population":
            if site not in camps:
                err(r, "site", f"population is counted at camps; {r.site!r} is a warehouse")
            if not r.commodity and r.note.strip().lower() == BACKLOG_NOTE:  # else its households count as people
                err(r, "commodity", f"a {BACKLOG_NOTE} row names its kit (households owed it); got none")
            if r.commodity and (r.commodity not in kits or r.commodity not in held[site]):
                err(
                    r,
                    "commodity",
                    f"a population row names no commodity, or a kit ({BACKLOG_NOTE}, in households); "
                    f"got {r.commodity!r}",
                )
            continue
        if r.commodity not in held[site]:
            err(
                r,
                "commodity",
                f"unknown commodity {r.commodity!r} at {r.site or 'the camp'}; expected one of {_listed(held[site])}",
            )
        if r.kind == "stock":
            _check_stock(r, scenario, site in camps, when, err)
        if r.kind == "pipeline":
            if r.date is None:
                err(r, "date", "a pipeline row needs its expected arrival date")
            if r.date <= when:
                err(r, "date", f"arrival {r.date} is on or before as_of {when}; what has arrived is stock")
            if r.note not in notes:
                err(r, "note", f"expected one of {_listed(sorted(notes))}, got {r.note!r}")
            if r.note.startswith("shipment "):
                route = _route_of(scenario, site, r.commodity)
                if r.note != f"shipment {route}":
                    err(
                        r,
                        "note",
                        f"{r.commodity} at {r.site} "
                        + (
                            f"comes by route {route}: expected 'shipment {route}'"
                            if route
                            else "is not shipped from a warehouse (supply:)"
                        ),
                    )
        if r.kind == "kit_need":
            if r.commodity not in kits:
                err(r, "commodity", f"kit_need rows are for kits (per_new_household); {r.commodity!r} is not one")
            if r.date is None or not when - timedelta(days=KIT_NEED_WINDOW_DAYS) < r.date <= when:
                err(r, "date", f"expected a date of the {KIT_NEED_WINDOW_DAYS} days to as_of {when}, got {r.date}")
    _required(rows, scenario, when, err)
    return State(as_of=when, rows=tuple(r for r in rows), source=source)


def _route_of(scenario: Scenario, site: str, commodity: str) -> str | None:
    """The route a camp line's shipments take (None: not a camp line supplied by a warehouse)."""
    camp = (scenario.camps or {}).get(site)
    stock = None if camp is None else camp.commodities.get(commodity)
    if stock is None or stock.supply is None:
        return None
    return next(name for name, r in scenario.routes.items() if r.origin == stock.supply.warehouse and r.to == site)


def _check_stock(r: StateRow, scenario: Scenario, at_camp: bool, when: date, err: _Errors) -> None:
    """A receipt date is on or before as_of; a camp's perishable stock needs one, and must not be past its
    shelf life (spoilage on day d throws away what was received on or before d - shelf_life_days + 1)."""
    if r.date is not None and r.date > when:
        err(r, "date", f"stock received on {r.date}, after as_of {when}")
    life = scenario.commodities[r.commodity].shelf_life_days
    if at_camp and life and r.quantity > 0:
        if r.date is None:
            err(r, "date", f"{r.commodity} keeps {life} days: its stock rows need their receipt dates")
        thrown = r.date + timedelta(days=life - 1)
        if thrown <= when:
            err(r, "date", f"received on {r.date}, {r.commodity} keeps {life} days: it was thrown away at the end "
                           f"of {thrown}, on or before as_of {when}")  # fmt: skip


def _required(rows: list[StateRow], scenario: Scenario, when: date, err: _Errors) -> None:
    """Every camp's population, every line's stock and every costed commodity's balance must be there."""
    camps, held = sites_of(scenario)
    single = not scenario.is_network

    def site(r: StateRow) -> str:
        return "" if single and r.site == scenario.name else r.site

    people = {site(r) for r in rows if r.kind == "population" and not r.commodity}
    stocked = {(site(r), r.commodity) for r in rows if r.kind == "stock"}
    paid = {r.commodity for r in rows if r.kind == "balance"}
    for camp in camps:
        if camp not in people:
            err.missing(f"population of {camp or 'the camp'}")
    for name, items in held.items():
        for item in sorted(items):
            if (name, item) not in stocked:
                err.missing(f"stock of {item} at {name or 'the camp'} (a row with quantity 0 if none)")
    for item, spec in scenario.commodities.items():
        if item not in paid and spec.unit_cost_usd > 0:  # money never limits a commodity that costs nothing
            err.missing(f"balance of {item} (0 if none)")
    # kit_need rows are optional: a day a kit line's row does not give reads the scenario's expected need
    # (plan/state.py), as a spreadsheet's stock report seldom keeps a week of new households' kits


def _listed(names) -> str:
    names = [n for n in names if n]
    shown_names = ", ".join(names[:12])
    return shown_names + (", ..." if len(names) > 12 else "")


class _Errors:
    """Raises the first problem as a ScenarioError at its row's line and field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def __call__(self, row: StateRow, field: str, problem: str) -> None:
        raise ScenarioError(problem, file=self.source, line=row.line or None, path=f"{row.kind}.{field}")

    def missing(self, what: str) -> None:
        raise ScenarioError(f"no row for the {what}", file=self.source, path="rows")
