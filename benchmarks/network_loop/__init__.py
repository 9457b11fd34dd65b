"""Comparison model for a camp network, whole job: a plain scalar day loop doing what ``campsim.simulate`` does.

``run_network(scenario, seed)`` returns what ``campsim.simulate(network_scenario, seed)``
returns, as ``(summary, daily, warehouses, events)``. It is the yardstick of the issue's
performance bar ("one DES run through the API ... <= 2x a plain scalar network day loop kept
in benchmarks/ that does the same job, drawing and summary included"), and a second,
independent implementation of docs/semantics.md, "Camp networks":

- it draws its own inputs from the same named streams as campsim/plan/draw.py
  (``arrivals/<camp>``, ``departures``, ``departures/data/<camp>``,
  ``lead_time/<camp>/<commodity>``, ``lead_time/<warehouse>/<commodity>``,
  ``transit/<route>``): a stream that does not depend on the path is drawn for the whole
  horizon in one generator call, as the streams are defined; departures, which depend on
  yesterday's population, are drawn inside the day loop, one scalar Binomial call per camp
  (numpy's Generator gives the same numbers as campsim's one call a day for all camps);
- it walks the network day (population with overflow, funding, warehouse receipts, camp
  receipts, distribution, spoilage, camp reviews, dispatch with the allocation rules and
  truck capacity, warehouse ordering) as a plain Python loop over floats, lists and dicts,
  one object per camp line, warehouse line and route; no numpy inside the loop;
- it records every daily field the engines record, and the same event log, and only then
  hands the records, as NetworkArrays, to campsim's own result code (summary.json, daily,
  warehouses and events tables).

It reads the Scenario, never campsim's compiled plan (which only the result builders get):
a loop that read the plan would share the plan's reading of the scenario (line order,
closures, landing days, requirements, tranches), so it could neither check that reading nor
show what a plain implementation of the whole job costs. Floating-point operations are
written in the engines' order (the rules of campsim/model/rules.py, one line at a time;
totals added left to right; stock as engines/stock.py keeps it), so threshold decisions (a
ration step, an order too small to place, a short warehouse) come out the same, and results
agree to 1e-9 or better (tests/test_network_loop.py).

The package, one responsibility a module:

- ``sites``: the loop's constants and day arithmetic (lead and transit times, landing days,
  left-to-right sums), and the sites read from the scenario: camps, perishable batches, camp
  and warehouse commodity lines, routes;
- ``population``: the overflow order, one day of population, the expected path and the
  commodities' requirements it gives;
- ``allocation``: the share rules a short warehouse applies (proportional, priority, equal_cover);
- ``receipts``: the day's steps 3 to 5, receipts at warehouses and camps, and distribution;
- ``orders``: the day's steps 7 to 9, camp reviews, dispatch with truck capacity, warehouse ordering;
- ``day``: the Network, the scenario read into sites, its drawn inputs, the day loop and its records;
- ``run``: ``run_network``, the whole job handed to campsim's result code.
"""

from __future__ import annotations

from benchmarks.network_loop.run import run_network

__all__ = ["run_network"]
