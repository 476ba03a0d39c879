"""The platform registry: every per-platform fact connerr uses, in one table.

Each :class:`Platform` row says how the tag is detected at run time, which note family it belongs
to, where its numbers come from (the zig target whose headers ``tools/gen_codes.py`` reads), which
message tables give its texts, how its ``getaddrinfo`` codes are numbered, and how ``connerr
explain`` weighs it. Every other module (both :mod:`connerr.native` backends, normalize, explain,
the notes, the generators in ``tools/`` and the docs) reads this table; nothing else lists tags.

The tag of the running machine is :func:`connerr.native.current_platform`. Adding a platform: see the
contributor page ``docs/contributing.md``.
"""

from __future__ import annotations

from connerr._namedtuple import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:  # not at run time: importing typing costs connerr explain's start-up
    from typing import Dict, Optional, Tuple

__all__ = [
    "EAI_CONVENTIONS",
    "FAMILIES",
    "PLATFORMS",
    "REGISTRY",
    "Platform",
    "UnknownPlatformError",
    "check_platform",
    "get",
    "os_of_sys_platform",
    "platform_tag",
    "platforms_printing",
]

#: How getaddrinfo's EAI_* codes are numbered: negative (glibc, musl, OpenBSD), positive (the other
#: BSDs, darwin) or the Winsock values (Windows: EAI_NONAME == WSAHOST_NOT_FOUND == 11001).
EAI_CONVENTIONS: Tuple[str, ...] = ("negative", "positive", "winsock")


class Platform(NamedTuple):
    """Every fact connerr keeps about one platform tag."""

    #: the tag (stable: part of the public contract): ``linux``, ``darwin``, ``windows``...
    tag: str
    #: the note family (``linux``, ``bsd``, ``windows``) or "" when no notes apply
    family: str
    #: the OS name as both native backends report it (``compiled_os()``)
    os: str
    #: the ``sys.platform`` prefixes of that OS
    sys_platforms: Tuple[str, ...]
    #: CPU architecture prefixes that select this tag on its OS (empty: any other architecture)
    arches: Tuple[str, ...]
    #: the C library that selects this tag on its OS ("" : any other)
    libc: str
    #: the C library whose headers and texts the data records
    data_libc: str
    #: the zig target whose headers give the numbers (``tools/gen_codes.py``); "" when zig has no
    #: headers for it and the numbers come from ``tools/sources/<tag>.tsv`` (pinned upstream sources)
    zig_target: str
    #: message set of the ``strerror`` texts (``messages.tsv`` column ``msgset``), "" if unsourced
    strerror_set: str
    #: message set of the ``gai_strerror`` texts
    gai_set: str
    #: message set of the ``FormatMessage`` texts (Windows only)
    formatmessage_set: str
    #: how EAI_* codes are numbered (one of :data:`EAI_CONVENTIONS`)
    eai: str
    #: explain's tie-breaker: how often users paste errors from this platform
    prior: float
    #: lower-cased text fragments in pasted text that point at this platform, with their weight
    marks: Tuple[Tuple[str, float], ...] = ()
    #: further message sets whose texts this platform's C library also prints (inference only)
    similar_sets: Tuple[str, ...] = ()
    #: CPU architecture prefixes whose numbering this tag does not cover (reported as ``unknown``)
    other_arches: Tuple[str, ...] = ()
    #: the prefix ``platform.uname().version`` has on this OS, where two tags share a ``sys.platform``
    uname_version: str = ""

    @property
    def message_sets(self) -> Tuple[str, ...]:
        """Every message set whose texts this platform prints."""
        sets = (self.strerror_set, self.gai_set, self.formatmessage_set, *self.similar_sets)
        return tuple(dict.fromkeys(s for s in sets if s))


