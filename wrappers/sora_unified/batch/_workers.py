"""Workers sharing a store: who they are, when one is gone, and the `before_send` hook that
records a worker's paid submit in the store's ledger."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._job_store import JobStore

__all__ = [
    "WORKER_LEASE_SECONDS",
    "SubmitRecorder",
    "new_worker_id",
    "submit_recorder",
    "worker_is_gone",
]

# A worker that has not been heard of for this long is gone (another machine's crash).
WORKER_LEASE_SECONDS = 60.0


class SubmitRecorder:
    """A `before_send` hook for `submit`: records the submit once (retries of a refused
    submit call it again), right before the paid request leaves, not while it queues, its
    `price` reserved against `max_cost`. A crash after it leaves the job `uncertain`, before it
    `pending`. False (a budget is spent: `declined` says which) cancels the submit."""

    def __init__(
        self,
        store: JobStore,
        custom_id: str,
        worker: str,
        max_jobs: int | None,
        *,
        price: float | None = None,
        max_cost: float | None = None,
    ) -> None:
        self.store, self.custom_id, self.worker = store, custom_id, worker
        self.max_jobs, self.price, self.max_cost = max_jobs, price, max_cost
        self.declined: str | None = None
        self._recorded: bool | None = None

    def __call__(self) -> bool:
        if self._recorded is None:
            self.declined = self.store.begin_paid_submit(
                self.custom_id,
                self.worker,
                self.max_jobs,
                price=self.price,
                max_cost=self.max_cost,
            )
            self._recorded = self.declined is None
        return self._recorded


def submit_recorder(
    store: JobStore, custom_id: str, worker: str, max_jobs: int | None
) -> Callable[[], bool]:
    """A `SubmitRecorder` for a budget of jobs only."""
    return SubmitRecorder(store, custom_id, worker, max_jobs)


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def worker_is_gone(worker: str, heartbeat: float | None, now: float) -> bool:
    """A worker of this machine is gone when its process is; any worker when its lease ran out."""
    host, _, rest = worker.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname() and pid_text.isdigit():
        pid = int(pid_text)
        if pid == os.getpid():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # alive, someone else's
        else:
            if _is_zombie(pid):  # killed, not yet reaped (a container's init may never)
                return True
    return heartbeat is None or now - heartbeat > WORKER_LEASE_SECONDS


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc here: the heartbeat lease decides
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
