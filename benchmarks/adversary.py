"""Re-run the adversary's cases of issue 17 (and the input cases of issue 15) against campsim.

Every hostile input and command the two issues name is built in a temporary folder (real
files, FIFOs, symlinks, devices) and run as ``python -m campsim ...`` in a subprocess with
PYTHONPATH set to this worktree and a 60 s timeout (a timeout is a failure). A case expects
either a refusal (exit 2, exactly one stderr line, no raw control character, no traceback,
no content of a secret file) or acceptance (exit 0 with the behaviour documented in
docs/reliability.md, docs/hxl.md and docs/semantics.md). Cases the issues do not name are
in the group "extra" and counted apart. The cases are in adversary_files.py (17.1-17.4),
adversary_inputs.py (17.5-17.12, extra) and adversary_issue15.py (15.x, with three local Dask
schedulers this script starts and stops); adversary_kit.py holds what they share.

    python benchmarks/adversary.py            # all cases; writes benchmarks/adversary.json
    python benchmarks/adversary.py -k hxl     # only cases whose name contains "hxl"
    python benchmarks/adversary.py --no-dask  # without the cases that need a Dask cluster
"""

from __future__ import annotations

import argparse
import http.server
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the benchmarks package of this checkout (campsim itself runs in subprocesses)

from benchmarks.adversary_files import add_file_cases  # noqa: E402
from benchmarks.adversary_inputs import add_input_cases  # noqa: E402
from benchmarks.adversary_issue15 import add_issue15_cases  # noqa: E402
from benchmarks.adversary_kit import (  # noqa: E402
    CONTROL,
    TIMEOUT_S,
    Builder,
    Case,
    Result,
    child_env,
    free_port,
    write,
)


def run_campsim(case: Case, env: dict[str, str]) -> Result:
    t0 = time.monotonic()
    try:
        p = subprocess.run(
            [sys.executable, "-m", "campsim", *case.argv],
            cwd=case.cwd,
            env=env,
            capture_output=True,
            timeout=TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
        return Result(
            p.returncode,
            p.stdout.decode("utf-8", "backslashreplace"),
            p.stderr.decode("utf-8", "backslashreplace"),
            time.monotonic() - t0,
        )
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "backslashreplace")
        err = (e.stderr or b"").decode("utf-8", "backslashreplace")
        return Result(None, out, err, time.monotonic() - t0)


def judge(case: Case, r: Result) -> tuple[bool, str]:
    """(as expected, why not)."""
    if r.rc is None:
        return False, f"timeout after {TIMEOUT_S} s"
    both = r.stdout + r.stderr
    for s in case.forbidden:
        if s in both:
            return False, f"output contains {s!r}"
    if "Traceback" in r.stderr:
        return False, "traceback"
    if case.expect == "exit 2":
        if r.rc != 2:
            return False, f"exit {r.rc}"
        lines = r.stderr.rstrip("\n").split("\n")
        if len(lines) != 1 or not lines[0].strip():
            return False, f"{len(lines)} stderr lines"
        if CONTROL.search(lines[0]):
            return False, "raw control character in the line"
        if "internal error" in lines[0]:
            return False, "internal error"
        for w in case.must_say:
            if w.lower() not in lines[0].lower():
                return False, f"line does not say {w!r}"
        return True, ""
    if r.rc != 0:
        return False, f"exit {r.rc}"
    if CONTROL.search(both.replace("\x1b[0m", "")):
        return False, "raw control character in the output"
    if case.check is not None:
        why = case.check(r)
        if why:
            return False, why
    return True, ""


