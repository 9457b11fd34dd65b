"""Report tables with an HXL hashtag row (hxlstandard.org, 1.1): daily.hxl.csv and compare.hxl.csv.

Same data as daily.csv and compare.csv, with a row of hashtags under the header, so a
report drops into an HDX dataset or a cluster dashboard (docs/hxl.md lists every tag).

daily.hxl.csv is *wide*: one row per day, the day's columns, then each commodity's columns
(file order). A commodity's columns carry its *attribute* (``#indicator+stock+num+water``), formed by
``commodity_attributes``. Numbers are written as pandas writes daily.csv (shortest repr,
lossless); NaN is an empty cell.

Tags are chosen so that each column's full tag, used as a pattern (``Table.find``), finds
that column first: commodity attributes never repeat a vocabulary attribute, and within a
hashtag a column whose attributes include another's comes after it.

People and goods never share a hashtag: ``#affected``, ``#inneed`` and ``#reached`` count
people (HXL's meaning), so quantities of goods (rations, litres, kits) are
``#indicator+<quantity>+num`` and money ``#value+<quantity>+usd``; a dashboard summing
``#affected`` adds people to people only.
"""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

from campsim.report.csvsafe import safe_frame, safe_text

if TYPE_CHECKING:
    import pandas as pd

    from campsim.model.scenario import Scenario

# daily.csv column -> (daily.hxl.csv header, hashtag): one value per day, shared by all commodities.
DAILY_DAY_TAGS: dict[str, tuple[str, str]] = {
    "day": ("day", "#meta+day+num"),  # not #date: libhxl requires #date cells to be dates
    "date": ("date", "#date"),
    "population": ("population", "#affected+ind"),
    "arrivals": ("arrivals", "#affected+arrived+ind"),
    "departures": ("departures", "#affected+departed+ind"),
}
# daily.csv column -> (header stem, hashtag) for each commodity: header ``<stem>_<commodity>``,
# hashtag ``<hashtag>+<commodity attribute>``. In daily.csv's column order.
DAILY_COMMODITY_TAGS: dict[str, tuple[str, str]] = {
    "need": ("need", "#indicator+need+num"),
    "distributed": ("distributed", "#indicator+distributed+num"),
    "shortfall": ("shortfall", "#indicator+shortfall+num"),
    "ration": ("ration", "#indicator+ration+num"),
    "stock": ("stock", "#indicator+stock+num"),
    "pipeline": ("pipeline", "#indicator+pipeline+num"),
    "received": ("received", "#indicator+received+num"),
    "ordered": ("ordered", "#indicator+ordered+num"),
    "spent": ("spent_usd", "#value+spent+usd"),
    "balance": ("balance_usd", "#value+balance+usd"),
    "days_of_cover": ("days_of_cover", "#indicator+days_of_cover+num"),
    "ration_level": ("ration_level", "#indicator+ration_level+num"),
    "new_need": ("new_need", "#indicator+new_need+num"),
    "spoiled": ("spoiled", "#indicator+spoiled+num"),
    "overflow": ("overflow", "#indicator+overflow+num"),
    "funds_received": ("funds_received_usd", "#value+funding+total+usd"),  # FTS's tag for money received
    "shortage": ("shortage", "#indicator+shortage+num"),
    "stockout": ("stockout", "#indicator+stockout+num"),
}
# compare.csv column -> hashtag (one row per scenario and commodity, so no commodity attribute).
COMPARE_TAGS: dict[str, str] = {
    "scenario": "#meta+scenario",
    "name": "#meta+scenario+name",
    "file": "#meta+scenario+file",
    "seed": "#meta+seed+num",
    "commodity": "#item+name",
    "present": "#meta+present",
    "need": "#indicator+need+num",
    "distributed": "#indicator+distributed+num",
    "coverage": "#indicator+coverage+num",
    "shortfall": "#indicator+shortfall+num",
    "shortfall_person_days": "#indicator+shortfall_person_days+num",
    "shortage_days": "#indicator+shortage_days+num",
    "first_shortage_day": "#indicator+first_shortage_day+num",
    "first_shortage_date": "#date+first_shortage",
    "first_shortage_cause": "#indicator+first_shortage_cause",
    "longest_shortage_days": "#indicator+longest_shortage_days+num",
    "min_ration": "#indicator+min_ration+num",
    "peak_people_short": "#affected+unmet+peak+ind",
    "share_person_days_at_standard": "#indicator+share_person_days_at_standard+num",
    "share_person_days_below_critical": "#indicator+share_person_days_below_critical+num",
    "ration_cut_days": "#indicator+ration_cut_days+num",
    "pipeline_break_days": "#indicator+pipeline_break_days+num",
    "unmet_cost_usd": "#value+unmet+usd",
    "requirement_usd": "#value+funding+required+usd",  # FTS's tags for requirements and funding
    "received_usd": "#value+funding+total+usd",
    "spent_usd": "#value+spent+usd",
    "balance_usd": "#value+balance+usd",
    "initial_stock": "#indicator+initial_stock+num",
    "received": "#indicator+received+num",
    "spoiled": "#indicator+spoiled+num",
    "overflow": "#indicator+overflow+num",
    "end_stock": "#indicator+end_stock+num",
    "end_pipeline": "#indicator+end_pipeline+num",
    "funds_exhausted_days": "#indicator+funds_exhausted_days+num",
    "kits_delivered": "#indicator+kits_delivered+num",
    "households_waited": "#indicator+households_waited+num",
    "mean_wait_days": "#indicator+mean_wait_days+num",
    "longest_wait_days": "#indicator+longest_wait_days+num",
    "on_time_share": "#indicator+on_time_share+num",
    "shortfall_person_days_vs_first": "#indicator+shortfall_person_days_vs_first+num",
    "usd_per_person_day_averted": "#indicator+usd_per_person_day_averted+num",
}


