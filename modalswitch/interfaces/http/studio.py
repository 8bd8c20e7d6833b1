"""The web studio on the service: the page at `/`, its files, and a run's folded trace.

    GET /                          the page (web/index.html)
    GET /studio/...                its stylesheet and scripts (plain files, no build step)
    GET /v1/runs/{id}/summary      the run as the one trace fold tells it (agent/trace/fold.py)

The page draws the plan from the `plan_ready` event and takes every step's state from the
summary, so it shows a run exactly as `trace show` and the terminal views do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError

from modalswitch.agent.trace.events import EVENT_ADAPTER, Event
from modalswitch.agent.trace.fold import TraceSummary, summarize_events
from modalswitch.agent.trace.tracer import complete_lines
from modalswitch.interfaces.http.jobs import JobRecord

WEB = Path(__file__).with_name("web")
"""The page's files, shipped as package data."""
PAGE_POLICY = ("default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
               "frame-src 'self' blob:; object-src 'none'; base-uri 'none'; "
               "form-action 'self'; frame-ancestors 'self'")
"""Everything the page loads comes from the service itself: it works offline."""


def read_events(path: Path) -> list[Event]:
    """The complete events of a trace.jsonl that may still be growing (a line being
    written is left for the next read)."""
    if not path.is_file():
        return []
    return [EVENT_ADAPTER.validate_json(line) for line in complete_lines(path).splitlines()
            if line.strip()]


def summary_json(summary: TraceSummary) -> dict[str, Any]:
    """The fold as JSON: run fields, every step (sub-tool calls have `parent`), response."""
    artifacts = [{k: v for k, v in a.items() if k != "local"} | {"name": Path(a["path"]).name}
                 for a in summary.artifacts]
    return {"run_id": summary.run_id, "request": summary.request, "planner": summary.planner,
            "inputs": summary.inputs, "status": summary.status,
            "duration_s": summary.duration_s,
            "route": summary.route.model_dump() if summary.route else None,
            "attempts": summary.attempts, "plan": summary.plan,
            "output_modalities": summary.output_modalities,
            "steps": [dataclasses.asdict(s) for s in summary.steps.values()],
            "cache_hits": summary.cache_hits, "retries": summary.retries,
            "errors": [{"type": t, "message": m} for t, m in summary.errors],
            "response_text": summary.response_text, "artifacts": artifacts}


def add_studio(app: FastAPI, record_of: Callable[[str], JobRecord],
               guarded: Sequence[Any]) -> None:
    """Add the page, its files and the summary route (the page itself needs no key; every
    call it makes does)."""

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(WEB / "index.html", media_type="text/html",
                            headers={"Content-Security-Policy": PAGE_POLICY,
                                     "Cache-Control": "no-cache"})

    app.mount("/studio", StaticFiles(directory=WEB), name="studio")

    @app.get("/v1/runs/{run_id}/summary", dependencies=list(guarded))
    def summary(run_id: str) -> dict[str, Any]:
        run_dir = Path(record_of(run_id).run_dir)
        try:
            events = read_events(run_dir / "trace.jsonl")
        except (OSError, ValidationError) as exc:
            raise HTTPException(500, f"the trace of run {run_id} cannot be read: {exc}") \
                from None
        return summary_json(summarize_events(events, run_dir))
