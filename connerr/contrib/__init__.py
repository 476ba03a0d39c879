"""Adapters for other libraries; each module imports its library, ``import connerr`` imports none."""
