"""The one rule table for exception *types*: stdlib classes and library wrappers -> kind, phase.

:func:`connerr.normalize` applies it to exception objects (:func:`type_rule`) and
:func:`connerr.explain` to class names in pasted text (:func:`rules_named`). Nothing here imports
the libraries: a class is recognised by its module (``urllib3.exceptions``,
``pip._vendor.urllib3.exceptions`` and ``httpx._exceptions`` all count) and its name. The table
is looked up along the exception's MRO, so the **most specific** entry wins whatever the table
order (httpx style): urllib3's ``NewConnectionError`` derives from ``ConnectTimeoutError`` but is
not a timeout.

A rule gives a kind (or None: "let the wrapped exception decide"), a phase hint, the code a builtin
class stands for (PEP 3151: ``ConnectionResetError`` is ``ECONNRESET``), and whether the type is a
*wrapper* (library class: weaker evidence than a stdlib type, which is what the OS layer actually
raised).
"""

from __future__ import annotations

from connerr._namedtuple import NamedTuple
from connerr.taxonomy import Kind

TYPE_CHECKING = False
if TYPE_CHECKING:  # not at run time: explain reads this table, and importing typing costs its start-up
    from typing import Callable, Dict, Hashable, List, Optional, Tuple, TypeVar

    _K = TypeVar("_K", bound=Hashable)
    _V = TypeVar("_V")

__all__ = [
    "LIBRARIES",
    "RULES",
    "STDLIB",
    "TEXT_RULES",
    "TextRule",
    "TypeRule",
    "aiohttp_tls_handshake",
    "asyncio_tls_handshake",
    "inner_exceptions",
    "is_inert",
    "is_plain_word",
    "library_in_traceback",
    "library_of",
    "library_of_module",
    "rules_named",
    "safe_attr",
    "text_rule",
    "type_rule",
]

# fmt: off
#: third-party packages recognised by name in a module path (vendored copies too); the outermost one
#: names the library: ``botocore.vendored.requests`` is botocore's, ``pip._vendor.urllib3`` urllib3's
LIBRARIES = frozenset({
    "urllib3", "requests", "httpx", "httpcore", "aiohttp", "websockets", "anyio", "redis", "pymysql",
    "aiomysql", "psycopg2", "psycopg", "asyncpg", "pymongo", "grpc", "websocket", "paramiko", "botocore",
    "elasticsearch", "elastic_transport", "clickhouse_connect", "kafka", "pika", "tornado", "twisted",
    "trio", "pycurl", "httplib2", "OpenSSL",
})
# fmt: on
#: stdlib "libraries": evidence from these is as strong as a builtin type
STDLIB = frozenset(
    {"builtins", "socket", "ssl", "http.client", "urllib.error", "asyncio", "concurrent.futures"}
)
_STDLIB_MODULES: Tuple[Tuple[str, str], ...] = (
    ("_socket", "socket"),
    ("socket", "socket"),
    ("_ssl", "ssl"),
    ("ssl", "ssl"),
    ("_cffi_ssl", "ssl"),  # PyPy's ssl classes live in _cffi_ssl._stdssl.error
    ("http.client", "http.client"),
    ("urllib.error", "urllib.error"),
    ("asyncio", "asyncio"),
    ("concurrent.futures", "concurrent.futures"),
    ("builtins", "builtins"),
    # the stdlib's protocol clients: libraries a user calls (``library`` names them)
    ("smtplib", "smtplib"),
    ("ftplib", "ftplib"),
    ("poplib", "poplib"),
    ("imaplib", "imaplib"),
    ("xmlrpc.client", "xmlrpc.client"),
)


class TextRule(NamedTuple):
    """A phrase of a library that keeps only text: what it proves, and where the library says it."""

    library: str
    #: the exception class ("" for any class of the library)
    name: str
    #: lower-case text that ``str(exc)`` contains
    phrase: str
    kind: Kind
    phase: Optional[str]
    #: ``owner/repo[@commit]:path`` where the library raises it with this text
    source: str
    #: what the library threw away (the note normalize() adds)
    lost: str = ""


class TypeRule(NamedTuple):
    """What one exception class says."""

    library: str
    name: str
    kind: Optional[Kind]
    phase: Optional[str]
    note: str = ""
    #: the code name a builtin class stands for (its PEP 3151 errno), "" if none
    code: str = ""
    #: refines (kind, phase) from the exception's text; returns None to keep the rule's values
    refine: Optional[Callable[[str], Optional[Tuple[Optional[Kind], Optional[str]]]]] = None
    #: ``args[0]`` is a code of this runtime domain (``mysql``: pymysql's 2013; ``curl``: pycurl's 7)
    code_arg: str = ""

    @property
    def wrapper(self) -> bool:
        """True for a library class (weaker evidence than a stdlib type)."""
        return self.library not in STDLIB