def _attributes_of(tag: str) -> list[str]:
    return tag.split("+")[1:]


# A commodity attribute equal to one of these would make one column's tag match another's.
RESERVED_ATTRIBUTES = frozenset(
    a
    for tag in [t for _, t in DAILY_DAY_TAGS.values()] + [t for _, t in DAILY_COMMODITY_TAGS.values()]
    for a in _attributes_of(tag)
)
_NOT_ATTRIBUTE = re.compile(r"[^a-z0-9_]+")


def sanitise(name: str) -> str:
    """A commodity name as an HXL attribute: lower case, each run of other characters than
    [a-z0-9_] replaced by ``_``, outer ``_`` dropped; ``item_`` in front unless it starts with a letter."""
    text = _NOT_ATTRIBUTE.sub("_", str(name).lower()).strip("_")
    return text if text[:1].isalpha() else f"item_{text}".rstrip("_")


def commodity_attributes(names: list[str]) -> dict[str, str]:
    """Each commodity's attribute, distinct from the others' and from the vocabulary's.

    In file order; a name whose attribute is taken gets ``_2``, ``_3``, ... (the first free one),
    so the same commodities always get the same attributes.
    """
    taken = set(RESERVED_ATTRIBUTES)
    out = {}
    for name in names:
        base = sanitise(name)
        attribute, n = base, 1
        while attribute in taken:
            n += 1
            attribute = f"{base}_{n}"
        taken.add(attribute)
        out[name] = attribute
    return out


def daily_hxl(scenario: Scenario, daily: pd.DataFrame) -> str:
    """daily.hxl.csv: daily.csv in wide format (one row per day) with a hashtag row."""
    import pandas as pd

    names = list(scenario.commodities)
    attributes = commodity_attributes(names)
    first = daily[daily["commodity"] == names[0]]
    headers, tags, values = [], [], []
    for column, (header, tag) in DAILY_DAY_TAGS.items():
        headers.append(header)
        tags.append(tag)
        values.append(first[column].to_numpy())
    # columns added to daily.csv later still come out, untagged, rather than being dropped
    known = {"commodity", *DAILY_DAY_TAGS}
    per_commodity = {c: DAILY_COMMODITY_TAGS.get(c, (c, "")) for c in daily.columns if c not in known}
    for name in names:
        rows = daily[daily["commodity"] == name]
        for column, (stem, tag) in per_commodity.items():
            headers.append(f"{stem}_{name}")
            tags.append(f"{tag}+{attributes[name]}" if tag else "")
            values.append(rows[column].to_numpy())
    # positional column labels: two headers may coincide (commodities "a" and "level_a" with stems
    # "ration_level" and "ration"); the tags never do
    return _with_tags(headers, tags, pd.DataFrame(dict(enumerate(values))))


def compare_hxl(table: pd.DataFrame) -> str:
    """compare.hxl.csv: the compare table (one row per scenario and commodity) with a hashtag row."""
    columns = [str(c) for c in table.columns]
    tags = {**COMPARE_TAGS, "camp": "#loc+name"}  # a camp network's rows name their camp
    return _with_tags(columns, [tags.get(c, "") for c in columns], table)


def _with_tags(headers: list[str], tags: list[str], frame: pd.DataFrame) -> str:
    """Header row, hashtag row, then the frame's rows written exactly as daily.csv and compare.csv are."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_text(h) for h in headers])
    writer.writerow([safe_text(t) for t in tags])
    safe_frame(frame).to_csv(out, header=False, index=False, na_rep="", lineterminator="\n")
    return out.getvalue()


def network_daily_hxl(scenario: Scenario, daily: pd.DataFrame) -> str:
    """A network's daily.hxl.csv: one row per day and camp (camps in file order), the camp tagged
    #loc+name, then each commodity's columns side by side (empty where the camp lacks it)."""
    import pandas as pd

    names = list(scenario.commodities)
    attributes = commodity_attributes(names)
    keys = daily[["day", "camp"]].drop_duplicates()  # day-major, camps in file order, as daily.csv
    first = daily.drop_duplicates(["day", "camp"]).set_index(["day", "camp"]).loc[list(keys.itertuples(index=False))]
    headers, tags, values = (
        ["day", "date", "camp"],
        [DAILY_DAY_TAGS["day"][1], DAILY_DAY_TAGS["date"][1], "#loc+name"],
        [],
    )
    values += [keys["day"].to_numpy(), first["date"].to_numpy(), keys["camp"].to_numpy()]
    for column, (header, tag) in DAILY_DAY_TAGS.items():
        if column in ("day", "date"):
            continue
        headers.append(header)
        tags.append(tag)
        values.append(first[column].to_numpy())
    known = {"commodity", "camp", *DAILY_DAY_TAGS}
    per_commodity = {c: DAILY_COMMODITY_TAGS.get(c, (c, "")) for c in daily.columns if c not in known}
    indexed = daily.set_index(["day", "camp", "commodity"])
    for name in names:
        for column, (stem, tag) in per_commodity.items():
            headers.append(f"{stem}_{name}")
            tags.append(f"{tag}+{attributes[name]}" if tag else "")
            values.append(indexed[column].reindex([(d, c, name) for d, c in keys.itertuples(index=False)]).to_numpy())
    return _with_tags(headers, tags, pd.DataFrame(dict(enumerate(values))))
