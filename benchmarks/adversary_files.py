"""The adversary's cases of issue 17, points 1-4: untrusted data files, special files, formulas, control characters."""

from __future__ import annotations

import json

from benchmarks.adversary_kit import (
    SECRET_VALUE,
    Builder,
    Result,
    formula_cells,
    mkfifo,
    no_stderr_but_notes,
    scenario,
    write,
)


def add_file_cases(b: Builder) -> None:
    """Issue 17 points 1-4: every case is a real file, FIFO, device or symlink."""
    tmp, out, good, rej, acc, scen, csv_arrivals = b.tmp, b.out, b.good, b.rej, b.acc, b.scen, b.csv_arrivals
    passwd_leaks = ["root:", "/bin/bash", "nologin"]  # words of /etc/passwd no message may show
    # ---- 17.1: file contents must not leak
    deep = tmp / "a" / "b" / "c"
    s = write(deep / "s.yaml", scenario(arrivals=csv_arrivals("../../../../../../../../etc/passwd")))
    rej("csv ../../etc/passwd", "17.1", ["run", str(s), "--no-charts", "-o", str(out / "1")], forbidden=passwd_leaks)
    rej(
        "csv /etc/passwd",
        "17.1",
        ["validate", scen("abs_passwd", arrivals=csv_arrivals("/etc/passwd"))],
        forbidden=passwd_leaks,
    )
    rej(
        "csv /etc/shadow",
        "17.1",
        ["validate", scen("shadow", arrivals=csv_arrivals("/etc/shadow"))],
        forbidden=passwd_leaks,
    )
    rej(
        "csv /proc/self/environ",
        "17.1",
        ["validate", scen("environ", arrivals=csv_arrivals("/proc/self/environ"))],
        forbidden=[SECRET_VALUE, "PATH="],
    )
    s = scen("passwd_root", arrivals=csv_arrivals("/etc/passwd"))
    rej("csv /etc/passwd with --data-root /etc", "17.1", ["validate", "--data-root", "/etc", s], forbidden=passwd_leaks)
    s = scen("environ_root", arrivals=csv_arrivals("/proc/self/environ"))
    rej(
        "csv /proc/self/environ with --data-root /proc",
        "17.1",
        ["validate", "--data-root", "/proc", s],
        forbidden=[SECRET_VALUE, "PATH="],
    )
    link_dir = tmp / "symlink_passwd"
    link_dir.mkdir()
    (link_dir / "dtm.csv").symlink_to("/etc/passwd")
    write(link_dir / "s.yaml", scenario(arrivals=csv_arrivals("dtm.csv")))
    rej("csv: symlink to /etc/passwd", "17.1", ["validate", str(link_dir / "s.yaml")], forbidden=passwd_leaks)
    fts = "\n".join(["funding:", "  fts: /etc/passwd", "  clusters:", "    WASH: [water, household_kits]"])
    s = write(tmp / "fts_passwd" / "s.yaml", scenario().replace("funding:\n  funded_fraction: 0.62", fts))
    rej("fts: /etc/passwd", "17.1", ["validate", str(s)], forbidden=passwd_leaks)
    s = write(tmp / "fts_passwd_root" / "s.yaml", scenario().replace("funding:\n  funded_fraction: 0.62", fts))
    rej(
        "fts: /etc/passwd with --data-root /etc",
        "17.1",
        ["validate", "--data-root", "/etc", str(s)],
        forbidden=passwd_leaks,
    )
    rej(
        "calibrate --observed /etc/passwd",
        "17.1",
        ["calibrate", str(good), "--observed", "/etc/passwd", "-o", str(out / "c1")],
        forbidden=passwd_leaks,
    )
    rej(
        "calibrate --observed /proc/self/environ",
        "17.1",
        ["calibrate", str(good), "--observed", "/proc/self/environ", "-o", str(out / "c2")],
        forbidden=[SECRET_VALUE, "PATH="],
    )
    rej("run /etc/passwd as the scenario", "17.1", ["run", "/etc/passwd", "-o", str(out / "2")], forbidden=passwd_leaks)
    long_cell = "A" * 45 + "SECRETTAIL"
    write(tmp / "longcell" / "d.csv", f"date,population\n2017-10-02,{long_cell}\n")
    s = write(tmp / "longcell" / "s.yaml", scenario(arrivals=csv_arrivals("d.csv")))
    rej("table cell quoted at most 40 chars", "17.1", ["validate", str(s)], forbidden=["SECRETTAIL"])
    write(tmp / "esccell" / "d.csv", "date,population\n2017-10-02,\x1b[31mred\x07\n")
    s = write(tmp / "esccell" / "s.yaml", scenario(arrivals=csv_arrivals("d.csv")))
    rej("table cell with ESC and BEL", "17.1", ["validate", str(s)])

    # ---- 17.2: special files, sizes
    fifo_dir = tmp / "fifo"
    mkfifo(fifo_dir / "scenario.yaml")
    mkfifo(fifo_dir / "data.csv")
    mkfifo(fifo_dir / "observed.csv")
    write(fifo_dir / "s.yaml", scenario(arrivals=csv_arrivals("data.csv")))
    rej("run FIFO scenario", "17.2", ["run", str(fifo_dir / "scenario.yaml"), "-o", str(out / "3")])
    rej("validate FIFO scenario", "17.2", ["validate", str(fifo_dir / "scenario.yaml")])
    rej("csv: FIFO", "17.2", ["run", str(fifo_dir / "s.yaml"), "--no-charts", "-o", str(out / "4")])
    rej(
        "calibrate --observed FIFO",
        "17.2",
        ["calibrate", str(good), "--observed", str(fifo_dir / "observed.csv"), "-o", str(out / "c3")],
    )
    rej("run /dev/zero", "17.2", ["run", "/dev/zero", "-o", str(out / "5")])
    rej("validate /dev/urandom", "17.2", ["validate", "/dev/urandom"])
    rej(
        "calibrate --observed /dev/zero",
        "17.2",
        ["calibrate", str(good), "--observed", "/dev/zero", "-o", str(out / "c4")],
    )
    rej(
        "calibrate --observed /dev/urandom",
        "17.2",
        ["calibrate", str(good), "--observed", "/dev/urandom", "-o", str(out / "c5")],
    )
    s = scen("devzero_root", arrivals=csv_arrivals("/dev/zero"))
    rej("csv: /dev/zero with --data-root /dev", "17.2", ["validate", "--data-root", "/dev", s])
    s = scen("devrandom_root", arrivals=csv_arrivals("/dev/urandom"))
    rej("csv: /dev/urandom with --data-root /dev", "17.2", ["validate", "--data-root", "/dev", s])
    (tmp / "dir_csv" / "d.csv").mkdir(parents=True)
    s = write(tmp / "dir_csv" / "s.yaml", scenario(arrivals=csv_arrivals("d.csv")))
    rej("csv: a directory", "17.2", ["validate", str(s)])
    rej("scenario is a directory", "17.2", ["validate", str(tmp / "dir_csv")])
    big = tmp / "big" / "d.csv"
    big.parent.mkdir()
    with open(big, "w") as f:  # 10,000,000 rows, ~130 MB: refused by its size before reading
        f.write("date,population\n")
        row = "2017-10-02,1\n" * 100_000
        for _ in range(100):
            f.write(row)
    write(big.parent / "s.yaml", scenario(arrivals=csv_arrivals("d.csv")))
    rej("csv: 10-million-row file", "17.2", ["validate", str(big.parent / "s.yaml")])
    rej(
        "calibrate --observed 10-million-row file",
        "17.2",
        ["calibrate", str(good), "--observed", str(big), "-o", str(out / "c6")],
    )
    rows = tmp / "rows" / "d.csv"
    rows.parent.mkdir()
    with open(rows, "w") as f:  # 600,000 rows, 7.8 MB: under the byte limit, over the row limit
        f.write("date,population\n")
        f.write("2017-10-02,1\n" * 600_000)
    write(rows.parent / "s.yaml", scenario(arrivals=csv_arrivals("d.csv")))
    rej("csv: 600,000 rows (row limit)", "17.2", ["validate", str(rows.parent / "s.yaml")])
    big_yaml = tmp / "bigyaml" / "s.yaml"
    big_yaml.parent.mkdir()
    with open(big_yaml, "w") as f:  # above the 20 MB scenario limit
        f.write(scenario())
        f.write(("# " + "x" * 98 + "\n") * 210_000)
    rej("scenario file of 21 MB", "17.2", ["validate", str(big_yaml)])

    # ---- 17.3: formula injection
    evil = '=HYPERLINK("http://evil","x")'
    text = scenario(name=json.dumps("@SUM(1) camp")).replace("  water:\n", f"  {json.dumps(evil)}:\n", 1)
    s = write(tmp / "formula" / "s.yaml", text)
    fo = out / "formula"

    def formula_check(r: Result) -> str | None:
        bad = formula_cells(fo)
        if bad:
            return f"formula cells: {bad[:3]}"
        daily = (fo / "daily.csv").read_text(encoding="utf-8")
        if "'=HYPERLINK" not in daily:
            return "daily.csv has no cell beginning '=HYPERLINK"
        names = json.dumps(json.loads((fo / "summary.json").read_text()), ensure_ascii=False)
        if evil.replace('"', '\\"') not in names:
            return "summary.json does not keep the name as given"
        return None

    acc(
        "commodity =HYPERLINK(...): CSV cells begin with '",
        "17.3",
        ["run", str(s), "-n", "3", "-j", "1", "--no-charts", "-o", str(fo)],
        formula_check,
    )

    fc = out / "formula-compare"

    def compare_formula_check(r: Result) -> str | None:
        bad = formula_cells(fc)
        if bad:
            return f"formula cells: {bad[:3]}"
        return None if "'=HYPERLINK" in (fc / "compare.csv").read_text(encoding="utf-8") else "compare.csv lacks '="

    acc(
        "commodity =HYPERLINK(...) in compare: CSV cells begin with '",
        "17.3",
        ["compare", str(s), "--vary", "funding.funded_fraction=0.5,1", "--no-charts", "-o", str(fc)],
        compare_formula_check,
    )

    # ---- 17.4: control characters
    ctrl_dir = tmp / "ctrl"
    ctrl_dir.mkdir()
    bad_name = ctrl_dir / "bad\n\x1b[31mname.yaml"
    bad_name.write_text(scenario(days="zero"), encoding="utf-8")
    rej("invalid scenario, path with newline+ESC", "17.4", ["run", str(bad_name), "-o", str(out / "6")])
    rej(
        "missing scenario, path with newline+ESC",
        "17.4",
        ["run", str(ctrl_dir / "gone\n\x1b[2Jx.yaml"), "-o", str(out / "7")],
    )
    ok_name = ctrl_dir / "ok\n\x1b[31mname.yaml"
    ok_name.write_text(scenario(), encoding="utf-8")
    acc(
        "valid scenario, path with newline+ESC",
        "17.4",
        ["run", str(ok_name), "--no-charts", "-o", str(out / "8")],
        no_stderr_but_notes,
    )
    s = scen("bel", name=json.dumps("camp \a bell"))
    acc("BEL in the scenario name", "17.4", ["run", s, "-o", str(out / "9")], no_stderr_but_notes)
    # YAML allows no raw control character, so names carry them as escapes ("\u0001"); emoji stay raw
    s = scen("emoji", name=json.dumps("Camp 💧🏕️ \x01\x1b[5m blink", ensure_ascii=False))
    emoji = scenario(name=json.dumps("Camp 💧🏕️ \x01 ctl", ensure_ascii=False))
    emoji = emoji.replace("  household_kits:\n", "  " + json.dumps("kits 🎒\x02", ensure_ascii=False) + ":\n", 1)
    s2 = write(tmp / "emoji2" / "s.yaml", emoji)
    acc("emoji+control chars in name, with charts", "17.4", ["run", s, "-o", str(out / "10")], no_stderr_but_notes)
    acc(
        "emoji+control chars in commodity, with charts",
        "17.4",
        ["run", str(s2), "-o", str(out / "11")],
        no_stderr_but_notes,
    )
    raw = scenario().replace("name: adversary", "name: camp \x02 raw", 1)
    rej(
        "raw control character U+0002 in the scenario file",
        "extra",
        ["validate", str(write(tmp / "raw" / "s.yaml", raw))],
    )
    raw = scenario().replace("name: adversary", 'name: "camp \x1b[2J raw"', 1)
    rej(
        "raw ESC inside a quoted name",
        "extra",
        ["run", str(write(tmp / "rawesc" / "s.yaml", raw)), "-o", str(out / "10b")],
    )

    for label, ch in [("DEL U+007F", "\x7f"), ("form feed U+000C", "\x0c"), ("U+FFFE", "\ufffe")]:
        raw = scenario().replace("name: adversary", f"name: camp {ch} raw", 1)
        rej(
            f"raw {label} in the scenario file",
            "extra",
            ["validate", str(write(tmp / f"raw-{ord(ch)}" / "s.yaml", raw))],
        )
    rej("--set name=<raw ESC>", "extra", ["validate", str(good), "--set", "name=camp \x1b[2J"])
    rej("--set commodities.<raw ESC>.unit=x", "extra", ["validate", str(good), "--set", "commodities.w\x1b[2J.unit=x"])