def _urllib3_protocol(text: str) -> Optional[Tuple[Optional[Kind], Optional[str]]]:
    # urllib3 raises ProtocolError("Connection aborted.", err) when the request was sent and
    # the response head never came, and "Connection broken: ..." while reading the body.
    if text.startswith("('Connection aborted.'") or text.startswith("Connection aborted"):
        return None, "request"
    if "Connection broken" in text or "Response ended prematurely" in text:
        return (
            Kind.REMOTE_DISCONNECTED if "IncompleteRead" in text or "prematurely" in text else None
        ), "body"
    return None


def _httpx_protocol(text: str) -> Optional[Tuple[Optional[Kind], Optional[str]]]:
    if "without sending a response" in text:  # "Server disconnected without sending a response."
        return Kind.REMOTE_DISCONNECTED, "request"
    if "without sending complete message body" in text:
        return Kind.REMOTE_DISCONNECTED, "body"
    return None


def _ssl_error(text: str) -> Optional[Tuple[Optional[Kind], Optional[str]]]:
    if "UNEXPECTED_EOF" in text or "EOF occurred in violation of protocol" in text:
        return Kind.TLS_EOF, None
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        return Kind.TLS_CERTIFICATE, "connect"
    return None


_B, _S, _SSL, _HC, _UE, _AIO, _CF = (
    "builtins",
    "socket",
    "ssl",
    "http.client",
    "urllib.error",
    "asyncio",
    "concurrent.futures",
)
_U3, _RQ, _HX, _HCORE, _AH, _WS = "urllib3", "requests", "httpx", "httpcore", "aiohttp", "websockets"
K = Kind

