"""The HTTP service: submit runs, follow their events, fetch their files (FastAPI).

    POST   /v1/runs                         JSON {"request", "plan"?, "session"?} or a form
                                            (request, files...) -> 202 {"id", "status"}
    GET    /v1/runs                         the latest runs
    GET    /v1/runs/{id}                    {"id", "status", "response"?, "error"?, "session"?}
    GET    /v1/runs/{id}/events             server-sent events, one per trace event, to run_end
    GET    /v1/runs/{id}/artifacts/{name}   a response file, with its mime type
    GET    /v1/runs/{id}/trace              trace.jsonl
    DELETE /v1/runs/{id}                    cancel
    GET    /healthz                         liveness and queue depth
    GET    /                                the web studio (studio.py); /v1/evals: eval
                                            reports under `eval_roots` (eval_reports.py)

Every run is an ordinary Agent.run into its own folder; the event stream reads that
folder's trace.jsonl, so a stream says exactly what the trace says.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel
from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette

from modalswitch.agent.agent import Agent
from modalswitch.agent.session import load_session, new_session_id
from modalswitch.agent.trace.tracer import complete_lines
from modalswitch.errors import SessionError
from modalswitch.interfaces.http.eval_reports import add_eval_reports
from modalswitch.interfaces.http.jobs import FINAL, JobRecord, JobStore, SQLiteJobStore, Status
from modalswitch.interfaces.http.studio import add_studio
from modalswitch.interfaces.http.uploads import UploadLimits, read_submission
from modalswitch.interfaces.http.workers import RunQueue

NEW_SESSION = "new"
"""The `session` value that starts a conversation (its id comes back with the run)."""


@dataclass(frozen=True)
class ServeConfig:
    """How the service runs: workers, queue, upload limits, API key, job store."""

    workers: int = 2
    queue: int = 64
    max_upload_bytes: int = 100 * 1024 * 1024
    max_files: int = 16
    api_key: str | None = None
    job_store: Path | None = None
    """The SQLite file of run records (default: HOME/serve/jobs.sqlite3)."""
    eval_roots: tuple[Path, ...] = ()
    """Folders whose eval folders' reports the service may show, read-only."""


class RunStatus(BaseModel):
    """How a run stands (`response` once it has one: the run's response.json)."""

    id: str
    status: Status
    request: str | None = None
    session: str | None = None
    error: str | None = None
    created: float | None = None
    finished: float | None = None
    response: dict[str, Any] | None = None


def _status(record: JobRecord, with_response: bool = True) -> RunStatus:
    response = None
    path = Path(record.run_dir) / "response.json"
    if with_response and record.status in FINAL and path.is_file():
        response = json.loads(path.read_text(encoding="utf-8"))
    return RunStatus(id=record.id, status=record.status, request=record.request,
                     session=record.session, error=record.error, created=record.created,
                     finished=record.finished, response=response)


def _auth(config: ServeConfig) -> Callable[[Request], None]:
    def check(request: Request) -> None:
        if config.api_key is None:
            return
        sent = request.headers.get("x-api-key") or request.headers.get(
            "authorization", "").removeprefix("Bearer ").strip()
        if not sent or not secrets.compare_digest(sent.encode(), config.api_key.encode()):
            raise HTTPException(401, "missing or wrong API key: send it as "
                                     "'Authorization: Bearer KEY' or 'X-API-Key: KEY'",
                                headers={"WWW-Authenticate": "Bearer"})
    return check


_SUBMIT_DOC: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "required": ["request"], "properties": {
        "request": {"type": "string"}, "plan": {"type": "object"},
        "session": {"type": "string", "description": "a session id, or 'new'"}}}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["request"], "properties": {
        "request": {"type": "string"}, "plan": {"type": "string", "description": "JSON"},
        "session": {"type": "string"},
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}}


