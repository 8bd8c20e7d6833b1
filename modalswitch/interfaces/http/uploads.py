"""Reading a run submission: JSON, or a multipart form with files, within the upload limits.

Uploaded files are parsed in memory (never spooled to the system's temporary folder) and
written into the run's own folder (`inputs/`), so the service writes nowhere else. Over
the size or count limit the client gets 413 with the limit in the message.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from modalswitch.agent.plan.model import Plan
from modalswitch.errors import PlanError
from modalswitch.interfaces.http.workers import Submission

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_FIELD_BYTES = 1024 * 1024
"""The largest text field of a form (the request, a plan)."""


@dataclass(frozen=True)
class UploadLimits:
    """How much one submission may upload."""

    max_bytes: int
    max_files: int


class RunRequest(BaseModel):
    """The JSON body of `POST /v1/runs`."""

    model_config = ConfigDict(extra="forbid")

    request: str
    plan: dict[str, Any] | None = None
    session: str | None = None
    """A session id to continue, or "new" to start a conversation."""


def too_large(what: str) -> HTTPException:
    """413 with a message that says which limit was passed."""
    return HTTPException(413, f"upload too large: {what}")


async def _limited(stream: AsyncIterator[bytes], limits: UploadLimits
                   ) -> AsyncGenerator[bytes, None]:
    total = 0
    async for chunk in stream:
        total += len(chunk)
        if total > limits.max_bytes:
            raise too_large(f"more than {limits.max_bytes} bytes (the limit per run)")
        yield chunk


def safe_name(filename: str | None, taken: set[str]) -> str:
    """A plain file name for an upload: no folders, no odd characters, not already used."""
    base = _UNSAFE.sub("_", Path(filename or "").name).strip("._")[:100] or "upload"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{n}-{base}"
    taken.add(name)
    return name


def _plan(raw: Any) -> Plan | None:
    if raw in (None, ""):
        return None
    try:
        return Plan.parse(raw)
    except PlanError as exc:
        raise HTTPException(422, {"message": "the plan is malformed",
                                  "issues": [str(i) for i in exc.issues]}) from exc


def _check_request(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise HTTPException(422, "the request is empty: say what you want, e.g. 'transcribe "
                                 "this'")
    return text


async def read_submission(request: Request, inputs_dir: Path,
                          limits: UploadLimits) -> Submission:
    """The submission in a request; its files saved under `inputs_dir`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise too_large(f"{declared} bytes is over the {limits.max_bytes}-byte limit per run")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        return await _read_form(request, inputs_dir, limits)
    if kind not in ("application/json", ""):
        raise HTTPException(415, "send application/json or multipart/form-data")
    body = b"".join([chunk async for chunk in _limited(request.stream(), limits)])
    try:
        data = RunRequest.model_validate_json(body)
    except ValidationError as exc:
        raise HTTPException(422, [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
                                  for e in exc.errors(include_url=False, include_input=False)]
                            ) from None
    return Submission(request=_check_request(data.request), plan=_plan(data.plan),
                      session=data.session)


async def _read_form(request: Request, inputs_dir: Path, limits: UploadLimits) -> Submission:
    parser = MultiPartParser(request.headers, _limited(request.stream(), limits),
                             max_files=limits.max_files, max_fields=8,
                             max_part_size=MAX_FIELD_BYTES)
    parser.spool_max_size = limits.max_bytes + 1  # keep uploads in memory, not in /tmp
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        if "Too many files" in exc.message:
            raise too_large(f"more than {limits.max_files} files (the limit per run)") from None
        raise HTTPException(400, f"bad multipart form: {exc.message}") from None
    try:
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        unknown = {k for k, _ in form.multi_items()} - {"request", "plan", "session", "files"}
        if unknown:
            raise HTTPException(422, f"unknown form field(s): {', '.join(sorted(unknown))}")
        submission = Submission(request=_check_request(fields.get("request")),
                                plan=_plan(fields.get("plan")),
                                session=fields.get("session") or None)
        uploads = [v for k, v in form.multi_items() if isinstance(v, UploadFile)]
        if uploads:
            inputs_dir.mkdir(parents=True, exist_ok=True)
        taken: set[str] = set()
        for upload in uploads:
            dest = inputs_dir / safe_name(upload.filename, taken)
            with dest.open("wb") as fh:
                shutil.copyfileobj(upload.file, fh)
            submission.inputs.append(dest)
        return submission
    finally:
        await form.close()
