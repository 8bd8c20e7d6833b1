"""Run records of the HTTP service, kept in an embedded SQLite database.

A record says what was asked, where its run folder is and how it stands. On start the
service marks every record still queued or running as failed ("interrupted"), so a
restart lists finished runs and never pretends an interrupted one will finish. Another
backend (Redis, Postgres) only has to implement `JobStore`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel

Status = Literal["queued", "running", "ok", "partial", "failed", "cancelled"]
FINAL: frozenset[str] = frozenset({"ok", "partial", "failed", "cancelled"})
INTERRUPTED = "interrupted: the service stopped before the run finished"


class JobRecord(BaseModel):
    """One run submitted to the service."""

    id: str
    status: Status = "queued"
    request: str
    run_dir: str
    session: str | None = None
    error: str | None = None
    created: float
    started: float | None = None
    finished: float | None = None


class JobStore(Protocol):
    """Where run records live."""

    def create(self, record: JobRecord) -> None:
        """Add a new record."""
        ...

    def update(self, job_id: str, **fields: object) -> None:
        """Change some fields of a record."""
        ...

    def get(self, job_id: str) -> JobRecord | None:
        """A record by id, or None."""
        ...

    def recent(self, limit: int = 100) -> list[JobRecord]:
        """The latest records, newest first."""
        ...

    def interrupt_unfinished(self) -> int:
        """Mark every queued or running record failed; how many there were."""
        ...


_COLUMNS = list(JobRecord.model_fields)


class SQLiteJobStore:
    """JobStore in one SQLite file (WAL, one connection shared under a lock)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, status TEXT, "
                         "request TEXT, run_dir TEXT, session TEXT, error TEXT, created REAL, "
                         "started REAL, finished REAL)")

    def create(self, record: JobRecord) -> None:
        """Add a new record."""
        values = [getattr(record, c) for c in _COLUMNS]
        with self._lock:
            self._db.execute(f"INSERT INTO runs ({', '.join(_COLUMNS)}) VALUES "
                             f"({', '.join('?' * len(_COLUMNS))})", values)

    def update(self, job_id: str, **fields: object) -> None:
        """Change some fields of a record."""
        unknown = set(fields) - set(_COLUMNS)
        if unknown:
            raise ValueError(f"unknown run record field(s): {sorted(unknown)}")
        sets = ", ".join(f"{name} = ?" for name in fields)
        with self._lock:
            self._db.execute(f"UPDATE runs SET {sets} WHERE id = ?", [*fields.values(), job_id])

    def _rows(self, sql: str, args: tuple[object, ...]) -> list[JobRecord]:
        with self._lock:
            rows = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM runs {sql}",
                                    args).fetchall()
        return [JobRecord(**dict(zip(_COLUMNS, row, strict=True))) for row in rows]

    def get(self, job_id: str) -> JobRecord | None:
        """A record by id, or None."""
        rows = self._rows("WHERE id = ?", (job_id,))
        return rows[0] if rows else None

    def recent(self, limit: int = 100) -> list[JobRecord]:
        """The latest records, newest first."""
        return self._rows("ORDER BY created DESC LIMIT ?", (limit,))

    def interrupt_unfinished(self) -> int:
        """Mark every queued or running record failed; how many there were."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE runs SET status = 'failed', error = ?, finished = ? "
                "WHERE status IN ('queued', 'running')", (INTERRUPTED, time.time()))
        return cursor.rowcount

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