# fmt: off
#: The registry, in display order. A tag with ``arches`` or ``libc`` wins over the plain tag of its OS.
REGISTRY: Tuple[Platform, ...] = (
    # asm-generic numbering: x86, x86-64, arm, aarch64, riscv, s390x...
    Platform("linux", "linux", "linux", ("linux",), (), "", "glibc", "x86_64-linux-gnu",
             "linux-glibc", "linux-glibc", "", "negative", 0.6,
             (("/home/", 1.0), ("/usr/lib/python3", 1.0), ("/dist-packages/", 1.0), ("linux", 0.5)),
             other_arches=("alpha", "hppa", "parisc")),  # their own numbering, which zig has no headers for
    # musl: the same numbers as asm-generic, its own texts
    Platform("linux-musl", "linux", "linux", ("linux",), (), "musl", "musl", "x86_64-linux-musl",
             "linux-musl", "linux-musl", "", "negative", 0.2, (("alpine", 1.5), ("musl", 1.5))),
    # MIPS has its own numbering (ECONNRESET 131), the same for o32 and n64; glibc's texts by name
    Platform("linux-mips", "linux", "linux", ("linux",), ("mips",), "", "glibc", "mips64el-linux-gnuabi64",
             "linux-glibc", "linux-glibc", "", "negative", 0.1),
    # SPARC: BSD-like numbering (ECONNRESET 54); only sparc64 has glibc
    Platform("linux-sparc", "linux", "linux", ("linux",), ("sparc",), "", "glibc", "sparc64-linux-gnu",
             "linux-glibc", "linux-glibc", "", "negative", 0.1),
    # PowerPC: asm-generic plus EDEADLOCK 58
    Platform("linux-powerpc", "linux", "linux", ("linux",), ("powerpc", "ppc"), "", "glibc",
             "powerpc64le-linux-gnu", "linux-glibc", "linux-glibc", "", "negative", 0.1),
    # Android: the kernel's asm-generic numbering on every ABI, bionic's texts, BSD-style positive EAI
    Platform("android", "linux", "android", ("android",), (), "", "bionic", "",
             "android-bionic", "android-bionic", "", "positive", 0.15,
             (("/data/data/com.termux", 2.0), ("android", 1.5), ("bionic", 1.0))),
    # the macOS SDK headers as zig ships them (any-darwin-any)
    Platform("darwin", "bsd", "darwin", ("darwin",), (), "", "system", "aarch64-macos-none",
             "darwin", "darwin", "", "positive", 0.4,
             (("/users/", 2.0), ("/library/frameworks/", 2.0), ("/opt/homebrew/", 2.0),
              (".framework/", 1.0), ("macos", 1.0), ("darwin", 1.0))),
    # iOS: Darwin's numbers and texts (zig's Mac Catalyst target: the iOS ABI on the same SDK headers)
    Platform("ios", "bsd", "ios", ("ios",), (), "", "system", "aarch64-maccatalyst-none",
             "darwin", "darwin", "", "positive", 0.05, (("iphoneos", 1.5), ("iphone", 1.0))),
    Platform("freebsd", "bsd", "freebsd", ("freebsd",), (), "", "system", "x86_64-freebsd-none",
             "freebsd", "freebsd", "", "positive", 0.15, (("freebsd", 1.0),)),
    Platform("netbsd", "bsd", "netbsd", ("netbsd",), (), "", "system", "x86_64-netbsd-none",
             "netbsd", "netbsd", "", "positive", 0.1, (("netbsd", 1.0),)),
    Platform("openbsd", "bsd", "openbsd", ("openbsd",), (), "", "system", "x86_64-openbsd-none",
             "openbsd", "openbsd", "", "negative", 0.1, (("openbsd", 1.0),)),
    # mingw-w64 headers (the only Windows libc zig ships); the C runtime's errno texts, FormatMessage
    Platform("dragonfly", "bsd", "dragonfly", ("dragonfly",), (), "", "system", "",
             "dragonfly", "dragonfly", "", "positive", 0.03, (("dragonfly", 1.5),)),
    # illumos and Oracle Solaris share sys.platform "sunos5"; Solaris 11's uname version is "11.x"
    Platform("illumos", "", "illumos", ("sunos",), (), "", "illumos-libc", "",
             "illumos", "illumos", "", "positive", 0.03,
             (("illumos", 1.5), ("omnios", 1.5), ("openindiana", 1.5), ("smartos", 1.5))),
    Platform("solaris", "", "solaris", ("sunos",), (), "", "solaris-libc", "",
             "", "", "", "positive", 0.03, (("solaris", 1.5),), uname_version="11."),
    Platform("aix", "", "aix", ("aix",), (), "", "aix-libc", "",
             "", "", "", "positive", 0.03, (("aix", 1.0),)),
    # Haiku: POSIX errors are negative, from B_POSIX_ERROR_BASE
    Platform("haiku", "", "haiku", ("haiku",), (), "", "haiku-libroot", "",
             "haiku", "haiku", "", "positive", 0.02, (("haiku", 1.5),)),
    # GNU/Hurd: glibc, Mach-style errno values (0x40000000 + n)
    Platform("hurd", "", "hurd", ("gnu",), (), "", "glibc", "",
             "hurd-glibc", "hurd-glibc", "", "negative", 0.02, (("hurd", 1.5),)),
    # Cygwin and MSYS2: newlib's numbering, Cygwin's texts
    Platform("cygwin", "", "cygwin", ("cygwin", "msys"), (), "", "newlib", "",
             "cygwin", "cygwin", "", "positive", 0.05, (("cygwin", 1.5), ("/cygdrive/", 2.0), ("msys", 1.0))),
    # emscripten (Pyodide): WASI-style numbering with emscripten's own changes, its copy of musl's texts;
    # ranked above wasi, whose numbers it shares: Pyodide is where CPython on wasm mostly runs
    Platform("windows", "windows", "windows", ("win32",), (), "", "msvcrt", "x86_64-windows-gnu",
             "windows-crt", "windows", "windows", "winsock", 0.5,
             (("\\site-packages\\", 2.0), ("\\lib\\", 1.0), ("appdata\\", 2.0), ("win32", 1.0),
              ("windows", 1.0), ("proactor", 1.0))),
    Platform("emscripten", "", "emscripten", ("emscripten",), (), "", "emscripten-musl", "",
             "emscripten", "emscripten", "", "negative", 0.12, (("pyodide", 2.0), ("emscripten", 1.5))),
    # wasi-libc (WASI preview 1): musl's numbering; no verified source of its texts, which are musl's
    Platform("wasi", "", "wasi", ("wasi",), (), "", "wasi-libc", "wasm32-wasi-musl",
             "", "", "", "negative", 0.1, (("wasi", 1.0),), similar_sets=("linux-musl",)),
)
# fmt: on

