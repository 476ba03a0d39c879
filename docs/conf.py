"""Sphinx configuration for the connerr documentation."""

project = "connerr"
author = "connerr developers"
extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.doctest"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
html_theme = "furo"
exclude_patterns = ["_build"]
