"""A forecast's report folder, reports/forecast-<stem>/: warning.csv, warning.hxl.csv, warning.md,
p_break_by_date.csv, the ordinary run files of the forecast days (summary.json, daily.csv,
events.csv, daily_quantiles.csv, p_shortage_by_date.csv; a network's warehouses.csv), the charts
and report.html.

Written whole and swapped into place like every report (folders.write_folder).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from campsim.report import html as htmlreport
from campsim.report.csvsafe import write_csv
from campsim.report.folders import write_folder
from campsim.report.forecast_text import HEADER, NO_BREAK, headline, replications, warning_markdown, warning_rows
from campsim.report.hxlout import _with_tags
from campsim.results.warning import ForecastResult

# warning.csv column -> hashtag (docs/hxl.md, "warning.hxl.csv")
WARNING_TAGS = {
    "status": "#status",
    "site": "#loc+name",
    "site_kind": "#loc+type",
    "commodity": "#item+name",
    "unit": "#meta+unit",
    "cover_days_today": "#indicator+days_of_cover+today+num",
    "p_break_7d": "#indicator+p_break+within_7d+num",
    "p_break_14d": "#indicator+p_break+within_14d+num",
    "p_break_30d": "#indicator+p_break+within_30d+num",
    "p_break_before_resupply": "#indicator+p_break+before_resupply+num",
    "break_p10_date": "#date+break+p10",
    "break_p50_date": "#date+break+p50",
    "break_p90_date": "#date+break+p90",
    "shortage_p10_date": "#date+shortage+p10",
    "shortage_p50_date": "#date+shortage+p50",
    "shortage_p90_date": "#date+shortage+p90",
    "person_days_short": "#indicator+shortfall_person_days+num",
    "lead_time_p90_days": "#indicator+lead_time+p90+num",
    "order_by_date": "#date+order_by",
    "order_quantity": "#indicator+order+num",
}
CAPTIONS = {
    "p_break": "Chance that the line's first pipeline break has come by each date, over the replications "
    "(dashed: warehouse lines; dotted: even odds).",
    "cover_fan": "Days of cover over the forecast: each camp's median over its P10-P90 band.",
}


def warning_hxl(forecast: ForecastResult) -> str:
    """warning.hxl.csv: warning.csv with a hashtag row."""
    columns = list(forecast.warning.columns)
    return _with_tags(columns, [WARNING_TAGS[c] for c in columns], forecast.warning)


def write_forecast_report(
    forecast: ForecastResult,
    out_dir: str | Path,
    charts: bool = True,
    force: bool = False,
    chart_workers: int | None = None,
    svg: bool = False,
    progress: bool = False,
) -> Path:
    """Write the forecast's report folder atomically and return its path (the charts as PNG, and
    SVG too with ``svg``; a bar on a terminal with ``progress``).

    Raises:
        OutputFolderError: ``out_dir`` holds something other than a campsim report (without
            ``force``), or cannot be written.
    """

    def fill(folder: Path) -> None:
        run = forecast.run
        write_csv(forecast.warning, folder / "warning.csv", na_rep="")
        (folder / "warning.hxl.csv").write_text(warning_hxl(forecast), encoding="utf-8", newline="")
        (folder / "warning.md").write_text(warning_markdown(forecast), encoding="utf-8")
        write_csv(forecast.p_break_by_date, folder / "p_break_by_date.csv")
        (folder / "summary.json").write_text(json.dumps(run.summary, indent=2, allow_nan=False) + "\n")
        write_csv(run.daily, folder / "daily.csv", na_rep="")
        write_csv(run.events, folder / "events.csv", na_rep="")
        if getattr(run, "warehouses", None) is not None:
            write_csv(run.warehouses, folder / "warehouses.csv", na_rep="")
        if getattr(run, "daily_quantiles", None) is not None:
            write_csv(run.daily_quantiles, folder / "daily_quantiles.csv", na_rep="")
        if getattr(run, "p_shortage_by_date", None) is not None:  # as a replicated run's folder has it
            write_csv(run.p_shortage_by_date, folder / "p_shortage_by_date.csv")
        pngs = {}
        if charts:  # matplotlib only when charts are wanted
            from campsim.report import chartfiles
            from campsim.report.forecast_charts import FORECAST_CHARTS

            written = chartfiles.write_charts(forecast, folder, chart_workers, FORECAST_CHARTS, svg, progress)
            pngs = {name: paths[0] for name, paths in written.items()}
        (folder / "report.html").write_text(render_forecast(forecast, pngs), encoding="utf-8")

    return write_folder(out_dir, fill, force)


def render_forecast(forecast: ForecastResult, charts: dict[str, Path]) -> str:
    """report.html: the red rows in plain words first, then amber, the table, the charts."""
    s = forecast.run.summary
    red, amber = headline(forecast)
    pictures = []
    for name, path in charts.items():
        chart = htmlreport._chart(name, path)
        chart["caption"] = CAPTIONS.get(name, name)
        pictures.append(chart)
    statuses = forecast.warning["status"].tolist()
    return (
        htmlreport._environment()
        .get_template("forecast.html.j2")
        .render(
            title=f"Pipeline-break warning: {s['scenario']}",
            s=s,
            as_of=forecast.as_of.isoformat(),
            first=(forecast.as_of + timedelta(days=1)).isoformat(),
            last=(forecast.as_of + timedelta(days=forecast.days)).isoformat(),
            days=forecast.days,
            replications=replications(forecast.replications),
            red=red,
            amber=amber,
            header=HEADER,
            no_break=NO_BREAK,  # a cell that wraps: the table fits an A4 page
            rows=list(zip(statuses, warning_rows(forecast), strict=True)),
            colours={"red": "var(--bad)", "amber": "var(--warn)", "green": "var(--ok)"},
            charts=pictures,
            **htmlreport._common([forecast.run]),
        )
    )
