"""The gateway's store: the batch ledger (`jobs`, `submits`) plus who owns each video, which
Idempotency-Key made it, and the webhook outbox, all in one SQLite file.

The ledger rules are the batch's (a submit is recorded before it leaves; a task id the moment it
is known). What the gateway adds, each step in one transaction with the ledger's:

- a create records the video, its owner and its Idempotency-Key together, so a repeated key
  finds the first video and never a second submit;
- the gateway's own worker claims `pending` videos; a video deleted before its submit left is
  never sent (the check and `begin_submit` are one step);
- a video's final status and its webhook event are written together, and an event is unique per
  video and status however many readers see the task finish at once (the outbox).
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..batch import RECORD_COLUMNS, JobRecord, SQLiteJobStore, record_from_row

__all__ = ["CreateOutcome", "GatewayStore", "OutboxEvent", "VideoRow"]

GATEWAY_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS gateway_videos (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, video_id TEXT NOT NULL UNIQUE,
        owner TEXT NOT NULL, tenant TEXT NOT NULL, created_at REAL NOT NULL,
        request_hash TEXT NOT NULL, shown_status TEXT NOT NULL DEFAULT 'queued',
        deleted_at REAL)""",
    "CREATE INDEX IF NOT EXISTS gateway_videos_by_owner ON gateway_videos (owner, deleted_at)",
    """CREATE TABLE IF NOT EXISTS gateway_idempotency (
        owner TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
        video_id TEXT NOT NULL, created_at REAL NOT NULL, PRIMARY KEY (owner, key))""",
    """CREATE TABLE IF NOT EXISTS gateway_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE,
        video_id TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, next_at REAL NOT NULL,
        state TEXT NOT NULL DEFAULT 'due', UNIQUE (video_id, type))""",
    "CREATE INDEX IF NOT EXISTS gateway_outbox_due ON gateway_outbox (state, next_at)",
)
STATUS_RANK = {"queued": 0, "in_progress": 1, "completed": 2, "failed": 2}
UNCERTAIN_AFTER_RESTART = (
    "the gateway stopped while this video's submit was in flight: the vendor may or may not"
    " have created (and charged for) a task; it was not sent again"
)
JOB_COLUMNS = ", ".join(f"j.{name.strip()}" for name in RECORD_COLUMNS.split(","))


@dataclass(frozen=True, slots=True)
class VideoRow:
    """A video as the gateway keeps it: its ledger row and who owns it."""

    record: JobRecord
    owner: str
    tenant: str
    created_at: float
    shown_status: str
    deleted: bool


@dataclass(frozen=True, slots=True)
class CreateOutcome:
    """What a create did: `made` a new video, found the `video_id` of an earlier one for the
    same key and request, or `conflict` (the key was used with another request)."""

    video_id: str | None
    made: bool = False
    conflict: bool = False
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    event_id: str
    video_id: str
    body: bytes
    attempts: int


