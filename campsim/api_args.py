"""The argument helpers of campsim.api: chart choice, --vary texts and scenario files (kept apart so
api.py stays a list of the calls a notebook makes)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from campsim.model.errors import ScenarioError
from campsim.model.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ScenarioLike = str | Path | Scenario
Vary = Mapping[str, Sequence[Any] | str]


def _pick(charts: dict[str, Callable[[], Figure | None]], chart: str | None, default: str) -> Figure:
    name = default if chart is None else chart
    if name not in charts:
        raise ScenarioError(f"no chart {name!r}; this result has {', '.join(charts)}")
    figure = charts[name]()
    if figure is None:
        raise ScenarioError(f"chart {name!r} does not apply to this result (e.g. fan needs replications)")
    return figure


def _vary_options(vary: Vary | None) -> tuple[str, ...]:
    """``{key: [a, b]}`` or ``{key: "lo:hi:step"}`` as the CLI's ``--vary KEY=a,b`` texts."""
    if vary is None:
        return ()
    if not isinstance(vary, Mapping):
        raise ScenarioError(f"vary: expected a mapping of dotted keys to values, got {type(vary).__name__}")
    options = []
    for key, values in vary.items():
        if isinstance(values, str):
            options.append(f"{key}={values}")
            continue
        texts = [_yaml_text(v) for v in values]
        if not texts or any("," in t for t in texts):
            raise ScenarioError(f"vary {key}: expected one or more values without commas, got {values!r}")
        options.append(f"{key}={','.join(texts)}")
    return tuple(options)


def _yaml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else repr(value) if isinstance(value, float) else str(value)


def _path_of(scenario: ScenarioLike) -> str:
    """A scenario's file: variants are made from the file, as the CLI makes them."""
    from campsim.load.loader import load_scenario

    if not isinstance(scenario, Scenario):
        return str(scenario)
    if scenario.source is None or load_scenario(scenario.source) != scenario:
        raise ScenarioError(f"{scenario.name}: varying a Scenario needs the file it was loaded from, unchanged; "
                            "give the path, with overrides=[...] for what you changed")  # fmt: skip
    return str(scenario.source)


def _with_file(scenario: ScenarioLike) -> tuple[Path, Scenario]:
    """(its file, the scenario): a path is loaded; a Scenario object is taken as it is."""
    from campsim.load.loader import load_scenario

    if isinstance(scenario, Scenario):
        return scenario.source or Path(scenario.name), scenario
    return Path(scenario), load_scenario(scenario)
