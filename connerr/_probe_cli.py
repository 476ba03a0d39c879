"""``connerr probe`` and ``connerr matrix``: the command-line front end of probe.py and matrix.py."""

from __future__ import annotations

import argparse
from typing import Any

from connerr._cli_common import EXIT_OK, UsageError

__all__ = ["add_probe_parsers", "run_matrix", "run_probe"]



def add_probe_parsers(sub: Any) -> None:
    """Add the ``probe`` and ``matrix`` subcommands to an ``add_subparsers()`` object."""
    probe = sub.add_parser(
        "probe", help="run live loopback failure scenarios here and show what was observed",
        description="Run every loopback failure scenario (refused, reset, close, stall, address in "
                    "use, address not available, name not found, broken pipe, TLS cuts) through "
                    "Python's socket layer and through the C extension's raw calls.")
    probe.add_argument("--json", action="store_true", help="JSON for `connerr matrix`")
    probe.set_defaults(func=run_probe)
    matrix = sub.add_parser(
        "matrix", help="merge probe JSON from several machines into one comparison table",
        description="Merge `connerr probe --json` outputs and tools/cross.py C-probe files: where "
                    "the OSes differ (codes, names) and whether the normalized kind agreed.")
    matrix.add_argument("files", nargs="+", metavar="FILE", help="probe JSON files")
    matrix.add_argument("--markdown", action="store_true", help="GitHub-flavoured Markdown")
    matrix.set_defaults(func=run_matrix)


def run_probe(args: argparse.Namespace) -> int:
    """Run ``connerr probe``; always 0 (what was observed is the result)."""
    from connerr import probe

    result = probe.run_probe()
    print(probe.to_json(result) if args.json else probe.to_text(result))
    return EXIT_OK


def run_matrix(args: argparse.Namespace) -> int:
    """Run ``connerr matrix``; 0, or a UsageError (exit 2) for a bad file."""
    from connerr import matrix

    try:
        runs = [matrix.load(path) for path in args.files]
    except matrix.MatrixInputError as exc:
        raise UsageError(str(exc)) from None
    merged = matrix.build(runs)
    print(matrix.to_markdown(merged) if args.markdown else matrix.to_text(merged))
    return EXIT_OK
