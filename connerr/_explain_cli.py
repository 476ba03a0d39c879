"""``connerr explain QUERY... | -``: the command-line front end of :func:`connerr.explain`."""

from __future__ import annotations

import itertools
import sys

from connerr._cli_common import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, use_color

TYPE_CHECKING = False
if TYPE_CHECKING:  # not at run time: typing and argparse cost connerr explain's start-up
    import argparse
    from typing import Any, Iterator, List, Optional, TextIO, Tuple

__all__ = ["add_explain_parser", "run_explain"]

#: stdin up to this size is one query (or a short log); anything longer is streamed as a log
_HEAD = 1 << 20
_CHUNK = 1 << 20

_RETRY_TEXT = {
    "safe": "safe to retry: nothing reached the peer's application",
    "idempotent_only": "retry idempotent requests only: the peer may have processed it",
    "no": "retrying will not help: fix the cause first",
}


def add_explain_parser(sub: Any) -> None:
    """Add the ``explain`` subcommand to an ``add_subparsers()`` object."""
    parser = sub.add_parser(
        "explain", help="explain a code, name, message, log line or traceback",
        description="Explain a network error from any OS: a number (10053, -2, 0x2746), a name "
                    "(ECONNABORTED, ENOTFOUND), a message, a traceback, or '-' to read stdin.")
    parser.add_argument("query", nargs="+", metavar="QUERY", help="what to explain; '-' reads stdin")
    parser.add_argument("--platform", help="the platform the error came from (linux, darwin, windows, ...)")
    parser.add_argument("--json", action="store_true",
                        help="JSON: the query and its candidates, best first (see the CLI docs)")
    parser.set_defaults(func=run_explain)


def run_explain(args: argparse.Namespace) -> int:
    """Run ``connerr explain``; returns 0 (found), 1 (nothing found) or 2 (bad usage or input)."""
    from connerr.platforms import PLATFORMS

    platform: Optional[str] = args.platform
    if platform is not None and platform not in PLATFORMS:
        return _usage(f"unknown platform {platform!r}; known: {', '.join(PLATFORMS)}")
    query: List[str] = list(args.query)
    from_stdin = query == ["-"]
    head: Any = ""
    rest: Iterator[Any] = iter(())
    if from_stdin:
        if sys.stdin is None:
            return _usage("cannot read stdin: it is closed")
        stream: Any = getattr(sys.stdin, "buffer", None) or sys.stdin  # bytes where there are
        try:
            head = stream.read(_HEAD)
            if len(head) == _HEAD:  # more to come: read the rest as it arrives, in bounded memory
                rest = iter(lambda: stream.read(_CHUNK), head[:0])
        except (OSError, ValueError) as exc:
            return _usage(f"cannot read stdin: {exc}")
        if isinstance(head, bytes):  # a log is read as UTF-8 (a bad byte stands for itself); a query
            try:                     # decodes as the text stream would
                text = head.decode(getattr(sys.stdin, "encoding", None) or "utf-8",
                                   "replace" if len(head) == _HEAD else sys.stdin.errors or "strict")
            except (UnicodeDecodeError, LookupError) as exc:
                return _usage(f"cannot read stdin: {exc}")
        else:
            text = head
    else:
        text = " ".join(query)
    if not text.strip() and len(head) < _HEAD:
        return _usage("empty query")
    from connerr import _explain as ex

    out = sys.stdout
    color = use_color(out)
    if from_stdin and (len(head) == _HEAD or text.count("\n") > 1):
        from connerr import _logscan

        try:
            summary = _logscan.summarize_stream(itertools.chain((head,), rest), platform)
        except (OSError, ValueError) as exc:
            return _usage(f"cannot read stdin: {exc}")
        if len(head) == _HEAD or len(summary.signatures) > 1 or (
                summary.signatures and summary.signatures[0][1] > 3):
            if args.json:
                best = [e.candidates[0].to_dict() for e, _c in summary.signatures]
                _dump({"query": "-", "candidates": best, "summary": summary.to_dict()}, out)
            elif summary.signatures:
                _print_summary(summary, out, color)
            if not summary.signatures:
                if not args.json:
                    print("connerr: nothing recognised in the input", file=sys.stderr)
                return EXIT_NOT_FOUND
            return EXIT_OK
    explanation = ex.explain(text, platform)
    if args.json:
        _dump(explanation.to_dict(), out)
    elif explanation.candidates:
        _print_explanation(explanation, out, color)
    if not explanation.candidates:
        if not args.json:
            print("connerr: nothing recognised in the query", file=sys.stderr)
        return EXIT_NOT_FOUND
    return EXIT_OK


