"""Sphinx configuration for the connerr documentation."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# docs/_ext holds the extensions: the reference pages generated from the data (connerr_reference)
# and the directives that run the examples at build time (connerr_run).
sys.path.insert(0, os.path.join(HERE, "_ext"))

from connerr._version import __version__  # noqa: E402  (the installed package's version)
from connerr.platforms import PLATFORMS  # noqa: E402

project = "connerr"
author = "the connerr authors"
copyright = "2026, the connerr authors"
release = __version__
version = ".".join(__version__.split(".")[:2])
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "connerr_reference",
    "connerr_run",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
html_theme = "furo"
html_title = f"connerr {release}"
html_static_path = ["_static"]
html_css_files = ["connerr.css"]
html_theme_options = {
    "source_repository": "https://github.com/connerr/connerr/",
    "source_branch": "main",
    "source_directory": "docs/",
    "footer_icons": [],
}
# reference/_*.md are fragments included by other pages, not pages of their own;
# _inv holds the offline intersphinx inventory
exclude_patterns = ["_build", "_ext", "_inv", "_static", "reference/_*.md"]
myst_enable_extensions = ["colon_fence", "substitution"]
myst_substitutions = {"release": release, "platform_count": str(len(PLATFORMS))}
myst_heading_anchors = 3
autodoc_member_order = "bysource"
autodoc_typehints = "description"
# doctest: the examples run against the installed package
doctest_global_setup = "import connerr"
# Links to Python's documentation. The build reads no network (CI builds offline), so the inventory
# is a committed copy: docs/_inv/python.inv, Python 3.11's objects.inv (see docs/_inv/README.md).
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", os.path.join(HERE, "_inv", "python.inv")),
}
