"""Any exception -> :class:`~connerr.Diagnosis`: one kind whatever the OS and library.

The exception and everything it wraps (library attributes such as urllib3's ``reason``, ``args``,
exception-group members, ``__cause__``, ``__context__``) are walked outermost first, at most
:data:`MAX_NODES` of them, each once (cycles end). Each gives evidence; the strongest wins, the
outermost among equals:

1. ``winerror`` (also from ``args[3]`` of an ``OSError`` recorded on Windows and read elsewhere);
2. ``errno`` read on the platform it came from; ``gaierror`` numbers are EAI codes and
   ``SSLError.errno`` is an SSL_ERROR_* value, never an errno.
   A code whose kind contradicts the PEP 3151 class of its exception is not trusted: asyncio's
   proactor raises ``ConnectionResetError`` with errno EINVAL and winerror 64 or 995, so the class
   wins over errno 22 and over ERROR_OPERATION_ABORTED (the code is still reported). That also
   keeps :func:`connerr.translate` from turning a ConnectionResetError into a non-subclass;
3. the exception type: stdlib classes, then library wrappers (the rule table, :mod:`connerr._rules`);
4. the message text (``[WinError N]``, ``[Errno N]``, well-known phrases).

The phase comes from the outermost wrapper that shows it, else from the kind. Retry advice
(:func:`retry_advice`) comes from kind + phase.
"""

from __future__ import annotations

import builtins
import sys

from connerr import _fastindex, platforms
from connerr._diagnosis import EVIDENCE, FIELD_NAMES, Deferred, Diagnosis, stored_diagnosis, type_name
from connerr._fastindex import runtime_code
from connerr._namedtuple import NamedTuple
from connerr._rules import (
    aiohttp_tls_handshake,
    asyncio_tls_handshake,
    inner_exceptions,
    library_in_traceback,
    library_of,
    may_have_text_rule,
    remembered,
    safe_attr,
    text_rule,
    type_rule,
)
from connerr.taxonomy import KIND_INFO, RETRY, Kind, kind_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple

__all__ = ["MAX_NODES", "normalize", "retry_advice"]

#: how many exceptions of a chain are examined at most
MAX_NODES = 64

# h_errno (netdb.h), the numbering of socket.herror: the same on every platform CPython supports
_H_ERRNO = {
    1: ("HOST_NOT_FOUND", Kind.NAME_NOT_FOUND),
    2: ("TRY_AGAIN", Kind.NAME_TEMPORARY_FAILURE),
    3: ("NO_RECOVERY", Kind.NAME_RESOLUTION_FAILED),
    4: ("NO_DATA", Kind.NAME_NOT_FOUND),
}

# builtin OSError subclasses chosen from errno: an errno whose kind says otherwise is not trusted
_ERRNO_CLASSES = frozenset(
    {
        "ConnectionRefusedError",
        "ConnectionResetError",
        "ConnectionAbortedError",
        "BrokenPipeError",
        "TimeoutError",
        "InterruptedError",
        "BlockingIOError",
        "PermissionError",
    }
)

#: well-known message phrases (glibc, musl, darwin, Windows FormatMessage, OpenSSL, libraries)
_PHRASES: Tuple[Tuple[str, Kind], ...] = (
    ("connection refused", Kind.CONNECTION_REFUSED),
    ("actively refused", Kind.CONNECTION_REFUSED),
    ("connection reset by peer", Kind.CONNECTION_RESET),
    ("forcibly closed by the remote host", Kind.CONNECTION_RESET),
    ("aborted by the software in your host machine", Kind.CONNECTION_ABORTED),
    ("software caused connection abort", Kind.CONNECTION_ABORTED),
    ("broken pipe", Kind.BROKEN_PIPE),
    ("remote end closed connection without response", Kind.REMOTE_DISCONNECTED),
    ("server disconnected", Kind.REMOTE_DISCONNECTED),
    ("unexpected_eof_while_reading", Kind.TLS_EOF),
    ("eof occurred in violation of protocol", Kind.TLS_EOF),
    ("certificate verify failed", Kind.TLS_CERTIFICATE),
    ("temporary failure in name resolution", Kind.NAME_TEMPORARY_FAILURE),
    ("name or service not known", Kind.NAME_NOT_FOUND),
    ("nodename nor servname provided", Kind.NAME_NOT_FOUND),
    ("name does not resolve", Kind.NAME_NOT_FOUND),
    ("no address associated with hostname", Kind.NAME_NOT_FOUND),
    ("getaddrinfo failed", Kind.NAME_RESOLUTION_FAILED),
    ("failed to resolve", Kind.NAME_RESOLUTION_FAILED),
    ("network is unreachable", Kind.NETWORK_UNREACHABLE),
    ("no route to host", Kind.HOST_UNREACHABLE),
    ("address already in use", Kind.ADDRESS_IN_USE),
    ("only one usage of each socket address", Kind.ADDRESS_IN_USE),
    ("cannot assign requested address", Kind.ADDRESS_NOT_AVAILABLE),
    ("can't assign requested address", Kind.ADDRESS_NOT_AVAILABLE),
    ("not valid in its context", Kind.ADDRESS_NOT_AVAILABLE),
    # asyncio create_server, 3.13+ (Lib/asyncio/base_events.py, bpo-30945): every bind() failed with
    # EADDRNOTAVAIL, which it drops, then raises an OSError without errno
    ("could not bind on any address", Kind.ADDRESS_NOT_AVAILABLE),
    ("timed out", Kind.TIMED_OUT),
)