# fmt: off
_RULES: Tuple[TypeRule, ...] = (
    # builtins: PEP 3151 classes (Objects/exceptions.c errnomap)
    TypeRule(_B, "ConnectionRefusedError", K.CONNECTION_REFUSED, "connect", code="ECONNREFUSED"),
    TypeRule(_B, "ConnectionResetError", K.CONNECTION_RESET, None, code="ECONNRESET"),
    TypeRule(_B, "ConnectionAbortedError", K.CONNECTION_ABORTED, None, code="ECONNABORTED"),
    TypeRule(_B, "BrokenPipeError", K.BROKEN_PIPE, None, code="EPIPE"),
    TypeRule(_B, "TimeoutError", K.TIMED_OUT, None),
    TypeRule(_B, "InterruptedError", K.INTERRUPTED, None, code="EINTR"),
    TypeRule(_B, "BlockingIOError", K.WOULD_BLOCK, None, code="EAGAIN"),
    TypeRule(_B, "PermissionError", K.PERMISSION_DENIED, None),
    # socket
    TypeRule(_S, "timeout", K.TIMED_OUT, None),  # a separate class before 3.10
    TypeRule(_S, "gaierror", K.NAME_RESOLUTION_FAILED, "connect"),
    TypeRule(_S, "herror", K.NAME_RESOLUTION_FAILED, "connect"),
    # ssl (Modules/_ssl.c): SSLError.errno is an SSL_ERROR_* value, never an errno
    TypeRule(_SSL, "SSLError", K.TLS_PROTOCOL, None, refine=_ssl_error),
    TypeRule(_SSL, "SSLEOFError", K.TLS_EOF, None),
    TypeRule(_SSL, "SSLSyscallError", K.TLS_EOF, None),
    # CPython raises SSLZeroReturnError only where EOF was not expected (recv() turns it into
    # b""), and 3.9 built with OpenSSL 3 reports a TCP FIN in the handshake that way too
    TypeRule(_SSL, "SSLZeroReturnError", K.TLS_EOF, None,
             "the TLS stream ended before it was complete"),
    TypeRule(_SSL, "SSLCertVerificationError", K.TLS_CERTIFICATE, "connect"),
    TypeRule(_SSL, "SSLWantReadError", K.WOULD_BLOCK, None),
    TypeRule(_SSL, "SSLWantWriteError", K.WOULD_BLOCK, None),
    # http.client
    TypeRule(_HC, "RemoteDisconnected", K.REMOTE_DISCONNECTED, "request",
             "the server closed the connection without sending a response"),
    TypeRule(_HC, "IncompleteRead", K.REMOTE_DISCONNECTED, "body",
             "the server closed the connection before the whole body arrived"),
    TypeRule(_HC, "BadStatusLine", None, "request"),
    # urllib.error: URLError.reason holds the real error
    TypeRule(_UE, "URLError", None, None),
    # asyncio / concurrent.futures (separate TimeoutError classes before 3.11)
    TypeRule(_AIO, "IncompleteReadError", K.REMOTE_DISCONNECTED, None,
             "the stream ended before the expected bytes"),
    TypeRule(_AIO, "TimeoutError", K.TIMED_OUT, None),
    TypeRule(_AIO, "CancelledError", K.CANCELLED, None),
    TypeRule(_CF, "TimeoutError", K.TIMED_OUT, None),
    TypeRule(_CF, "CancelledError", K.CANCELLED, None),
    # urllib3 (1.26 and 2.x)
    TypeRule(_U3, "NewConnectionError", None, "connect", "urllib3 could not connect"),
    TypeRule(_U3, "NameResolutionError", K.NAME_RESOLUTION_FAILED, "connect"),
    TypeRule(_U3, "ConnectTimeoutError", K.TIMED_OUT, "connect"),
    TypeRule(_U3, "ReadTimeoutError", K.TIMED_OUT, "transfer"),
    TypeRule(_U3, "TimeoutError", K.TIMED_OUT, None),
    TypeRule(_U3, "ProtocolError", None, None, refine=_urllib3_protocol),
    TypeRule(_U3, "SSLError", K.TLS_PROTOCOL, None),
    TypeRule(_U3, "ProxyError", None, "connect"),
    TypeRule(_U3, "IncompleteRead", K.REMOTE_DISCONNECTED, "body"),
    TypeRule(_U3, "InvalidChunkLength", K.REMOTE_DISCONNECTED, "body"),
    TypeRule(_U3, "MaxRetryError", None, None),
    # requests (wraps urllib3: the kind comes from inside, the class gives the phase)
    TypeRule(_RQ, "ConnectionError", None, None),
    TypeRule(_RQ, "ConnectTimeout", K.TIMED_OUT, "connect"),
    TypeRule(_RQ, "ReadTimeout", K.TIMED_OUT, "transfer"),
    TypeRule(_RQ, "Timeout", K.TIMED_OUT, None),
    TypeRule(_RQ, "SSLError", K.TLS_PROTOCOL, None),
    TypeRule(_RQ, "ProxyError", None, "connect"),
    TypeRule(_RQ, "ChunkedEncodingError", None, "body"),
)
# fmt: on
for _lib in (_HX, _HCORE):  # httpx re-raises httpcore's classes under the same names
    _RULES += (
        TypeRule(_lib, "ConnectError", None, "connect"),
        TypeRule(_lib, "ConnectTimeout", K.TIMED_OUT, "connect"),
        TypeRule(
            _lib,
            "PoolTimeout",
            K.TIMED_OUT,
            "connect",
            "no connection of the pool became free: nothing was sent",
        ),
        TypeRule(_lib, "ReadTimeout", K.TIMED_OUT, "transfer"),
        TypeRule(_lib, "WriteTimeout", K.TIMED_OUT, "request"),
        TypeRule(_lib, "TimeoutException", K.TIMED_OUT, None),
        TypeRule(_lib, "ReadError", None, "transfer"),
        TypeRule(_lib, "WriteError", None, "request"),
        TypeRule(_lib, "CloseError", None, "close"),
        TypeRule(_lib, "ProxyError", None, "connect"),
        TypeRule(_lib, "RemoteProtocolError", None, None, refine=_httpx_protocol),
    )
# fmt: off
_RULES += (
    # aiohttp (client_exceptions.py)
    TypeRule(_AH, "ClientOSError", None, "transfer"),
    TypeRule(_AH, "ClientConnectorError", None, "connect"),
    TypeRule(_AH, "ClientConnectorDNSError", K.NAME_RESOLUTION_FAILED, "connect"),
    TypeRule(_AH, "ClientConnectorCertificateError", K.TLS_CERTIFICATE, "connect"),
    TypeRule(_AH, "ClientConnectorSSLError", K.TLS_PROTOCOL, "connect"),
    TypeRule(_AH, "ClientSSLError", K.TLS_PROTOCOL, None),
    TypeRule(_AH, "ServerFingerprintMismatch", K.TLS_CERTIFICATE, "connect"),
    TypeRule(_AH, "ServerDisconnectedError", K.REMOTE_DISCONNECTED, "request",
             "the server closed the connection without (a complete) response"),
    TypeRule(_AH, "ServerTimeoutError", K.TIMED_OUT, "transfer"),
    TypeRule(_AH, "ConnectionTimeoutError", K.TIMED_OUT, "connect"),
    TypeRule(_AH, "SocketTimeoutError", K.TIMED_OUT, "transfer"),
    TypeRule(_AH, "ClientPayloadError", K.REMOTE_DISCONNECTED, "body"),
    TypeRule(_AH, "ClientConnectionResetError", K.CONNECTION_RESET, "request"),
    # websockets
    TypeRule(_WS, "ConnectionClosed", K.REMOTE_DISCONNECTED, "transfer"),
    TypeRule(_WS, "ConnectionClosedError", K.REMOTE_DISCONNECTED, "transfer",
             "no close frame: the connection was lost"),
    TypeRule(_WS, "ConnectionClosedOK", None, "close"),
    TypeRule(_WS, "InvalidHandshake", None, "connect"),
    TypeRule(_WS, "InvalidMessage", K.REMOTE_DISCONNECTED, "connect",
             "no valid HTTP response to the opening handshake; websockets drops the error the "
             "connection was lost with (asyncio/connection.py connection_lost), so a reset reads "
             "as a close: the best it can know"),
    # anyio (under httpx's async transport): EndOfStream hides an SSLEOFError "from None"
    TypeRule("anyio", "EndOfStream", K.REMOTE_DISCONNECTED, None),
    # the transport was lost with an error; on 3.9 anyio keeps no OS error to say which
    TypeRule("anyio", "BrokenResourceError", K.CONNECTION_RESET, None),
)
# fmt: on

