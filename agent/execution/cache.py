"""The step cache: a tool's result keyed by (tool, tool version, resolved arguments).

Artifacts enter the key by content hash, so the same input file under another name still
hits, and a result is reused only while every artifact it names is still in the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from modalswitch.tools.contract.tool import Tool
from modalswitch.tools.runtime.artifacts import Artifact, walk


def _canonical(value: Any) -> Any:
    return walk(value, lambda a: {"artifact": a.sha256, "modality": a.modality.value})


def cache_key(tool: Tool[Any, Any], resolved_args: dict[str, Any]) -> str:
    """The hex key of a tool call with these resolved arguments."""
    # The checkpoint is part of the key: the same tool built on another model must not
    # reuse results (e.g. speech_to_text with Whisper base after tiny.en).
    blob = json.dumps({"tool": tool.name, "version": tool.version,
                       "checkpoint": tool.checkpoint,
                       "args": _canonical(resolved_args)}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _artifacts_in(value: Any) -> list[Artifact]:
    found: list[Artifact] = []
    walk(value, found.append)
    return found


class StepCache:
    """Results on disk, one small JSON file per key."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, tool: Tool[Any, Any], key: str) -> BaseModel | None:
        """The cached output, or None if absent, unreadable or its artifacts are gone."""
        path = self._path(key)
        try:
            output = tool.Output.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValidationError, ValueError):
            return None
        if any(a.path is not None and not a.path.exists() for a in _artifacts_in(output)):
            return None
        return output

    def put(self, key: str, output: BaseModel) -> None:
        """Remember an output (atomically)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(output.model_dump_json())
        os.replace(tmp, path)
