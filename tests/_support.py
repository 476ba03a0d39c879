"""Constants shared by the tests (importable as ``_support``: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, List, NamedTuple, Optional, Tuple

from connerr import _rules

WINDOWS = sys.platform == "win32"
LINUX = sys.platform.startswith("linux")
MACOS = sys.platform == "darwin"
POSIX = not WINDOWS


#: where each library of the table keeps its exception classes (what a traceback prints)
MODULE_OF = {
    "builtins": "builtins",
    "socket": "socket",
    "ssl": "ssl",
    "http.client": "http.client",
    "urllib.error": "urllib.error",
    "asyncio": "asyncio",
    "concurrent.futures": "concurrent.futures",
    "urllib3": "urllib3.exceptions",
    "requests": "requests.exceptions",
    "httpx": "httpx",
    "httpcore": "httpcore",
    "aiohttp": "aiohttp.client_exceptions",
    "websockets": "websockets.exceptions",
    "anyio": "anyio",
    "smtplib": "smtplib",
    "ftplib": "ftplib",
    "poplib": "poplib",
    "imaplib": "imaplib",
    "xmlrpc.client": "xmlrpc.client",
    "redis": "redis.exceptions",
    "pymysql": "pymysql.err",
    "aiomysql": "aiomysql",
    "psycopg2": "psycopg2",
    "psycopg": "psycopg.errors",
    "asyncpg": "asyncpg.exceptions",
    "pymongo": "pymongo.errors",
    "grpc": "grpc",
    "websocket": "websocket._exceptions",
    "paramiko": "paramiko.ssh_exception",
    "botocore": "botocore.exceptions",
    "elasticsearch": "elasticsearch",
    "elastic_transport": "elastic_transport",
    "clickhouse_connect": "clickhouse_connect.driver.exceptions",
    "kafka": "kafka.errors",
    "pika": "pika.exceptions",
    "tornado": "tornado.simple_httpclient",
    "twisted": "twisted.internet.error",
    "trio": "trio",
    "pycurl": "pycurl",
    "httplib2": "httplib2",
    "OpenSSL": "OpenSSL.SSL",
}
MESSAGE = "something odd happened"


def rule_instance(rule: _rules.TypeRule) -> Tuple[BaseException, str]:
    """(an instance of the rule's class, its dotted name as a traceback prints it)."""
    module_name = MODULE_OF[rule.library]
    try:
        cls = getattr(importlib.import_module(module_name), rule.name)
    except (ImportError, AttributeError):
        cls = None
    if not (
        isinstance(cls, type) and issubclass(cls, BaseException) and _rules.library_of(cls) == rule.library
    ):
        cls = type(rule.name, (Exception,), {"__module__": module_name})
    try:
        exc = cls(MESSAGE)
    except Exception:  # a library class whose constructor wants more: same module and name
        exc = type(rule.name, (Exception,), {"__module__": module_name})(MESSAGE)
    dotted = rule.name if rule.library == "builtins" else f"{module_name}.{rule.name}"
    return exc, dotted


#: the real strings of public reports the explain tests answer (tests/data/*_cases.tsv)
#: the keys every candidate of explain's JSON has (the design contract)
CANDIDATE_KEYS = frozenset(
    ("name", "number", "domain", "platform", "kind", "exception", "message", "notes", "retry", "confidence")
)

DATA = os.path.join(os.path.dirname(__file__), "data")


class CorpusRow(NamedTuple):
    """One real string, where it was printed, and the answer it must get (empty: not proven)."""

    runtime: str
    query: str
    domain: str
    name: str
    number: str
    platform: str
    kind: str
    url: str


def read_corpus(name: str) -> List[CorpusRow]:
    """The rows of ``tests/data/<name>``: newlines and tabs in a query are written ``\\n``, ``\\t``."""
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        lines = [line for line in f.read().split("\n") if line and not line.startswith("#")]
    assert lines[0].split("\t") == list(CorpusRow._fields), name
    return [
        CorpusRow(*(cell.replace("\\n", "\n").replace("\\t", "\t") for cell in line.split("\t")))
        for line in lines[1:]
    ]


def exhaustive_diagnosis(exc: BaseException, platform: Optional[str] = None) -> Any:
    """normalize()'s answer without its shortcuts: no cache, every message of the chain read."""
    from connerr import _normalize

    return _normalize._diagnose(exc, platform, exhaustive=True)
