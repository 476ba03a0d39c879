#!/usr/bin/env python3
"""Build ``connerr/data/l10n.tsv``: network error messages as localized systems print them.

* glibc: every language Debian's ``libc-l10n`` package installs (``/usr/share/locale/<lang>/
  LC_MESSAGES/libc.mo``), read with :mod:`gettext`: the translation of each ``strerror`` and
  ``gai_strerror`` text of ``linux-glibc`` (``connerr/data/messages.tsv``) whose code has a kind other
  than ``unknown`` in ``kinds.tsv``. The package's version and each catalog's ``Project-Id-Version``
  are recorded in the rows' source. musl has no translations at all (its ``strerror`` ignores the
  locale's language), so nothing here is ``linux-musl``.
* Windows: the reviewed table ``tools/sources/l10n/windows.tsv`` (FormatMessage texts seen in public
  reports, ``observed``, or on Microsoft's localized pages, ``documented``; each with its URL).

Columns: ``lang msgset domain name field text source status``. Usage: ``python tools/gen_l10n.py``
writes; ``--check`` exits 1 with a diff when the committed file is stale (it needs the same
``libc-l10n`` version; exit 2 when the catalogs are missing).
"""

from __future__ import annotations

import argparse
import gettext
import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "connerr" / "data"
OUT = DATA / "l10n.tsv"
WINDOWS = ROOT / "tools" / "sources" / "l10n" / "windows.tsv"
LOCALE = Path("/usr/share/locale")
HEADER = ("lang", "msgset", "domain", "name", "field", "text", "source", "status")
FIELDS = {"strerror": "errno", "gai_strerror": "eai"}
sys.path.insert(0, str(ROOT))
from tools._regen import read_rows, write_or_check  # noqa: E402


def package_version() -> str:
    """The installed libc-l10n's Debian version; SystemExit(2) if it is not installed."""
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Version}", "libc-l10n"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        raise SystemExit("libc-l10n is not installed (apt-get install libc-l10n)") from None
    if not out:
        raise SystemExit(2)
    return out


def glibc_english() -> List[Tuple[str, str, str, str]]:
    """(domain, name, field, English text) of every linux-glibc message of a code with a kind."""
    kinds = {r["name"]: r["kind"] for r in read_rows(DATA / "kinds.tsv")}
    out = []
    for row in read_rows(DATA / "messages.tsv"):
        network = kinds.get(row["name"], "unknown") != "unknown"
        if row["msgset"] == "linux-glibc" and row["field"] in FIELDS and network:
            out.append((row["domain"], row["name"], row["field"], row["text"]))
    return sorted(out)


def glibcread_rows() -> List[Tuple[str, ...]]:
    version = package_version()
    english = glibc_english()
    out = []
    catalogs = sorted(LOCALE.glob("*/LC_MESSAGES/libc.mo"))
    if not catalogs:
        raise SystemExit(2)
    for mo in catalogs:
        lang = mo.parent.parent.name
        if lang.startswith("en"):
            continue  # English variants repeat the msgids
        with mo.open("rb") as f:
            catalog = gettext.GNUTranslations(f)
        project = catalog.info().get("project-id-version", "?")
        source = f"Debian libc-l10n {version}: {lang}/LC_MESSAGES/libc.mo ({project})"
        for domain, name, field, text in english:
            translated = catalog.gettext(text)  # the msgid itself when the catalog has no translation
            if translated and translated != text:
                out.append(
                    (
                        lang,
                        "linux-glibc",
                        domain,
                        name,
                        field,
                        " ".join(translated.split()),
                        source,
                        "verified",
                    )
                )
    return out


def windowsread_rows() -> List[Tuple[str, ...]]:
    if not WINDOWS.exists():
        return []
    return [
        (
            r["lang"],
            "windows",
            r["domain"],
            r["name"],
            "formatmessage",
            r["text"],
            r["source"] + (f" (Windows {r['windows_version']})" if r.get("windows_version") else ""),
            r["status"],
        )
        for r in read_rows(WINDOWS)
    ]


def build() -> str:
    rows = sorted(set(glibcread_rows() + windowsread_rows()))
    return "\n".join("\t".join(r) for r in [HEADER, *rows]) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail (exit 1) if the committed file is stale")
    return write_or_check(OUT, build(), parser.parse_args(argv).check, ROOT)


if __name__ == "__main__":
    sys.exit(main())