class GatewayStore(SQLiteJobStore):
    """`SQLiteJobStore` with the gateway's tables beside the ledger's."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path)
        for statement in GATEWAY_SCHEMA:
            self._db.execute(statement)

    def __repr__(self) -> str:
        return f"GatewayStore({str(self.path)!r})"

    # -- videos -----------------------------------------------------------------------------

    def create_video(
        self,
        *,
        video_id: str,
        owner: str,
        tenant: str,
        vendor: str,
        fields: dict[str, Any],
        request_hash: str,
        idempotency_key: str | None,
        retry_window: float | None = None,
    ) -> CreateOutcome:
        """Record a new `pending` video, unless this tenant's Idempotency-Key (or, for a request
        the client marked as a retry, the same request within `retry_window` seconds) already
        made one: then that video, or a conflict when the key came with another request."""
        now = time.time()
        with self._transaction(durable=True) as db:
            if idempotency_key is not None:
                row = db.execute(
                    "SELECT request_hash, video_id FROM gateway_idempotency"
                    " WHERE owner = ? AND key = ?",
                    (owner, idempotency_key),
                ).fetchone()
                if row is not None:
                    if row[0] != request_hash:
                        return CreateOutcome(row[1], conflict=True)
                    return CreateOutcome(row[1], deleted=self._is_deleted(db, row[1]))
            elif retry_window is not None:
                row = db.execute(
                    "SELECT video_id FROM gateway_videos WHERE owner = ? AND request_hash = ?"
                    " AND created_at >= ? AND deleted_at IS NULL ORDER BY seq DESC LIMIT 1",
                    (owner, request_hash, now - retry_window),
                ).fetchone()
                if row is not None:
                    return CreateOutcome(row[0])
            db.execute(
                "INSERT INTO jobs (custom_id, line, vendor, fields, state, tried, updated)"
                " VALUES (?, 0, ?, ?, 'pending', ?, ?)",
                (video_id, vendor, json.dumps(fields), json.dumps([vendor]), now),
            )
            db.execute(
                "INSERT INTO gateway_videos (video_id, owner, tenant, created_at, request_hash)"
                " VALUES (?, ?, ?, ?, ?)",
                (video_id, owner, tenant, now, request_hash),
            )
            if idempotency_key is not None:
                db.execute(
                    "INSERT INTO gateway_idempotency (owner, key, request_hash, video_id,"
                    " created_at) VALUES (?, ?, ?, ?, ?)",
                    (owner, idempotency_key, request_hash, video_id, now),
                )
        return CreateOutcome(video_id, made=True)

    @staticmethod
    def _is_deleted(db: Any, video_id: str) -> bool:
        row = db.execute(
            "SELECT deleted_at FROM gateway_videos WHERE video_id = ?", (video_id,)
        ).fetchone()
        return row is None or row[0] is not None

    def _videos(self, where: str, parameters: tuple[Any, ...]) -> list[VideoRow]:
        """Videos with their ledger rows, by a fixed WHERE (and ORDER) clause; values bound."""
        with self._transaction() as db:
            rows = db.execute(
                f"SELECT {JOB_COLUMNS}, v.owner, v.tenant, v.created_at, v.shown_status,"  # noqa: S608
                f" v.deleted_at FROM jobs j JOIN gateway_videos v ON v.video_id = j.custom_id"
                f" WHERE {where}",
                parameters,
            ).fetchall()
        return [_video_row(row) for row in rows]

    def video(self, video_id: str, owner: str | None) -> VideoRow | None:
        """The video if it exists, is not deleted and (when `owner` is given) is that owner's:
        another tenant's video is exactly as absent as an unknown one."""
        found = self._videos("j.custom_id = ?", (video_id,))
        if not found or found[0].deleted or owner not in (None, found[0].owner):
            return None
        return found[0]

    def videos(self, owner: str, *, newest_first: bool) -> list[VideoRow]:
        order = "DESC" if newest_first else "ASC"
        return self._videos(
            f"v.owner = ? AND v.deleted_at IS NULL ORDER BY v.seq {order}", (owner,)
        )

    def running(self) -> list[VideoRow]:
        """Videos (not deleted) whose task runs at the vendor. A deleted video's task stays in the
        ledger; nobody is told when it ends."""
        return self._videos("j.state = 'submitted' AND v.deleted_at IS NULL", ())

    def show_status(self, video_id: str, status: str) -> str:
        """The status to answer: never lower than one answered before (a vendor's `queued` after
        our `in_progress` does not make a video go back)."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT shown_status FROM gateway_videos WHERE video_id = ?", (video_id,)
            ).fetchone()
            if row is None:
                return status
            shown = str(row[0])
            if STATUS_RANK.get(shown, 0) > STATUS_RANK.get(status, 0):
                return shown
            if shown != status:
                db.execute(
                    "UPDATE gateway_videos SET shown_status = ? WHERE video_id = ?",
                    (status, video_id),
                )
        return status

    def delete_video(self, video_id: str, owner: str) -> bool:
        """Hide the video from its owner. One not yet sent is never sent; one sent keeps its row
        in the ledger, so the vendor task it paid for stays on record."""
        now = time.time()
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE gateway_videos SET deleted_at = ? WHERE video_id = ? AND owner = ?"
                " AND deleted_at IS NULL",
                (now, video_id, owner),
            )
            if not cursor.rowcount:
                return False
            db.execute(
                "UPDATE jobs SET state = 'failed', error = 'deleted before it was sent',"
                " error_code = 'deleted', updated = ?"
                " WHERE custom_id = ? AND state = 'pending' AND worker IS NULL",
                (now, video_id),
            )
        return True

    # -- the gateway's submit worker --------------------------------------------------------

    def recover_videos(self) -> None:
        """After a gateway process is gone: a video it was sending is `failed` with
        `submission_uncertain` (it may have been paid; never sent again), one it had only
        claimed goes back to the queue."""
        now = time.time()
        uncertain: list[str] = []
        with self._transaction() as db:
            for video_id, state in self._held_by_gone_workers(db, now):
                if state == "submitting":
                    uncertain.append(video_id)
                else:
                    db.execute(
                        "UPDATE jobs SET worker = NULL, updated = ? WHERE custom_id = ?",
                        (now, video_id),
                    )
        for video_id in uncertain:
            self.settle(
                video_id,
                "failed",
                error=UNCERTAIN_AFTER_RESTART,
                code="submission_uncertain",
                from_states=("submitting",),
                job_state="uncertain",
            )

    def release_claims(self, worker: str) -> None:
        """A stopping gateway gives back what it claimed but never sent."""
        with self._transaction() as db:
            db.execute(
                "UPDATE jobs SET worker = NULL WHERE worker = ? AND state = 'pending'", (worker,)
            )

    def claim_pending(self, worker: str) -> JobRecord | None:
        """The oldest video recorded but not yet sent (and not deleted), now this worker's."""
        with self._transaction() as db:
            row = db.execute(
                f"SELECT {JOB_COLUMNS} FROM jobs j"  # noqa: S608
                " JOIN gateway_videos v ON v.video_id = j.custom_id"
                " WHERE j.state = 'pending' AND j.worker IS NULL AND v.deleted_at IS NULL"
                " ORDER BY v.seq LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE jobs SET worker = ?, updated = ? WHERE custom_id = ?",
                (worker, time.time(), row[0]),
            )
        return record_from_row(row)

    def begin_video_submit(self, video_id: str, worker: str, price: float | None = None) -> bool:
        """`begin_submit` (the ledger's row, before the paid request leaves), unless the video
        was deleted since it was claimed: then it is never sent (False cancels the submit). One
        transaction, so a delete lands wholly before or wholly after."""
        now = time.time()
        with self._transaction(durable=True) as db:
            if self._is_deleted(db, video_id):
                db.execute(
                    "UPDATE jobs SET state = 'failed', worker = NULL, error = ?,"
                    " error_code = 'deleted', updated = ? WHERE custom_id = ?",
                    ("deleted before it was sent", now, video_id),
                )
                return False
            self._record_submit(db, video_id, worker, now, price)
        return True

    # -- final states and their events ------------------------------------------------------

    def settle(
        self,
        video_id: str,
        status: str,
        *,
        fields: dict[str, Any] | None = None,
        error: str | None = None,
        code: str | None = None,
        from_states: tuple[str, ...] = ("submitted",),
        job_state: str | None = None,
    ) -> bool:
        """Move a video to its final `status` (completed or failed) if it is still in one of
        `from_states`, and queue its webhook event in the same step. False: another reader
        settled it first (nothing changes, no second event)."""
        now = time.time()
        placeholders = ", ".join("?" for _ in from_states)
        with self._transaction(durable=True) as db:
            values: list[Any] = [job_state or status, error, code, now]
            extra = ""
            if fields is not None:
                extra = ", fields = ?"
                values.append(json.dumps(fields))
            cursor = db.execute(
                f"UPDATE jobs SET state = ?, error = ?, error_code = ?, worker = NULL,"  # noqa: S608
                f" updated = ?{extra} WHERE custom_id = ? AND state IN ({placeholders})",
                (*values, video_id, *from_states),
            )
            if not cursor.rowcount:
                return False
            db.execute(
                "UPDATE gateway_videos SET shown_status = ? WHERE video_id = ?", (status, video_id)
            )
            event = {
                "id": f"evt_{secrets.token_hex(16)}",
                "object": "event",
                "created_at": int(now),
                "type": f"video.{status}",
                "data": {"id": video_id},
            }
            db.execute(
                "INSERT INTO gateway_outbox (event_id, video_id, type, body, next_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (event["id"], video_id, event["type"], json.dumps(event, separators=(",", ":")),
                 now),
            )  # fmt: skip
        return True

    # -- the webhook outbox -----------------------------------------------------------------

    def due_events(self, limit: int = 50) -> list[OutboxEvent]:
        with self._transaction() as db:
            rows = db.execute(
                "SELECT event_id, video_id, body, attempts FROM gateway_outbox"
                " WHERE state = 'due' AND next_at <= ? ORDER BY seq LIMIT ?",
                (time.time(), limit),
            ).fetchall()
        return [OutboxEvent(r[0], r[1], r[2].encode(), r[3]) for r in rows]

    def next_event_at(self) -> float | None:
        with self._transaction() as db:
            (found,) = db.execute(
                "SELECT min(next_at) FROM gateway_outbox WHERE state = 'due'"
            ).fetchone()
        return None if found is None else float(found)

    def event_attempted(
        self, event_id: str, *, delivered: bool, retry_at: float | None = None
    ) -> None:
        """One delivery attempt: delivered, retried at `retry_at`, or (None) given up."""
        state = "delivered" if delivered else ("due" if retry_at is not None else "abandoned")
        with self._transaction() as db:
            db.execute(
                "UPDATE gateway_outbox SET attempts = attempts + 1, state = ?, next_at = ?"
                " WHERE event_id = ?",
                (state, retry_at if retry_at is not None else time.time(), event_id),
            )

    def events(self) -> list[tuple[str, str, str, int]]:
        """Every event: (event id, video id, state, attempts), oldest first."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT event_id, video_id, state, attempts FROM gateway_outbox ORDER BY seq"
            ).fetchall()
        return [(r[0], r[1], r[2], r[3]) for r in rows]


def _video_row(row: Any) -> VideoRow:
    count = len(RECORD_COLUMNS.split(","))
    record = record_from_row(row[:count])
    owner, tenant, created_at, shown, deleted_at = row[count:]
    return VideoRow(record, owner, tenant, created_at, shown, deleted_at is not None)
