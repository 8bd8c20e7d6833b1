"""The service's bounded queue and worker pool: each worker runs one submitted run at a time.

A run is an ordinary `Agent.run` (or a session turn) into its own run folder, with a
cancel flag that `DELETE /v1/runs/{id}` sets; its trace.jsonl is what the event stream
reads. The queue holds at most `capacity` waiting runs; a full queue refuses new ones.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from modalswitch.agent.agent import Agent
from modalswitch.agent.plan.model import Plan
from modalswitch.agent.response import Response
from modalswitch.agent.session import Session
from modalswitch.agent.trace.events import ErrorEvent, RunEnd, RunStart
from modalswitch.agent.trace.tracer import Tracer
from modalswitch.errors import ModalswitchError, RunCancelled
from modalswitch.interfaces.http.jobs import JobStore, Status

log = logging.getLogger("modalswitch.serve")


@dataclass
class Submission:
    """What a client asked for: a request, its uploaded files, maybe a plan or a session."""

    request: str
    inputs: list[Path] = field(default_factory=list)
    plan: Plan | None = None
    session: str | None = None
    new_session: bool = False
    """True when `session` is an id made for this run (a conversation starts)."""


def response_status(response: Response) -> Status:
    """How a finished run stands, as Agent.run's run_end says it."""
    return "ok" if response.ok else "partial" if response.artifacts or response.text \
        else "failed"


class RunQueue:
    """Runs submissions on `workers` threads, `capacity` of them waiting at most."""

    def __init__(self, agent: Agent, store: JobStore, *, workers: int, capacity: int) -> None:
        self.agent = agent
        self.store = store
        self.workers = max(workers, 1)
        self._queue: queue.Queue[tuple[str, Submission] | None] = queue.Queue(
            maxsize=max(capacity, 1))
        self._cancels: dict[str, threading.Event] = {}
        self._session_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._threads: list[threading.Thread] = []
        self._count_lock = threading.Lock()
        self.running = 0

    def start(self) -> None:
        """Start the workers."""
        for n in range(self.workers):
            thread = threading.Thread(target=self._work, name=f"modalswitch-run-{n}",
                                      daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout_s: float = 10.0) -> None:
        """Cancel running runs and stop the workers (waiting runs stay queued in the store,
        and are marked interrupted on the next start)."""
        for cancel in list(self._cancels.values()):
            cancel.set()
        while True:  # drop what waits; the store still says "queued"
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout_s)
        self._threads.clear()

    @property
    def waiting(self) -> int:
        """Runs in the queue."""
        return self._queue.qsize()

    def submit(self, job_id: str, submission: Submission) -> bool:
        """Queue a run; False when the queue is full."""
        self._cancels[job_id] = threading.Event()
        try:
            self._queue.put_nowait((job_id, submission))
        except queue.Full:
            del self._cancels[job_id]
            return False
        return True

    def cancel(self, job_id: str) -> bool:
        """Ask a queued or running run to stop; False when it is not live."""
        cancel = self._cancels.get(job_id)
        if cancel is None:
            return False
        cancel.set()
        return True

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            job_id, submission = item
            try:
                self._run(job_id, submission)
            except Exception:  # a worker must survive anything one run does
                log.exception("run %s crashed its worker", job_id)
                self.store.update(job_id, status="failed", error="internal error",
                                  finished=time.time())
            finally:
                self._cancels.pop(job_id, None)

    def _run(self, job_id: str, submission: Submission) -> None:
        record = self.store.get(job_id)
        assert record is not None
        run_dir = Path(record.run_dir)
        cancel = self._cancels[job_id]
        if cancel.is_set():
            _cancelled_trace(run_dir, submission.request)
            self.store.update(job_id, status="cancelled", error="cancelled while queued",
                              finished=time.time())
            return
        self.store.update(job_id, status="running", started=time.time())
        with self._count_lock:
            self.running += 1
        status: Status
        error = None
        try:
            response = self._execute(job_id, submission, run_dir, cancel)
            status = "cancelled" if cancel.is_set() else response_status(response)
        except RunCancelled as exc:
            status, error = "cancelled", str(exc)
        except ModalswitchError as exc:
            status, error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            with self._count_lock:
                self.running -= 1
        self.store.update(job_id, status=status, error=error, finished=time.time())

    def _execute(self, job_id: str, submission: Submission, run_dir: Path,
                 cancel: threading.Event) -> Response:
        inputs = [str(p) for p in submission.inputs]
        if submission.session is None:
            return self.agent.run(submission.request, inputs, out_dir=run_dir,
                                  plan=submission.plan, cancel=cancel)
        with self._session_locks[submission.session]:  # one turn of a session at a time
            session = Session(self.agent.run, self.agent.home, submission.session,
                              create=submission.new_session)
            return session.ask(submission.request, inputs, out_dir=run_dir,
                               plan=submission.plan, cancel=cancel)


def _cancelled_trace(run_dir: Path, request: str) -> None:
    """The trace of a run cancelled before it began, so its event stream still ends."""
    tracer = Tracer(run_dir / "trace.jsonl")
    tracer.emit(RunStart(request=request, planner="none"))
    tracer.emit(ErrorEvent(error_type=RunCancelled.__name__, message="cancelled while queued"))
    tracer.emit(RunEnd(status="failed", duration_s=0.0))