_MESSAGE_RANK = EVIDENCE.index("message")


class _Evidence(NamedTuple):
    rank: int
    kind: Kind
    node: BaseException
    code: Optional[Tuple[str, int, str, str]]  # name, number, domain, platform
    note: str


def retry_advice(kind: Kind, phase: str) -> str:
    """connerr's retry rule: ``no`` if the kind says so; ``safe`` if it failed while connecting
    (nothing was sent); ``idempotent_only`` once the request was (partly) sent; else the kind's."""
    base = KIND_INFO[kind].retry
    if base == "no":
        return "no"
    if phase == "connect":
        return "safe"
    if phase in ("request", "body"):
        return max(base, "idempotent_only", key=RETRY.index)
    return base


def _text(exc: object) -> str:
    try:
        text = str(exc)
    except Exception:
        return ""
    return text[:4000]


def _int(value: object) -> Optional[int]:
    if isinstance(value, int) and not isinstance(value, bool) and -(2**40) < value < 2**40:
        return int(value)
    return None


def _bracketed(text: str, prefix: str) -> Optional[int]:
    """N of the first ``<prefix>N]`` in ``text`` (``[Errno -2]``, ``[WinError 10054]``), else None."""
    start = text.find(prefix)
    while start >= 0:
        begin = start + len(prefix)
        end = text.find("]", begin)
        digits = text[begin:end] if end > 0 else ""
        if digits[digits.startswith("-") :].isdigit() and digits.isascii():
            return int(digits)
        start = text.find(prefix, begin)
    return None


def _resolve_windows(number: int) -> Optional[Tuple[str, str, str]]:
    """(name, kind, domain) of a winerror: winsock numbers first in 10000-11999, win32 first else."""
    domains = ("winsock", "win32") if 10000 <= number < 12000 else ("win32", "winsock")
    for domain in domains:
        hit = _fastindex.resolve(domain, number, "windows")
        if hit is not None:
            return hit[0], hit[1], domain
    return None


#: rank of each kind of evidence (lower: stronger)
_RANK: Dict[str, int] = {rank: index for index, rank in enumerate(EVIDENCE)}


