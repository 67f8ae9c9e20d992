"""The package's version: a leaf, so the client's User-Agent and the CLI's --version read it
without importing the package's `__init__` (and everything it re-exports)."""

__version__ = "0.1.0"
