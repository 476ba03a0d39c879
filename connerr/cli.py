"""The ``connerr`` command line: ``main(argv) -> int``; heavy modules load only per command.

Start-up is most of what ``connerr explain CODE`` costs, so neither :mod:`argparse` nor :mod:`typing`
is imported for the plain ``explain QUERY... [-v] [--json] [--platform P]`` form (see
:func:`_fast_explain`); every other command line goes through the argparse parser. Every parser takes
options only as spelled in full (``allow_abbrev=False``): ``--js`` is an error on both paths.
"""

from __future__ import annotations

import sys

from connerr._cli_common import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, UsageError, dump_json
from connerr._version import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any, List, NoReturn, Optional, Sequence, Type

__all__ = ["INFO_SCHEMA", "TABLE_SCHEMA", "UsageError", "build_parser", "main", "run"]

#: the ``schema`` of ``info --json`` and ``table --json`` (docs/schema/info.json, table.json)
INFO_SCHEMA = "connerr.info/1"
TABLE_SCHEMA = "connerr.table/1"

_parser_class: Optional[Type[argparse.ArgumentParser]] = None


def _parser_type() -> Type[argparse.ArgumentParser]:
    """An ArgumentParser subclass whose errors are one line and exit 2 (argparse loads on first use)."""
    global _parser_class
    if _parser_class is None:
        import argparse

        class _Parser(argparse.ArgumentParser):
            """An ArgumentParser whose errors are one line and exit 2, and which takes no abbreviated
            options (the fast path of ``explain`` takes none either)."""

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kwargs.setdefault("allow_abbrev", False)
                super().__init__(*args, **kwargs)

            def error(self, message: str) -> NoReturn:
                raise UsageError(message)

        _parser_class = _Parser
    return _parser_class


def _cmd_info(args: argparse.Namespace) -> int:
    import platform

    from connerr import native
    from connerr.native import current_platform

    python = f"{platform.python_implementation()} {platform.python_version()}"
    if args.json:
        dump_json(
            {
                "schema": INFO_SCHEMA,
                "connerr": __version__,
                "platform": current_platform(),
                "compiled_for": {
                    "os": native.compiled_os(),
                    "arch": native.compiled_arch(),
                    "libc": native.compiled_libc(),
                },
                "backend": native.BACKEND,
                "python": python,
            },
            sys.stdout,
        )
        return EXIT_OK
    rows = [
        ("connerr", __version__),
        ("platform", current_platform()),
        ("compiled for", f"{native.compiled_os()} {native.compiled_arch()} {native.compiled_libc()}"),
        ("backend", native.BACKEND),
        ("python", python),
    ]
    for key, value in rows:
        print(f"{key + ':':<14}{value}")
    return EXIT_OK


def _cmd_table(args: argparse.Namespace) -> int:
    from connerr import _table
    from connerr._cli_common import output_width
    from connerr.native import current_platform
    from connerr.platforms import UnknownPlatformError, check_platform

    try:
        if args.platform is not None:
            check_platform(args.platform)
    except UnknownPlatformError as exc:
        raise UsageError(str(exc)) from None
    if args.search is not None and not args.search.strip():
        raise UsageError("--search needs a word")
    platform = args.platform if args.platform is not None or args.all else current_platform()
    selection = _table.Selection(
        platform=platform,
        kind=args.kind,
        domain=args.domain,
        lang=args.lang,
        search=args.search,
        network_only=not args.all and args.kind is None,
    )
    record_type, records = _table.select(selection)
    if args.json:
        dump_json(
            {
                "schema": TABLE_SCHEMA,
                "record_type": record_type,
                "filters": {
                    "platform": platform,
                    "kind": args.kind,
                    "domain": args.domain,
                    "lang": args.lang,
                    "search": args.search,
                    "all": args.all,
                },
                "records": records,
            },
            sys.stdout,
        )
    if not records:
        if not args.json:
            print(f"connerr: {_table.nothing_found(selection, args.all)}", file=sys.stderr)
        return EXIT_NOT_FOUND
    if not args.json:
        print(_table.to_text(record_type, records, selection, output_width(sys.stdout)))
    return EXIT_OK


