"""Platform tags (a DESIGN contract) and the tag of the running machine."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # not at run time: importing typing costs connerr explain's start-up
    from typing import Tuple

#: Every platform tag the reference data covers, in display order.
PLATFORMS: Tuple[str, ...] = (
    "linux", "linux-musl", "linux-mips", "linux-sparc", "linux-powerpc",
    "darwin", "freebsd", "netbsd", "openbsd", "windows", "wasi",
)

#: Linux architectures whose kernel errno numbering differs from asm-generic.
_LINUX_ARCH_TAGS = (("mips", "linux-mips"), ("sparc", "linux-sparc"), ("powerpc", "linux-powerpc"),
                    ("ppc", "linux-powerpc"))


class UnknownPlatformError(ValueError):
    """A platform tag that connerr does not know."""


def check_platform(tag: str) -> str:
    """Return ``tag`` if it is a known platform tag, else raise :class:`UnknownPlatformError`."""
    if tag not in PLATFORMS:
        raise UnknownPlatformError(f"unknown platform {tag!r}; known: {', '.join(PLATFORMS)}")
    return tag


def platform_tag(os_name: str, arch: str, libc: str) -> str:
    """The tag for an OS, CPU architecture and C library as :mod:`connerr.native` reports them."""
    if os_name != "linux":
        return os_name  # an OS outside PLATFORMS keeps its own name and matches no data
    for prefix, tag in _LINUX_ARCH_TAGS:
        if arch.startswith(prefix):
            return tag
    return "linux-musl" if libc == "musl" else "linux"


def current_platform() -> str:
    """The tag of the machine this runs on."""
    from connerr import native

    return platform_tag(native.compiled_os(), native.compiled_arch(), native.compiled_libc())