class _Walker:
    """Collects the evidence of one chain."""

    def __init__(self, platform: Optional[str], exhaustive: bool = False) -> None:
        self.platform = platform
        #: read every message even once it cannot change the answer (tests compare the two)
        self.exhaustive = exhaustive
        self.here = platform or _current_platform()
        self.best: Optional[_Evidence] = None
        self.fallback_code: Optional[Tuple[str, int, str, str]] = None
        self.phase: Optional[str] = None
        self.library: Optional[str] = None
        self.notes: List[str] = []

    def offer(
        self,
        rank: str,
        kind: Kind,
        node: BaseException,
        code: Optional[Tuple[str, int, str, str]] = None,
        note: str = "",
    ) -> None:
        if code is not None and self.fallback_code is None:
            self.fallback_code = code
        if kind is Kind.UNKNOWN:
            return
        r = _RANK[rank]
        if self.best is None or r < self.best.rank:
            self.best = _Evidence(r, kind, node, code, note)

    def visit(self, node: BaseException) -> None:
        if isinstance(node, OSError):
            self._winerror(node)
            self._errno(node)
        self._type(node)
        if self.exhaustive or not self._settled():
            self._message(node)

    def _settled(self) -> bool:
        """True when no message can change the answer any more: a stronger kind, the phase and a
        code are known (a message could only offer a weaker kind, a phase or a fallback code)."""
        best = self.best
        return (
            best is not None
            and best.rank < _MESSAGE_RANK
            and self.phase is not None
            and (best.code is not None or self.fallback_code is not None)
        )

    def _winerror(self, node: OSError) -> None:
        if self.platform not in (None, "windows"):
            return
        number = _int(safe_attr(node, "winerror"))
        note = ""
        if number is None and not hasattr(node, "winerror") and type(node).__module__ == "builtins":
            args = safe_attr(node, "args")
            if isinstance(args, tuple) and len(args) >= 4:
                number = _int(args[3])
                note = f"winerror {number} read from args[3]: the exception was recorded on Windows"
        if number is None:
            return
        hit = _resolve_windows(number)
        if hit is None:
            return
        name, kind_value, domain = hit
        code = (name, number, domain, "windows")
        if self._disagrees(node, kind_of(kind_value), code, f"winerror {number}"):
            return
        self.offer("winerror", kind_of(kind_value), node, code, note or f"{name} (winerror {number})")

    def _errno(self, node: OSError) -> None:
        number = _int(safe_attr(node, "errno"))
        if number is None or _is_ssl_error(node):
            return  # SSLError.errno is an SSL_ERROR_* value
        sockets = sys.modules.get("_socket")  # not imported: no exception can be one of its classes
        if sockets is not None and isinstance(node, sockets.herror):
            hit_h = _H_ERRNO.get(number)
            if hit_h is not None:
                self.offer("errno", hit_h[1], node, (hit_h[0], number, "h_errno", self.here))
            return
        platform = self.here
        if sockets is not None and isinstance(node, sockets.gaierror):
            domains: Tuple[str, ...] = ("eai", "winsock") if platform == "windows" else ("eai",)
        elif platform == "windows" and 10000 <= number < 12000:
            domains = ("winsock",)
        else:
            domains = ("errno",)
        for domain in domains:
            hit = _fastindex.resolve(domain, number, platform)
            if hit is not None:
                break
        else:
            return
        name, kind_value = hit
        kind = kind_of(kind_value)
        code = (name, number, domain, platform)
        if self._disagrees(node, kind, code, f"errno {number}"):
            return
        self.offer("errno", kind, node, code, f"{name} (errno {number} on {platform})")

    def _disagrees(
        self, node: BaseException, kind: Kind, code: Tuple[str, int, str, str], label: str
    ) -> bool:
        """True (and noted) when the PEP 3151 class of ``node`` contradicts the code's kind:
        asyncio's proactor raises ConnectionResetError for winerror 995 with errno EINVAL."""
        builtin = _nearest_errno_class(type(node))
        if builtin is None or kind is Kind.UNKNOWN or KIND_INFO[kind].builtin == builtin:
            return False
        self.notes.append(f"{code[0]} ({label}) disagrees with {builtin}: classified by type")
        if self.fallback_code is None:
            self.fallback_code = code
        return True

    def _type(self, node: BaseException) -> None:
        exceptions = sys.modules.get("connerr.exceptions")  # not imported: no ConnError exists
        if exceptions is not None and isinstance(node, exceptions.ConnError):
            self.offer("type", type(node).kind, node)
            return
        if asyncio_tls_handshake(node) or aiohttp_tls_handshake(node):
            self.offer(
                "type",
                Kind.TLS_EOF,
                node,
                note="asyncio reports a peer closing during the "
                "TLS handshake as a bare ConnectionResetError (sslproto eof_received)",
            )
            return
        rule = type_rule(node)
        if rule is None:
            return
        kind, phase = rule.kind, rule.phase
        if rule.refine is not None:
            refined = rule.refine(_text(node))
            if refined is not None:
                kind = refined[0] or kind
                phase = refined[1] or phase
        if phase is not None and self.phase is None:
            self.phase = phase
        if rule.wrapper and self.library is None:
            self.library = rule.library
        if rule.note:
            self.notes.append(f"{rule.library} {rule.name}: {rule.note}")
        said = text_rule(node, _text(node)) if rule.wrapper and may_have_text_rule(node) else None
        if said is not None:
            return  # the library's own words say more than its class or its code (see _message)
        if rule.code_arg and kind is None:
            self._code_arg(node, rule.code_arg)
        if kind is not None:
            self.offer("wrapper" if rule.wrapper else "type", kind, node)

    def _code_arg(self, node: BaseException, domain: str) -> None:
        """A library's own code in ``args[0]`` (pymysql's 2013, pycurl's 7): its kind, when it has one."""
        args = safe_attr(node, "args")
        number = _int(args[0]) if isinstance(args, tuple) and args else None
        found = runtime_code(domain, number) if number is not None else None
        if found is not None and number is not None:
            name, kind_value = found
            code = (name, number, domain, "")
            self.offer("wrapper", kind_of(kind_value), node, code, f"{domain} {name} ({number})")

    def _message(self, node: BaseException) -> None:
        text = _text(node)
        if not text:
            return
        number = _bracketed(text, "[WinError ")
        if number is not None:
            hit = _resolve_windows(number)
            if hit is not None:
                self.offer("message", kind_of(hit[1]), node, (hit[0], number, hit[2], "windows"))
        errno_number = _bracketed(text, "[Errno ")
        if errno_number is not None and not 0 <= errno_number < 10000:
            self._message_errno(node, errno_number)  # Winsock or negative EAI: unambiguous
        said = text_rule(node, text)
        if said is not None:
            if said.phase is not None and self.phase is None:
                self.phase = said.phase
            lost = f"{said.lost}: " if said.lost else ""
            self.offer(
                "message", said.kind, node, note=f"{said.library}: {lost}{said.phrase!r} [{said.source}]"
            )
        lowered = text.lower()
        for phrase, kind in _PHRASES:
            if phrase in lowered:
                self.offer("message", kind, node)
                break
        if errno_number is not None and 0 <= errno_number < 10000:
            self._message_errno(node, errno_number)  # after the phrases: numbers differ by OS

    def _message_errno(self, node: BaseException, number: int) -> None:
        platform = "windows" if number >= 10000 else self.here
        domain = "winsock" if number >= 10000 else ("eai" if number < 0 else "errno")
        if domain == "eai":
            platform = _negative_eai_platform(platform)
        hit = _fastindex.resolve(domain, number, platform)
        if hit is None and domain == "winsock":
            domain = "eai"
            hit = _fastindex.resolve(domain, number, platform)
        if hit is not None:
            self.offer("message", kind_of(hit[1]), node, (hit[0], number, domain, platform))