# fmt: off
_RULES += (
    # the stdlib's protocol clients
    TypeRule("builtins", "EOFError", K.REMOTE_DISCONNECTED, None,
             "the peer closed the stream (ftplib, telnetlib and others raise EOFError at EOF)"),
    TypeRule("smtplib", "SMTPServerDisconnected", K.REMOTE_DISCONNECTED, None,
             "the server closed the connection (Lib/smtplib.py getreply)"),
    TypeRule("smtplib", "SMTPConnectError", None, "connect"),
    TypeRule("smtplib", "SMTPException", None, None),
    TypeRule("poplib", "error_proto", None, None),
    TypeRule("imaplib", "abort", None, None),
    TypeRule("imaplib", "error", None, None),
    TypeRule("ftplib", "Error", None, None),
    TypeRule("xmlrpc.client", "ProtocolError", None, None),
)
# fmt: on

_PG = "postgres/postgres:src/interfaces/libpq"
_PG_TEXT = "libpq keeps only its text (no errno, no exception of its own)"
for _lib in ("psycopg2", "psycopg"):  # both raise libpq's own message
    _RULES += (TypeRule(_lib, "OperationalError", None, None), TypeRule(_lib, "InterfaceError", None, None))
# fmt: off
_RULES += (
    TypeRule("redis", "ConnectionError", None, "connect"),
    TypeRule("redis", "TimeoutError", K.TIMED_OUT, None),
    TypeRule("redis", "BusyLoadingError", None, None),
    TypeRule("pymysql", "OperationalError", None, None, code_arg="mysql"),
    TypeRule("pymysql", "InterfaceError", None, None, code_arg="mysql"),
    TypeRule("psycopg", "ConnectionTimeout", K.TIMED_OUT, "connect",
             "psycopg's own connect timeout (psycopg/connection.py)"),
    TypeRule("asyncpg", "ConnectionDoesNotExistError", K.REMOTE_DISCONNECTED, None,
             "the connection was lost in the middle of an operation"),
    TypeRule("asyncpg", "InterfaceError", None, None),
    TypeRule("pymongo", "AutoReconnect", None, None),
    TypeRule("pymongo", "ServerSelectionTimeoutError", None, "connect",
             "pymongo keeps the last error of server selection only as text"),
    TypeRule("pymongo", "NetworkTimeout", K.TIMED_OUT, None),
    TypeRule("grpc", "RpcError", None, None),
    TypeRule("websocket", "WebSocketConnectionClosedException", K.REMOTE_DISCONNECTED, None,
             "websocket-client read the end of the stream"),
    TypeRule("websocket", "WebSocketTimeoutException", K.TIMED_OUT, None),
    TypeRule("websocket", "WebSocketAddressException", K.NAME_RESOLUTION_FAILED, "connect"),
    TypeRule("paramiko", "NoValidConnectionsError", None, "connect",
             "paramiko keeps each address's error in .errors"),
    TypeRule("paramiko", "SSHException", None, None),
    TypeRule("botocore", "EndpointConnectionError", None, "connect"),
    TypeRule("botocore", "ConnectionClosedError", K.REMOTE_DISCONNECTED, "request",
             "the connection closed before a valid response"),
    TypeRule("botocore", "ReadTimeoutError", K.TIMED_OUT, "transfer"),
    TypeRule("botocore", "ConnectTimeoutError", K.TIMED_OUT, "connect"),
    TypeRule("botocore", "SSLError", K.TLS_PROTOCOL, "connect"),
    TypeRule("botocore", "ProxyConnectionError", None, "connect"),
    TypeRule("elastic_transport", "ConnectionError", None, None),
    TypeRule("elastic_transport", "ConnectionTimeout", K.TIMED_OUT, None),
    TypeRule("elastic_transport", "TlsError", K.TLS_PROTOCOL, None),
    TypeRule("pika", "AMQPConnectionError", None, "connect", "pika keeps the transport's error in args[0]"),
    TypeRule("pika", "StreamLostError", None, None),
    TypeRule("pika", "AMQPConnectorStackTimeout", K.TIMED_OUT, "connect",
             "the AMQP handshake did not complete within stack_timeout"),
    TypeRule("pika", "AMQPConnectorSocketConnectError", None, "connect"),
    TypeRule("tornado", "HTTPStreamClosedError", K.REMOTE_DISCONNECTED, None,
             "tornado's simple client read the end of the stream ('Stream closed')"),
    TypeRule("tornado", "HTTPTimeoutError", K.TIMED_OUT, None),
    TypeRule("tornado", "StreamClosedError", None, None, "tornado keeps the OS error in .real_error"),
    TypeRule("trio", "TooSlowError", K.TIMED_OUT, None),
    TypeRule("trio", "BrokenResourceError", None, None),
    TypeRule("pycurl", "error", None, None, code_arg="curl"),
    TypeRule("httplib2", "ServerNotFoundError", K.NAME_RESOLUTION_FAILED, "connect"),
    TypeRule("kafka", "KafkaTimeoutError", K.TIMED_OUT, None,
             "kafka-python retries every broker until its own timeout and keeps none of their errors"),
    TypeRule("kafka", "NoBrokersAvailable", None, "connect"),
    TypeRule("OpenSSL", "SysCallError", None, None),
    TypeRule("twisted", "ConnectionRefusedError", K.CONNECTION_REFUSED, "connect"),
    TypeRule("twisted", "ConnectError", None, "connect", "Twisted keeps the OS error in .osError"),
    # twisted/internet/tcp.py: a read error (ECONNRESET...) closes with CONNECTION_LOST, an EOF with
    # CONNECTION_DONE: the errno itself is not kept
    TypeRule("twisted", "ConnectionLost", K.CONNECTION_RESET, None,
             "Twisted reads a reset as 'lost in a non-clean fashion' and keeps no errno"),
    TypeRule("twisted", "ConnectionDone", K.REMOTE_DISCONNECTED, None),
    TypeRule("twisted", "TimeoutError", K.TIMED_OUT, None),
    TypeRule("twisted", "CancelledError", K.CANCELLED, None),
    TypeRule("twisted", "DNSLookupError", K.NAME_RESOLUTION_FAILED, "connect"),
    TypeRule("twisted", "ResponseNeverReceived", None, "request",
             "Twisted keeps the causes as Failures in .reasons"),
)
# fmt: on

