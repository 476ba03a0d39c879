"""Run inside Pyodide (CPython on emscripten): connerr's emscripten data against the real runtime.

Prints one line per failed check, then ``N passed, M failed``; the node driver (check.mjs) turns
failures into its exit code.
"""

import errno
import os
import socket
import sys

os.environ["CONNERR_NO_EXTENSION"] = "1"  # no C extension for emscripten: the pure-Python backend

import connerr
from connerr import native, reference
from connerr.taxonomy import NETWORK_KINDS

TAG = "emscripten"
passed = 0
failed = 0


def check(ok: bool, what: str) -> None:
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what}")


def row(domain: str, name: str):
    for record in reference.by_name(name):
        if record.domain == domain and TAG in record.platforms:
            return record, record.platforms[TAG]
    return None, None


check(sys.platform == "emscripten", f"sys.platform is {sys.platform!r}")
check(native.BACKEND == "python", f"backend {native.BACKEND}")
check(native.current_platform() == TAG, f"current_platform() is {native.current_platform()!r}")

for number, name in sorted(errno.errorcode.items()):
    _record, entry = row("errno", name)
    check(
        entry is not None and entry.number == number,
        f"errno.{name} = {number}, data {entry and entry.number}",
    )
    if entry is not None:
        text = os.strerror(number)
        check(entry.message == text, f"os.strerror({number}) = {text!r}, data {entry.message!r}")

for name in sorted(n for n in dir(socket) if n.startswith("EAI_")):
    _record, entry = row("eai", name)
    value = getattr(socket, name)
    check(
        entry is not None and entry.number == value, f"socket.{name} = {value}, data {entry and entry.number}"
    )

network = 0
for number, name in sorted(errno.errorcode.items()):
    record, entry = row("errno", name)
    if record is None or record.kind not in {k.value for k in NETWORK_KINDS}:
        continue
    network += 1
    diagnosis = connerr.normalize(OSError(number, os.strerror(number)))
    primary = reference.resolve("errno", number, TAG)
    check(
        (diagnosis.platform, diagnosis.number, diagnosis.kind.value, diagnosis.name)
        == (TAG, number, record.kind, primary[0] if primary else None),
        f"normalize(OSError({number})) = {diagnosis.platform} {diagnosis.name} {diagnosis.number} "
        f"{diagnosis.kind.value}",
    )
check(network >= 15, f"only {network} network codes")

print(f"{passed} passed, {failed} failed")
