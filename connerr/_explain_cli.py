"""``connerr explain QUERY... | -``: the command-line front end of :func:`connerr.explain`.

The text answer is built as rows (:data:`connerr._cli_common.Row`) and laid out to the output's
width by :func:`connerr._cli_common.layout`; the answers stored at wheel build time
(:mod:`connerr._answers`) are these same rows, laid out by the same function.
"""

from __future__ import annotations

import itertools
import sys

from connerr._cli_common import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    dump_json,
    layout,
    output_width,
    use_color,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # not at run time: typing and argparse cost connerr explain's start-up
    import argparse
    from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

    from connerr._cli_common import Row, Segment

__all__ = ["SCHEMA", "add_explain_parser", "input_kind", "query_answer", "run_explain"]

#: the ``schema`` of ``explain --json`` (docs/schema/explain.json)
SCHEMA = "connerr.explain/1"

#: stdin up to this size is one query (or a short log); anything longer is streamed as a log
_HEAD = 1 << 20
_CHUNK = 1 << 20

_RETRY_TEXT = {
    "safe": "safe to retry: nothing reached the peer's application",
    "idempotent_only": "idempotent requests only: the peer may have processed it",
    "no": "retrying will not help: fix the cause first",
}
#: most lines of each row of the compact answer (at 80 columns a single code takes at most 12)
_TITLE_LINES, _SHORT, _TEXT_LINES, _DO_LINES = 2, 1, 2, 3
#: the compact answer lists this many other candidates, an ambiguous number this many meanings
#: (each with this many platforms), a log this many signatures
_ALSO, _MEANINGS, _PLATFORMS, _SIGNATURES = 3, 8, 4, 10


def add_explain_parser(sub: Any) -> None:
    """Add the ``explain`` subcommand to an ``add_subparsers()`` object."""
    parser = sub.add_parser(
        "explain",
        help="explain a code, name, message, log line or traceback",
        description="Explain a network error from any OS: a number (10053, -2, 0x2746), a name "
        "(ECONNABORTED, ENOTFOUND), a message, a traceback, or '-' to read stdin.",
    )
    parser.add_argument("query", nargs="+", metavar="QUERY", help="what to explain; '-' reads stdin")
    parser.add_argument("--platform", help="the platform the error came from (linux, darwin, windows, ...)")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="everything known: every cause note with its sources, the numbers on other "
        "platforms, how other runtimes classify the code, the confidence",
    )
    parser.add_argument(
        "--json", action="store_true", help=f"JSON ({SCHEMA}): the input, its events and their candidates"
    )
    parser.set_defaults(func=run_explain)


def run_explain(args: argparse.Namespace) -> int:
    """Run ``connerr explain``; returns 0 (found), 1 (nothing found) or 2 (bad usage or input)."""
    from connerr.platforms import PLATFORMS

    platform: Optional[str] = args.platform
    if platform is not None and platform not in PLATFORMS:
        return _usage(f"unknown platform {platform!r}; known: {', '.join(PLATFORMS)}")
    verbose = bool(getattr(args, "verbose", False))
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
            try:  # decodes as the text stream would
                text = head.decode(
                    getattr(sys.stdin, "encoding", None) or "utf-8",
                    "replace" if len(head) == _HEAD else sys.stdin.errors or "strict",
                )
            except (UnicodeDecodeError, LookupError) as exc:
                return _usage(f"cannot read stdin: {exc}")
        else:
            text = head
    else:
        text = " ".join(query)
    if not text.strip() and len(head) < _HEAD:
        return _usage("empty query")
    out = sys.stdout
    source = "-" if from_stdin else text
    if from_stdin and (len(head) == _HEAD or text.count("\n") > 1):
        from connerr import _logscan

        try:
            summary = _logscan.summarize_stream(itertools.chain((head,), rest), platform)
        except (OSError, ValueError) as exc:
            return _usage(f"cannot read stdin: {exc}")
        if (
            len(head) == _HEAD
            or len(summary.signatures) > 1
            or (summary.signatures and summary.signatures[0][1] > 3)
        ):
            if args.json:
                dump_json(log_json(source, platform, summary), out)
            elif summary.signatures:
                out.write(layout(summary_rows(summary, verbose), output_width(out), use_color(out)))
            if not summary.signatures:
                if not args.json:
                    print("connerr: nothing recognised in the input", file=sys.stderr)
                return EXIT_NOT_FOUND
            return EXIT_OK
    if args.json:
        from connerr import _explain as ex

        explanation = ex.explain(text, platform)
        dump_json(query_json(source, text, platform, explanation), out)
        return EXIT_OK if explanation.candidates else EXIT_NOT_FOUND
    rows, err, code = query_answer(text, platform, verbose)
    out.write(layout(rows, output_width(out), use_color(out)))
    sys.stderr.write(err)
    return code


