"""The shape the code promises: one day shared by both engines, imports one way, files read once."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import campsim
from campsim.engines import batch, batch_network, des, network
from campsim.model import day, rules
from campsim.plan.compile import compile
from campsim.plan.draw import draw_fresh
from tests.conftest import ROOT, SCENARIOS

PACKAGE = ROOT / "campsim"
# imports run one way: a module may import its own layer and the layers before it
LAYERS = ["model", "load", "plan", "engines", "results", "runs", "report", "cli"]


def _source(module) -> ast.Module:
    return ast.parse(Path(module.__file__).read_text())


def _logged_process(method, name: str, log: list):
    """A SimPy phase that notes (name, time) each time it wakes, before its day's work."""

    def phase(self, tick):
        steps = method(self, tick)
        try:
            event = next(steps)
            while True:
                value = yield event
                log.append((name, self.env.now))
                event = steps.send(value)
        except StopIteration:
            return

    return phase


def _logged_step(method, name: str, log: list):
    """A batch phase that notes (name, day) each time it runs."""

    def step(self, day_number):
        log.append((name, day_number))
        return method(self, day_number)

    return step


def test_both_engines_step_the_phases_of_the_day_in_their_written_order(monkeypatch):
    # each engine follows model/day.PHASES; and a changed list changes both engines' order
    # (review moved after record: the engines read the list, they keep no order of their own)
    plan = compile(campsim.load_scenario(SCENARIOS[0]))
    drawn = draw_fresh(plan, 1)
    names = [p.name for p in day.PHASES]
    moved = [n for n in names if n != "review"] + ["review"]
    reordered = tuple(next(p for p in day.PHASES if p.name == n) for n in moved)
    for phases in (day.PHASES, reordered):
        des_log: list = []
        batch_log: list = []
        for phase in day.PHASES:
            monkeypatch.setattr(des.CampModel, phase.name, _logged_process(getattr(des.CampModel, phase.name),
                                                                           phase.name, des_log))  # fmt: skip
            monkeypatch.setattr(batch.BatchModel, phase.name, _logged_step(getattr(batch.BatchModel, phase.name),
                                                                           phase.name, batch_log))  # fmt: skip
        monkeypatch.setattr(des, "PHASES", phases)
        monkeypatch.setattr(batch, "PHASES", phases)
        des.simulate(plan, drawn)
        batch.simulate_batch(plan, drawn)
        monkeypatch.undo()
        # a single camp with no perishable stock: spoilage, dispatch and restock never wake in SimPy,
        # and there is no tranche on day 1 for funding to wake to
        sleepers = {"spoilage", "dispatch", "restock", "funding"}
        day_one = day.TICKS_PER_DAY  # the SimPy phases of day 1, by the time they woke
        woke = [name for name, when in des_log if day_one <= when < 2 * day_one]
        assert woke == [p.name for p in phases if p.name not in sleepers], woke
        assert [name for name, d in batch_log if d == 1] == [p.name for p in phases]


def test_no_engine_defines_a_day_step_of_its_own():
    # SimPy engine: the processes scheduled at a tick of the day are the phases of model/day.py,
    # and no other process (the actors: closures, deliveries, donations) walks the days
    phases, walkers = set(), set()
    for node in ast.walk(_source(des)):
        if isinstance(node, ast.FunctionDef) and any(isinstance(n, ast.Yield) for n in ast.walk(node)):
            if [a.arg for a in node.args.args] == ["self", "tick"]:
                phases.add(node.name)
            elif any(isinstance(n, ast.For) and "range(" in ast.unparse(n.iter) for n in ast.walk(node)):
                walkers.add(node.name)
    assert phases == set(day.PHASE_NAMES) and not walkers
    # batch engine: run() calls no step by name; it walks day.PHASES, and each phase is a method
    run = next(n for n in ast.walk(_source(batch)) if isinstance(n, ast.FunctionDef) and n.name == "run")
    called = {ast.unparse(n.func) for n in ast.walk(run) if isinstance(n, ast.Call)}
    assert not {c for c in called if c.startswith("self.")}, called
    assert "PHASES" in ast.unparse(run)
    for phase in day.PHASES:
        assert callable(getattr(batch.BatchModel, phase.name)) and callable(getattr(des.CampModel, phase.name))