def create_app(agent: Agent, config: ServeConfig | None = None,
               store: JobStore | None = None, extra_apps: Sequence[Starlette] = ()) -> FastAPI:
    """The service over one agent; `extra_apps` add their routes and lifespans (the MCP
    streamable-HTTP app answers at /mcp)."""
    config = config or ServeConfig()
    jobs = store or SQLiteJobStore(config.job_store or agent.home / "serve" / "jobs.sqlite3")
    runs = RunQueue(agent, jobs, workers=config.workers, capacity=config.queue)
    runs_root = agent.home / "serve" / "runs"
    limits = UploadLimits(config.max_upload_bytes, config.max_files)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        jobs.interrupt_unfinished()
        runs.start()
        async with AsyncExitStack() as stack:
            for extra in extra_apps:
                await stack.enter_async_context(extra.router.lifespan_context(extra))
            yield
        await asyncio.to_thread(runs.stop)

    app = FastAPI(title="modalswitch", version="0.1.0", lifespan=lifespan,
                  description="Any-to-any multimodal requests, planned by an LLM over tools.")
    app.state.runs, app.state.jobs = runs, jobs
    guarded = [Depends(_auth(config))]

    def record_of(run_id: str) -> JobRecord:
        record = jobs.get(run_id)
        if record is None:
            raise HTTPException(404, f"no run {run_id!r}")
        return record

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "workers": runs.workers, "running": runs.running,
                "queued": runs.waiting}

    @app.post("/v1/runs", status_code=202, dependencies=guarded, openapi_extra=_SUBMIT_DOC,
              response_model=RunStatus, response_model_exclude_none=True)
    async def submit(request: Request) -> RunStatus:
        run_id = uuid.uuid4().hex[:16]
        run_dir = runs_root / run_id
        submission = await read_submission(request, run_dir / "inputs", limits)
        if submission.session == NEW_SESSION:
            submission.session, submission.new_session = new_session_id(), True
        elif submission.session is not None:
            try:
                load_session(agent.home, submission.session)
            except SessionError as exc:
                raise HTTPException(404, str(exc)) from None
        record = JobRecord(id=run_id, request=submission.request, run_dir=str(run_dir),
                           session=submission.session, created=time.time())
        if runs.waiting >= config.queue:
            raise HTTPException(503, "the run queue is full; try again later",
                                headers={"Retry-After": "5"})
        jobs.create(record)
        if not runs.submit(run_id, submission):
            jobs.update(run_id, status="failed", error="the run queue was full",
                        finished=time.time())
            raise HTTPException(503, "the run queue is full; try again later",
                                headers={"Retry-After": "5"})
        return RunStatus(id=run_id, status="queued", session=submission.session)

    @app.get("/v1/runs", dependencies=guarded)
    def list_runs(limit: int = 100) -> dict[str, list[RunStatus]]:
        return {"runs": [_status(r, with_response=False)
                         for r in jobs.recent(max(1, min(limit, 1000)))]}

    @app.get("/v1/runs/{run_id}", dependencies=guarded, response_model=RunStatus,
             response_model_exclude_none=True)
    def get_run(run_id: str) -> RunStatus:
        return _status(record_of(run_id))

    @app.delete("/v1/runs/{run_id}", status_code=202, dependencies=guarded,
                response_model=RunStatus, response_model_exclude_none=True)
    def cancel_run(run_id: str) -> RunStatus:
        record = record_of(run_id)
        if record.status not in FINAL:
            runs.cancel(run_id)
        return _status(jobs.get(run_id) or record, with_response=False)

    @app.get("/v1/runs/{run_id}/events", dependencies=guarded)
    def events(run_id: str) -> EventSourceResponse:
        record = record_of(run_id)
        return EventSourceResponse(_follow(Path(record.run_dir) / "trace.jsonl",
                                           lambda: record_of(run_id)))

    @app.get("/v1/runs/{run_id}/trace", dependencies=guarded)
    def trace(run_id: str) -> Response:
        path = Path(record_of(run_id).run_dir) / "trace.jsonl"
        if not path.is_file():
            raise HTTPException(404, "the run has no trace yet")
        # A live run appends while we read: serve one snapshot of its whole lines (a file
        # response would send what the file grew to after declaring its length)
        return Response(complete_lines(path), media_type="application/x-ndjson",
                        headers={"Content-Disposition": 'attachment; filename="trace.jsonl"'})

    @app.get("/v1/runs/{run_id}/artifacts/{name}", dependencies=guarded)
    def artifact(run_id: str, name: str) -> FileResponse:
        status = _status(record_of(run_id))
        for item in (status.response or {}).get("artifacts", []):
            if Path(item["path"]).name == name:
                return FileResponse(item["path"], media_type=item["mime"], filename=name)
        raise HTTPException(404, f"run {run_id} has no artifact {name!r}")

    add_studio(app, record_of, guarded)
    add_eval_reports(app, config.eval_roots, guarded)
    for extra in extra_apps:
        app.router.routes.extend(extra.routes)
    return app


async def _follow(path: Path, record: Callable[[], JobRecord]) -> AsyncIterator[dict[str, str]]:
    """Each line of a growing trace.jsonl as an SSE event, until run_end (or, for a run that
    ended without one, a closing run_end made here)."""
    offset, pending, count = 0, "", 0
    while True:
        final = record().status in FINAL  # read before the file, so nothing is missed
        if path.is_file():
            with path.open(encoding="utf-8") as fh:
                fh.seek(offset)
                pending += fh.read()
                offset = fh.tell()
        *lines, pending = pending.split("\n")
        for line in filter(str.strip, lines):
            count += 1
            kind = json.loads(line).get("type", "event")
            yield {"event": kind, "data": line, "id": str(count)}
            if kind == "run_end":
                return
        if final:
            end = {"type": "run_end", "status": "failed", "duration_s": 0.0,
                   "note": record().error or "the run ended without a trace"}
            yield {"event": "run_end", "data": json.dumps(end), "id": str(count + 1)}
            return
        await asyncio.sleep(0.05)