#: Every platform tag, in display order.
PLATFORMS: Tuple[str, ...] = tuple(p.tag for p in REGISTRY)
#: Note families: each platform's own, plus ``any`` (true everywhere).
FAMILIES: Tuple[str, ...] = (*dict.fromkeys(p.family for p in REGISTRY if p.family), "any")
_BY_TAG: Dict[str, Platform] = {p.tag: p for p in REGISTRY}


class UnknownPlatformError(ValueError):
    """A platform tag that connerr does not know."""


def check_platform(tag: str) -> str:
    """Return ``tag`` if it is a known platform tag, else raise :class:`UnknownPlatformError`."""
    if tag not in _BY_TAG:
        raise UnknownPlatformError(f"unknown platform {tag!r}; known: {', '.join(PLATFORMS)}")
    return tag


def get(tag: str) -> Platform:
    """The registry row of ``tag``; raises :class:`UnknownPlatformError` for an unknown tag."""
    return _BY_TAG[check_platform(tag)]


_PRINTING: Dict[str, Tuple[str, ...]] = {}


def platforms_printing(message_set: str) -> Tuple[str, ...]:
    """The tags whose C library (or Windows) prints the texts of ``message_set`` (cached)."""
    found = _PRINTING.get(message_set)
    if found is None:
        found = _PRINTING[message_set] = tuple(p.tag for p in REGISTRY if message_set in p.message_sets)
    return found


def os_of_sys_platform(sys_platform: str, uname_version: str = "") -> str:
    """The OS name (as :func:`connerr.native.compiled_os` spells it) of a ``sys.platform`` value;
    ``uname_version`` (``platform.uname().version``) decides between tags that share one."""
    found = [
        p
        for p in REGISTRY
        if sys_platform.startswith(p.sys_platforms) and uname_version.startswith(p.uname_version)
    ]
    found.sort(key=lambda p: -len(p.uname_version))
    return found[0].os if found else "unknown"


def platform_tag(os_name: str, arch: str, libc: str) -> str:
    """The tag for an OS, CPU architecture and C library as :mod:`connerr.native` reports them.

    An OS outside the registry keeps its own name, which matches no data; an architecture whose
    numbering the data does not cover (Linux on alpha or parisc) is ``unknown``, never a wrong tag.
    """
    best: Optional[Platform] = None
    for p in REGISTRY:
        if p.os != os_name or (p.arches and not arch.startswith(p.arches)) or (p.libc and p.libc != libc):
            continue
        if p.other_arches and arch.startswith(p.other_arches):
            return "unknown"
        if best is None or _specificity(p) > _specificity(best):
            best = p
    return best.tag if best is not None else os_name


def _specificity(p: Platform) -> int:
    """An architecture (its own kernel numbering) outranks a C library (its own texts)."""
    return 2 * bool(p.arches) + bool(p.libc)
