"""Constants shared by the tests (importable as ``_support``: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import importlib
import sys
from typing import Tuple

from connerr import _rules

WINDOWS = sys.platform == "win32"
LINUX = sys.platform.startswith("linux")
MACOS = sys.platform == "darwin"
POSIX = not WINDOWS


#: where each library of the table keeps its exception classes (what a traceback prints)
MODULE_OF = {
    "builtins": "builtins", "socket": "socket", "ssl": "ssl", "http.client": "http.client",
    "urllib.error": "urllib.error", "asyncio": "asyncio", "concurrent.futures": "concurrent.futures",
    "urllib3": "urllib3.exceptions", "requests": "requests.exceptions", "httpx": "httpx",
    "httpcore": "httpcore", "aiohttp": "aiohttp.client_exceptions", "websockets": "websockets.exceptions",
    "anyio": "anyio", "smtplib": "smtplib", "ftplib": "ftplib", "poplib": "poplib", "imaplib": "imaplib",
    "xmlrpc.client": "xmlrpc.client", "redis": "redis.exceptions", "pymysql": "pymysql.err",
    "aiomysql": "aiomysql", "psycopg2": "psycopg2", "psycopg": "psycopg.errors",
    "asyncpg": "asyncpg.exceptions",
    "pymongo": "pymongo.errors", "grpc": "grpc", "websocket": "websocket._exceptions",
    "paramiko": "paramiko.ssh_exception", "botocore": "botocore.exceptions", "elasticsearch": "elasticsearch",
    "elastic_transport": "elastic_transport", "clickhouse_connect": "clickhouse_connect.driver.exceptions",
    "kafka": "kafka.errors", "pika": "pika.exceptions", "tornado": "tornado.simple_httpclient",
    "twisted": "twisted.internet.error", "trio": "trio", "pycurl": "pycurl", "httplib2": "httplib2",
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
    if not (isinstance(cls, type) and issubclass(cls, BaseException)
            and _rules.library_of(cls) == rule.library):
        cls = type(rule.name, (Exception,), {"__module__": module_name})
    try:
        exc = cls(MESSAGE)
    except Exception:  # a library class whose constructor wants more: same module and name
        exc = type(rule.name, (Exception,), {"__module__": module_name})(MESSAGE)
    dotted = rule.name if rule.library == "builtins" else f"{module_name}.{rule.name}"
    return exc, dotted
