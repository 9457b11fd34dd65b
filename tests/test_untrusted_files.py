"""A scenario and the data files it names are untrusted input (issue 17, points 1 and 2).

Data paths must stay inside the scenario's folder (or --data-root); only regular files below
the size limit are read; a FIFO or a device is refused before reading; and no message quotes
a file that is not a recognised table. The FIFO and device cases run in a child process with
a timeout, so that a regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
import yaml

from campsim.cli import main
from campsim.load import hxl
from campsim.load.files import MAX_DATA_FILE_BYTES
from tests.conftest import ROOT

SECRET = "AWS_KEY=AKIAEXAMPLE;password=hunter2"


def scenario(folder, csv=None, fts=None, name="scenario.yaml"):
    data = {"name": "untrusted", "start": "2017-10-01", "days": 30, "deterministic": True,
            "population": {"initial": 1000, "arrivals": [{"csv": csv}] if csv else []},
            "commodities": {"water": {"per_person_day": 15}}}  # fmt: skip
    if fts:
        data["funding"] = {"fts": fts}
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def validate(capsys, *args) -> tuple[int, str]:
    status = main(["validate", *map(str, args)])
    return status, capsys.readouterr().err


@pytest.fixture
def outside(tmp_path):
    """A secret file beside (not inside) the scenario's folder, and the folder."""
    secret = tmp_path / "secret.csv"
    secret.write_text(f"date,arrivals\n2017-10-02,{SECRET}\n")
    folder = tmp_path / "shared"
    folder.mkdir()
    return folder, secret


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink", "symlinked_folder"])
def test_a_data_path_that_leads_outside_the_folder_is_refused_naming_the_path_only(outside, capsys, how):
    folder, secret = outside
    name = {
        "dotdot": "../secret.csv",
        "absolute": str(secret),
        "symlink": "link.csv",
        "symlinked_folder": "d/secret.csv",
    }[how]
    if how == "symlink":
        (folder / "link.csv").symlink_to(secret)
    if how == "symlinked_folder":
        (folder / "d").symlink_to(secret.parent)
    for key in ("csv", "fts"):
        status, err = validate(capsys, scenario(folder, **{key: name}))
        assert status == 2
        assert len(err.strip().splitlines()) == 1
        assert f"{name}: leads outside the scenario's folder" in err and "--data-root" in err
        assert SECRET not in err and "hunter2" not in err and "2017-10-02" not in err


def test_data_root_names_another_folder_and_still_confines(outside, capsys):
    folder, secret = outside
    path = scenario(folder, csv="../secret.csv")
    # the secret's counts are not numbers: reading it now fails on its cell, quoted (a recognised table)
    status, err = validate(capsys, "--data-root", secret.parent, path)
    assert status == 2 and "expected a non-negative number" in err
    secret.write_text("date,arrivals\n2017-10-02,40\n")
    assert validate(capsys, "--data-root", secret.parent, path)[0] == 0
    # --data-root is the only root: the scenario's own folder is no longer enough outside it
    (folder / "own.csv").write_text("date,arrivals\n2017-10-02,40\n")
    status, err = validate(capsys, "--data-root", folder / "..", scenario(folder, csv="own.csv"))
    assert status == 0, err
    other = folder / "other"
    other.mkdir()
    status, err = validate(capsys, "--data-root", other, scenario(folder, csv="own.csv"))
    assert status == 2 and "leads outside the --data-root folder" in err


def test_a_symlink_inside_the_folder_to_a_file_inside_is_fine(tmp_path, capsys):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("date,arrivals\n2017-10-02,40\n")
    (tmp_path / "latest.csv").symlink_to(tmp_path / "data" / "a.csv")
    assert validate(capsys, scenario(tmp_path, csv="latest.csv"))[0] == 0


def test_a_file_that_is_not_a_table_is_never_quoted(tmp_path, capsys):
    (tmp_path / "passwd.csv").write_text(f"root:x:0:0:{SECRET}:/root:/bin/bash\ndaemon:x:1:1::/:/bin/false\n")
    for key in ("csv", "fts"):
        status, err = validate(capsys, scenario(tmp_path, **{key: "passwd.csv"}))
        assert status == 2 and "not a table campsim recognises" in err
        assert "root:x" not in err and "hunter2" not in err
    status = main(["calibrate", str(scenario(tmp_path)), "--observed", str(tmp_path / "passwd.csv"),
                   "--out", str(tmp_path / "out")])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2 and "not a table" in err and "root:x" not in err


def test_a_cell_of_a_recognised_table_is_quoted_escaped_and_at_most_40_characters(tmp_path, capsys):
    cell = "\x1b[31m" + "x" * 100
    (tmp_path / "a.csv").write_text(f"date,arrivals\n2017-10-02,{cell}\n")
    status, err = validate(capsys, scenario(tmp_path, csv="a.csv"))
    assert status == 2 and "\x1b" not in err and "x" * 40 not in err
    quoted = err.split("got ")[1].strip()
    assert quoted == repr("\x1b[31m" + "x" * 34 + "…") and len(eval(quoted)) == 40  # noqa: S307


def test_a_file_above_the_size_limit_is_refused_before_reading(tmp_path, capsys):
    big = tmp_path / "ten_million_rows.csv"
    with big.open("wb") as f:  # the size of 10 million rows of "2017-10-01,1\n", without writing them
        f.write(b"date,arrivals\n2017-10-02,1\n")
        f.truncate(10_000_000 * 13)
    status, err = validate(capsys, scenario(tmp_path, csv=big.name))
    assert status == 2
    assert f"is 130,000,000 bytes, larger than {MAX_DATA_FILE_BYTES} bytes, the limit for a data file" in err


