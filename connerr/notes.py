"""Cause notes: what produces a network error on each platform family, what it does not mean, and
what to do, every note with its source.

Data is read from ``connerr/data/notes.tsv`` on first use. Columns:
``name family section text source status checked verdict extracts``.

- ``name``: a code name (``WSAECONNABORTED``, ``ECONNRESET``, ``EAI_AGAIN``) or a kind key for
  errors that have no OS code (``kind:tls_eof``, ``kind:remote_disconnected``).
- ``family``: ``linux`` (every ``linux*`` tag), ``bsd`` (darwin and the BSDs), ``windows``, or
  ``any`` (true on every platform: the TCP specification, CPython, getaddrinfo(3)).
- ``section``: ``operation`` (which call reports it), ``cause``, ``not_meaning`` (a myth it
  corrects), ``distinguish`` (how to tell causes apart), ``action`` (what to do, retry safety).
- ``text``: the statement; text in double quotes is quoted verbatim from a source.
- ``source``: ``"; "``-separated; the first is a man page (``Linux tcp(7)``), a Microsoft docs page
  (``learn.microsoft.com/...``), a source file (``owner/repo:path``) or an RFC 9293 section
  (``RFC 9293 §3.8.4``); later ones may also name a GitHub thread (``owner/repo#N``). An
  ``unverified`` note (field reports) may cite threads only.
- ``status``: ``verified`` (a cited source states it), ``unverified`` (field reports: the cited
  threads show it, no primary source states it) or ``reasoning`` (connerr's own inference from the
  cited facts).
- ``checked``, ``verdict``, ``extracts``: the audit: the date the note was last checked against its
  sources, what that check found (``supported``, ``reworded``, ``re-sourced``, ``unverified``) and
  the ids of the stored passages it rests on (``tools/sources/notes/extracts.tsv``, which records
  where each passage was read: repository and commit, man-pages release, thread).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from connerr import _fastindex
from connerr._data import read_tsv
from connerr.platforms import FAMILIES, check_platform

__all__ = [
    "FAMILIES",
    "Note",
    "SECTIONS",
    "all_notes",
    "family_of",
    "format_note",
    "formatted_notes",
    "names",
    "notes_for",
]

#: Note sections, in display order.
SECTIONS: Tuple[str, ...] = ("operation", "cause", "not_meaning", "distinguish", "action")


@dataclass(frozen=True)
class Note:
    """One sourced statement about one code (or kind) on one platform family."""

    name: str
    family: str
    section: str
    text: str
    source: str
    status: str

    @property
    def sources(self) -> Tuple[str, ...]:
        """The individual sources, first (primary) first."""
        return tuple(s.strip() for s in self.source.split(";") if s.strip())

    def to_dict(self) -> Dict[str, str]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "family": self.family,
            "section": self.section,
            "text": self.text,
            "source": self.source,
            "status": self.status,
        }


def family_of(platform: str) -> Optional[str]:
    """The note family of a platform tag (``"linux-musl"`` -> ``"linux"``); None for ``wasi``.

    Raises :class:`~connerr.platforms.UnknownPlatformError` for an unknown tag.
    """
    return _fastindex.note_family(check_platform(platform))


def notes_for(name: str, platform: Optional[str] = None) -> List[Note]:
    """Notes for a code name or kind key on ``platform`` (its family's notes plus ``any`` notes).

    With ``platform=None`` every family's notes are returned. Names are case-insensitive; an
    unknown name gives an empty list.

    >>> from connerr.notes import notes_for
    >>> [n.section for n in notes_for("WSAECONNABORTED", "windows")][:2]
    ['operation', 'cause']
    >>> notes_for("ECONNRESET", "linux-musl")[0].family
    'linux'
    """
    if platform is not None:
        check_platform(platform)
    return [Note(*row) for row in _fastindex.get().note_rows(name, platform)]


def format_note(note: Note) -> str:
    """``"text [source]"``, with ``(unverified)`` or ``(reasoning)`` appended when no source states it.

    >>> from connerr.notes import Note, format_note
    >>> format_note(Note("X", "any", "cause", "Because.", "Linux tcp(7)", "verified"))
    'Because. [Linux tcp(7)]'
    """
    return _fastindex.format_note_row(
        (note.name, note.family, note.section, note.text, note.source, note.status)
    )


def formatted_notes(name: str, platform: Optional[str] = None) -> List[str]:
    """:func:`notes_for` rendered with :func:`format_note` (what ``explain`` shows)."""
    return [format_note(n) for n in notes_for(name, platform)]


def names() -> Tuple[str, ...]:
    """Every code name and kind key that has notes, sorted."""
    return tuple(sorted({rows[0][0] for rows in _fastindex.get().notes.values()}))


def all_notes() -> Tuple[Note, ...]:
    """Every note, in file order."""
    return tuple(
        Note(row["name"], row["family"], row["section"], row["text"], row["source"], row["status"])
        for row in read_tsv("notes.tsv")
    )
