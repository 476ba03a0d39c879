"""The built HTML documentation fits the screen: no horizontal overflow at 1280 and 390 px.

Run by the ``docs`` tox env (``CONNERR_DOCS_RENDER=1``, ``CONNERR_DOCS_HTML`` = the HTML it just
built); skipped elsewhere. Without ``CONNERR_DOCS_HTML`` the test builds the docs itself. Pages are
opened in headless Chromium (Debian's ``chromium``; ``.ci/run`` installs it), driven over the
DevTools protocol on a pipe (``--remote-debugging-pipe``: no port, no third-party package), with
the viewport set to each width (390 px as a phone: ``mobile``, so the page's viewport meta applies).

What counts as overflow, at every width:

- the page scrolls sideways: ``document.documentElement.scrollWidth`` > the viewport's width;
- a visible element reaches past the viewport's edges and no scrollable box (``overflow-x`` auto,
  scroll or hidden) holds it (fixed-position drawers, Furo's closed sidebars, are off-canvas by
  design and do not count).

- a box other than a table's wrapper or a code block scrolls sideways (Furo makes its whole content
  column scrollable below 48em, which would hide an overflow inside it).

At 1280 px, also: no table is wider than the box that holds it (Furo puts each table in a
``div.table-wrapper`` that scrolls, which would hide the last columns behind a scroll bar). At
390 px a table may scroll inside its wrapper (a phone cannot show seven columns), but the
reference tables' pages, which stack their rows into blocks on narrow screens, must not. Code
blocks (commands and their real output, such as ``connerr table``'s columns) may scroll inside their
own box at every width: wrapping them would break their columns.

``python tests/test_docs_render.py HTML_DIR`` prints the figures for every page and width.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

WIDTHS = (1280, 390)
#: pages checked, relative to the HTML root
PAGES = (
    "index.html",
    "quickstart.html",
    "reference/platform-windows.html",
    "reference/platform-linux.html",
    "reference/kind-connection_reset.html",
)
#: pages whose tables must fit without scrolling at every width (they stack rows on phones)
STACKED = (
    "reference/platform-windows.html",
    "reference/platform-linux.html",
    "reference/kind-connection_reset.html",
)
ROOT = Path(__file__).resolve().parent.parent

MEASURE = r"""
(() => {
  const de = document.documentElement;
  const vw = de.clientWidth;
  const fixedOrHidden = (el) => {
    for (let p = el; p && p !== de; p = p.parentElement) {
      const cs = getComputedStyle(p);
      if (cs.position === 'fixed' || cs.display === 'none' || cs.visibility === 'hidden') return true;
    }
    return false;
  };
  const scrolls = (el) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  const held = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (scrolls(p)) return true;
    }
    return false;
  };
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList.length) s += '.' + Array.from(el.classList).join('.');
    return s;
  };
  const outside = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right <= vw + 0.5 && r.left >= -0.5) continue;
    if (fixedOrHidden(el) || held(el)) continue;
    outside.push({element: describe(el), left: Math.round(r.left), right: Math.round(r.right)});
  }
  const tables = [];
  for (const t of document.querySelectorAll('article table')) {
    tables.push({table: describe(t), width: Math.round(t.getBoundingClientRect().width)});
  }
  // boxes that scroll sideways: a table's wrapper, a code block, or anything else
  const scrolled = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!['auto', 'scroll'].includes(getComputedStyle(el).overflowX)) continue;
    if (el.scrollWidth <= el.clientWidth + 1 || fixedOrHidden(el)) continue;
    const table = el.matches('.table-wrapper') || el.firstElementChild?.tagName === 'TABLE';
    const code = el.tagName === 'PRE' || el.closest('div.highlight') !== null;
    const what = table ? 'table' : code ? 'code' : 'other';
    scrolled.push({element: describe(el), what, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth});
  }
  return {viewport: vw, innerWidth: window.innerWidth, scrollWidth: de.scrollWidth,
          outside: outside.slice(0, 20), outsideCount: outside.length, tables, scrolled};
})()
"""


def find_chromium() -> Optional[str]:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _above_nine(fd: int) -> int:
    """The same pipe end as a descriptor >= 10 (the original is closed)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Browser:
    """Headless Chromium driven over the DevTools protocol on fds 3 and 4."""

    def __init__(self, executable: str) -> None:
        self._profile = tempfile.mkdtemp(prefix="connerr-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # the child's ends above 9, so that moving them onto 3 and 4 clobbers neither
        to_child_r, from_child_w = (_above_nine(to_child_r), _above_nine(from_child_w))

        args = [
            "--headless",
            "--remote-debugging-pipe",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--hide-scrollbars",
            f"--user-data-dir={self._profile}",
            "about:blank",
        ]
        # the browser reads commands on its fd 3 and writes answers on its fd 4: bash (dash takes
        # only one-digit descriptors) moves the pipes there before it execs the browser
        wire = f'exec "$0" "$@" 3<&{to_child_r} 4>&{from_child_w} {to_child_r}<&- {from_child_w}>&-'
        self._proc = subprocess.Popen(
            [shutil.which("bash") or "/bin/bash", "-c", wire, executable, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(to_child_r, from_child_w),
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self._events: List[Dict[str, Any]] = []

    def _read(self) -> Dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise RuntimeError(f"chromium closed the DevTools pipe (exit {self._proc.poll()})")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)  # type: ignore[no-any-return]

    def send(self, method: str, session: Optional[str] = None, **params: Any) -> Dict[str, Any]:
        self._next_id += 1
        message: Dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})  # type: ignore[no-any-return]
            self._events.append(reply)

    def wait_event(self, method: str, session: str) -> None:
        while True:
            while self._events:
                event = self._events.pop(0)
                if event.get("method") == method and event.get("sessionId") == session:
                    return
            self._events.append(self._read())

    def measure(self, url: str, width: int) -> Dict[str, Any]:
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        try:
            mobile = width < 600
            self.send(
                "Emulation.setDeviceMetricsOverride",
                session,
                width=width,
                height=844 if mobile else 900,
                deviceScaleFactor=1,
                mobile=mobile,
            )
            self.send("Page.enable", session)
            self.send("Page.navigate", session, url=url)
            self.wait_event("Page.loadEventFired", session)
            self.send("Runtime.evaluate", session, expression="document.fonts.ready", awaitPromise=True)
            result = self.send("Runtime.evaluate", session, expression=MEASURE, returnByValue=True)
            return result["result"]["value"]  # type: ignore[no-any-return]
        finally:
            self.send("Target.closeTarget", targetId=target)

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self.send("Browser.close")
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._to_child)
        os.close(self._from_child)
        shutil.rmtree(self._profile, ignore_errors=True)


