"""Build wiring only: the cffi extension. Metadata lives in pyproject.toml."""

from setuptools import setup

setup(
    cffi_modules=["csrc/ffi_build.py:ffi"],
    ext_package="",
)
