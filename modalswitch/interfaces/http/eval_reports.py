"""Eval folders under the roots `serve --evals DIR` was given, and their files, read-only.

    GET /v1/evals                  {"roots": N, "evals": [{"id", "name", "report", ...}]}
    GET /v1/evals/{id}/{path}      a file inside that eval folder (report.html and the
                                   media it links to)

A URL never names a place on disk: `id` is looked up among the eval folders found under
the roots at the time of the request, and `path` must resolve (symbolic links followed) to
a regular file inside that folder. Nothing outside the folders the user passed can be
reached, and nothing is ever written.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse

from modalswitch.errors import EvalDirError

MARKER = "results.jsonl"
"""What makes a folder an eval folder (what `modalswitch eval run` writes)."""
MAX_DEPTH = 4
"""How deep under a root eval folders are looked for."""
HEADLINE = ("n", "validity", "node_f1", "edge_f1", "arg_value_f1", "e2e_success")
REPORT_POLICY = ("sandbox; default-src 'none'; img-src 'self' data:; media-src 'self' data:; "
                 "style-src 'unsafe-inline'; frame-ancestors 'self'")
"""A report is shown as a document without scripts, forms or outside requests."""


@dataclass(frozen=True)
class EvalFolder:
    """One eval folder found under a root."""

    id: str
    name: str
    path: Path

    def describe(self) -> dict[str, Any]:
        """What the list shows: name, whether report.html exists, headline metrics."""
        metrics: dict[str, Any] = {}
        try:
            data = json.loads((self.path / "metrics.json").read_text(encoding="utf-8"))
            metrics = {k: data[k] for k in HEADLINE if isinstance(data.get(k), int | float)}
        except (OSError, ValueError):
            pass  # an eval still running, or interrupted: list it without numbers
        return {"id": self.id, "name": self.name,
                "report": (self.path / "report.html").is_file(), "metrics": metrics,
                "modified": (self.path / MARKER).stat().st_mtime}


def check_roots(roots: Sequence[Path]) -> tuple[Path, ...]:
    """The roots as absolute folders; EvalDirError names one that is not a folder."""
    checked = []
    for root in roots:
        path = Path(root).expanduser()
        if not path.is_dir():
            raise EvalDirError(f"--evals {root}: no such folder")
        checked.append(path.resolve())
    return tuple(checked)


def find_evals(roots: Sequence[Path]) -> dict[str, EvalFolder]:
    """Every eval folder under the roots (a root may be one itself), by id."""
    found: dict[str, EvalFolder] = {}
    for root in roots:
        root = Path(root).resolve()
        for folder, dirs, files in os.walk(root):  # symbolic links to folders not followed
            here = Path(folder)
            depth = len(here.relative_to(root).parts)
            if MARKER in files:
                dirs.clear()  # an eval's cases/ hold no evals
                name = "/".join((root.name, *here.relative_to(root).parts))
                key = hashlib.sha256(str(here).encode()).hexdigest()[:12]
                found[key] = EvalFolder(key, name, here)
            elif depth >= MAX_DEPTH:
                dirs.clear()
            dirs.sort()
    return found


def eval_file(folder: EvalFolder, relative: str) -> Path:
    """The regular file `relative` names inside `folder`; LookupError for anything else
    (outside it, through a link that leaves it, missing, a folder, a malformed name)."""
    if not relative or "\x00" in relative or Path(relative).is_absolute():
        raise LookupError(relative)
    base = folder.path.resolve()
    try:
        target = (base / relative).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        raise LookupError(relative) from None
    if not target.is_relative_to(base) or not target.is_file():
        raise LookupError(relative)
    return target


def add_eval_reports(app: FastAPI, roots: Sequence[Path], guarded: Sequence[Any]) -> None:
    """Add the eval routes for these roots (with none, the list is empty)."""
    roots = tuple(Path(r).resolve() for r in roots)

    @app.get("/v1/evals", dependencies=list(guarded))
    def list_evals() -> dict[str, Any]:
        found = sorted(find_evals(roots).values(), key=lambda e: e.name)
        return {"roots": len(roots), "evals": [e.describe() for e in found]}

    @app.get("/v1/evals/{eval_id}/{relative:path}", dependencies=list(guarded))
    def eval_file_route(eval_id: str, relative: str) -> FileResponse:
        folder = find_evals(roots).get(eval_id)
        if folder is None:
            raise HTTPException(404, f"no eval {eval_id!r}")
        try:
            path = eval_file(folder, relative)
        except LookupError:
            raise HTTPException(404, f"eval {folder.name} has no file {relative!r}") from None
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        headers = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": REPORT_POLICY}
        return FileResponse(path, media_type=mime, headers=headers)