def _negative_eai_platform(platform: str) -> str:
    """``platform`` if its EAI codes are negative, else the first platform whose codes are."""
    try:
        if platforms.get(platform).eai == "negative":
            return platform
    except platforms.UnknownPlatformError:
        pass
    return next(p.tag for p in platforms.REGISTRY if p.eai == "negative")


def _is_ssl_error(node: BaseException) -> bool:
    return remembered(_SSL_ERROR, type(node), _ssl_error_class)


def _ssl_error_class(cls: type) -> bool:
    return any(c.__name__ == "SSLError" and library_of(c) == "ssl" for c in cls.__mro__)


def _nearest_errno_class(cls: type) -> Optional[str]:
    return remembered(_ERRNO_CLASS, cls, _errno_class_of)


def _errno_class_of(cls: type) -> Optional[str]:
    for base in cls.__mro__:
        if getattr(base, "__module__", None) == "builtins" and base.__name__ in _ERRNO_CLASSES:
            return base.__name__
    return None


_SSL_ERROR: Dict[type, bool] = {}
_ERRNO_CLASS: Dict[type, Optional[str]] = {}


_here: Optional[str] = None


def _current_platform() -> str:
    global _here
    if _here is None:  # the running machine does not change: ask the extension once
        try:
            from connerr.native import current_platform

            _here = current_platform()
        except Exception:
            return "linux"
    return _here


def _walk(exc: BaseException, walker: _Walker) -> None:
    seen = {id(exc)}
    stack = [exc]
    count = 0
    while stack and count < MAX_NODES:
        node = stack.pop()
        count += 1
        walker.visit(node)
        children = []
        for child in inner_exceptions(node):
            if id(child) not in seen:
                seen.add(id(child))
                children.append(child)
        stack.extend(reversed(children))


def _diagnose(exc: BaseException, platform: Optional[str], exhaustive: bool = False) -> Diagnosis:
    stored = stored_diagnosis(exc)
    if stored is not None:
        return stored
    walker = _Walker(platform, exhaustive)
    _walk(exc, walker)
    best = walker.best
    kind = best.kind if best is not None else Kind.UNKNOWN
    source = best.node if best is not None else exc
    code = best.code if best is not None and best.code is not None else walker.fallback_code
    phase = walker.phase or KIND_INFO[kind].phase
    notes = [KIND_INFO[kind].meaning]
    if best is not None and best.note:
        notes.append(best.note)
    notes.extend(n for n in walker.notes if n not in notes)
    message = _message_of(source) or _text(exc)
    library = library_in_traceback(exc) or walker.library
    name, number, domain, code_platform = code if code is not None else (None, None, None, None)
    if not message and name is not None and code_platform is not None:
        from connerr import reference

        message = reference.message_for(name, code_platform) or ""
    return Diagnosis(
        kind=kind,
        name=name,
        number=number,
        domain=domain,
        platform=code_platform,
        message=message,
        notes=tuple(notes),
        retry=retry_advice(kind, phase),
        side=KIND_INFO[kind].side,
        original=exc,
        phase=phase,
        evidence=EVIDENCE[best.rank] if best is not None else "none",
        library=library,
        exception=type_name(exc),
        source=source,
    )