def _usage(message: str) -> int:
    print(f"connerr: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _dump(data: Any, out: TextIO) -> None:
    import json

    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _style(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def _title(c: Any) -> str:
    if c.name is None:
        return f"{c.kind} (no specific code)"
    number = "" if c.number is None else f" ({c.number})"
    where = f" on {c.platform}" if c.platform else ""
    variant = f", {c.variant}" if c.variant else ""
    return f"{c.name}{number}{where}{variant}"


def _print_explanation(explanation: Any, out: TextIO, color: bool) -> None:
    cands = explanation.candidates
    if explanation.ambiguous:
        print(_style(f"Ambiguous: {explanation.query.strip()[:60]} means different things on different "
                     "platforms (network codes first):", "33", color), file=out)
        for i, c in enumerate(cands, 1):
            platforms = ", ".join(c.platforms) or (c.platform or "")
            print(f"  {i:>2}. {c.name} [{c.domain}] {c.kind} on {platforms}: {c.message}", file=out)
        print("Give --platform or more of the message to decide.", file=out)
        return
    best = cands[0]
    print(_style(_title(best), "1", color) + f"  kind {_style(best.kind, '36', color)}", file=out)
    exc = best.exception
    extra = []
    if best.python_errno is not None:
        extra.append(f"errno {best.python_errno}")
    if best.winerror is not None:
        extra.append(f"winerror {best.winerror}")
    rows = []
    if explanation.runtimes:
        from connerr._recognise import runtime_name

        rows.append(("Printed by", " > ".join(runtime_name(r) for r in explanation.runtimes)))
    rows.append(("Python", exc + (f" ({', '.join(extra)})" if extra else "")))
    if best.localized:
        rows.append(("Message", f"{best.localized} ({best.language})"))
        rows.append(("In English", best.message or "-"))
    elif best.message:
        rows.append(("Message", best.message))
    if best.domain:
        rows.append(("Domain", best.domain))
    if best.os_code:
        rows.append(("OS code", best.os_code))
    rows.append(("Means", best.meaning))
    rows.extend(_note_row(note) for note in best.notes)
    retry = _RETRY_TEXT.get(best.retry, best.retry)
    rows.append(("Retry", f"{retry} (phase {best.phase}, side {best.side})"))
    if len(best.platforms) > 1:
        rows.append(("Same on", ", ".join(best.platforms)))
    elsewhere = [f"{p} {n}" for p, n in best.numbers.items() if p not in best.platforms]
    if elsewhere:
        rows.append(("Elsewhere", ", ".join(elsewhere)))
    if best.anchors:
        rows.append(("Others", "; ".join(f"{k} {v}" for k, v in best.anchors.items() if v)))
    rows.append(("Confidence", f"{best.confidence:.2f} ({', '.join(best.reasons[:4])})"))
    for key, value in rows:
        print(f"  {key + ':':<12} {value}", file=out)
    if len(cands) > 1:
        print("Also possible:", file=out)
        for c in cands[1:6]:
            print(f"  - {_title(c)}: {c.kind} ({c.confidence:.2f})", file=out)


#: connerr.notes sections -> the label explain prints for them
_NOTE_LABELS = {"operation": "Raised by", "cause": "Cause", "not_meaning": "Not", "distinguish": "Tell apart",
                "action": "Do"}


def _note_row(note: str) -> Tuple[str, str]:
    section, sep, text = note.partition(": ")
    if sep and section in _NOTE_LABELS:
        return _NOTE_LABELS[section], text
    return "Why", note


def _print_summary(summary: Any, out: TextIO, color: bool) -> None:
    data = summary.to_dict()
    print(_style(f"{data['errors']} errors in {data['lines']} lines", "1", color), file=out)
    print("By kind:     " + ", ".join(f"{k} {n}" for k, n in data["kinds"].items()), file=out)
    print("By platform: " + ", ".join(f"{k} {n}" for k, n in data["platforms"].items()), file=out)
    print("Signatures:", file=out)
    for explanation, count in summary.signatures:
        c = explanation.candidates[0]
        print(f"  {count:>6}  {_title(c)}  {c.kind}  {c.exception}", file=out)
        print(f"          e.g. {explanation.query.strip()[:120]}", file=out)