# fmt: off
#: Phrases of libraries that keep only text (their error, not an exception object, says what happened)
TEXT_RULES: Tuple[TextRule, ...] = (
    *(rule for lib in ("psycopg2", "psycopg") for rule in (
        TextRule(lib, "", "server closed the connection unexpectedly", K.REMOTE_DISCONNECTED, None,
                 f"{_PG}/fe-secure.c (pqsecure_raw_read: EPIPE and ECONNRESET read as a closed one)",
                 "libpq reports a reset (ECONNRESET) and an end of stream alike, and keeps no errno"),
        TextRule(lib, "", "timeout expired", K.TIMED_OUT, "connect",
                 f"{_PG}/fe-connect.c (connectDBComplete: 'timeout expired')", _PG_TEXT),
        TextRule(lib, "", "ssl syscall error: eof detected", K.TLS_EOF, "connect",
                 f"{_PG}/fe-secure-openssl.c ('SSL SYSCALL error: EOF detected')", _PG_TEXT),
        TextRule(lib, "", "ssl error: unexpected eof while reading", K.TLS_EOF, "connect",
                 f"{_PG}/fe-secure-openssl.c ('SSL error: %s' with OpenSSL's reason)", _PG_TEXT),
        TextRule(lib, "", "could not translate host name", K.NAME_RESOLUTION_FAILED, "connect",
                 f"{_PG}/fe-connect.c ('could not translate host name \"%s\" to address: %s')",
                 "libpq keeps only gai_strerror's text"),
    )),
    TextRule("pymongo", "ServerSelectionTimeoutError", "no servers found yet", K.TIMED_OUT, "connect",
             "mongodb/mongo-python-driver:pymongo/synchronous/topology.py ('No servers found yet')",
             "server selection timed out before any connection attempt ended"),
    TextRule("pymongo", "", "connection closed", K.REMOTE_DISCONNECTED, None,
             "mongodb/mongo-python-driver:pymongo/network_layer.py (OSError('connection closed'))",
             "pymongo reports the end of the stream as text only"),
    TextRule("grpc", "", "handshake read failed", K.TLS_EOF, "connect",
             "grpc/grpc:src/core/handshaker/security/security_handshaker.cc",
             "gRPC core keeps the transport's error only as text"),
    TextRule("grpc", "", "socket closed", K.REMOTE_DISCONNECTED, None,
             "grpc/grpc:src/core/lib/iomgr/tcp_posix.cc ('Socket closed' at EOF)",
             "gRPC core keeps the transport's error only as text"),
    TextRule("grpc", "", "statuscode.deadline_exceeded", K.TIMED_OUT, None,
             "grpc/grpc:include/grpcpp/impl/codegen/status_code_enum.h (DEADLINE_EXCEEDED)"),
    TextRule("pycurl", "", "unexpected eof while reading", K.TLS_EOF, "connect",
             "curl/curl@5c61e168698a:lib/vtls/openssl.c (failf with OpenSSL's reason)",
             "pycurl.error keeps the CURLcode and curl's text; the errno is only in Curl.getinfo(OS_ERRNO)"),
    TextRule("OpenSSL", "SysCallError", "unexpected eof", K.TLS_EOF, None,
             "pyca/pyopenssl:src/OpenSSL/SSL.py (_raise_ssl_error: SysCallError(-1, 'Unexpected EOF'))",
             "pyOpenSSL reports the peer's close as a SysCallError with errno -1"),
    TextRule("pymongo", "", "(-1, 'unexpected eof')", K.TLS_EOF, "connect",
             "mongodb/mongo-python-driver:pymongo/pyopenssl_context.py (pyOpenSSL's SysCallError as text)",
             "pymongo keeps pyOpenSSL's error only as text"),
    TextRule("pika", "", "transport indicated eof", K.REMOTE_DISCONNECTED, None,
             "pika/pika:pika/adapters/utils/io_services_utils.py (StreamLostError)",
             "pika reports the end of the stream as text"),
    TextRule("redis", "ConnectionError", "connection closed by server", K.REMOTE_DISCONNECTED, None,
             "redis/redis-py:redis/_parsers/socket.py (SERVER_CLOSED_CONNECTION_ERROR)",
             "redis-py reads the end of the stream itself and raises its own error"),
    TextRule("poplib", "error_proto", "-err eof", K.REMOTE_DISCONNECTED, None,
             "python/cpython:Lib/poplib.py (_getline: raise error_proto('-ERR EOF') when recv returns b'')",
             "poplib turns the end of the stream into a protocol error"),
    TextRule("imaplib", "abort", "socket error: eof", K.REMOTE_DISCONNECTED, None,
             "python/cpython:Lib/imaplib.py (_get_line: raise self.abort('socket error: EOF'))",
             "imaplib turns the end of the stream into IMAP4.abort"),
    TextRule("smtplib", "SMTPServerDisconnected", "please run connect() first", K.NOT_CONNECTED, None,
             "python/cpython:Lib/smtplib.py (send: SMTPServerDisconnected('please run connect() first'))"),
)
# fmt: on

