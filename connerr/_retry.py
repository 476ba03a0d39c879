"""``should_retry`` and ``retryable``: connerr decides *whether* a failed call may be made again; a retry
library (tenacity, stamina, backoff, urllib3's ``Retry``) decides *how* (backoff, jitter, limits)."""

from __future__ import annotations

from connerr._normalize import normalize

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

__all__ = ["retryable", "should_retry"]


def should_retry(exc: BaseException, *, idempotent: bool = False) -> bool:
    """True when ``exc`` is a transient network failure and making the call again is safe.

    Safe means nothing reached the peer (the connect phase: refused, unreachable, a connect timeout,
    a temporary DNS failure), or the call is ``idempotent`` (a GET, a PUT of the same bytes) and the
    failure is transient (reset, aborted, broken pipe, disconnected, read timeout, TLS EOF). False for
    permanent failures (a name that does not exist, certificate and protocol errors, an address in
    use, permission, invalid arguments) and for anything that is not a network failure. Never raises
    for an exception; :class:`TypeError` for anything else.
    """
    diagnosis = normalize(exc)
    if not diagnosis.kind.network or diagnosis.retry == "no":
        return False
    return diagnosis.retry == "safe" or idempotent


def retryable(*, idempotent: bool = False) -> Callable[[BaseException], bool]:
    """:func:`should_retry` as a predicate, for ``tenacity.retry_if_exception(...)``,
    ``stamina.retry(on=...)`` and the like."""

    def predicate(exc: BaseException) -> bool:
        return isinstance(exc, BaseException) and should_retry(exc, idempotent=idempotent)

    predicate.__name__ = f"retryable(idempotent={idempotent})"
    return predicate
