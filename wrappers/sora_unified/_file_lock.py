"""One holder at a time across processes: an exclusive lock on a file.

With `fcntl` (POSIX) the lock is the operating system's and ends with the process, however it
ends. Without it (Windows) there is no lock: callers keep their own per-process lock, and what
two processes might both do is harmless (make the same cached file twice)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

__all__ = ["file_lock"]


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold the exclusive lock on `path` (created if missing) for the block."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
