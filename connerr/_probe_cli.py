"""``connerr probe`` and ``connerr matrix``: the command-line front end of probe.py and matrix.py."""

from __future__ import annotations

import argparse
from typing import Any, Dict

from connerr._cli_common import EXIT_OK, UsageError, dump_json

__all__ = ["MATRIX_SCHEMA", "PROBE_SCHEMA", "add_probe_parsers", "matrix_json", "run_matrix", "run_probe"]

#: the ``schema`` of ``probe --json`` and ``matrix --json`` (docs/schema/probe.json, matrix.json)
PROBE_SCHEMA = "connerr.probe/1"
MATRIX_SCHEMA = "connerr.matrix/1"


def add_probe_parsers(sub: Any) -> None:
    """Add the ``probe`` and ``matrix`` subcommands to an ``add_subparsers()`` object."""
    probe = sub.add_parser(
        "probe",
        help="run live loopback failure scenarios here and show what was observed",
        description="Run every loopback failure scenario (refused, reset, close, stall, address in "
        "use, address not available, name not found, broken pipe, TLS cuts) through "
        "Python's socket layer and through the C extension's raw calls.",
    )
    probe.add_argument(
        "--scenario",
        action="append",
        metavar="NAME",
        help="only this scenario (again for more): refused, reset, close, stall, ...",
    )
    probe.add_argument(
        "--json", action="store_true", help=f"JSON ({PROBE_SCHEMA}), what `connerr matrix` reads"
    )
    probe.set_defaults(func=run_probe)
    matrix = sub.add_parser(
        "matrix",
        help="merge probe JSON from several machines into one comparison table",
        description="Merge `connerr probe --json` outputs and tools/cross.py C-probe files: where "
        "the OSes differ (codes, names) and whether the normalized kind agreed.",
    )
    matrix.add_argument("files", nargs="+", metavar="FILE", help="probe JSON files")
    output = matrix.add_mutually_exclusive_group()
    output.add_argument("--markdown", action="store_true", help="GitHub-flavoured Markdown")
    output.add_argument("--json", action="store_true", help=f"JSON ({MATRIX_SCHEMA})")
    matrix.set_defaults(func=run_matrix)


def run_probe(args: argparse.Namespace) -> int:
    """Run ``connerr probe``; always 0 (what was observed is the result)."""
    import sys

    from connerr import probe

    unknown = sorted(set(args.scenario or ()) - set(probe.SCENARIOS))
    if unknown:
        raise UsageError(f"unknown scenario {unknown[0]!r}; known: {', '.join(probe.SCENARIOS)}")
    chosen = tuple(s for s in probe.SCENARIOS if s in args.scenario) if args.scenario else probe.SCENARIOS
    result = probe.run_probe(chosen)
    if args.json:
        dump_json({"schema": PROBE_SCHEMA, **result}, sys.stdout)
    else:
        print(probe.to_text(result))
    return EXIT_OK


def run_matrix(args: argparse.Namespace) -> int:
    """Run ``connerr matrix``; 0, or a UsageError (exit 2) for a bad file."""
    from connerr import matrix

    try:
        runs = [matrix.load(path) for path in args.files]
    except matrix.MatrixInputError as exc:
        raise UsageError(str(exc)) from None
    merged = matrix.build(runs)
    if args.json:
        import sys

        dump_json(matrix_json(merged), sys.stdout)
    else:
        print(matrix.to_markdown(merged) if args.markdown else matrix.to_text(merged))
    return EXIT_OK


def matrix_json(merged: Any) -> Dict[str, Any]:
    """``matrix --json``: the runs, then each (scenario, layer) row with every run's cell by label."""
    columns = [run.label for run in merged.runs if run.rows]
    return {
        "schema": MATRIX_SCHEMA,
        "runs": [
            {
                "label": run.label,
                "path": run.path,
                "source": run.source,
                "os": run.os,
                "arch": run.arch,
                "libc": run.libc,
                "platform": run.platform,
                "python": run.python,
                "verified_by": run.verified_by,
                "target": run.target,
                "rows": len(run.rows),
            }
            for run in merged.runs
        ],
        "rows": [
            {
                "scenario": line.scenario,
                "layer": line.layer,
                "cells": dict(zip(columns, line.cells)),
                "differs": [label for label, odd in zip(columns, line.odd) if odd],
                "codes": line.codes,
                "kinds": line.kinds,
            }
            for line in merged.lines
        ],
        "scenarios": merged.scenario_kinds(),
    }