def query_answer(text: str, platform: Optional[str], verbose: bool) -> Tuple[List[Row], str, int]:
    """The text answer to one query: (rows, stderr, exit code). :mod:`connerr._answers` stores it."""
    from connerr import _explain as ex

    explanation = ex.explain(text, platform)
    if not explanation.candidates:
        return [], "connerr: nothing recognised in the query\n", EXIT_NOT_FOUND
    if explanation.ambiguous:
        return ambiguous_rows(explanation, verbose), "", EXIT_OK
    return explanation_rows(explanation, verbose), "", EXIT_OK


def _usage(message: str) -> int:
    print(f"connerr: error: {message}", file=sys.stderr)
    return EXIT_USAGE


# -- JSON ------------------------------------------------------------------------------------------


def input_kind(text: str) -> str:
    """What a query is: ``code`` (a number), ``name`` (one identifier: a code, class or kind name),
    ``traceback`` (a Python traceback) or ``message`` (anything else); a log read from stdin is
    ``log``."""
    stripped = text.strip()
    digits = stripped[1:] if stripped[:1] in "+-" else stripped
    if digits.isdigit() or (
        digits[:2].lower() == "0x"
        and len(digits) > 2
        and all(c in "0123456789abcdefABCDEF" for c in digits[2:])
    ):
        return "code"
    if "Traceback (most recent call last)" in stripped:
        return "traceback"
    if stripped and " " not in stripped and all(c.isalnum() or c in "_." for c in stripped):
        return "name"
    return "message"


def _event(explanation: Any, text: str, count: int) -> Dict[str, Any]:
    data = explanation.to_dict()
    del data["query"]
    return {"text": text, "count": count, **data}


def _counts(pairs: Sequence[Tuple[Any, int]], attribute: str) -> Dict[str, int]:
    out: Dict[str, int] = {}
    for explanation, count in pairs:
        if explanation.best is not None:
            key = str(getattr(explanation.best, attribute) or "?")
            out[key] = out.get(key, 0) + count
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def _document(
    kind: str, source: str, platform: Optional[str], lines: int, pairs: Sequence[Tuple[Any, int]]
) -> Dict[str, Any]:
    events = [_event(e, e.query if kind != "log" else e.query[:300], count) for e, count in pairs]
    return {
        "schema": SCHEMA,
        "input_kind": kind,
        "input": source,
        "platform": platform,
        "found": any(event["candidates"] for event in events),
        "events": events,
        "summary": {
            "lines": lines,
            "errors": sum(c for e, c in pairs if e.candidates),
            "kinds": _counts(pairs, "kind"),
            "platforms": _counts(pairs, "platform"),
        },
    }


def query_json(source: str, text: str, platform: Optional[str], explanation: Any) -> Dict[str, Any]:
    """``explain --json`` of one query: one event, the query itself, with every candidate."""
    lines = len(text.rstrip().splitlines()) or 1
    return _document(input_kind(text), source, platform, lines, [(explanation, 1)])


def log_json(source: str, platform: Optional[str], summary: Any) -> Dict[str, Any]:
    """``explain --json`` of a log: one event per distinct signature, most frequent first."""
    return _document("log", source, platform, summary.lines, list(summary.signatures))


# -- text ------------------------------------------------------------------------------------------


def _title(c: Any) -> str:
    if c.name is None:
        return f"{c.kind} (no specific code)"
    number = "" if c.number is None else f" ({c.number})"
    where = f" on {c.platform}" if c.platform else ""
    variant = f", {c.variant}" if c.variant else ""
    return f"{c.name}{number}{where}{variant}"


def _labelled(pairs: Sequence[Tuple[str, str, int]]) -> List[Row]:
    """``Label:  text`` rows, the texts aligned after the longest label."""
    width = max((len(label) for label, _t, _n in pairs), default=0) + 1
    return [(f"  {label + ':':<{width}} ", ((text, ""),), most) for label, text, most in pairs]


