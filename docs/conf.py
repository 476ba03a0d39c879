"""Sphinx configuration for the connerr documentation."""

import os
import sys

# docs/_ext holds the extension that generates docs/reference/ from the data at build time.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "_ext"))

project = "connerr"
author = "connerr developers"
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "connerr_reference",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
html_theme = "furo"
html_title = "connerr"
# reference/_*.md are fragments included by other pages, not pages of their own
exclude_patterns = ["_build", "_ext", "reference/_*.md"]
myst_enable_extensions = ["colon_fence"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
# doctest: the examples run against the installed package
doctest_global_setup = "import connerr"
