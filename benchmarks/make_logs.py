"""Deterministic, labelled application logs for the log-scan benchmarks and precision tests.

``python benchmarks/make_logs.py OUT.log --mb 10 [--seed 1] [--rate 0.001] [--labels OUT.tsv]``

A log is mostly noise a real service prints (nginx access lines, app and DEBUG lines, config dumps,
tracebacks of non-network errors) written to be hard: code lines that say ``timeout=5``, ``reset`` or
``except ConnectionResetError:``, config keys such as ``connect_timeout``, benign words ("password
reset", "pool reset"). Among it, at ``rate`` per line, the real network-error strings of the test
corpora (``tests/data/*.tsv``, each copied from a public report) with their expected kind: as a log
line, as the last line of a Python traceback (chained or not), or as the head of a Java stack trace.
The labels say, for every event, the line it ends on and its kind (``line<TAB>kind``, 1-based).
"""

from __future__ import annotations

import argparse
import os
import random
from typing import Iterator, List, Optional, TextIO, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPORA = ("explain_cases.tsv", "runtime_cases.tsv", "l10n_cases.tsv")

#: (text of one or more lines, kind of the event it ends with, or None)
Block = Tuple[str, Optional[str]]


def corpus_events() -> List[Tuple[str, str]]:
    """(one-line error string, expected kind) from the real-string corpora."""
    out: List[Tuple[str, str]] = []
    for name in CORPORA:
        with open(os.path.join(ROOT, "tests", "data", name), encoding="utf-8") as f:
            rows = [line.split("\t") for line in f.read().split("\n") if line and not line.startswith("#")]
        header = rows[0]
        for row in rows[1:]:
            cells = dict(zip(header, row))
            query, kind = cells.get("query", ""), cells.get("kind", "")
            bare = len(query.split()) < 2  # a code or name typed alone is a query, not a log line
            if kind and kind != "unknown" and not bare and "\\n" not in query and "\\t" not in query:
                out.append((query, kind))
    return out


_STAMP = "2026-11-{d:02d}T{h:02d}:{m:02d}:{s:02d}.{ms:03d}Z"
#: what most lines of a service's log look like
_NOISE = (
    '10.0.{a}.{b} - - [30/Nov/2026:12:{m:02d}:{s:02d} +0000] "GET /api/v1/items?page={n} HTTP/1.1" 200 {n} '
    '"-" "python-requests/2.32.3"',
    '10.0.{a}.{b} - - [30/Nov/2026:12:{m:02d}:{s:02d} +0000] "POST /api/v1/orders HTTP/1.1" 201 {n} '
    '"-" "okhttp/4.12.0"',
    "{stamp} INFO  [worker-{a}] jobs: processed job {n} in {b} ms",
    "{stamp} INFO  [api] GET /v1/items/{n} -> 200 in {b} ms",
    "{stamp} DEBUG [sql] SELECT id, name FROM items WHERE tenant_id = {n} LIMIT {b}",
    "{stamp} INFO  [scheduler] next run of job refresh_tokens at 12:{m:02d}",
)
#: lines written to trip a scanner: code-like words, config keys, benign uses of error words
_HARD = (
    '10.0.{a}.{b} - - [30/Nov/2026:12:{m:02d}:{s:02d} +0000] "POST /account/password-reset HTTP/1.1" 302 0 '
    '"-" "Mozilla/5.0"',
    '10.0.{a}.{b} - - [30/Nov/2026:12:{m:02d}:{s:02d} +0000] "GET /connect/oauth/callback?code={n} HTTP/2.0" '
    '200 {n} "-" "curl/8.5.0"',
    "{stamp} INFO  [worker-{a}] mail: password reset email sent to user {n}",
    "{stamp} INFO  [api] cache: reset {b} keys for tenant {n}",
    "{stamp} INFO  [api] pool: connection pool size={a} idle={b} waiting=0",
    "{stamp} INFO  [api] settings: connect_timeout=5 read_timeout=30 pool_timeout={a} retries=3",
    "{stamp} INFO  [api] retry policy: retry on timeout, reset and refused connections, max {a} attempts",
    "{stamp} DEBUG [urllib3.connectionpool] Starting new HTTPS connection ({a}): api.example.com:443",
    '{stamp} DEBUG [urllib3.connectionpool] https://api.example.com:443 "GET /v1/items HTTP/1.1" 200 {n}',
    "{stamp} DEBUG [redis] socket_timeout: 5, socket_connect_timeout: 2, retry_on_timeout: true",
    "{stamp} WARN  [api] slow request GET /v1/report took {n} ms (timeout is 30000 ms)",
    "{stamp} INFO  [api] error rate 0.{b}% over the last 5m (threshold 5%)",
    "{stamp} INFO  [deploy] health check passed: exit code 0, status code 200",
    "{stamp} INFO  [auth] login refused for user {n}: wrong password",
    "{stamp} DEBUG [net] keepalive reset to {a}s after config reload",
)
_CODE_LINES = (
    "resp = session.get(url, timeout=5)",
    "sock.settimeout(self.timeout)",
    "except (ConnectionResetError, TimeoutError):",
    "return self._retry(reset=True, refused=attempt > 3)",
    "conn = socket.create_connection((host, port), timeout=connect_timeout)",
    "raise ValueError(f'bad timeout {timeout!r}')",
)
_NON_NETWORK = (
    "KeyError: 'timeout'",
    "ValueError: bad timeout 'reset'",
    "TypeError: connect() argument 'port' must be int, not str",
)
_CHAIN = (
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
)