def _source_cut(note: str) -> Tuple[str, str]:
    """(text, what follows it): a note's ``[sources]`` and ``(unverified)`` marks are cut off."""
    text, mark = note, ""
    for word in (" (unverified)", " (reasoning)"):
        if text.endswith(word):
            text, mark = text[: -len(word)], word
    if text.endswith("]") and " [" in text:
        text = text[: text.rindex(" [")]
    return text, mark


def _first_sentence(text: str) -> str:
    """Up to the first full stop outside brackets and quotes that a capital letter follows."""
    depth, quoted = 0, False
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(depth - 1, 0)
        elif ch == '"':
            quoted = not quoted
        elif (
            ch == "."
            and not (depth or quoted)
            and text[i + 1 : i + 2] == " "
            and text[i + 2 : i + 3].isupper()
        ):
            return text[: i + 1]
    return text


#: connerr.notes sections -> the label explain prints for them
_NOTE_LABELS = {
    "operation": "Raised by",
    "cause": "Cause",
    "not_meaning": "Not",
    "distinguish": "Tell apart",
    "action": "Do",
}


def _note_row(note: str) -> Tuple[str, str]:
    section, sep, text = note.partition(": ")
    if sep and section in _NOTE_LABELS:
        return _NOTE_LABELS[section], text
    return "Why", note


def _advice(notes: Sequence[str]) -> Optional[str]:
    """What to do, in short: the first sentence of the first ``action`` note, without its sources."""
    for note in notes:
        label, text = _note_row(note)
        if label == "Do":
            body, mark = _source_cut(text)
            return _first_sentence(body) + mark
    return None


def _title_row(c: Any) -> Row:
    title = "No specific code" if c.name is None else _title(c)
    return ("", ((title + ":", "1"), (str(c.kind), "36")), _TITLE_LINES)


def explanation_rows(explanation: Any, verbose: bool) -> List[Row]:
    """The answer to a query whose best candidate is clear: compact, or everything when ``verbose``."""
    cands = explanation.candidates
    best = cands[0]
    most = 0 if verbose else _TEXT_LINES
    short = 0 if verbose else _SHORT
    pairs: List[Tuple[str, str, int]] = []
    if explanation.runtimes:
        from connerr._recognise import runtime_name

        pairs.append(("Printed by", " > ".join(runtime_name(r) for r in explanation.runtimes), short))
    extra = []
    if best.python_errno is not None:
        extra.append(f"errno {best.python_errno}")
    if best.winerror is not None:
        extra.append(f"winerror {best.winerror}")
    pairs.append(("Python", best.exception + (f" ({', '.join(extra)})" if extra else ""), most))
    if best.localized:
        pairs.append(("Message", f"{best.localized} ({best.language})", most))
        pairs.append(("In English", best.message or "-", most))
    elif best.message:
        pairs.append(("Message", best.message, most))
    if verbose and best.domain:
        pairs.append(("Domain", best.domain, 0))
    if best.os_code:
        pairs.append(("OS code", best.os_code, short))
    pairs.append(("Means", best.meaning, most))
    pairs += _verbose_pairs(best) if verbose else _compact_pairs(cands)
    rows = [_title_row(best), *_labelled(pairs)]
    if verbose and len(cands) > 1:
        rows.append(("", (("Also possible:", ""),), 0))
        rows.extend(("  - ", ((f"{_title(c)}: {c.kind} ({c.confidence:.2f})", ""),), 0) for c in cands[1:])
    elif not verbose:
        notes = len(best.notes)
        what = f"{notes} note{'s' if notes != 1 else ''} with sources, " if notes else ""
        rows.append(("  ", ((f"-v: {what}numbers elsewhere, confidence", "2"),), _SHORT))
    return rows


def _verbose_pairs(best: Any) -> List[Tuple[str, str, int]]:
    """Every note with its sources, the retry advice with phase and side, the numbers elsewhere, how
    other runtimes classify the code, the confidence and why."""
    retry = _RETRY_TEXT.get(best.retry, best.retry)
    pairs = [(*_note_row(note), 0) for note in best.notes]
    pairs.append(("Retry", f"{retry} (phase {best.phase}, side {best.side})", 0))
    if len(best.platforms) > 1:
        pairs.append(("Same on", ", ".join(best.platforms), 0))
    elsewhere = [f"{p} {n}" for p, n in best.numbers.items() if p not in best.platforms]
    if elsewhere:
        pairs.append(("Elsewhere", ", ".join(elsewhere), 0))
    if best.anchors:
        pairs.append(("Others", "; ".join(f"{k} {v}" for k, v in best.anchors.items() if v), 0))
    pairs.append(("Confidence", f"{best.confidence:.2f} ({', '.join(best.reasons[:4])})", 0))
    return pairs