def _kind_values() -> List[str]:
    from connerr.taxonomy import Kind

    return [kind.value for kind in Kind]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from connerr._domains import RUNTIME_DOMAINS
    from connerr._explain_cli import add_explain_parser
    from connerr._fastindex import DOMAINS
    from connerr._probe_cli import add_probe_parsers

    _Parser = _parser_type()
    parser = _Parser(
        prog="connerr",
        description="Cross-platform network error codes: explain, "
        "look up and probe errno, Winsock, Win32 and getaddrinfo errors.",
    )
    parser.add_argument("--version", action="version", version=f"connerr {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    info = sub.add_parser("info", help="version, platform tag, backend, Python")
    info.add_argument("--json", action="store_true", help=f"JSON ({INFO_SCHEMA})")
    info.set_defaults(func=_cmd_info)
    table = sub.add_parser(
        "table",
        help="the reference table: this platform's network codes, or any",
        description="The reference table. By default this machine's platform's network "
        "codes; --platform for another one, --all for every code (of every "
        "platform, unless --platform is given).",
    )
    table.add_argument(
        "--platform", help="this platform tag instead of this machine's (linux, darwin, windows, ...)"
    )
    table.add_argument(
        "--all",
        action="store_true",
        help="every code, not only network ones, of every platform unless --platform is given",
    )
    table.add_argument(
        "--search", metavar="WORD", help="only codes whose name or message contains WORD (any case)"
    )
    table.add_argument(
        "--kind",
        choices=_kind_values(),
        metavar="KIND",
        help="only codes of this kind (connection_reset, ...)",
    )
    table.add_argument(
        "--domain",
        choices=DOMAINS + tuple(d.id for d in RUNTIME_DOMAINS),
        help="only this domain: an OS one, or a runtime's (curl, libuv, chromium, grpc, dotnet, mysql)",
    )
    table.add_argument(
        "--lang",
        metavar="LANG",
        help="the localized messages of one language (pt_BR, de, zh_CN, ja...): glibc's and "
        "Windows' texts, each with the English one and its source",
    )
    table.add_argument(
        "--json",
        action="store_true",
        help=f"JSON ({TABLE_SCHEMA}): the filters and a list of records, one per code",
    )
    table.set_defaults(func=_cmd_table)
    add_explain_parser(sub)
    add_probe_parsers(sub)
    return parser


def _fast_explain(argv: List[str]) -> Optional[int]:
    """Run ``explain QUERY... [-v] [--json] [--platform P]`` without building the argparse parser.

    Only the unambiguous form is taken: one run of query words (none starting with ``-`` except
    ``-`` itself), ``-v``/``--verbose``, ``--json``, and at most one ``--platform P`` /
    ``--platform=P``. Anything else (help, abbreviations, ``--``, negative numbers, misplaced words)
    returns None and goes to argparse, which decides exactly as before.
    """
    if len(argv) < 2 or argv[0] != "explain":
        return None
    query: List[str] = []
    platform: Optional[str] = None
    as_json = verbose = False
    runs = 0
    previous_was_query = False
    i = 1
    while i < len(argv):
        token = argv[i]
        is_query = False
        if token == "--json":
            as_json = True
        elif token in ("-v", "--verbose"):
            verbose = True
        elif (
            token == "--platform"
            and platform is None
            and i + 1 < len(argv)
            and not argv[i + 1].startswith("-")
        ):
            platform = argv[i + 1]
            i += 1
        elif token.startswith("--platform=") and platform is None:
            platform = token[len("--platform=") :]
        elif token == "-" or not token.startswith("-"):
            is_query = True
            query.append(token)
            runs += not previous_was_query
        else:
            return None
        previous_was_query = is_query
        i += 1
    if runs != 1:
        return None
    if not (as_json or verbose) and platform is None and len(query) == 1 and query[0] != "-":
        from connerr import _answers
        from connerr._cli_common import output_width, use_color

        stored = _answers.lookup(query[0], use_color(sys.stdout), output_width(sys.stdout))
        if stored is not None:  # rendered at build time by this same code from these same tables
            out, err, code = stored
            sys.stdout.write(out)
            sys.stderr.write(err)
            return code
    from types import SimpleNamespace

    from connerr._explain_cli import run_explain

    args = SimpleNamespace(command="explain", query=query, platform=platform, json=as_json, verbose=verbose)
    return int(run_explain(args))  # type: ignore[arg-type]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``) and return the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    fast = _fast_explain(arguments)
    if fast is not None:
        return fast
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        return int(args.func(args))
    except UsageError as exc:
        # one line even when argparse quotes an argument that holds a line break
        message = str(exc).replace("\r", "\\r").replace("\n", "\\n")
        print(f"connerr: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --version and --help exit from inside argparse
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE


def run(argv: Optional[List[str]] = None) -> None:
    """Console-script entry point: :func:`main`, then exit with its code, never with a traceback.

    * A reader that stops early (``connerr explain 10053 | head -3``) closes the pipe: not an error
      of the query, so the exit code stays what ``main`` returned.
    * Ctrl-C ends with one line and exit code 130 (128 + SIGINT), as shells do.
    * A closed standard output (``>&-``) is a usage error (exit 2); text the output's encoding
      cannot show is replaced, never an error.
    """
    code = EXIT_USAGE
    try:
        if sys.stdout is None:
            _say("connerr: error: standard output is closed")
        else:
            _tolerate_encodings()
            code = main(argv)
            sys.stdout.flush()
    except KeyboardInterrupt:
        _say("connerr: interrupted")
        code = EXIT_INTERRUPTED
    except OSError as exc:
        if _is_closed_pipe(exc):
            code = EXIT_OK  # the reader had what it wanted
        else:
            _say(f"connerr: error: {exc}")
            code = EXIT_USAGE
        _silence_stdout()
    sys.exit(code)


#: 128 + SIGINT, what a shell reports for a command ended by Ctrl-C
EXIT_INTERRUPTED = 130


def _say(line: str) -> None:
    if sys.stderr is not None:
        try:  # noqa: SIM105 - contextlib stays off the start-up path
            print(line, file=sys.stderr)
        except (OSError, ValueError):
            pass


def _tolerate_encodings() -> None:
    """Replace what the streams' encodings cannot carry (``PYTHONIOENCODING=ascii``, ``LC_ALL=C``)."""
    for stream in (sys.stdout, sys.stderr, sys.stdin):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:  # noqa: SIM105 - contextlib stays off the start-up path
                reconfigure(errors="backslashreplace" if stream is sys.stderr else "replace")
            except (OSError, ValueError):
                pass


def _is_closed_pipe(exc: OSError) -> bool:
    """The reader went away: EPIPE (:class:`BrokenPipeError`), or on Windows EINVAL, what a write to a
    pipe whose reader closed raises there (``ERROR_NO_DATA``, which the C runtime maps to EINVAL)."""
    import errno

    return (
        isinstance(exc, BrokenPipeError)
        or exc.errno == errno.EPIPE
        or (sys.platform == "win32" and exc.errno == errno.EINVAL)
    )


def _silence_stdout() -> None:
    """Python flushes stdout again at exit: point it at devnull so that flush cannot fail."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