#: Every rule (the table).
RULES: Tuple[TypeRule, ...] = _RULES
_TABLE: Dict[Tuple[str, str], TypeRule] = {(r.library, r.name): r for r in RULES}
_BY_NAME: Dict[str, List[TypeRule]] = {}
for _rule in RULES:
    _BY_NAME.setdefault(_rule.name, []).append(_rule)
_TEXT_BY_LIBRARY: Dict[str, List[TextRule]] = {}
for _text_rule in TEXT_RULES:
    _TEXT_BY_LIBRARY.setdefault(_text_rule.library, []).append(_text_rule)


def library_of(cls: type) -> Optional[str]:
    """``urllib3`` for ``urllib3.exceptions.X`` (or a vendored copy), ``ssl`` for ``ssl.X``..."""
    module = getattr(cls, "__module__", None)
    return library_of_module(module) if isinstance(module, str) else None


_LIBRARY_OF_MODULE: Dict[str, Optional[str]] = {}


def library_of_module(module: str) -> Optional[str]:
    """The library (or stdlib module) of a dotted module path, or None (cached per module)."""
    return remembered(_LIBRARY_OF_MODULE, module, _library_of_module, 4096)


def _library_of_module(module: str) -> Optional[str]:
    for prefix, lib in _STDLIB_MODULES:
        if module == prefix or module.startswith(prefix + "."):
            return lib
    return next((part for part in module.split(".") if part in LIBRARIES), None)