def test_the_data_rows_stop_at_their_limit(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(hxl, "MAX_DATA_ROWS", 100)
    (tmp_path / "a.csv").write_text("date,arrivals\n" + "2017-10-02,1\n" * 101)
    status, err = validate(capsys, scenario(tmp_path, csv="a.csv"))
    assert status == 2 and "a.csv line 102: more than 100 data rows" in err


# --- special files, in a child process that cannot hang the suite ------------------------

CHILD = textwrap.dedent(
    """
    import contextlib, io, json, sys
    from campsim.cli import main
    from campsim.model.errors import DataFileError
    from campsim.runs.calibrate import read_observed  # what calibrate --observed reads with
    results = []
    for kind, args in json.loads(sys.argv[1]):
        err = io.StringIO()
        if kind == "cli":
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                status = main(args)
        else:
            try:
                read_observed(args)
                status = 0
            except DataFileError as exc:
                status, err = 2, io.StringIO(exc.problem)
        results.append([status, err.getvalue()])
    print(json.dumps(results))
    """
)


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"), reason="POSIX FIFOs and devices")
def test_fifos_devices_and_folders_are_refused_before_reading(tmp_path):
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    os.mkfifo(tmp_path / "scenario_fifo.yaml")
    (tmp_path / "folder.csv").mkdir()
    cases = {
        "csv: a FIFO": ("cli", ["validate", str(scenario(tmp_path, csv="fifo.csv", name="a.yaml"))], "is a FIFO"),
        "fts: a FIFO": ("cli", ["validate", str(scenario(tmp_path, fts="fifo.csv", name="b.yaml"))], "is a FIFO"),
        "csv: a folder": ("cli", ["validate", str(scenario(tmp_path, csv="folder.csv", name="c.yaml"))],
                          "is a directory"),
        "the scenario a FIFO": ("cli", ["validate", str(tmp_path / "scenario_fifo.yaml")], "is a FIFO"),
        "run on a FIFO": ("cli", ["run", str(tmp_path / "scenario_fifo.yaml"), "--out", str(tmp_path / "o")],
                          "is a FIFO"),
        "the scenario /dev/zero": ("cli", ["validate", "/dev/zero"], "is a character device"),
        "observed a FIFO": ("observed", str(fifo), "is a FIFO"),
        "observed /dev/zero": ("observed", "/dev/zero", "is a character device"),
        "observed /dev/urandom": ("observed", "/dev/urandom", "is a character device"),
        "observed a folder": ("observed", str(tmp_path), "is a directory"),
    }  # fmt: skip
    if os.path.exists("/proc/self/environ"):  # a regular file of size 0 that holds the environment
        cases["observed /proc/self/environ"] = ("observed", "/proc/self/environ", "binary data")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CAMPSIM_SECRET": SECRET}
    argv = [[kind, args] for kind, args, _ in cases.values()]
    child = subprocess.run([sys.executable, "-c", CHILD, json.dumps(argv)],
                           capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)  # fmt: skip
    assert child.returncode == 0, child.stderr
    for (name, (_, _, words)), (status, err) in zip(cases.items(), json.loads(child.stdout), strict=True):
        assert status == 2, (name, err)
        assert words in err and len(err.strip().splitlines()) == 1, (name, err)
        assert "hunter2" not in err and "Traceback" not in err, name


def test_a_header_with_control_characters_is_escaped_in_messages(tmp_path, capsys):
    header = "\x1b]0;owned\x07" + "h" * 60
    (tmp_path / "a.csv").write_text(f"date,{header}\n#date,#affected+arrived+ind\n2017-10-02,many\n")
    status, err = validate(capsys, scenario(tmp_path, csv="a.csv"))
    assert status == 2 and "expected a non-negative number" in err
    assert "\x1b" not in err and "\x07" not in err and "h" * 40 not in err


def test_every_command_that_loads_a_scenario_confines_its_data_and_takes_data_root(outside, capsys):
    folder, secret = outside
    secret.write_text("date,arrivals\n2017-10-02,40\n")
    path = str(scenario(folder, csv="../secret.csv"))
    observed = folder / "observed.csv"
    observed.write_text("date,population\n2017-10-05,1040\n")
    out = ["--out", str(folder / "out"), "--quiet", "--force"]
    commands = {
        "run": ["run", path, *out, "--no-charts"],
        "compare": ["compare", path, "--vary", "funding.funded_fraction=0.5,1", *out, "--no-charts"],
        "sweep": ["sweep", path, "--vary", "funding.funded_fraction=0.5,1", "-n", "2", "-j", "1", *out, "--no-charts"],
        "solve": ["solve", path, "--vary", "funding.funded_fraction", "--target", "water.shortage_days<=1000",
                  "-n", "2", "-j", "1", *out],
        "calibrate": ["calibrate", path, "--observed", str(observed), *out, "--no-charts"],
        "validate": ["validate", path],
    }  # fmt: skip
    for name, argv in commands.items():
        assert main(argv) == 2, name
        assert "../secret.csv: leads outside the scenario's folder" in capsys.readouterr().err, name
        assert main([*argv, "--data-root", str(secret.parent)]) == 0, (name, capsys.readouterr().err)
        capsys.readouterr()
