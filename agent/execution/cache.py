"""The step cache: a tool's result keyed by (tool, tool version, resolved arguments).

Artifacts enter the key by content hash, so the same input file under another name still
hits. Nothing is served on trust: an entry carries the hash of its own text, and a result
is reused only while every artifact it names is still a good object of the store (with a
store given: present at its own object path, bytes matching its hash). A hit is restamped
with the step that reuses it, so provenance names this run's step, not the one that filled
the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from modalswitch.tools.contract.tool import Tool
from modalswitch.tools.runtime.artifacts import Artifact, ArtifactStore, walk
from modalswitch.tools.runtime.integrity import LOOSE_TMP_AGE_S

_FORMAT = 2
"""Bumped when the entry layout changes; older entries are misses."""


def _canonical(value: Any) -> Any:
    return walk(value, lambda a: {"artifact": a.sha256, "modality": a.modality.value})


def cache_key(tool: Tool[Any, Any], resolved_args: dict[str, Any]) -> str:
    """The hex key of a tool call with these resolved arguments."""
    # The checkpoint is part of the key: the same tool built on another model must not
    # reuse results (e.g. speech_to_text with Whisper base after tiny.en).
    blob = json.dumps({"tool": tool.name, "version": tool.version,
                       "checkpoint": tool.checkpoint, **_settings(tool),
                       "args": _canonical(resolved_args)}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _settings(tool: Tool[Any, Any]) -> dict[str, Any]:
    # only when there are some: keys of tools without settings stay what they were
    settings = tool.settings  # a model tool reads its config file for them: once
    return {"settings": settings} if settings else {}


def _artifacts_in(value: Any) -> list[Artifact]:
    found: list[Artifact] = []
    walk(value, found.append)
    return found


def restamp(output: BaseModel, step_id: str) -> BaseModel:
    """The output with the artifacts its step made credited to `step_id` (sub-tool spans
    `old/tool` become `step_id/tool`)."""
    def credit(artifact: Artifact) -> Artifact:
        origin = artifact.provenance
        if origin.source != "step" or origin.step is None:
            return artifact
        _, sep, child = origin.step.partition("/")
        step = step_id + sep + child
        return artifact.model_copy(update={"provenance": origin.model_copy(
            update={"step": step})})

    return type(output).model_validate(walk(output, credit))


class StepCache:
    """Results on disk, one small JSON file per key."""

    def __init__(self, root: Path, store: ArtifactStore | None = None) -> None:
        self.root = Path(root)
        self.store = store
        self.root.mkdir(parents=True, exist_ok=True)
        stale = time.time() - LOOSE_TMP_AGE_S  # half-written entries of killed runs
        for tmp in self.root.glob("*/*.tmp"):
            with contextlib.suppress(OSError):
                if tmp.stat().st_mtime < stale:
                    tmp.unlink()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, tool: Tool[Any, Any], key: str,
            step_id: str | None = None) -> BaseModel | None:
        """The cached output (credited to `step_id` if given), or None if absent, unreadable,
        altered, or any artifact it names is gone or corrupt."""
        path = self._path(key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            body = entry["output"]
            if entry.get("format") != _FORMAT or entry.get("sha256") != _digest(body):
                raise ValueError("altered or outdated entry")
            output = tool.Output.model_validate_json(body)
        except (OSError, ValidationError, ValueError, KeyError, TypeError, RecursionError):
            return None
        for artifact in _artifacts_in(output):
            good = (self.store.verify(artifact) if self.store is not None
                    else artifact.path is None or artifact.path.exists())
            if not good:
                path.unlink(missing_ok=True)
                return None
        return restamp(output, step_id) if step_id is not None else output

    def put(self, key: str, output: BaseModel) -> None:
        """Remember an output (atomically)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        body = output.model_dump_json()
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"format": _FORMAT, "sha256": _digest(body), "output": body}, fh)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)


def _digest(body: object) -> str:
    if not isinstance(body, str):
        raise ValueError("entry output is not text")
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