def problems(page: str, width: int, m: Dict[str, Any]) -> List[str]:
    """What is wrong with one page at one width (empty: it fits)."""
    out = []
    if m["scrollWidth"] > m["viewport"]:
        out.append(f"the page scrolls sideways: scrollWidth {m['scrollWidth']} > {m['viewport']}")
    for o in m["outside"]:
        out.append(f"{o['element']} reaches {o['left']}..{o['right']} px, past the viewport")
    tables_must_fit = width >= 1000 or page in STACKED
    for box in m["scrolled"]:
        where = f"{box['element']} scrolls sideways ({box['scrollWidth']} px in {box['clientWidth']} px)"
        if box["what"] == "other":
            out.append(where)
        elif box["what"] == "table" and tables_must_fit:
            out.append(f"{where}: its table's last columns are hidden behind a scroll bar")
    return out


def build_html(out: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-d",
            str(out / "doctrees"),
            str(ROOT / "docs"),
            str(out / "html"),
        ],
        check=True,
    )
    return out / "html"


def render_enabled() -> bool:
    return os.environ.get("CONNERR_DOCS_RENDER") == "1"


@pytest.fixture(scope="module")
def html_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("CONNERR_DOCS_HTML")
    if given:
        return Path(given)
    return build_html(tmp_path_factory.mktemp("docs"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        pytest.fail("CONNERR_DOCS_RENDER=1 but no chromium on PATH (Debian: apt-get install chromium)")
    b = Browser(executable)
    try:
        yield b
    finally:
        b.close()


pytestmark = pytest.mark.skipif(
    not render_enabled(), reason="set CONNERR_DOCS_RENDER=1 (the docs tox env does)"
)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", PAGES)
def test_page_fits(html_dir: Path, browser: Browser, page: str, width: int) -> None:
    path = html_dir / page
    assert path.is_file(), f"{page} was not built"
    m = browser.measure(path.as_uri(), width)
    assert m["viewport"] == width, m
    assert problems(page, width, m) == []


def test_the_check_sees_overflow(browser: Browser, tmp_path: Path) -> None:
    """The measurement is able to fail: a page with a wide table and a wide picture is caught."""
    page = tmp_path / "wide.html"
    cells = "".join(f"<td>column{i}-{'x' * 40}</td>" for i in range(7))
    page.write_text(
        "<!doctype html><meta name=viewport content='width=device-width'>"
        "<article><div style='overflow-x:auto'><table><tr>" + cells + "</tr></table></div>"
        "<div style='width:1500px;height:10px'></div></article>",
        encoding="utf-8",
    )
    m = browser.measure(page.as_uri(), 1280)
    found = problems("wide.html", 1280, m)
    assert any("the page scrolls sideways" in p for p in found), found
    assert any("hidden behind a scroll bar" in p for p in found), found
    # the same wide table on a phone may scroll in its box on an ordinary page, not on a stacked one
    phone = browser.measure(page.as_uri(), 390)
    assert not any("hidden behind" in p for p in problems("wide.html", 390, phone))
    assert any("hidden behind" in p for p in problems(STACKED[0], 390, phone))


def _main(argv: List[str]) -> int:
    executable = find_chromium()
    if executable is None:
        print("no chromium on PATH", file=sys.stderr)
        return 2
    root = Path(argv[0]) if argv else build_html(Path(tempfile.mkdtemp(prefix="connerr-docs-")))
    pages: Tuple[str, ...] = tuple(argv[1:]) or PAGES
    b = Browser(executable)
    bad = 0
    try:
        for page in pages:
            for width in WIDTHS:
                m = b.measure((root / page).as_uri(), width)
                widest = max((t["width"] for t in m["tables"]), default=0)
                kinds = [b["what"] for b in m["scrolled"]]
                found = problems(page, width, m)
                bad += bool(found)
                print(
                    f"{page:38} {width:4} px: scrollWidth {m['scrollWidth']:4}, widest table "
                    f"{widest:4}, scrolling boxes: {kinds.count('table')} table "
                    f"{kinds.count('code')} code {kinds.count('other')} other, past the edge "
                    f"{m['outsideCount']}: {'OK' if not found else 'FAIL: ' + found[0]}"
                )
    finally:
        b.close()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
