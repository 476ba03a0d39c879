"""Measure connerr's performance figures in one run, each as a ratio to a baseline measured in the
same run, and compare them with the committed ones (``benchmarks/figures.json``).

Figures (the table of docs/benchmarks.md):

* ``startup``: ``connerr explain 10053`` wall / ``python -c pass`` wall, interleaved;
* ``log_10mb`` / ``log_50mb`` / ``log_200mb``: ``connerr explain -`` on a generated log (benchmarks/
  make_logs.py: 0.1% error lines, tracebacks, nginx and app lines) / a bare ``re`` prefilter loop
  over the same file on stdin (both in a new interpreter); the 200 MB log is four 50 MB parts, and its
  totals must equal theirs; peak RSS of each scan, and the 200 MB one must stay within 10% of the 10 MB one;
* ``normalize_cached``: ``normalize()`` of a plain OSError whose answer is cached / constructing it;
  ``normalize_uncached`` the same with a new message each time; ``normalize_requests_us``: a real
  requests exception chain (refused on loopback), in microseconds;
* ``translate_network`` / ``translate_other``: raise and catch through ``translate()`` / without it,
  for a ConnectionResetError and for a ValueError; ``translate_noerror``: ``with translate():`` that
  does not raise / ``with contextlib.suppress(OSError):``;
* floors (reported, not gated): the same ratios for the least a pure-Python implementation can
  do: ``floor_normalize_cached`` looks the answer up by (class, errno, message) and returns a new
  object holding it and the exception; ``floor_translate_other`` raises through a context manager whose
  ``__exit__`` only returns;
* ``first_normalize_ms``: the first ``normalize()`` after ``import connerr``; ``import_ms``: ``import
  connerr`` (cumulative ``-X importtime``).

Each is the median (and the minimum) of interleaved rounds, at least 21 for the in-process figures and
start-up. Run in an installed environment (``tox -e bench``): ``python benchmarks/run.py [--quick]
[--json] [--write]``. Exit status 1 when a figure is more than 20% worse than the committed one in
this run and in a second one it then makes (or a correctness check fails twice); ``--write`` records
this run's figures as the committed ones.
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
import tempfile
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
FIGURES = os.path.join(HERE, "figures.json")
#: figure -> goal (the largest acceptable ratio, or milliseconds for *_ms, microseconds for *_us)
GOALS: Dict[str, float] = {
    "startup": 1.3,
    "log_10mb": 2.0,
    "log_50mb": 2.0,
    "log_200mb": 2.0,
    "normalize_cached": 3.0,
    "normalize_uncached": 50.0,
    "normalize_requests_us": 10.0,
    "translate_network": 10.0,
    "translate_other": 2.0,
    "translate_noerror": 1.0,
    "first_normalize_ms": 10.0,
    "import_ms": 3.0,
}
#: goal figure -> the figure measuring its pure-Python floor
FLOORS: Dict[str, str] = {
    "normalize_cached": "floor_normalize_cached",
    "translate_other": "floor_translate_other",
}
#: the prefilter a user would write before reaching for connerr: the baseline of the log figures
BASELINE_PATTERN = rb"Error|Exception|errno|refused|reset|timed out|timeout"
WORSE = 1.2


def _env() -> Dict[str, str]:
    env = dict(os.environ)
    for var in (
        "PYTHONDONTWRITEBYTECODE",
        "NO_COLOR",
        "PYTHONPATH",
        "PYTHONSTARTUP",
        "PYTHONPROFILEIMPORTTIME",
    ):
        env.pop(var, None)
    return env


def _script(name: str) -> List[str]:
    """The console script next to this interpreter, else ``python -m``."""
    found = shutil.which(name, path=os.path.dirname(sys.executable))
    return [found] if found else [sys.executable, "-m", name]


def _ratio(ours: List[float], base: List[float]) -> Dict[str, float]:
    return {
        "ratio": statistics.median(ours) / statistics.median(base),
        "ratio_min": min(ours) / min(base),
        "ours": statistics.median(ours),
        "base": statistics.median(base),
        "rounds": len(ours),
    }


def _interleave(ours: Callable[[], float], base: Callable[[], float], rounds: int) -> Dict[str, float]:
    a: List[float] = []
    b: List[float] = []
    for _ in range(rounds):
        b.append(base())
        a.append(ours())
    return _ratio(a, b)


def _wall(cmd: List[str], stdin: Optional[str] = None) -> float:
    start = time.perf_counter()
    with open(stdin or os.devnull, "rb") as f:
        subprocess.run(
            cmd, env=_env(), stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
    return time.perf_counter() - start


def startup(rounds: int) -> Dict[str, float]:
    explain = [*_script("connerr"), "explain", "10053"]
    bare = [sys.executable, "-c", "pass"]
    for _ in range(3):  # warm bytecode and data caches
        _wall(explain)
        _wall(bare)
    return _interleave(lambda: _wall(explain), lambda: _wall(bare), rounds)


# -- logs -------------------------------------------------------------------------------------------


def make_logs(directory: str, quick: bool) -> Dict[str, str]:
    sys.path.insert(0, HERE)
    from make_logs import write

    sizes = {"10mb": 10.0, "50mb": 50.0} if not quick else {"10mb": 2.0, "50mb": 5.0}
    paths = {}
    for name, mb in sizes.items():
        paths[name] = os.path.join(directory, f"{name}.log")
        with open(paths[name], "w", encoding="utf-8", newline="\n") as f:
            write(f, mb, seed=1)
    parts = []
    for seed in (1, 2, 3, 4):  # the big log is four parts of the 50 MB size
        parts.append(os.path.join(directory, f"part{seed}.log"))
        with open(parts[-1], "w", encoding="utf-8", newline="\n") as f:
            write(f, sizes["50mb"], seed=seed)
    paths["200mb"] = os.path.join(directory, "200mb.log")
    with open(paths["200mb"], "wb") as out:
        for part in parts:
            with open(part, "rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)
    paths.update({f"part{i}": p for i, p in enumerate(parts, 1)})
    return paths


#: the baseline, started like connerr is: a new interpreter reading the log from stdin
_PREFILTER = (
    "import re, sys\n"
    f"pattern = re.compile({BASELINE_PATTERN!r})\n"
    "found = sum(1 for line in sys.stdin.buffer if pattern.search(line))\n"
    "print(found)\n"
)


def _prefilter_loop(path: str) -> float:
    return _wall([sys.executable, "-I", "-c", _PREFILTER], stdin=path)


#: ``connerr explain - --json``, then the process's own peak RSS on stderr (Linux: VmHWM, which
#: exec starts afresh; a child's ru_maxrss would count the benchmark process it was forked from)
#: (run with -I: the installed connerr, not a checkout in the working directory)
_SCAN = (
    "import sys\nfrom connerr.cli import main\nsys.argv = ['connerr', 'explain', '-', '--json']\n"
    "code = main()\nsys.stdout.flush()\n"
    "try:\n    peak = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
    "except OSError:\n    import resource\n"
    "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "sys.stderr.write(str(peak))\nsys.exit(code)\n"
)


def _scan(path: str) -> Tuple[float, int, Dict[str, Any]]:
    """Wall time, peak RSS (bytes) and JSON summary of ``connerr explain - --json`` on ``path``."""
    start = time.perf_counter()
    with open(path, "rb") as f:
        proc = subprocess.run(
            [sys.executable, "-I", "-c", _SCAN], stdin=f, capture_output=True, env=_env(), check=True
        )
    seconds = time.perf_counter() - start
    return seconds, int(proc.stderr.split()[-1]) * 1024, json.loads(proc.stdout)["summary"]


def logs(paths: Dict[str, str], quick: bool) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    rounds = {"10mb": 21 if not quick else 3, "50mb": 5 if not quick else 2, "200mb": 3 if not quick else 1}
    summaries: Dict[str, Dict[str, Any]] = {}
    for name in ("10mb", "50mb", "200mb"):
        rss: List[int] = []

        def ours(name: str = name, rss: List[int] = rss) -> float:
            seconds, peak, summaries[name] = _scan(paths[name])
            rss.append(peak)
            return seconds

        figure = _interleave(ours, lambda name=name: _prefilter_loop(paths[name]), rounds[name])
        figure["mb"] = os.path.getsize(paths[name]) / 1e6
        figure["mb_per_s"] = figure["mb"] / figure["ours"]
        figure["rss_mb"] = max(rss) / 1e6
        figure["errors"] = summaries[name]["errors"]
        out[f"log_{name}"] = figure
    parts = [_scan(paths[f"part{i}"])[2] for i in range(1, 5)]
    whole = summaries["200mb"]
    out["log_checks"] = {
        "parts_add_up": whole["errors"] == sum(p["errors"] for p in parts)
        and whole["lines"] == sum(p["lines"] for p in parts)
        and whole["kinds"] == _add(p["kinds"] for p in parts),
        "rss_within_10_percent": out["log_200mb"]["rss_mb"] <= 1.1 * out["log_10mb"]["rss_mb"],
    }
    return out


def _add(counts: Any) -> Dict[str, int]:
    total: Dict[str, int] = {}
    for one in counts:
        for key, value in one.items():
            total[key] = total.get(key, 0) + value
    return dict(sorted(total.items(), key=lambda kv: (-kv[1], kv[0])))


def precision() -> Dict[str, float]:
    """Precision and recall of the log scan on a labelled log written to trip a scanner."""
    sys.path.insert(0, HERE)
    from make_logs import make_log

    from connerr import _logscan

    text, labels = make_log(2.0, seed=9, rate=0.02, hard=0.5)
    summarizer = _logscan.Summarizer()
    found = {}
    for line, event in _logscan.events([text.encode()]):
        explanation = summarizer.explain_event(event)
        if explanation is not None and explanation.best is not None:
            found[line] = explanation.best.kind
    want = dict(labels)
    right = sum(1 for line, kind in found.items() if want.get(line) == kind)
    return {"precision": right / max(1, len(found)), "recall": right / max(1, len(want)), "events": len(want)}


# -- in-process figures -----------------------------------------------------------------------------


def _per_call(func: Callable[[], object], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        func()
    return (time.perf_counter() - start) / number


def _raising(exc_type: type, through: Optional[Callable[[], Any]] = None) -> Callable[[], None]:
    """A function raising ``exc_type(104, "x")`` (inside ``with through():`` when given) and catching it."""
    if through is None:

        def run() -> None:
            try:
                raise exc_type(104, "x")
            except exc_type:
                pass

    else:

        def run() -> None:
            try:
                with through():
                    raise exc_type(104, "x")
            except exc_type:
                pass

    return run


def in_process(rounds: int, number: int) -> Dict[str, Any]:
    import contextlib

    import connerr

    normalize, translate = connerr.normalize, connerr.translate
    make = lambda: ConnectionResetError(104, "Connection reset by peer")  # noqa: E731
    normalize(make())
    batch = [make() for _ in range(number)]
    size = max(1, number // 10)
    fresh = [ConnectionResetError(104, f"Connection reset by peer #{i}") for i in range(size * rounds)]
    out: Dict[str, Any] = {}

    def over(items: List[BaseException]) -> Callable[[], float]:
        def run() -> float:
            start = time.perf_counter()
            for exc in items:
                normalize(exc)
            return (time.perf_counter() - start) / len(items)

        return run

    out["normalize_cached"] = _interleave(over(batch), lambda: _per_call(make, number), rounds)
    chunks = iter([fresh[i : i + size] for i in range(0, len(fresh), size)])

    def uncached() -> float:
        return over(next(chunks))()

    out["normalize_uncached"] = _interleave(uncached, lambda: _per_call(make, number), rounds)

    for name, exc_type in (("translate_network", ConnectionResetError), ("translate_other", ValueError)):
        _raising(exc_type, translate)()
        out[name] = _interleave(
            lambda t=exc_type: _per_call(_raising(t, translate), number),
            lambda t=exc_type: _per_call(_raising(t), number),
            rounds,
        )

    def with_translate() -> None:
        with translate():
            pass

    def with_suppress() -> None:
        with contextlib.suppress(OSError):
            pass

    out["translate_noerror"] = _interleave(
        lambda: _per_call(with_translate, number), lambda: _per_call(with_suppress, number), rounds
    )
    out["normalize_requests_us"] = _requests_chain(rounds)
    out.update(floors(rounds, number))
    return out


def floors(rounds: int, number: int) -> Dict[str, Any]:
    """The least a pure-Python implementation of a figure can cost (see the module documentation)."""
    import connerr

    make = lambda: ConnectionResetError(104, "Connection reset by peer")  # noqa: E731
    batch = [make() for _ in range(number)]
    new = object.__new__
    answers = {(ConnectionResetError, 104, "Connection reset by peer"): dict(vars(connerr.normalize(make())))}

    class Answer:
        pass

    def least_normalize(exc: Any) -> object:
        known = answers[type(exc), exc.errno, exc.strerror]
        copy = new(Answer)
        values = copy.__dict__
        values.update(known)
        values["original"] = values["source"] = exc
        return copy

    def least_over() -> float:
        start = time.perf_counter()
        for exc in batch:
            least_normalize(exc)
        return (time.perf_counter() - start) / len(batch)

    class DoesNothing:
        def __enter__(self) -> None:
            pass

        def __exit__(self, *exc_info: object) -> None:
            pass

    return {
        "floor_normalize_cached": _interleave(least_over, lambda: _per_call(make, number), rounds),
        "floor_translate_other": _interleave(
            lambda: _per_call(_raising(ValueError, DoesNothing), number),
            lambda: _per_call(_raising(ValueError), number),
            rounds,
        ),
    }


def _requests_chain(rounds: int) -> Dict[str, float]:
    try:
        import requests
    except ImportError:
        return {"ratio": float("nan")}
    import socket

    import connerr

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    try:
        requests.get(f"http://127.0.0.1:{port}/", timeout=2)
        return {"ratio": float("nan")}
    except requests.RequestException as exc:
        caught = exc
    connerr.normalize(caught)
    times = [_per_call(lambda: connerr.normalize(caught), 200) * 1e6 for _ in range(rounds)]
    return {"ratio": statistics.median(times), "ratio_min": min(times), "rounds": rounds}


def first_normalize_ms(rounds: int) -> Dict[str, float]:
    code = (
        "import time, connerr; t = time.perf_counter(); connerr.normalize(OSError(104, 'x')); "
        "print(time.perf_counter() - t)"
    )
    command = [sys.executable, "-I", "-c", code]  # -I: the installed connerr, not a checkout in the cwd
    runs = [
        subprocess.run(command, env=_env(), capture_output=True, text=True, check=True) for _ in range(rounds)
    ]
    times = [float(run.stdout) * 1e3 for run in runs]
    return {"ratio": statistics.median(times), "ratio_min": min(times), "rounds": rounds}


def import_ms(rounds: int) -> Dict[str, float]:
    values = []
    for _ in range(rounds):
        proc = subprocess.run(
            [sys.executable, "-I", "-X", "importtime", "-c", "import connerr"],
            env=_env(),
            capture_output=True,
            text=True,
            check=True,
        )
        for line in proc.stderr.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 3 and parts[2] == "connerr":
                values.append(int(parts[1]) / 1e3)
    return {"ratio": statistics.median(values), "ratio_min": min(values), "rounds": len(values)}


def machine() -> Dict[str, Any]:
    info: Dict[str, Any] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "implementation": platform.python_implementation(),
        "cpus": os.cpu_count(),
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            info["cpu"] = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except (OSError, ValueError):
        pass
    try:
        from connerr import _logscan, native

        info["backend"] = native.BACKEND
        info["log_prefilter"] = _logscan.prefilter().backend
    except ImportError:
        pass
    return info


def measure(quick: bool) -> Dict[str, Any]:
    rounds = 5 if quick else 21
    result: Dict[str, Any] = {"machine": machine()}
    result["startup"] = startup(rounds)
    result.update(in_process(rounds, 2_000 if quick else 20_000))
    result["first_normalize_ms"] = first_normalize_ms(rounds)
    result["import_ms"] = import_ms(rounds)
    with tempfile.TemporaryDirectory() as directory:
        result.update(logs(make_logs(directory, quick), quick))
    result["log_precision"] = precision()
    return result


def compare(result: Dict[str, Any], committed: Dict[str, Dict[str, float]]) -> Dict[str, str]:
    """What is wrong, by figure or check: figures more than 20% worse than the committed ones (by the
    median and by the best round alike: one slow round on a shared machine is noise), failed checks."""
    problems = {
        name: f"{name}: {result[name]['ratio']:.2f} (best {result[name]['ratio_min']:.2f}) > {WORSE} x "
        f"committed {old['median']:.2f} (best {old['min']:.2f})"
        for name, old in committed.items()
        if name in result
        and result[name]["ratio"] > WORSE * old["median"]
        and result[name].get("ratio_min", result[name]["ratio"]) > WORSE * old["min"]
    }
    problems.update(
        {name: f"log check failed: {name}" for name, ok in result["log_checks"].items() if not ok}
    )
    p = result["log_precision"]
    if p["precision"] < 0.99 or p["recall"] < 0.99:
        problems["precision"] = f"log precision {p['precision']:.4f} / recall {p['recall']:.4f} below 0.99"
    return problems


def table(result: Dict[str, Any], committed: Dict[str, Dict[str, float]]) -> str:
    rows = [("figure", "median", "min", "goal", "met", "committed", "pure-Python floor")]
    for name, goal in GOALS.items():
        figure = result.get(name)
        if figure is None:
            continue
        ratio = figure["ratio"]
        rows.append(
            (
                name,
                f"{ratio:.2f}",
                f"{figure.get('ratio_min', ratio):.2f}",
                f"<= {goal:g}",
                "yes" if ratio <= goal else "NO",
                f"{committed.get(name, {}).get('median', float('nan')):.2f}",
                f"{result[FLOORS[name]]['ratio']:.2f}" if name in FLOORS else "",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows]
    for name in ("log_10mb", "log_50mb", "log_200mb"):
        f = result[name]
        lines.append(
            f"{name}: {f['mb']:.0f} MB, {f['mb_per_s']:.0f} MB/s, baseline "
            f"{f['mb'] / f['base']:.0f} MB/s, peak RSS {f['rss_mb']:.0f} MB, {f['errors']} errors"
        )
    p = result["log_precision"]
    lines.append(
        f"log precision {p['precision']:.4f}, recall {p['recall']:.4f} ({p['events']} labelled "
        f"events); checks: {result['log_checks']}"
    )
    lines.append(f"machine: {result['machine']}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and smaller logs (a smoke test)")
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    parser.add_argument("--write", action="store_true", help="record these figures as the committed ones")
    args = parser.parse_args()
    committed: Dict[str, Dict[str, float]] = {}
    if os.path.exists(FIGURES):
        with open(FIGURES, encoding="utf-8") as f:
            committed = json.load(f)["figures"]
    result = measure(args.quick)
    print(json.dumps(result, indent=2) if args.json else table(result, committed))
    if args.write:
        figures = {
            name: {
                "median": round(result[name]["ratio"], 3),
                "min": round(result[name].get("ratio_min", result[name]["ratio"]), 3),
            }
            for name in GOALS
            if name in result
        }
        with open(FIGURES, "w", encoding="utf-8") as f:
            json.dump({"machine": result["machine"], "figures": figures}, f, indent=2)
            f.write("\n")
    problems = {} if args.quick else compare(result, committed)
    if problems:  # a shared machine has slow minutes: a regression must show in a second run too
        print(f"benchmark: measuring again to confirm: {', '.join(problems)}", file=sys.stderr)
        again = compare(measure(args.quick), committed)
        problems = {name: f"{text}; again: {again[name]}" for name, text in problems.items() if name in again}
    for problem in problems.values():
        print(f"benchmark: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