def test_both_engines_use_the_one_rules_module_and_no_threshold_of_their_own():
    def rules_used(module) -> set[str]:
        return {
            n.attr
            for n in ast.walk(_source(module))
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "rules"
        }

    shared = {name for name in dir(rules) if not name.startswith("_") and callable(getattr(rules, name))}
    used_des, used_batch = rules_used(des), rules_used(batch)
    assert used_des == used_batch
    assert {"distribute", "ration_level", "order_quantity", "order_target", "shelve", "new_need"} <= used_des
    assert used_des <= shared
    for module in (des, batch):
        text = Path(module.__file__).read_text()
        assert "SHORTAGE_RTOL" not in text and "1e-9" not in text, module.__name__
    # the network engines too: the same rules (sharing, trucks, days at capacity), no tolerance of their own
    used_network, used_batch_network = rules_used(network), rules_used(batch_network)
    assert used_network == used_batch_network
    assert {"share_proportional", "share_by_priority", "share_equal_cover", "truck_scale", "at_capacity",
            "order_quantity", "admit"} - {"admit"} <= used_network <= shared  # fmt: skip
    for module in (network, batch_network):
        text = Path(module.__file__).read_text()
        assert "SHORTAGE_RTOL" not in text and "1e-9" not in text, module.__name__


