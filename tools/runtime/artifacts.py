"""Artifacts: immutable values of one modality, kept in a content-addressed store.

Media files live once under `objects/<aa>/<sha256><ext>`; every write goes to a temporary
file first and is renamed into place, so a crash never leaves a half-written object. An
object is trusted only while its bytes still hash to its name: storing a file whose object
is corrupt replaces the bad object with the good copy (a repair), and `verify` discards a
bad one so the step that made it runs again. Text is carried inline.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from modalswitch.errors import InputFileError, MediaError, ToolError
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.runtime.integrity import TempArea, copy_hashed, discard, matches
from modalswitch.tools.runtime.media import Limits, extension_for, probe


class Provenance(BaseModel):
    """Where an artifact came from: a user input, or a step of a run."""

    model_config = ConfigDict(frozen=True)

    source: Literal["input", "step"]
    step: str | None = None
    tool: str | None = None
    original_name: str | None = None


class Artifact(BaseModel):
    """One immutable value: a media file in the store, or inline text."""

    model_config = ConfigDict(frozen=True)

    sha256: str
    modality: Modality
    mime: str
    path: Path | None = None
    text: str | None = None
    meta: dict[str, Any] = Field(default_factory=dict)
    provenance: Provenance

    def describe(self) -> str:
        """A short human description: kind, size and the most telling metadata."""
        m = self.meta
        if self.modality is Modality.TEXT:
            return f"text, {len(self.text or '')} chars"
        bits = [self.mime]
        if "width" in m:
            bits.append(f"{m['width']}x{m['height']}")
        if "duration_s" in m:
            bits.append(f"{m['duration_s']:.2f}s")
        if "sample_rate" in m:
            bits.append(f"{m['sample_rate']} Hz")
        return ", ".join(bits)


class ArtifactStore:
    """A content-addressed folder of media objects, shared by runs so caches can reuse them."""

    def __init__(self, root: Path, limits: Limits | None = None) -> None:
        # Absolute, so no path handed to a tool or to ffmpeg can start with '-'.
        self.root = Path(root).absolute()
        self.limits = limits or Limits()
        self._objects = self.root / "objects"
        self._objects.mkdir(parents=True, exist_ok=True)
        self._tmp = TempArea.of(self.root / "tmp").path  # orphans of dead runs removed

    def object_path(self, sha256: str, ext: str) -> Path:
        """Where an object with this hash lives."""
        return self._objects / sha256[:2] / f"{sha256}{ext}"

    def import_input(self, path: str | os.PathLike[str]) -> Artifact:
        """Check a user's input file and copy it into the store; raises InputFileError."""
        src = Path(path).absolute()  # a name like "-report" is a file, never an option
        if not src.exists():
            raise InputFileError(src, "no such file")
        if not src.is_file():
            raise InputFileError(src, "not a regular file")
        if not os.access(src, os.R_OK):
            raise InputFileError(src, "permission denied: the file is not readable")
        try:
            info = probe(src, self.limits)
        except MediaError as exc:
            raise InputFileError(src, str(exc)) from exc
        except OSError as exc:
            raise InputFileError(src, f"cannot read it ({exc.strerror or exc})") from exc
        provenance = Provenance(source="input", original_name=src.name)
        if info.modality is Modality.TEXT:
            return self.put_text(src.read_text(encoding="utf-8"), provenance)
        return self._adopt(src, info.modality, info.mime, info.extension, info.meta,
                           provenance, move=False)

    def put_text(self, text: str, provenance: Provenance) -> Artifact:
        """A text artifact, carried inline."""
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return Artifact(sha256=sha, modality=Modality.TEXT, mime="text/plain", text=text,
                        meta={"chars": len(text)}, provenance=provenance)

    def put_file(self, path: Path, provenance: Provenance, *, move: bool = False) -> Artifact:
        """Store a file a tool produced, after checking it decodes; raises ToolError if not."""
        try:
            info = probe(path, self.limits)
        except MediaError as exc:
            raise ToolError(f"the tool produced an unusable file: {exc}") from exc
        if info.modality is Modality.TEXT:
            return self.put_text(path.read_text(encoding="utf-8"), provenance)
        return self._adopt(path, info.modality, info.mime, info.extension, info.meta,
                           provenance, move=move)

    @contextlib.contextmanager
    def new_file(self, suffix: str) -> Iterator[Path]:
        """A fresh temporary path for a tool to write into; store it with put_file(move=True)."""
        fd, name = tempfile.mkstemp(suffix=suffix, dir=self._tmp)
        os.close(fd)
        tmp = Path(name)
        try:
            yield tmp
        finally:
            tmp.unlink(missing_ok=True)

    def get(self, artifact: Artifact) -> Artifact:
        """The artifact if its object is still present, else raise KeyError."""
        if artifact.path is not None and not artifact.path.exists():
            raise KeyError(artifact.sha256)
        return artifact

    def owns(self, artifact: Artifact) -> bool:
        """True when a media artifact's path is this store's object for its hash."""
        path = artifact.path
        return path is not None and path == self.object_path(artifact.sha256, path.suffix)

    def verify(self, artifact: Artifact) -> bool:
        """True when the artifact is inline text or a store object whose bytes still hash to
        its name; a corrupt object is discarded (so it is made again, never served)."""
        if artifact.path is None:
            return artifact.text is not None
        if not self.owns(artifact):
            return False
        if matches(artifact.path, artifact.sha256):
            return True
        discard(artifact.path)
        return False

    def _adopt(self, src: Path, modality: Modality, mime: str, ext: str,
               meta: dict[str, Any], provenance: Provenance, *, move: bool) -> Artifact:
        # The staging copy is what gets hashed and kept, so an object's name always matches
        # its bytes, even if the source changes meanwhile.
        fd, staging = tempfile.mkstemp(suffix=ext, dir=self._tmp)
        try:
            with os.fdopen(fd, "wb") as out, src.open("rb") as source:
                sha = copy_hashed(source, out)
            dest = self.object_path(sha, ext or extension_for(mime))
            if not matches(dest, sha):  # absent, or corrupt: this good copy replaces it
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(staging, 0o444)
                os.replace(staging, dest)  # atomic; identical content if it raced
        finally:
            Path(staging).unlink(missing_ok=True)
        if move:
            src.unlink(missing_ok=True)
        return Artifact(sha256=sha, modality=modality, mime=mime, path=dest, meta=meta,
                        provenance=provenance)


def walk(value: Any, artifact: Callable[[Artifact], Any], *,
         scalar: Callable[[Any], Any] = lambda v: v, max_items: int | None = None) -> Any:
    """Rebuild a value (lists, dicts, pydantic models) with every artifact in it replaced by
    `artifact(a)` and every other leaf by `scalar(v)`; lists cut to `max_items`."""
    if isinstance(value, Artifact):
        return artifact(value)
    if isinstance(value, BaseModel):
        value = value.__dict__
    if isinstance(value, dict):
        return {k: walk(v, artifact, scalar=scalar, max_items=max_items) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [walk(v, artifact, scalar=scalar, max_items=max_items)
                for v in value[:max_items]]
    return scalar(value)
