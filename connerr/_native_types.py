"""Types shared by the two backends of :mod:`connerr.native`."""

from __future__ import annotations

from connerr._namedtuple import NamedTuple

#: What the C raw_* calls return for arguments they cannot use.
BAD_ARGUMENT = -1

#: ``raw_exchange`` steps: where the exchange stopped.
EXCHANGE_STEPS = {1: "connect", 2: "send", 3: "receive", 4: "eof"}


class Constant(NamedTuple):
    """One code constant as the platform headers define it."""

    domain: str
    name: str
    value: int


#: the longest timeout the raw_* calls take, in seconds (it must fit the C side's int milliseconds)
MAX_TIMEOUT = 86400.0


def check_address(ip: object, port: object) -> None:
    """Both backends' rule for ``ip`` and ``port``: a str without NUL, an int in 0..65535."""
    if not isinstance(ip, str):
        raise TypeError(f"ip must be a str, not {type(ip).__name__}")
    if "\x00" in ip:
        raise ValueError(f"not a numeric IP address: {ip!r}")
    if isinstance(port, bool) or not isinstance(port, int):
        raise TypeError(f"port must be an int, not {type(port).__name__}")
    if not 0 <= port <= 65535:
        raise ValueError(f"port out of range: {port}")


def check_timeout(timeout: object) -> float:
    """Both backends' rule for a timeout: seconds, more than 0 and at most :data:`MAX_TIMEOUT`."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, not {type(timeout).__name__}")
    if not 0 < timeout <= MAX_TIMEOUT:  # also false for NaN
        raise ValueError(f"timeout must be more than 0 and at most {MAX_TIMEOUT:g} s, not {timeout!r}")
    return float(timeout)


def check_data(data: object) -> bytes:
    """Both backends' rule for the bytes to send."""
    if not isinstance(data, bytes):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    return data


def host_bytes(host: object) -> bytes:
    """Both backends' rule for a host name: a str without NUL, passed to getaddrinfo as UTF-8 bytes
    (no IDNA step: a label of 64 characters is the resolver's to refuse, as C's getaddrinfo does)."""
    if not isinstance(host, str):
        raise TypeError(f"host must be a str, not {type(host).__name__}")
    if "\x00" in host:
        raise ValueError(f"unusable host name: {host!r}")
    try:
        return host.encode("utf-8")
    except UnicodeError as exc:
        raise ValueError(f"unusable host name: {host!r}") from exc
