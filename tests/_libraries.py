"""How each network library makes one request, for tests/test_live_libraries.py.

Each function takes a :class:`Target` (a FaultyServer's address, or a name that does not resolve) and
does what a user of the library does first: connect, greet, make one call. Timeouts are 1 s.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any, Callable, Dict, NamedTuple, Optional, Tuple

T = 1.0


class Target(NamedTuple):
    """Where to connect and how."""

    host: str
    port: int
    url: str
    #: the client TLS context trusting the test CA (TLS scenarios), and that CA as a file
    ctx: Optional[ssl.SSLContext]
    ca_path: Optional[str]
    tls: bool


def redis_(t: Target) -> None:
    import redis

    r = redis.Redis(
        host=t.host,
        port=t.port,
        socket_timeout=T,
        socket_connect_timeout=T,
        retry=None,
        retry_on_error=[],
        ssl=t.tls,
        ssl_ca_certs=t.ca_path if t.tls else None,
    )
    r.ping()


def pymysql_(t: Target) -> None:
    import pymysql

    pymysql.connect(
        host=t.host,
        port=t.port,
        user="u",
        password="p",
        connect_timeout=T,
        read_timeout=T,
        ssl={"ca": t.ca_path} if t.tls else None,
    )


def psycopg2_(t: Target) -> None:
    import psycopg2

    psycopg2.connect(
        host=t.host,
        port=t.port,
        user="u",
        dbname="d",
        connect_timeout=1,
        sslmode="require" if t.tls else "disable",
    )


def psycopg_(t: Target) -> None:
    import psycopg

    psycopg.connect(
        host=t.host,
        port=t.port,
        user="u",
        dbname="d",
        connect_timeout=1,
        sslmode="require" if t.tls else "disable",
    )


def asyncpg_(t: Target) -> None:
    import asyncpg

    asyncio.run(
        asyncpg.connect(
            host=t.host, port=t.port, user="u", database="d", timeout=T, ssl=t.ctx if t.tls else False
        )
    )


def aiomysql_(t: Target) -> None:
    import aiomysql

    async def go() -> None:
        conn = await aiomysql.connect(
            host=t.host, port=t.port, user="u", password="p", connect_timeout=T, ssl=t.ctx if t.tls else None
        )
        conn.close()

    asyncio.run(asyncio.wait_for(go(), 3))


def pymongo_(t: Target) -> None:
    import pymongo

    c = pymongo.MongoClient(
        t.host,
        t.port,
        serverSelectionTimeoutMS=1000,
        connectTimeoutMS=1000,
        socketTimeoutMS=1000,
        tls=t.tls,
        tlsCAFile=t.ca_path if t.tls else None,
    )
    c.admin.command("ping")


def grpcio_(t: Target) -> None:
    import grpc

    if t.tls:
        assert t.ca_path is not None
        with open(t.ca_path, "rb") as f:
            ch = grpc.secure_channel(f"localhost:{t.port}", grpc.ssl_channel_credentials(f.read()))
    else:
        ch = grpc.insecure_channel(f"{t.host}:{t.port}")
    with ch:
        ch.unary_unary("/connerr.Test/Call")(b"", timeout=2)


def websockets_(t: Target) -> None:
    import websockets

    async def go() -> None:
        url = t.url.replace("http", "ws")
        async with websockets.connect(url, open_timeout=T, ssl=t.ctx if t.tls else None):
            pass

    asyncio.run(go())


def websocket_client_(t: Target) -> None:
    import websocket

    websocket.create_connection(
        t.url.replace("http", "ws"), timeout=T, sslopt={"ca_certs": t.ca_path} if t.tls else None
    )


def paramiko_(t: Target) -> None:
    import paramiko

    c = paramiko.SSHClient()
    c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    # the banner's own timeout first: with equal ones paramiko's thread and its caller race
    c.connect(
        t.host,
        t.port,
        username="u",
        password="p",
        timeout=2 * T,
        banner_timeout=T / 2,
        auth_timeout=2 * T,
        look_for_keys=False,
        allow_agent=False,
    )


def botocore_(t: Target) -> None:
    import boto3
    from botocore.config import Config

    s3 = boto3.client(
        "s3",
        endpoint_url=t.url,
        aws_access_key_id="x",
        aws_secret_access_key="y",
        region_name="us-east-1",
        verify=t.ca_path if t.tls else None,
        config=Config(retries={"max_attempts": 0, "mode": "standard"}, connect_timeout=T, read_timeout=T),
    )
    s3.list_buckets()


def elasticsearch_(t: Target) -> None:
    from elasticsearch import Elasticsearch

    Elasticsearch(
        t.url, request_timeout=T, max_retries=0, retry_on_timeout=False, ca_certs=t.ca_path if t.tls else None
    ).info()


def clickhouse_(t: Target) -> None:
    import clickhouse_connect

    clickhouse_connect.get_client(
        host=t.host,
        port=t.port,
        connect_timeout=T,
        send_receive_timeout=T,
        secure=t.tls,
        ca_cert=t.ca_path if t.tls else None,
    )


def kafka_(t: Target) -> None:
    from kafka import KafkaProducer

    producer = KafkaProducer(
        bootstrap_servers=f"{t.host}:{t.port}",
        request_timeout_ms=1000,
        api_version=(2, 5, 0),
        max_block_ms=1000,
        security_protocol="SSL" if t.tls else "PLAINTEXT",
        ssl_cafile=t.ca_path if t.tls else None,
    )
    try:
        producer.partitions_for("connerr")  # waits for metadata up to max_block_ms
    finally:
        producer.close(timeout=1)


def pika_(t: Target) -> None:
    import pika

    params = pika.ConnectionParameters(
        t.host,
        t.port,
        socket_timeout=T,
        connection_attempts=1,
        stack_timeout=2,
        blocked_connection_timeout=T,
        ssl_options=pika.SSLOptions(t.ctx) if t.tls else None,
    )
    pika.BlockingConnection(params)


def tornado_(t: Target) -> None:
    from tornado.httpclient import AsyncHTTPClient

    async def go() -> None:
        await AsyncHTTPClient().fetch(
            t.url, connect_timeout=T, request_timeout=T, ssl_options=t.ctx if t.tls else None
        )

    asyncio.run(go())


def trio_(t: Target) -> None:
    import trio

    async def go() -> None:
        with trio.fail_after(T):
            if t.tls:
                s = await trio.open_ssl_over_tcp_stream(t.host, t.port, ssl_context=t.ctx)
            else:
                s = await trio.open_tcp_stream(t.host, t.port)
            await s.send_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            await s.receive_some(10)

    trio.run(go)


def anyio_(t: Target) -> None:
    import anyio

    async def go() -> None:
        with anyio.fail_after(T):
            s = await anyio.connect_tcp(t.host, t.port, tls=t.tls, ssl_context=t.ctx if t.tls else None)
            await s.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            await s.receive()

    anyio.run(go)


def pycurl_(t: Target) -> None:
    import pycurl

    c = pycurl.Curl()
    c.setopt(pycurl.URL, t.url)
    c.setopt(pycurl.CONNECTTIMEOUT, 1)
    c.setopt(pycurl.TIMEOUT, 1)
    c.setopt(pycurl.WRITEFUNCTION, lambda b: None)
    if t.tls:
        c.setopt(pycurl.CAINFO, t.ca_path)
    c.perform()


def httplib2_(t: Target) -> None:
    import httplib2

    httplib2.Http(timeout=T, ca_certs=t.ca_path if t.tls else None).request(t.url)


def ftplib_(t: Target) -> None:
    import ftplib

    if t.tls:
        f = ftplib.FTP_TLS(context=t.ctx, timeout=T)
        f.connect(t.host, t.port)
        f.auth()
    else:
        f = ftplib.FTP(timeout=T)
        f.connect(t.host, t.port)
        f.login()


def smtplib_(t: Target) -> None:
    import smtplib

    c = smtplib.SMTP(t.host, t.port, timeout=T)
    if t.tls:
        c.starttls(context=t.ctx)
    c.ehlo()
    c.noop()


def poplib_(t: Target) -> None:
    import poplib

    c = poplib.POP3(t.host, t.port, timeout=T)
    if t.tls:
        c.stls(context=t.ctx)
    c.user("x")


def imaplib_(t: Target) -> None:
    import imaplib

    c = imaplib.IMAP4(t.host, t.port, timeout=T)
    if t.tls:
        c.starttls(ssl_context=t.ctx)
    c.login("a", "b")


def xmlrpc_(t: Target) -> None:
    import xmlrpc.client

    class Transport(xmlrpc.client.SafeTransport if t.tls else xmlrpc.client.Transport):  # type: ignore[misc]
        def make_connection(self, host: Any) -> Any:  # xmlrpc.client has no timeout of its own
            connection = super().make_connection(host)
            connection.timeout = T
            return connection

    transport = Transport(context=t.ctx) if t.tls else Transport()
    xmlrpc.client.ServerProxy(t.url, transport=transport).system.listMethods()


def twisted_(t: Target) -> None:
    from twisted.internet.asyncioreactor import AsyncioSelectorReactor
    from twisted.internet.defer import Deferred
    from twisted.web.client import Agent, BrowserLikePolicyForHTTPS

    loop = asyncio.new_event_loop()
    reactor = AsyncioSelectorReactor(loop)  # a reactor of its own (the global one runs once)
    reactor.startRunning(installSignalHandlers=False)  # starts the resolver's thread pool
    try:
        policy = None
        if t.tls:
            from twisted.internet.ssl import Certificate

            assert t.ca_path is not None
            with open(t.ca_path, "rb") as f:
                policy = BrowserLikePolicyForHTTPS(trustRoot=Certificate.loadPEM(f.read()))
        agent = Agent(reactor, policy, connectTimeout=T) if policy else Agent(reactor, connectTimeout=T)
        d = agent.request(b"GET", t.url.encode())
        d.addTimeout(T, reactor)
        loop.run_until_complete(Deferred.asFuture(d, loop))
    finally:
        pool = getattr(reactor, "threadpool", None)
        if pool is not None:
            pool.stop()
        loop.close()


#: library -> (how it makes a request, the FaultyServer protocol it speaks)
LIBS: Dict[str, Tuple[Callable[[Target], None], str]] = {
    "redis": (redis_, "raw"),
    "pymysql": (pymysql_, "mysql"),
    "aiomysql": (aiomysql_, "mysql"),
    "psycopg2": (psycopg2_, "postgresql"),
    "psycopg": (psycopg_, "postgresql"),
    "asyncpg": (asyncpg_, "postgresql"),
    "pymongo": (pymongo_, "raw"),
    "grpcio": (grpcio_, "raw"),
    "websockets": (websockets_, "http"),
    "websocket-client": (websocket_client_, "http"),
    "paramiko": (paramiko_, "raw"),
    "botocore": (botocore_, "http"),
    "elasticsearch": (elasticsearch_, "http"),
    "clickhouse-connect": (clickhouse_, "http"),
    "kafka-python": (kafka_, "raw"),
    "pika": (pika_, "raw"),
    "tornado": (tornado_, "http"),
    "trio": (trio_, "http"),
    "anyio": (anyio_, "http"),
    "pycurl": (pycurl_, "http"),
    "httplib2": (httplib2_, "http"),
    "ftplib": (ftplib_, "ftp"),
    "smtplib": (smtplib_, "smtp"),
    "poplib": (poplib_, "pop3"),
    "imaplib": (imaplib_, "imap"),
    "xmlrpc.client": (xmlrpc_, "http"),
    "twisted": (twisted_, "http"),
}
