"""The ``connerr`` command line: ``main(argv) -> int``; heavy modules load only per command."""

from __future__ import annotations

import argparse
import sys
from typing import List, NoReturn, Optional, Sequence

from connerr._version import __version__

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad command-line input: reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _cmd_info(args: argparse.Namespace) -> int:
    import platform

    from connerr import native
    from connerr.platforms import current_platform

    rows = [
        ("connerr", __version__),
        ("platform", current_platform()),
        ("compiled for", f"{native.compiled_os()} {native.compiled_arch()} {native.compiled_libc()}"),
        ("backend", native.BACKEND),
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
    ]
    for key, value in rows:
        print(f"{key + ':':<14}{value}")
    return EXIT_OK


def _cmd_table(args: argparse.Namespace) -> int:
    from connerr import _table, reference
    from connerr.platforms import UnknownPlatformError

    try:
        found = reference.records(platform=args.platform, kind=args.kind, domain=args.domain)
    except UnknownPlatformError as exc:
        raise UsageError(str(exc)) from None
    if not found:
        print("connerr: no codes match", file=sys.stderr)
        return EXIT_NOT_FOUND
    print(_table.to_json(found, args.platform) if args.json else _table.to_text(found, args.platform))
    return EXIT_OK


def _kind_values() -> List[str]:
    from connerr.taxonomy import Kind

    return [kind.value for kind in Kind]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = _Parser(prog="connerr", description="Cross-platform network error codes: explain, "
                     "look up and probe errno, Winsock, Win32 and getaddrinfo errors.")
    parser.add_argument("--version", action="version", version=f"connerr {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    info = sub.add_parser("info", help="version, platform tag, backend, Python")
    info.set_defaults(func=_cmd_info)
    table = sub.add_parser("table", help="the reference table (every code, every platform)")
    table.add_argument("--platform", help="only this platform tag (linux, darwin, windows, ...)")
    table.add_argument("--kind", choices=_kind_values(), metavar="KIND",
                       help="only codes of this kind (connection_reset, ...)")
    table.add_argument("--domain", choices=("errno", "eai", "winsock", "win32"), help="only this domain")
    table.add_argument("--json", action="store_true", help="JSON as DESIGN.md section 5 describes")
    table.set_defaults(func=_cmd_table)
    from connerr._explain_cli import add_explain_parser
    add_explain_parser(sub)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``) and return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        return int(args.func(args))
    except UsageError as exc:
        print(f"connerr: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --version and --help exit from inside argparse
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE


def run(argv: Optional[List[str]] = None) -> None:
    """Console-script entry point."""
    sys.exit(main(argv))