def _compact_pairs(cands: Sequence[Any]) -> List[Tuple[str, str, int]]:
    """What to do (in short), the retry advice, and the next candidates by name."""
    best = cands[0]
    pairs = []
    advice = _advice(best.notes)
    if advice:
        pairs.append(("Do", advice, _DO_LINES))
    pairs.append(("Retry", _RETRY_TEXT.get(best.retry, best.retry), _SHORT))
    if len(cands) > 1:
        also = [_title(c) for c in cands[1 : 1 + _ALSO]]
        more = len(cands) - 1 - len(also)
        pairs.append(("Also", ", ".join(also) + (f" and {more} more" if more > 0 else ""), _TEXT_LINES))
    return pairs


def _message_of(c: Any) -> str:
    """The candidate's message, or what stands in for one the platform has not."""
    if c.message:
        return str(c.message)
    where = f" on {c.platform}" if c.platform else ""
    return f"(no message{where})"


def ambiguous_rows(explanation: Any, verbose: bool) -> List[Row]:
    """A number that means different codes on different platforms: each meaning, network codes first."""
    cands = explanation.candidates
    query = " ".join(explanation.query.split())[:60]
    heading = f"Ambiguous: {query} is a different code per platform (network codes first):"
    rows: List[Row] = [("", ((heading, "33"),), 0 if verbose else _TEXT_LINES)]
    shown = cands if verbose else cands[:_MEANINGS]
    digits = len(str(len(shown)))
    for i, c in enumerate(shown, 1):
        platforms = list(c.platforms) or ([c.platform] if c.platform else [])
        if not verbose and len(platforms) > _PLATFORMS:
            platforms = [*platforms[:_PLATFORMS], f"+{len(platforms) - _PLATFORMS} more"]
        where = f" on {', '.join(platforms)}" if platforms else ""
        kind = "" if str(c.kind) == "unknown" else f" [{c.kind}]"
        segments: Tuple[Segment, ...] = ((str(c.name), "1"), (f"{kind}{where}: {_message_of(c)}", ""))
        if verbose:
            segments += ((f"({c.domain})", ""),)
        rows.append((f"  {i:>{digits}}. ", segments, 0 if verbose else _TEXT_LINES))
    if len(shown) < len(cands):
        rows.append(("  ", ((f"and {len(cands) - len(shown)} more (-v lists them all)", ""),), _SHORT))
    example = cands[0].platform or "linux"
    advice = f"Give --platform (e.g. --platform {example}) or more of the message to decide."
    rows.append(("", ((advice, ""),), 0 if verbose else _TEXT_LINES))
    return rows


def summary_rows(summary: Any, verbose: bool) -> List[Row]:
    """A log: how many errors of which kinds, then each signature with a line that had it."""
    data = summary.to_dict()
    errors, lines = data["errors"], data["lines"]
    most = 0 if verbose else _TEXT_LINES
    head = f"{errors} error{'s' if errors != 1 else ''} in {lines} line{'s' if lines != 1 else ''}"
    rows: List[Row] = [("", ((head, "1"),), 0)]
    rows += _labelled(
        [
            ("By kind", ", ".join(f"{k} {n}" for k, n in data["kinds"].items()), most),
            ("By platform", ", ".join(f"{k} {n}" for k, n in data["platforms"].items()), most),
        ]
    )
    rows.append(("", (("Signatures:", ""),), 0))
    shown = summary.signatures if verbose else summary.signatures[:_SIGNATURES]
    width = len(str(max((c for _e, c in shown), default=0)))
    for explanation, count in shown:
        c = explanation.candidates[0]
        segments: Tuple[Segment, ...] = ((_title(c) + ":", "1"), (f"{c.kind}, {c.exception}", "36"))
        rows.append((f"  {count:>{width}}  ", segments, most))
        example = " ".join(explanation.query.split())[: 300 if verbose else 120]
        rows.append((" " * (width + 4) + "e.g. ", ((example, ""),), 0 if verbose else _SHORT))
    if len(shown) < len(summary.signatures):
        more = f"and {len(summary.signatures) - len(shown)} more signatures (-v lists them all)"
        rows.append(("  ", ((more, ""),), _SHORT))
    return rows
