"""Bad scenario input must fail with a one-line ScenarioError, never a traceback.

Each ``invalid_scenarios/*.yaml`` file is a small scenario with exactly one problem. Its
first line says what the error message must contain::

    # expect: :7:; commodities.water.initial_stock; expected a number >= 0

i.e. ``;``-separated substrings (``:7:`` pins the line number).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

import campsim
from campsim import ScenarioError

CASES_DIR = Path(__file__).parent / "invalid_scenarios"
DATA_DIR = CASES_DIR / "data"
EXPECT_PREFIX = "# expect:"


def _expectations(path: Path) -> list[str]:
    """The ``;``-separated substrings on a fixture's first line (empty list if absent)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith(EXPECT_PREFIX):
        return []
    return [part.strip() for part in lines[0][len(EXPECT_PREFIX) :].split(";") if part.strip()]


def _problem_lines(err: ScenarioError) -> list[str]:
    """Each problem of an error rendered on its own (ScenarioErrors holds several)."""
    return [ScenarioError.__str__(e) for e in getattr(err, "errors", [err])]


def _check_message(err: ScenarioError, file_name: str, expected: list[str]) -> None:
    message = str(err)
    problems = _problem_lines(err)
    for problem in problems:
        assert "\n" not in problem, f"a problem spans several lines: {problem!r}"
        assert file_name in problem, f"problem does not name {file_name}: {problem!r}"
    assert message == "\n".join(problems)
    missing = [part for part in expected if part not in message]
    assert not missing, f"message {message!r} lacks {missing}"