def remembered(cache: Dict[_K, _V], key: _K, compute: Callable[[_K], _V], limit: int = 1024) -> _V:
    """``compute(key)``, kept in ``cache``: a full cache starts over (a long-running process must
    not stop remembering what it sees now; classes made at run time must not pile up)."""
    try:
        return cache[key]
    except KeyError:
        pass
    value = compute(key)
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value


def library_in_traceback(exc: BaseException) -> Optional[str]:
    """The outermost library whose code the traceback runs through (the one the user called: an
    EOFError ftplib raised, a ConnectionRefusedError from inside asyncpg), or None."""
    tb = exc.__traceback__
    for _ in range(200):
        if tb is None:
            return None
        module = tb.tb_frame.f_globals
        name = module.get("__name__") if isinstance(module, dict) else None
        library = library_of_module(name) if isinstance(name, str) else None
        if library is not None and library not in STDLIB:
            return library
        tb = tb.tb_next
    return None


def type_rule(exc: BaseException) -> Optional[TypeRule]:
    """The most specific rule along ``type(exc).__mro__``, or None (cached per class)."""
    return _facts(type(exc)).rule


class _ClassFacts(NamedTuple):
    """What the rules say of a class, whatever its instance: computed once per class."""

    #: the most specific type rule along the MRO
    rule: Optional[TypeRule]
    #: the phrase rules that may apply to its instances, in MRO order
    text_rules: Tuple[TextRule, ...]
    #: the attributes of :data:`_INNER_ATTRS` the class itself defines (properties, slots; all of
    #: them for a class with ``__getattr__``)
    inner_attrs: Tuple[str, ...]
    #: no OSError, no exception group, no rule of any kind for the class or a base (see is_inert)
    inert: bool
    #: an exception group by its name (``ExceptionGroup``, ``BaseExceptionGroup``, trio's...): its
    #: ``exceptions`` are members
    group: bool


_FACTS: Dict[type, _ClassFacts] = {}


def _facts(cls: type) -> _ClassFacts:
    return remembered(_FACTS, cls, _class_facts)


def _class_facts(cls: type) -> _ClassFacts:
    rule: Optional[TypeRule] = None
    text_rules: List[TextRule] = []
    phrase_library = False  # a base belongs to a library with phrase rules (for another class, maybe)
    for base in cls.__mro__:
        lib = library_of(base)
        if lib is None:
            continue
        name = getattr(base, "__name__", "")
        if rule is None:
            rule = _TABLE.get((lib, name))
        phrase_library = phrase_library or lib in _TEXT_BY_LIBRARY
        text_rules.extend(r for r in _TEXT_BY_LIBRARY.get(lib, ()) if r.name in ("", name))
    spaces = [getattr(base, "__dict__", {}) for base in cls.__mro__]
    dynamic = any("__getattr__" in space for space in spaces)  # any name may answer: ask them all
    defined = tuple(attr for attr in _INNER_ATTRS if dynamic or any(attr in space for space in spaces))
    inert = (
        not issubclass(cls, OSError) and rule is None and not phrase_library and not hasattr(cls, "derive")
    )
    group = "ExceptionGroup" in getattr(cls, "__name__", "")
    return _ClassFacts(rule, tuple(text_rules), defined, inert, group)


def is_inert(exc: BaseException) -> bool:
    """True when nothing about ``exc`` but its message could make it a network error: no OSError, no
    exception group, no rule for its class or a base, no exception it wraps (chain, args, attributes
    of its own). The class's part is cached."""
    facts = _FACTS.get(type(exc)) or _facts(type(exc))  # translate()'s exit: spare a call when known
    if not facts.inert or exc.__cause__ is not None or exc.__context__ is not None or exc.__dict__:
        return False  # attributes of its own: a wrapper's .reason, .errors...
    for arg in exc.args:  # noqa: SIM110 - a loop is twice as fast as all() over a generator here
        if isinstance(arg, BaseException):
            return False
    return True


def text_rule(exc: BaseException, text: str) -> Optional[TextRule]:
    """The first phrase rule of ``exc``'s library (and class, along its MRO) that ``text`` has."""
    candidates = _facts(type(exc)).text_rules
    if not candidates:
        return None
    lowered = text.lower()
    for rule in candidates:
        if rule.phrase in lowered:
            return rule
    return None


def may_have_text_rule(exc: BaseException) -> bool:
    """False when no phrase rule can apply to ``exc`` (none for its class and library)."""
    return bool(_facts(type(exc)).text_rules)