def _message_of(exc: BaseException) -> str:
    strerror = safe_attr(exc, "strerror") if isinstance(exc, OSError) else None
    if isinstance(strerror, str) and strerror:
        return strerror
    return _text(exc)


#: Diagnoses of plain builtin OSErrors, by (class, errno, strerror, platform): everything else
#: about such an exception is fixed, so the answer is too. Bounded; dict access is atomic.
_PLAIN: Dict[Tuple[Any, ...], Dict[str, Any]] = {}
_PLAIN_LIMIT = 4096
#: the longest message a cached answer may hold: 4096 answers stay well under 4 MB
_PLAIN_TEXT = 256
#: what a cached answer keeps: all but what belongs to one exception (itself, where it was raised)
_PLAIN_FIELDS = tuple(name for name in FIELD_NAMES if name not in ("original", "source", "library"))


#: the classes :func:`plain_key` accepts: the builtin OSError classes
PLAIN_CLASSES = frozenset(
    c for c in vars(builtins).values() if isinstance(c, type) and issubclass(c, OSError)
)


def plain_key(exc: BaseException, platform: Optional[str]) -> Optional[Tuple[Any, ...]]:
    """The cache key of an ``OSError(errno, strerror)`` of a builtin class with no chain and no
    attributes of its own (nothing else normalize reads: no ``winerror``, ``reason``, notes), with a
    message of at most :data:`_PLAIN_TEXT` characters (the cache is bounded in bytes), else None."""
    cls = type(exc)
    if (
        cls not in PLAIN_CLASSES
        or len(exc.args) != 2
        or exc.__cause__ is not None
        or exc.__context__ is not None
        or exc.__dict__
    ):
        return None
    error: OSError = exc  # type: ignore[assignment]  # its class is one of PLAIN_CLASSES
    number, text = error.errno, error.strerror
    if (
        type(number) is not int
        or type(text) is not str
        or len(text) > _PLAIN_TEXT
        or error.filename is not None
        or getattr(error, "winerror", None) is not None  # Windows only: set after construction
    ):
        return None
    return cls, number, text, platform


_new = object.__new__


def normalize(exc: BaseException, platform: Optional[str] = None) -> Diagnosis:
    """Classify ``exc`` (any exception, raised anywhere); never raises for an exception.

    ``platform`` is the tag of the OS the exception was raised on when that is not this machine
    (an error logged or pickled on Windows: ``platform="windows"``). Raises :class:`TypeError` when
    ``exc`` is not an exception (use :func:`connerr.explain` for text).
    """
    if not isinstance(exc, BaseException):
        raise TypeError(
            f"normalize() takes an exception, not {type(exc).__name__}; connerr.explain() takes text"
        )
    try:
        key = plain_key(exc, platform)
        known = _PLAIN.get(key) if key is not None else None
        if known is not None:
            # a copy of a checked answer: fill the frozen class's __dict__ directly (no __init__: 5x
            # cheaper); the library is the traceback's (where this exception was raised), never cached
            copy = _new(Diagnosis)
            values = copy.__dict__
            values.update(known)
            values["original"] = values["source"] = exc
            values["library"] = library_in_traceback(exc) if exc.__traceback__ is not None else None
            return copy
        diagnosis = _diagnose(exc, platform)
        if key is not None and diagnosis.source is exc:
            if len(_PLAIN) >= _PLAIN_LIMIT:
                _PLAIN.clear()  # start over: a full table must not keep out the errors seen now
            _PLAIN[key] = {name: getattr(diagnosis, name) for name in _PLAIN_FIELDS}
        return diagnosis
    except Exception as internal:  # total by contract: a bug here must not hide the user's error
        return Diagnosis(
            kind=Kind.UNKNOWN,
            name=None,
            number=None,
            domain=None,
            platform=platform,
            message=_text(exc),
            notes=(f"connerr could not classify this: {_text(internal)}",),
            retry="no",
            side="unknown",
            original=exc,
            exception=_type_name_or_unknown(exc),
            source=exc,
        )


def _type_name_or_unknown(exc: BaseException) -> str:
    try:
        return type_name(exc)
    except Exception:
        return "?"


Deferred.normalize = normalize  # a Deferred is made by translate(), which imports this module