def _stamp(rng: random.Random) -> str:
    return _STAMP.format(
        d=rng.randint(1, 30),
        h=rng.randint(0, 23),
        m=rng.randint(0, 59),
        s=rng.randint(0, 59),
        ms=rng.randint(0, 999),
    )


def _noise(rng: random.Random, hard: float) -> str:
    template = rng.choice(_HARD if rng.random() < hard else _NOISE)
    return template.format(
        stamp=_stamp(rng),
        a=rng.randint(1, 254),
        b=rng.randint(1, 999),
        n=rng.randint(1, 99999),
        m=rng.randint(0, 59),
        s=rng.randint(0, 59),
    )


def _frames(rng: random.Random) -> List[str]:
    out = []
    for _ in range(rng.randint(1, 4)):
        module = rng.choice(("client", "jobs", "api"))
        out.append(
            f'  File "/srv/app/{module}.py", line {rng.randint(1, 900)}, '
            f"in {rng.choice(('fetch', 'run', 'send', '_request'))}"
        )
        out.append("    " + rng.choice(_CODE_LINES))
    return out


def _traceback(rng: random.Random, last: str, inner: Optional[str]) -> str:
    lines = [f"{_stamp(rng)} ERROR [api] request failed", "Traceback (most recent call last):", *_frames(rng)]
    if inner is not None:
        lines += [inner, "", rng.choice(_CHAIN), "", "Traceback (most recent call last):", *_frames(rng)]
    lines.append(last)
    return "\n".join(lines)


def blocks(seed: int = 1, rate: float = 0.001, hard: float = 0.05) -> Iterator[Block]:
    """An endless stream of log blocks: events at ``rate`` per line; of the noise lines, ``hard`` are
    written to trip a scanner."""
    rng = random.Random(seed)
    events = corpus_events()
    python = [(q, k) for q, k in events if ": " in q and q.split(":")[0].replace(".", "").isalnum()]
    while True:
        roll = rng.random()
        if roll < rate:
            query, kind = rng.choice(events)
            shape = rng.random()
            if shape < 0.6 or not python:
                yield f"{_stamp(rng)} ERROR [api] {query}", kind
            elif shape < 0.8:
                query, kind = rng.choice(python)
                yield _traceback(rng, query, None), kind
            elif shape < 0.85:
                query, kind = rng.choice(python)
                yield _traceback(rng, query, rng.choice(_NON_NETWORK)), kind
            elif shape < 0.95:
                query, kind = rng.choice(python)
                yield _traceback(rng, "RuntimeError: job fetch_items failed", query), kind
            else:
                yield (
                    (
                        f"{_stamp(rng)} ERROR [jvm] request failed\n{query}\n"
                        "\tat com.example.client.Fetcher.fetch(Fetcher.java:88)\n"
                        "\tat com.example.jobs.Runner.run(Runner.java:42)"
                    ),
                    kind,
                )
        elif roll < rate * 3:
            yield _traceback(rng, rng.choice(_NON_NETWORK), None), None
        else:
            yield _noise(rng, hard), None


def write(
    out: TextIO, megabytes: float, seed: int = 1, rate: float = 0.001, hard: float = 0.05
) -> List[Tuple[int, str]]:
    """Write about ``megabytes`` of log to ``out``; returns the labels (line the event ends on, kind)."""
    labels: List[Tuple[int, str]] = []
    line = 0
    size = 0
    limit = int(megabytes * 1e6)
    for text, kind in blocks(seed, rate, hard):
        count = text.count("\n") + 1
        if kind is not None:
            # a Java trace's event is its first line after the stamp line
            end = line + (2 if "\n\tat " in text else count)
            labels.append((end, kind))
        out.write(text + "\n")
        line += count
        size += len(text.encode("utf-8")) + 1
        if size >= limit:
            break
    return labels


def make_log(
    megabytes: float, seed: int = 1, rate: float = 0.001, hard: float = 0.05
) -> Tuple[str, List[Tuple[int, str]]]:
    """A log in memory and its labels."""
    import io

    buffer = io.StringIO()
    labels = write(buffer, megabytes, seed, rate, hard)
    return buffer.getvalue(), labels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0.001, help="events per line")
    parser.add_argument(
        "--hard", type=float, default=0.05, help="share of noise lines written to trip a scanner"
    )
    parser.add_argument("--labels", help="write the labels here (line<TAB>kind)")
    args = parser.parse_args()
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        labels = write(f, args.mb, args.seed, args.rate, args.hard)
    if args.labels:
        with open(args.labels, "w", encoding="utf-8") as f:
            f.writelines(f"{line}\t{kind}\n" for line, kind in labels)
    print(f"{args.out}: {args.mb} MB, {len(labels)} events")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
