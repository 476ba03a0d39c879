"""``connerr.contrib.urllib3.Retry``: urllib3's ``Retry`` that gives up at once on what connerr calls
permanent (a name that does not exist, a certificate failure) and on a request that may have been
processed when its method is not idempotent (RFC 9110; even when ``allowed_methods`` lets urllib3 try
any method); everything else is urllib3's own policy (counts, backoff, ``Retry-After``)::

    from connerr.contrib.urllib3 import Retry
    session.mount("https://", requests.adapters.HTTPAdapter(max_retries=Retry(total=5, backoff_factor=0.2)))
"""

from __future__ import annotations

from typing import Any, Optional

from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry as _Retry

from connerr._retry import should_retry

__all__ = ["IDEMPOTENT_METHODS", "Retry"]

#: the methods RFC 9110 (section 9.2.2) calls idempotent: sending one twice does what sending it once does
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})


class Retry(_Retry):
    """urllib3's ``Retry``, asking connerr whether an error may be retried at all."""

    def increment(
        self,
        method: Optional[str] = None,
        url: Optional[str] = None,
        response: Any = None,
        error: Optional[Exception] = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Retry:
        if error is not None:
            # idempotent by the method itself (RFC 9110), whatever allowed_methods widens
            verb = (method or "GET").upper()
            idempotent = verb in IDEMPOTENT_METHODS and self._is_method_retryable(verb)
            if not should_retry(error, idempotent=idempotent):
                raise MaxRetryError(_pool, url, error) from error
        new: Retry = super().increment(method, url, response, error, _pool, _stacktrace)
        return new