def _imports(path: Path) -> list[str]:
    """Every campsim module a file imports, at the top or inside a function (lazy imports too)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("campsim"):
            if node.module == "campsim":
                out += [f"campsim.{a.name}" for a in node.names]
            else:
                out.append(node.module)
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.startswith("campsim")]
    return out


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def test_imports_run_one_way_and_form_no_circle():
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        own = _layer(name)
        graph[name] = set()
        for target in _imports(path):
            graph[name].add(target)
            theirs = _layer(target)
            if own is not None and theirs is not None:
                assert theirs <= own, f"{name} (layer {LAYERS[own]}) imports {target} (layer {LAYERS[theirs]})"
    # no circle between modules, lazy imports included
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if nxt not in graph:
                continue
            assert state.get(nxt) != 1, "import circle: " + " -> ".join([*trail, node, nxt])
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [])


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 400}
    assert not long


def test_report_code_loads_no_engine_loader_or_executor():
    code = (
        "import sys; import campsim.report.charts, campsim.report.html, campsim.report.text, campsim.report.folders; "
        "print(' '.join(m for m in sys.modules if m.startswith('campsim')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert not [m for m in loaded if m.startswith(("campsim.engines", "campsim.load", "campsim.runs.executors"))]
    assert "simpy" not in subprocess.run([sys.executable, "-c", code.replace("'campsim'", "'simpy'")],
                                         capture_output=True, text=True, check=True).stdout  # fmt: skip


@pytest.fixture
def opened(monkeypatch):
    """Count the times each file is opened from now on (an audit hook: every open goes through it)."""
    counts: dict[str, int] = {}
    active = [True]

    def hook(event: str, args: tuple) -> None:
        if active[0] and event == "open" and isinstance(args[0], str | Path):
            path = str(Path(args[0]).resolve()) if not str(args[0]).startswith("/proc") else str(args[0])
            counts[path] = counts.get(path, 0) + 1

    sys.addaudithook(hook)  # hooks cannot be removed: switch it off after the test
    yield counts
    active[0] = False


def _fts_scenario(tmp_path: Path) -> Path:
    """A scenario with both kinds of data file: arrivals from a CSV, funding from an FTS table."""
    (tmp_path / "arrivals.csv").write_text("date,population\n2017-10-01,1000\n2017-10-05,1400\n2017-10-09,1300\n")
    (tmp_path / "fts.csv").write_text("cluster,required_usd,funded_usd\nFood,100,40\nWASH,100,70\n")
    path = tmp_path / "camp.yaml"
    path.write_text(
        "name: data camp\nstart: 2017-10-01\ndays: 20\nseed: 3\n"
        "population: {initial: 1000, household_size: 5, arrivals: [{csv: arrivals.csv, kind: population}]}\n"
        "funding: {fts: fts.csv, clusters: {Food: [food], WASH: [water]}}\n"
        "commodities:\n"
        "  food: {per_person_day: 1, unit_cost_usd: 0.5, initial_stock: 5000,\n"
        "         ordering: {order_up_to_days: 10, lead_time_days: 3}}\n"
        "  water: {per_person_day: 15, unit_cost_usd: 0.01, initial_stock: 30000,\n"
        "          ordering: {order_up_to_days: 3, lead_time_days: 1}}\n"
    )
    return path


def test_a_sweep_reads_the_scenario_and_its_data_files_once(tmp_path, opened):
    from campsim.runs.executors import Execution
    from campsim.runs.sweep import sweep

    path = _fts_scenario(tmp_path)
    opened.clear()  # count from here: writing the files opened them too
    result = sweep(str(path), ("population.household_size=4,5,6", "commodities.food.initial_stock=1000,9000"),
                   replications=3, execution=Execution(jobs=1))  # fmt: skip
    assert len(result.summaries) == 6
    for name in ("camp.yaml", "arrivals.csv", "fts.csv"):
        assert opened.get(str((tmp_path / name).resolve())) == 1, (name, opened)
    # the household size still reaches the arrivals: each point compiles its own plan
    finals = {round(s["population"]["final"], 6) for s in result.summaries}
    assert len(finals) >= 1


def test_a_solve_reads_the_scenario_and_its_data_files_once(tmp_path, opened):
    from campsim.runs.executors import Execution
    from campsim.runs.sweep import solve

    path = _fts_scenario(tmp_path)
    opened.clear()
    result = solve(str(path), "commodities.food.funded_fraction", ("food.shortfall_person_days<=1",),
                   replications=2, execution=Execution(jobs=1), tol=0.05)  # fmt: skip
    assert len(result.points) >= 4  # several evaluations
    for name in ("camp.yaml", "arrivals.csv", "fts.csv"):
        assert opened.get(str((tmp_path / name).resolve())) == 1, (name, opened)


def test_household_counts_become_people_when_the_plan_is_compiled(tmp_path):
    # a column of households, converted with the variant's household size: no second read needed
    (tmp_path / "hh.csv").write_text("date,households\n#date,#affected+arrived+hh\n2017-10-02,10\n")
    data = {"name": "hh", "start": "2017-10-01", "days": 3, "deterministic": True,
            "population": {"household_size": 6, "arrivals": [{"csv": "hh.csv"}]},
            "commodities": {"water": {"per_person_day": 15}}}  # fmt: skip
    s = campsim.scenario_from_dict(data, base_dir=tmp_path)
    assert compile(s).arrival_means.tolist() == [0, 60, 0]
    bigger = s.model_copy(update={"population": s.population.model_copy(update={"household_size": 7.5})})
    assert compile(bigger).arrival_means.tolist() == [0, 75, 0]
    assert s.population.arrivals[0].data.counts == (10.0,)  # kept as written


def test_a_scenario_file_cannot_write_what_the_loader_fills_in(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: x\nstart: 2017-10-01\ndays: 3\ncommodities: {water: {}}\n"
                    "funding: {fts_fractions: {water: 1}}\n")  # fmt: skip
    with pytest.raises(campsim.ScenarioError, match="filled in by campsim"):
        campsim.load_scenario(path)


def test_the_plan_is_plain_arrays_and_refers_to_no_scenario():
    plan = compile(campsim.load_scenario(SCENARIOS[0]))
    for field in plan.__dataclass_fields__:
        value = getattr(plan, field)
        assert not isinstance(value, campsim.Scenario)
    assert isinstance(plan.requirement_usd, np.ndarray) and plan.requirement_usd.shape == (len(plan.lines),)
