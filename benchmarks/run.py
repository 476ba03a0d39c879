"""Measure connerr's five performance figures in one run and print them as a table (or ``--json``).

Each figure is a ratio (or a rate) measured in the same process and interpreter, so that the machine's
speed cancels out:

1. ``connerr explain 10053`` wall time / ``python -c pass`` wall time (goal <= 1.3), both started the
   same way from the same environment, interleaved run by run;
2. ``import connerr`` cumulative ``-X importtime`` (goal <= 3 ms);
3. ``normalize(exc)`` on an OSError / constructing that OSError (goal <= 2x);
4. ``with translate():`` around code that does not raise / ``with contextlib.suppress(OSError):``
   (goal <= 1x);
5. ``summarize()`` (the explain log scan) on a generated 10 MB log, in MB/s.

Run it in an installed environment (``tox -e bench``): ``python benchmarks/run.py [--quick] [--json]``.
Goals are reported, not asserted; the exit status is 0 unless a measurement crashes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import timeit
from typing import Any, Callable, Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))


def _script(name: str) -> List[str]:
    """The console script next to this interpreter, else ``python -m``."""
    found = shutil.which(name, path=os.path.dirname(sys.executable))
    return [found] if found else [sys.executable, "-m", name]


def _env() -> Dict[str, str]:
    env = dict(os.environ)
    for var in ("PYTHONDONTWRITEBYTECODE", "NO_COLOR", "PYTHONPATH", "PYTHONSTARTUP",
                "PYTHONPROFILEIMPORTTIME"):
        env.pop(var, None)
    return env


def startup_ratio(runs: int) -> Dict[str, Any]:
    """Median wall of ``connerr explain 10053`` and ``python -c pass``, interleaved."""
    env = _env()
    explain_cmd = [*_script("connerr"), "explain", "10053"]
    bare_cmd = [sys.executable, "-c", "pass"]

    def once(cmd: List[str]) -> float:
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return time.perf_counter() - start

    for _ in range(3):  # warm bytecode and data caches, the page cache and the CPU
        once(explain_cmd)
        once(bare_cmd)
    bare: List[float] = []
    explain: List[float] = []
    for _ in range(runs):
        bare.append(once(bare_cmd))
        explain.append(once(explain_cmd))
    b, e = statistics.median(bare), statistics.median(explain)
    return {"bare_ms": b * 1e3, "explain_ms": e * 1e3, "ratio": e / b, "command": " ".join(explain_cmd)}


def import_time(module: str, runs: int) -> float:
    """Median cumulative ``-X importtime`` of ``module`` in milliseconds (a fresh interpreter each run)."""
    values = []
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], env=_env(),
                              capture_output=True, text=True, check=True)
        for line in proc.stderr.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 3 and parts[2] == module:
                values.append(int(parts[1]) / 1e3)
    return statistics.median(values)


def _per_call(func: Callable[[], object], number: int) -> float:
    """Best of 7 repeats, seconds per call (the minimum is the least disturbed estimate)."""
    return min(timeit.repeat(func, number=number, repeat=7)) / number


def normalize_ratio(number: int) -> Dict[str, Any]:
    import connerr

    normalize = connerr.normalize
    make = lambda: ConnectionResetError(104, "Connection reset by peer")  # noqa: E731
    normalize(make())  # load the data once: steady state is what is measured
    construct = _per_call(make, number)
    exc = make()
    norm = _per_call(lambda: normalize(exc), max(1, number // 50))
    return {"construct_us": construct * 1e6, "normalize_us": norm * 1e6, "ratio": norm / construct}


def translate_ratio(number: int) -> Dict[str, Any]:
    import contextlib

    import connerr

    translate = connerr.translate
    suppress = contextlib.suppress

    def with_translate() -> None:
        with translate():
            pass

    def with_suppress() -> None:
        with suppress(OSError):
            pass

    base = _per_call(with_suppress, number)
    ours = _per_call(with_translate, number)
    return {"suppress_us": base * 1e6, "translate_us": ours * 1e6, "ratio": ours / base}


def log_throughput(megabytes: float) -> Dict[str, Any]:
    sys.path.insert(0, HERE)
    from bench_explain import make_log

    from connerr._logscan import summarize

    log = make_log(megabytes)
    summarize(log[:100_000])  # load the data first
    start = time.perf_counter()
    summary = summarize(log)
    seconds = time.perf_counter() - start
    mb = len(log.encode()) / 1e6
    return {"mb": mb, "seconds": seconds, "mb_per_s": mb / seconds,
            "errors": sum(c for _e, c in summary.signatures), "signatures": len(summary.signatures)}


def machine() -> Dict[str, Any]:
    info: Dict[str, Any] = {"python": sys.version.split()[0],
                            "implementation": platform.python_implementation(),
                            "executable": sys.executable, "platform": platform.platform(),
                            "cpus": os.cpu_count()}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
        info["cpu"] = model
        with open("/proc/meminfo", encoding="utf-8") as f:
            info["memory_gb"] = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
        info["load_average"] = os.getloadavg()
    except (OSError, ValueError, StopIteration):
        pass
    try:
        from connerr import native

        info["backend"] = native.BACKEND
    except ImportError:
        pass
    return info


def measure(quick: bool) -> Dict[str, Any]:
    runs = 11 if quick else 41
    return {
        "machine": machine(),
        "startup": startup_ratio(runs),
        "import_connerr_ms": import_time("connerr", 5 if quick else 15),
        "import_connerr_explain_ms": import_time("connerr._explain", 5 if quick else 15),
        "normalize": normalize_ratio(20_000 if quick else 200_000),
        "translate": translate_ratio(20_000 if quick else 200_000),
        "log": log_throughput(2.0 if quick else 10.0),
    }


def table(r: Dict[str, Any]) -> str:
    s, n, t, log = r["startup"], r["normalize"], r["translate"], r["log"]
    rows = [
        ("connerr explain 10053 / python -c pass",
         f"{s['explain_ms']:.1f} ms / {s['bare_ms']:.1f} ms", f"{s['ratio']:.2f}x", "<= 1.3x",
         s["ratio"] <= 1.3),
        ("import connerr (cumulative importtime)", f"{r['import_connerr_ms']:.2f} ms", "", "<= 3 ms",
         r["import_connerr_ms"] <= 3.0),
        ("normalize(OSError) / OSError(...)", f"{n['normalize_us']:.2f} us / {n['construct_us']:.3f} us",
         f"{n['ratio']:.1f}x", "<= 2x", n["ratio"] <= 2.0),
        ("translate() no error / suppress(OSError)",
         f"{t['translate_us']:.3f} us / {t['suppress_us']:.3f} us",
         f"{t['ratio']:.2f}x", "<= 1x", t["ratio"] <= 1.0),
        (f"explain log scan, {log['mb']:.1f} MB", f"{log['seconds']:.2f} s", f"{log['mb_per_s']:.1f} MB/s",
         "(reported)", True),
        ("import connerr._explain (for reference)", f"{r['import_connerr_explain_ms']:.1f} ms", "", "", True),
    ]
    w = max(len(row[0]) for row in rows)
    out = [f"{'figure':<{w}}  {'measured':<28} {'ratio':>10}  {'goal':<10} met"]
    for name, value, ratio, goal, met in rows:
        mark = "" if not goal or goal == "(reported)" else ("yes" if met else "NO")
        out.append(f"{name:<{w}}  {value:<28} {ratio:>10}  {goal:<10} {mark}")
    m = r["machine"]
    out.append(f"machine: {m.get('cpu', '?')}, {m.get('cpus')} CPUs, {m.get('memory_gb', '?')} GB, "
               f"{m['implementation']} {m['python']}, backend {m.get('backend', '?')}, "
               f"load {tuple(round(x, 2) for x in m.get('load_average', ()))}")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and a 2 MB log (a smoke test)")
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    args = parser.parse_args()
    result = measure(args.quick)
    # sanity only (a 50x start-up or a stalled log scan means something broke, not a slow machine)
    sane = result["startup"]["ratio"] < 50 and result["log"]["mb_per_s"] > 0.05
    print(json.dumps(result, indent=2) if args.json else table(result))
    if not sane:
        print("benchmark: a figure is beyond the sanity bound", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
