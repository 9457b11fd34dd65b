"""The calibration report: calibration.csv, summary.md and its chart, in words and tables."""

from __future__ import annotations

from pathlib import Path

from campsim.report.csvsafe import write_csv
from campsim.report.folders import write_folder
from campsim.results.calibration import Calibration, CalibrationPoint


def csv_rows(cal: Calibration) -> list[dict[str, object]]:
    """The rows of calibration.csv: one per observed date, unrounded."""
    return [
        {
            "date": p.date.isoformat(),
            "day": p.day,
            "observed": p.observed_persons,
            "model": p.model_persons,
            "difference": p.difference_persons,
            "relative_error": p.relative_error,
        }
        for p in cal.points
    ]


def _cells(p: CalibrationPoint) -> tuple[str, str, str, str]:
    return p.date.isoformat(), f"{p.observed_persons:,.0f}", f"{p.model_persons:,.0f}", f"{p.relative_error:.2%}"


def text_table(cal: Calibration) -> str:
    """The table the command prints: date, observed, model, relative error, then the mean."""
    header = ("date", "observed", "model", "relative error")
    body = [_cells(p) for p in cal.points] + [("mean", "", "", f"{cal.mean_relative_error:.2%}")]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

    def fmt(row: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    return "\n".join([fmt(header), fmt(tuple("-" * w for w in widths)), *map(fmt, body)])


def _point_sentence(p: CalibrationPoint) -> str:
    if p.difference_persons == 0:
        gap = "exactly on it"
    else:
        side = "above" if p.difference_persons > 0 else "below"
        gap = f"{abs(p.difference_persons):,.0f} people ({p.relative_error:.2%}) {side} it"
    on_record, model = f"{p.observed_persons:,.0f}", f"{p.model_persons:,.0f}"
    return f"- {p.date.isoformat()} (day {p.day}): on record {on_record}; the model {model}, {gap}."


def summary_markdown(cal: Calibration, scenario_file: str, observed_file: str) -> str:
    """summary.md: the comparison in words, then the table."""
    unit = (
        f" (households x {cal.observed.household_size_persons:g} people)" if cal.observed.household_size_persons else ""
    )
    worst = cal.worst
    lines = [
        f"# Calibration: {cal.scenario_name}",
        "",
        f"The deterministic population path of `{scenario_file}` against {len(cal.points)} counts on record in "
        f"`{observed_file}`, column {cal.observed.column}{unit}.",
        "",
        f"**Mean relative error {cal.mean_relative_error:.2%}** over {len(cal.points)} points; the largest is "
        f"{worst.relative_error:.2%} on {worst.date.isoformat()}.",
        "",
        *map(_point_sentence, cal.points),
        "",
        "| date | observed | model | relative error |",
        "|---|---:|---:|---:|",
        *(f"| {' | '.join(_cells(p))} |" for p in cal.points),
        f"| mean | | | {cal.mean_relative_error:.2%} |",
        "",
        "The model value is P(d), the population at the end of day d (the date is start + d) with every random "
        "input at its expected value; relative error = |model - observed| / observed; the mean is over the points.",
    ]
    return "\n".join(lines) + "\n"


def write_report(
    cal: Calibration, out_dir: str | Path, scenario_file: str, observed_file: str, charts: bool = True,
    force: bool = False, svg: bool = False,
) -> Path:  # fmt: skip
    """Write calibration.csv, summary.md and (with charts) calibration.png (and .svg with ``svg``), atomically
    like every report."""
    import pandas as pd

    def fill(folder: Path) -> None:
        write_csv(pd.DataFrame(csv_rows(cal)), folder / "calibration.csv")
        (folder / "summary.md").write_text(summary_markdown(cal, scenario_file, observed_file))
        if charts:
            from campsim.report import chartfiles  # matplotlib only when charts are wanted
            from campsim.report.calibration_chart import calibration_chart

            chartfiles.save(calibration_chart(cal), folder, "calibration", svg=svg)

    return write_folder(out_dir, fill, force)