def rules_named(name: str, module: str = "") -> List[TypeRule]:
    """The rules for a class name as written in text, narrowed to ``module``'s library when given.

    Without a module, a name that is also a plain word (``timeout``, ``Timeout``) matches nothing:
    only names with an inner capital or ``error`` in them stand for a class on their own.
    """
    found = _BY_NAME.get(name, [])
    if not found:
        return []
    if module:
        library = library_of_module(module)
        return [r for r in found if r.library == library] if library is not None else found
    if not is_plain_word(name) or "error" in name.lower():
        return list(found)
    return []


def is_plain_word(name: str) -> bool:
    """A class name that is also a plain word (``timeout``, ``Timeout``, ``error``): no capital
    after its first letter."""
    return not any(c.isupper() for c in name[1:])


def asyncio_tls_handshake(exc: BaseException) -> bool:
    """True for the bare ``ConnectionResetError()`` asyncio's sslproto raises when the peer closes
    during the TLS handshake (``eof_received`` in the handshake state): its traceback runs through
    ``base_events._create_connection_transport`` or ``start_tls`` with an SSL context."""
    if type(exc) is not ConnectionResetError or exc.args:
        return False
    tb = exc.__traceback__
    for _ in range(200):
        if tb is None:
            return False
        code = tb.tb_frame.f_code
        if code.co_name in ("_create_connection_transport", "start_tls") and "asyncio" in code.co_filename:
            local = tb.tb_frame.f_locals
            return bool(local.get("ssl") or local.get("sslcontext"))
        tb = tb.tb_next
    return False


def aiohttp_tls_handshake(exc: BaseException) -> bool:
    """True for aiohttp's ClientConnectorError on a TLS connection whose OS error is asyncio's bare
    ``ConnectionResetError()``: the same handshake EOF as above, recognised from aiohttp's connection
    key where the traceback does not show asyncio's frames (PyPy)."""
    if library_of(type(exc)) != "aiohttp" or type(exc).__name__ != "ClientConnectorError":
        return False
    inner = safe_attr(exc, "os_error")
    key = safe_attr(exc, "_conn_key")
    return type(inner) is ConnectionResetError and not inner.args and safe_attr(key, "is_ssl") is True


#: attributes where libraries keep the exception they wrap: urllib.error (reason), aiohttp (os_error,
#: certificate_error), urllib3 (original_error), Twisted (osError, reasons), pika (exception),
#: paramiko (errors: {(host, port): exception}), tornado (real_error)
_INNER_ATTRS = (
    "reason",
    "os_error",
    "certificate_error",
    "original_error",
    "osError",
    "exception",
    "errors",
    "reasons",
    "value",
    "real_error",
)
_INNER_ATTR_RANK: Dict[str, int] = {name: rank for rank, name in enumerate(_INNER_ATTRS)}


def safe_attr(obj: object, name: str) -> object:
    """``getattr(obj, name, None)``, also None when the attribute raises."""
    try:
        return getattr(obj, name, None)
    except Exception:
        return None


def inner_exceptions(exc: BaseException) -> List[BaseException]:
    """Exceptions ``exc`` wraps, most direct first: library attributes, args, group members,
    ``__cause__``, then ``__context__`` -- even when ``raise ... from None`` hid it from the
    traceback: anyio hides the SSLEOFError of a cut handshake that way."""
    # plain loops, no comprehensions: this runs for every exception of every chain normalized
    facts = _FACTS.get(type(exc)) or _facts(type(exc))
    names = facts.inner_attrs
    own = getattr(exc, "__dict__", None)
    if own:  # attributes of its own, in the order of _INNER_ATTRS
        extra = []
        for name in own:
            if name in _INNER_ATTR_RANK and name not in names:
                extra.append(name)
        if extra:
            names += tuple(sorted(extra, key=_INNER_ATTR_RANK.__getitem__))
    found: List[object] = []
    for name in names:
        value = safe_attr(exc, name)
        if isinstance(value, dict):
            value = list(value.values())
        for item in value[:8] if isinstance(value, (list, tuple)) else (value,):
            # a Twisted Failure (.reasons: several) holds the exception in .value
            found.append(safe_attr(item, "value") if type(item).__name__ == "Failure" else item)
    args = safe_attr(exc, "args")
    if isinstance(args, tuple):
        found.extend(args[:8])
    if facts.group:
        members = safe_attr(exc, "exceptions")
        if isinstance(members, tuple):
            found.extend(members[:32])
    found.append(safe_attr(exc, "__cause__"))
    found.append(safe_attr(exc, "__context__"))
    inner: List[BaseException] = []
    for item in found:
        if isinstance(item, BaseException) and item is not exc:
            inner.append(item)
    return inner
