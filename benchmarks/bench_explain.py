"""Benchmark ``connerr explain``: start-up against a bare interpreter, import time, log throughput.

Run ``python benchmarks/bench_explain.py [--runs N] [--mb M]`` from the repository (stdlib only).
Bytecode is cached in a temporary ``PYTHONPYCACHEPREFIX`` (warmed before timing) so that both sides
start like an installed package would, even where ``PYTHONDONTWRITEBYTECODE`` is set.
The goal: ``connerr explain 10053`` within 1.3x of ``python -c pass``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Dict, List

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _env(cache: str) -> Dict[str, str]:
    env = dict(os.environ, PYTHONPATH=ROOT, PYTHONPYCACHEPREFIX=cache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("NO_COLOR", None)
    return env


def wall(cmd: List[str], env: Dict[str, str], runs: int) -> float:
    """Median wall time of ``cmd`` in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_time(module: str, env: Dict[str, str], runs: int) -> float:
    """Median cumulative ``-X importtime`` of ``module`` in seconds."""
    values = []
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], env=env,
                              capture_output=True, text=True, check=True)
        for line in proc.stderr.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 3 and parts[2] == module:
                values.append(int(parts[1]) / 1e6)
    return statistics.median(values) if values else float("nan")


def make_log(megabytes: float, seed: int = 1) -> str:
    """A synthetic application log: mostly noise, with errors from every OS family and runtime."""
    rng = random.Random(seed)
    errors = [
        "ConnectionResetError: [Errno 104] Connection reset by peer",
        "ConnectionAbortedError: [WinError 10053] An established connection was aborted by the software "
        "in your host machine",
        "socket.gaierror: [Errno -3] Temporary failure in name resolution",
        "requests.exceptions.ConnectionError: ('Connection aborted.', ConnectionResetError(10054, 'An "
        "existing connection was forcibly closed by the remote host', None, 10054, None))",
        "socket.gaierror: [Errno 8] nodename nor servname provided, or not known",
        "ConnectionRefusedError: [Errno 61] Connection refused",
        # other runtimes and tools (strings from tests/data/runtime_cases.tsv)
        "Error: connect ECONNREFUSED 127.0.0.1:5432",
        "dial tcp 10.0.0.7:443: connectex: No connection could be made because the target machine actively "
        "refused it.",
        "java.net.SocketException: Connection reset",
        "curl: (28) Operation timed out after 10004 milliseconds with 0 bytes received",
        "*1 connect() failed (111: Connection refused) while connecting to upstream",
        "ERROR 2003 (HY000): Can't connect to MySQL server on '10.0.0.5' (113)",
        "System.Net.Sockets.SocketException (10054): An existing connection was forcibly closed by the "
        "remote host.",
    ]
    noise = [
        "GET /api/v1/items?page={n} 200 {n}ms",
        "worker {n} picked job {n} from queue default",
        "cache hit ratio 0.{n} over the last {n} requests",
        'File "/srv/app/handlers.py", line {n}, in handle',
    ]
    out: List[str] = []
    size = 0
    target = int(megabytes * 1024 * 1024)
    n = 0
    while size < target:
        n += 1
        stamp = f"2024-05-01T12:{n % 60:02d}:{n % 60:02d}.{n % 1000:03d}Z INFO "
        if rng.random() < 0.05:
            line = stamp.replace("INFO", "ERROR") + rng.choice(errors)
        else:
            line = stamp + rng.choice(noise).format(n=rng.randint(1, 99999))
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--mb", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="connerr-bench-") as cache:
        env = _env(cache)
        explain_cmd = [sys.executable, "-m", "connerr", "explain", "10053"]
        bare_cmd = [sys.executable, "-c", "pass"]
        wall(explain_cmd, env, 2)  # warm the bytecode cache
        wall(bare_cmd, env, 2)
        bare = wall(bare_cmd, env, args.runs)
        explain = wall(explain_cmd, env, args.runs)
        imp = import_time("connerr", env, 5)
        imp_explain = import_time("connerr._explain", env, 5)

    sys.path.insert(0, ROOT)
    from connerr._logscan import summarize

    log = make_log(args.mb)
    start = time.perf_counter()
    summary = summarize(log)
    seconds = time.perf_counter() - start
    mb = len(log.encode()) / 1e6

    rows = [
        ("python -c pass (median)", f"{bare * 1e3:8.1f} ms", "1.00x"),
        ("connerr explain 10053 (median)", f"{explain * 1e3:8.1f} ms", f"{explain / bare:.2f}x"),
        ("  overhead over bare start-up", f"{(explain - bare) * 1e3:8.1f} ms", ""),
        ("import connerr (-X importtime)", f"{imp * 1e3:8.1f} ms", ""),
        ("import connerr._explain", f"{imp_explain * 1e3:8.1f} ms", ""),
        (f"summarize {mb:.1f} MB log", f"{seconds:8.2f} s", f"{mb / seconds:.1f} MB/s"),
        ("  errors found", f"{sum(c for _e, c in summary.signatures):8d}", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>11}  ratio")
    for name, value, ratio in rows:
        print(f"{name:<{width}}  {value:>11}  {ratio}")
    print(f"goal: explain within 1.3x of python -c pass -> {'met' if explain / bare <= 1.3 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