def start_http_server() -> tuple[http.server.HTTPServer, int]:
    """A web server that is not a Dask scheduler (it waits for a request)."""
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def start_dask(tmp: Path, started: list[subprocess.Popen]) -> dict[str, str]:
    """Three local schedulers: one without workers, one whose worker cannot import campsim, one good."""
    from distributed import Client

    def scheduler() -> str:
        port = free_port()
        argv = [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port)]
        started.append(
            subprocess.Popen([*argv, "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return f"tcp://127.0.0.1:{port}"
            time.sleep(0.2)
        raise RuntimeError("a Dask scheduler did not start within 30 s")

    def worker(address: str, env: dict[str, str]) -> None:
        argv = [sys.executable, "-m", "dask", "worker", address, "--nworkers", "1", "--nthreads", "1"]
        started.append(
            subprocess.Popen(
                [*argv, "--no-dashboard", "--memory-limit", "0"],
                env=env,
                cwd=tmp,  # not this worktree: "python -m" puts the working folder first on sys.path
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        with Client(address, timeout=30) as c:
            c.wait_for_workers(1, timeout=60)

    # a worker's Python where "import campsim" fails, as where campsim is not installed
    shadow = write(
        tmp / "no-campsim" / "campsim" / "__init__.py",
        "raise ModuleNotFoundError(\"No module named 'campsim'\", name='campsim')\n",
    ).parents[1]
    out = {"no_workers": scheduler(), "no_campsim": scheduler(), "good": scheduler()}
    worker(out["no_campsim"], {**child_env(), "PYTHONPATH": str(shadow)})
    worker(out["good"], child_env())
    return out


def show(text: str, limit: int = 300) -> str:
    return repr(text[-limit:]) if text else "''"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", default="", help="only cases whose name contains this text")
    ap.add_argument("--no-dask", action="store_true", help="skip the cases that need a local Dask cluster")
    ap.add_argument("--json", default=str(ROOT / "benchmarks" / "adversary.json"))
    args = ap.parse_args()
    server, port = start_http_server()
    results = []
    started: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="campsim-adversary-") as t:
        tmp = Path(t)
        try:
            dask = start_dask(tmp, started) if not args.no_dask else {}
        except Exception as e:  # a cluster that cannot start here skips its cases, and says so
            print(f"(no Dask cluster cases: {e})")
            dask = {}
        b = Builder(tmp)
        add_file_cases(b)
        add_input_cases(b)
        add_issue15_cases(b, port, dask)
        cases = [c for c in b.cases if args.k in c.name]
        env = child_env()
        width = max((len(c.name) for c in cases), default=4)
        print(f"{'case':<{width}}  {'group':<6} {'expected':<8} {'got':<8} {'s':>5}  ok")
        for c in cases:
            r = run_campsim(c, env)
            ok, why = judge(c, r)
            got = "timeout" if r.rc is None else f"exit {r.rc}"
            shown = c.name.encode("unicode_escape").decode("ascii")
            verdict = "ok" if ok else "NO: " + why
            print(f"{shown:<{width}}  {c.group:<6} {c.expect:<8} {got:<8} {r.seconds:5.1f}  {verdict}", flush=True)
            results.append(
                dict(
                    case=c.name,
                    group=c.group,
                    argv=[a.replace(t, "$TMP") for a in c.argv],
                    expected=c.expect,
                    got=got,
                    seconds=round(r.seconds, 2),
                    ok=ok,
                    why=why,
                    stderr=r.stderr.replace(t, "$TMP")[-2000:],
                    stdout_tail=r.stdout.replace(t, "$TMP")[-500:],
                )
            )
        for p in started:  # the schedulers and workers this script started
            p.terminate()
        for p in started:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    server.shutdown()
    n_ok = sum(r["ok"] for r in results)
    refusals = [r for r in results if r["expected"] == "exit 2"]
    named = [r for r in results if r["group"] != "extra"]
    counts = dict(
        as_expected=n_ok,
        cases=len(results),
        refusals_clean=sum(r["ok"] for r in refusals),
        refusals=len(refusals),
        accepted_as_documented=sum(r["ok"] for r in results if r["expected"] == "exit 0"),
        acceptances=len(results) - len(refusals),
        named_as_expected=sum(r["ok"] for r in named),
        named=len(named),
    )
    print(
        f"\n{n_ok} of {len(results)} cases as expected "
        f"({counts['refusals_clean']} of {len(refusals)} refusals exit 2 with one clean line; "
        f"{counts['accepted_as_documented']} of {counts['acceptances']} accepted as documented; "
        f"{counts['named_as_expected']} of {len(named)} of the cases the issues name, "
        f"{n_ok - counts['named_as_expected']} of {len(results) - len(named)} extra)"
    )
    for r in results:
        if not r["ok"]:
            print(f"\n--- {r['case']}: {r['why']}\n    stderr: {show(r['stderr'])}")
    summary = dict(
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        python=sys.version.split()[0],
        **counts,
        results=results,
    )
    if not args.k:
        Path(args.json).write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if n_ok == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