CASES = sorted(CASES_DIR.glob("*.yaml"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_invalid_scenario(path: Path) -> None:
    expected = _expectations(path)
    assert expected, f"{path.name} has no '{EXPECT_PREFIX}' first line"
    with pytest.raises(ScenarioError) as info:
        campsim.load_scenario(path)
    _check_message(info.value, path.name, expected)
    assert len(_problem_lines(info.value)) == 1, "a fixture should contain exactly one problem"


# --- the fixture directory itself ----------------------------------------------------------


def test_fixture_directory_is_populated() -> None:
    assert len(CASES) >= 35


def test_every_fixture_has_an_expect_line() -> None:
    """A fixture must not silently lose its assertion (or be skipped by the glob)."""
    files = [p for p in CASES_DIR.iterdir() if p.is_file()]
    assert files
    not_yaml = [p.name for p in files if p.suffix != ".yaml"]
    assert not not_yaml, f"not picked up by the *.yaml glob: {not_yaml}"
    lacking = [p.name for p in files if not _expectations(p)]
    assert not lacking, f"no '{EXPECT_PREFIX} <substring>; ...' first line: {lacking}"


def test_every_data_file_is_used() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in CASES)
    unused = [p.name for p in DATA_DIR.iterdir() if f"data/{p.name}" not in text]
    assert not unused, f"data files no fixture references: {unused}"


# --- inputs that are generated here rather than committed ---------------------------------

VALID = """\
name: valid
start: 2017-10-01
days: 60
population:
  initial: 20000
  arrivals:
    - rate: {2017-10-01: 385, 2017-11-01: 200}
funding:
  funded_fraction: 0.62
  disbursement: monthly
commodities:
  water:
    initial_stock: 300000
    capacity: 1500000
    ordering: {review_every_days: 1, order_up_to_days: 3, lead_time_days: 1}
  food:
    unit_cost_usd: 0.64
    initial_stock: 400000
    ordering:
      review_every_days: 7
      order_up_to_days: 30
      lead_time_days: {triangular: [10, 20, 45]}
"""


@pytest.fixture
def valid_path(tmp_path: Path) -> Path:
    path = tmp_path / "valid.yaml"
    path.write_text(VALID, encoding="utf-8")
    return path


def _load_error(path: Path, overrides: tuple[str, ...] = ()) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        campsim.load_scenario(path, overrides=list(overrides))
    return info.value


def test_base_scenario_is_valid(valid_path: Path) -> None:
    scenario = campsim.load_scenario(valid_path)
    assert scenario.commodities["food"].ordering.lead_time_days.triangular == [10, 20, 45]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(VALID.replace("name: valid", "name: caf\xe9").encode("latin-1"))
    err = _load_error(path)
    _check_message(err, path.name, [":1:", "UTF-8"])


@pytest.mark.parametrize(
    "junk",
    [
        pytest.param(b"\x00\x00\x00name: x\ndays: 3\n", id="nul-in-utf8"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", id="png-header"),
        pytest.param(random.Random(0).randbytes(4096) + b"\x00", id="random-bytes"),
        pytest.param(VALID.encode() + b"\x00\x00", id="valid-then-nul"),
    ],
)
def test_binary_junk(tmp_path: Path, junk: bytes) -> None:
    path = tmp_path / "junk.yaml"
    path.write_bytes(junk)
    err = _load_error(path)
    _check_message(err, path.name, [])


def test_nul_in_utf8_text_is_called_binary(tmp_path: Path) -> None:
    path = tmp_path / "nul.yaml"
    path.write_bytes(VALID.encode() + b"\x00")
    _check_message(_load_error(path), path.name, ["binary"])


def _billion_laughs() -> str:
    """9 levels of 10 aliases each: 10**9 strings if expanded."""
    lines = ['a0: &a0 "lol"']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return VALID + "bomb:\n" + "\n".join("  " + line for line in lines) + "\n"


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_billion_laughs(), encoding="utf-8")
    _check_message(_load_error(path), path.name, ["alias"])


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(VALID + "disruptions: &loop [*loop]\n", encoding="utf-8")
    _check_message(_load_error(path), path.name, ["disruptions"])


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(VALID + "disruptions: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    _check_message(_load_error(path), path.name, [])


def _with_csv(tmp_path: Path, csv_name: str) -> Path:
    """The valid scenario with its rate arrivals replaced by ``csv: csv_name`` (line 7)."""
    path = tmp_path / "scenario.yaml"
    text = VALID.replace("- rate: {2017-10-01: 385, 2017-11-01: 200}", f"- csv: {csv_name}")
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_huge_field(tmp_path: Path) -> None:
    (tmp_path / "huge.csv").write_text("date,arrivals\n2017-10-01," + "1" * 200_000 + "\n")
    path = _with_csv(tmp_path, "huge.csv")
    _check_message(_load_error(path), path.name, [":7:", "population.arrivals.0.csv", "huge.csv"])


def test_csv_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "latin1.csv").write_bytes(b"date,arrivals\n2017-10-01,5 \xe9\n")
    path = _with_csv(tmp_path, "latin1.csv")
    _check_message(_load_error(path), path.name, [":7:", "population.arrivals.0.csv", "latin1.csv", "UTF-8"])


# --- --set overrides -----------------------------------------------------------------------


def test_set_bad_value(valid_path: Path) -> None:
    err = _load_error(valid_path, ("days=abc",))
    _check_message(err, valid_path.name, ["--set days=abc", "days", "expected an integer"])


@pytest.mark.parametrize("option", ["novalue", "=5", "days.=5", ".days=5"])
def test_set_malformed(valid_path: Path, option: str) -> None:
    err = _load_error(valid_path, (option,))
    problems = _problem_lines(err)
    assert all("\n" not in p for p in problems)
    assert "KEY=VALUE" in str(err)
    assert repr(option) in str(err)


def test_set_through_a_single_value(valid_path: Path) -> None:
    err = _load_error(valid_path, ("days.max=5",))
    assert "days is a single value" in str(err)


def test_set_list_index_out_of_range(valid_path: Path) -> None:
    err = _load_error(valid_path, ("population.arrivals.3.rate=5",))
    assert re.search(r"population\.arrivals is a list of 1; expected an index 0\.\.0", str(err))


def test_set_refuses_a_python_tag(valid_path: Path) -> None:
    err = _load_error(valid_path, ("name=!!python/object/apply:os.system ['true']",))
    assert "--set" in str(err)


def test_set_valid_override(valid_path: Path) -> None:
    scenario = campsim.load_scenario(valid_path, overrides=["commodities.food.ordering.lead_time_days=30"])
    lead_time = scenario.commodities["food"].ordering.lead_time_days
    assert lead_time.fixed == 30
    assert lead_time.triangular is None
    assert lead_time.mean_days == 30


def test_yaml_merge_keys_are_plain_data_and_explicit_keys_win(tmp_path: Path) -> None:
    path = tmp_path / "merge.yaml"
    path.write_text(
        "name: merge\nstart: 2017-10-01\ndays: 10\ncommodities:\n"
        "  water: &water {initial_stock: 100, unit_cost_usd: 1}\n"
        "  food:\n    <<: *water\n    initial_stock: 7\n",
        encoding="utf-8",
    )
    s = campsim.load_scenario(path)
    assert s.commodities["food"].initial_stock == 7
    assert s.commodities["food"].unit_cost_usd == 1
