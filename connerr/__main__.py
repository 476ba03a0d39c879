"""``python -m connerr``: the command-line interface."""

from connerr.cli import run

run()
