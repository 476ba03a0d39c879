"""``connerr matrix``: merge probe JSON from several machines into one comparison table.

Reads ``connerr probe --json`` files (``"source": "connerr-probe"``) and tools/cross.py's C-probe
files (``"source": "c-probe"``). One row per (scenario, layer), one column per run; the cell is the
native code (``ECONNRESET 104``), else the exception class, ``n/a`` where the run could not observe
it, ``-`` where it has no such row. Two summary columns say whether the codes were the same
everywhere and whether the kinds agreed; a cell that differs from the row's most common value is
marked (``*`` in text, bold in Markdown). A last section says, per scenario, whether the kind agreed
across every run and layer.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

__all__ = ["MatrixInputError", "Run", "build", "load", "to_markdown", "to_text"]

SOURCES = ("connerr-probe", "c-probe")
LAYERS = ("python-socket", "c-raw")
Key = Tuple[str, str]  # (scenario, layer)
NO_ERROR = "no error"


class MatrixInputError(ValueError):
    """A file that is missing, not JSON or not a probe (the message names the file)."""


@dataclass
class Run:
    """One probe file."""

    path: str
    source: str
    os: str
    arch: str
    libc: str
    platform: str
    python: str
    verified_by: str
    target: str
    rows: Dict[Key, Dict[str, Any]] = field(default_factory=dict)
    label: str = ""

    def default_label(self) -> str:
        """``linux x86_64 py3.11`` for a connerr probe, ``sparc64-linux-gnu C`` for a C probe."""
        if self.source == "c-probe":
            return f"{self.target} C" if self.target else f"{self.platform} {self.arch} C"
        impl, _, version = self.python.partition(" ")
        short = ".".join(version.split(".")[:2])
        prefix = "pypy" if impl.lower() == "pypy" else "py"
        return f"{self.platform} {self.arch} {prefix}{short}".strip()


def _text(data: Dict[str, Any], key: str, path: str, required: bool = False) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise MatrixInputError(f"{path}: {key!r} must be a string")
    return value


def _check_row(item: Any, path: str, index: int) -> Dict[str, Any]:
    where = f"{path}: scenarios[{index}]"
    if not isinstance(item, dict):
        raise MatrixInputError(f"{where} is not an object")
    for key in ("scenario", "layer"):
        if not isinstance(item.get(key), str):
            raise MatrixInputError(f"{where}: {key!r} must be a string")
    code = item.get("native_code")
    if code is not None and (not isinstance(code, int) or isinstance(code, bool)):
        raise MatrixInputError(f"{where}: 'native_code' must be an integer or null")
    for key in ("name", "kind", "exception", "unavailable", "phase"):
        if item.get(key) is not None and not isinstance(item[key], str):
            raise MatrixInputError(f"{where}: {key!r} must be a string or null")
    return item


def parse(data: Any, path: str) -> Run:
    """A :class:`Run` from a decoded probe object; raises :class:`MatrixInputError`."""
    if not isinstance(data, dict):
        raise MatrixInputError(f"{path}: not a JSON object")
    source = data.get("source")
    if source not in SOURCES:
        raise MatrixInputError(f"{path}: 'source' is {source!r}, not one of {', '.join(SOURCES)}")
    scenarios = data.get("scenarios")
    if not isinstance(scenarios, list):
        raise MatrixInputError(f"{path}: 'scenarios' must be a list")
    run = Run(
        path,
        str(source),
        _text(data, "os", path, True),
        _text(data, "arch", path, True),
        _text(data, "libc", path),
        _text(data, "platform", path, True),
        _text(data, "python", path),
        _text(data, "verified_by", path),
        _text(data, "target", path),
    )
    for index, item in enumerate(scenarios):
        row = _check_row(item, path, index)
        run.rows.setdefault((row["scenario"], row["layer"]), row)
    return run


def load(path: str) -> Run:
    """Read and check one probe file; raises :class:`MatrixInputError` with a one-line reason."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MatrixInputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MatrixInputError(f"{path}: cannot read: {exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise MatrixInputError(f"{path}: not JSON ({exc})") from None
    return parse(data, path)


# -- the comparison ------------------------------------------------------------------------------


@dataclass
class Line:
    """One (scenario, layer) row across every run."""

    scenario: str
    layer: str
    cells: List[str]
    odd: List[bool]  # differs from the row's most common cell
    codes: str  # "same", "numbers differ", "differ", "-"
    kinds: Dict[str, List[str]]  # kind -> labels of the runs that gave it


@dataclass
class Matrix:
    """The merged comparison."""

    runs: List[Run]
    lines: List[Line]

    def scenario_kinds(self) -> Dict[str, Dict[str, List[str]]]:
        """Scenario -> kind -> ``label (layer)`` of every observation that gave it."""
        out: Dict[str, Dict[str, List[str]]] = {}
        for line in self.lines:
            per = out.setdefault(line.scenario, {})
            for kind, labels in line.kinds.items():
                per.setdefault(kind, []).extend(f"{label} ({line.layer})" for label in labels)
        return out


def cell(row: Optional[Dict[str, Any]]) -> str:
    """What a run observed for one row: ``ECONNRESET 104``, ``TimeoutError``, ``0 (eof)``, n/a, -."""
    if row is None:
        return "-"
    if row.get("unavailable"):
        return "n/a"
    code, name = row.get("native_code"), row.get("name")
    if code is not None:
        if name:
            return f"{name} {code}"
        return f"{code} ({row['phase']})" if code == 0 and row.get("phase") else str(code)
    return str(row.get("exception") or "no error")


def _codes_status(rows: List[Dict[str, Any]]) -> str:
    seen = [r for r in rows if not r.get("unavailable")]
    values = {cell(r) for r in seen}
    if len(seen) == 1:
        return "1 run"
    if len(values) <= 1:
        return "same" if values else "-"
    names = {r.get("name") or r.get("exception") for r in seen}
    return "numbers differ" if len(names) == 1 and None not in names else "differ"


def _order(keys: Sequence[Key]) -> List[Key]:
    from connerr.probe import SCENARIOS

    def rank(key: Key) -> Tuple[int, str, int, str]:
        scenario, layer = key
        s = SCENARIOS.index(scenario) if scenario in SCENARIOS else len(SCENARIOS)
        la = LAYERS.index(layer) if layer in LAYERS else len(LAYERS)
        return s, scenario, la, layer

    return sorted(set(keys), key=rank)


def _kind_of(row: Optional[Dict[str, Any]]) -> Optional[str]:
    """The row's kind; ``no error`` when Python saw none (a C code 0 is a clean end, not a kind)."""
    if row is None or row.get("unavailable"):
        return None
    if row.get("kind"):
        return str(row["kind"])
    if row.get("layer") == "python-socket" and not row.get("exception"):
        return NO_ERROR
    return None


def _odd(cells: List[str]) -> List[bool]:
    """Which cells differ from the most common value (all of them when no value is the most common)."""
    counts = Counter(c for c in cells if c not in ("-", "n/a")).most_common()
    if len(counts) < 2:
        return [False] * len(cells)
    majority = counts[0][0] if counts[0][1] > counts[1][1] else None
    return [c not in ("-", "n/a") and c != majority for c in cells]


def _label(runs: List[Run]) -> None:
    counts: Counter[str] = Counter()
    for run in runs:
        base = run.default_label()
        counts[base] += 1
        run.label = base if counts[base] == 1 else f"{base} #{counts[base]}"


def build(runs: List[Run]) -> Matrix:
    """Compare ``runs`` row by row (runs without scenarios, such as header-only probes, are kept
    in the run list but get no column)."""
    _label(runs)
    columns = [r for r in runs if r.rows]
    lines = []
    for scenario, layer in _order([k for r in columns for k in r.rows]):
        found = [r.rows.get((scenario, layer)) for r in columns]
        cells = [cell(row) for row in found]
        odd = _odd(cells)
        kinds: Dict[str, List[str]] = {}
        for run, row in zip(columns, found):
            kind = _kind_of(row)
            if kind is not None:
                kinds.setdefault(kind, []).append(run.label)
        lines.append(
            Line(scenario, layer, cells, odd, _codes_status([row for row in found if row is not None]), kinds)
        )
    return Matrix(runs, lines)


# -- rendering -----------------------------------------------------------------------------------


def _kind_cell(kinds: Dict[str, List[str]], strong: str = "") -> str:
    if not kinds:
        return "-"
    if len(kinds) == 1:
        return f"agree: {next(iter(kinds))}"
    parts = "; ".join(f"{kind} ({', '.join(labels)})" for kind, labels in sorted(kinds.items()))
    return f"{strong}DIFFER{strong}: {parts}"


def _run_rows(matrix: Matrix) -> List[Tuple[str, ...]]:
    return [
        (
            r.label,
            r.source,
            f"{r.os} {r.arch} {r.libc}".strip(),
            r.platform,
            r.python or "-",
            r.verified_by or "-",
            "" if r.rows else "no scenarios",
            r.path,
        )
        for r in matrix.runs
    ]


_RUN_HEADER = ("run", "source", "os/arch/libc", "platform", "python", "verified by", "note", "file")


def _grid(header: Sequence[str], rows: Sequence[Sequence[str]]) -> List[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
        for row in [header, ["-" * w for w in widths], *rows]
    ]


def _scenario_summary(matrix: Matrix, strong: str = "") -> List[Tuple[str, str]]:
    out = []
    for scenario, kinds in matrix.scenario_kinds().items():
        if not kinds:
            out.append((scenario, "no kind observed"))
        elif len(kinds) == 1:
            kind, labels = next(iter(kinds.items()))
            plural = "" if len(labels) == 1 else "s"
            out.append((scenario, f"agreed everywhere: {kind} ({len(labels)} observation{plural})"))
        else:
            parts = "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(kinds.items()))
            out.append((scenario, f"{strong}DIFFERED{strong}: {parts}"))
    return out


def to_text(matrix: Matrix) -> str:
    """The matrix as plain-text tables."""
    columns = [r for r in matrix.runs if r.rows]
    out = [f"connerr matrix: {len(matrix.runs)} run(s), {len(matrix.lines)} row(s)", ""]
    out += _grid(_RUN_HEADER, _run_rows(matrix))
    out.append("")
    header = ["scenario", "layer", *[r.label for r in columns], "codes", "kind"]
    rows = [
        [
            line.scenario,
            line.layer,
            *[c + ("*" if odd else "") for c, odd in zip(line.cells, line.odd)],
            line.codes,
            _kind_cell(line.kinds),
        ]
        for line in matrix.lines
    ]
    out += _grid(header, rows)
    out += [
        "",
        "* differs from the most common value in its row (every value, when none is)",
        "",
        "kind per scenario:",
    ]
    width = max((len(s) for s, _ in _scenario_summary(matrix)), default=0)
    out += [f"  {s.ljust(width)}  {text}" for s, text in _scenario_summary(matrix)]
    return "\n".join(out)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> List[str]:
    lines = ["| " + " | ".join(_md(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return lines


def to_markdown(matrix: Matrix) -> str:
    """The matrix as GitHub-flavoured Markdown (for ``$GITHUB_STEP_SUMMARY``)."""
    columns = [r for r in matrix.runs if r.rows]
    out = ["## connerr probe matrix", "", f"{len(matrix.runs)} run(s):", ""]
    out += _md_table(
        _RUN_HEADER, [[f"`{c}`" if i == 7 else c for i, c in enumerate(row)] for row in _run_rows(matrix)]
    )
    out += [
        "",
        "Cells in **bold** differ from the most common value in their row (all of them, when "
        "no value is the most common).",
        "",
    ]
    header = ["scenario", "layer", *[r.label for r in columns], "codes", "kind"]
    rows = [
        [
            line.scenario,
            line.layer,
            *[f"**{c}**" if odd else c for c, odd in zip(line.cells, line.odd)],
            line.codes if line.codes in ("same", "1 run", "-") else f"**{line.codes}**",
            _kind_cell(line.kinds, "**"),
        ]
        for line in matrix.lines
    ]
    out += _md_table(header, rows)
    out += ["", "### Kind per scenario", ""]
    out += _md_table(["scenario", "normalized kind"], _scenario_summary(matrix, "**"))
    return "\n".join(out) + "\n"
