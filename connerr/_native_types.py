"""Types shared by the two backends of :mod:`connerr.native`."""

from __future__ import annotations

from typing import NamedTuple

#: What the C raw_* calls return for arguments they cannot use.
BAD_ARGUMENT = -1

#: ``raw_exchange`` steps: where the exchange stopped.
EXCHANGE_STEPS = {1: "connect", 2: "send", 3: "receive", 4: "eof"}


class Constant(NamedTuple):
    """One code constant as the platform headers define it."""

    domain: str
    name: str
    value: int
