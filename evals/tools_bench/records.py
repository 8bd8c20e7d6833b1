"""The tool benchmark's records: a case (an input and what the right answer is), a result
(what a tool made of it and its score), and the shared context tools run in."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from modalswitch.evals.tools_bench.scoring import Errors
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.runtime.artifacts import Artifact, ArtifactStore
from modalswitch.tools.runtime.model_cache import ModelCache


class BenchCase(BaseModel):
    """One input made or shipped locally, and the answer a perfect tool would give."""

    id: str
    bench: str
    """Which benchmark: speech_to_text, read_text, photos, text_to_speech, summarize_video."""
    media: str | None = None
    """The input file (audio, image or video); text_to_speech cases have none."""
    reference: str = ""
    """The words spoken or written: what a transcript or OCR result should say."""
    accepted: list[str] = Field(default_factory=list)
    """ImageNet labels that count as right for a photo (empty: none fits its subject)."""
    words: list[str] = Field(default_factory=list)
    """Words a description or summary must name to count as naming the subject."""
    tags: dict[str, str] = Field(default_factory=dict)
    """How the input was made (voice, condition, codec, font, ...), for the group tables."""


class BenchResult(BaseModel):
    """What one tool (with one model) made of one case, and how it scored."""

    case: str
    bench: str
    tool: str
    model: str
    reference: str = ""
    """What the right output says (the words spoken or written, or the photo's subject)."""
    output: str = ""
    errors: int | None = None
    length: int | None = None
    """Word or character errors and reference length, when the case is scored that way."""
    hit1: bool | None = None
    hit5: bool | None = None
    named: bool | None = None
    """Whether the description or summary named the subject."""
    seconds: float = 0.0
    """Wall time of the tool call."""
    cpu_s: float = 0.0
    """CPU time spent in it (all threads, and programs it ran): on a shared machine, wall
    time grows with the other load and this does not."""
    media_s: float = 0.0
    """The audio or video length the tool processed (or produced, for speech synthesis)."""
    error: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    media: str | None = None
    """A file the tool produced (text_to_speech) or read, for the report's players."""

    def scored(self, errors: Errors) -> BenchResult:
        """This result with an error count."""
        return self.model_copy(update={"errors": errors.errors, "length": errors.length})


def cpu_seconds() -> float:
    """CPU time of this process (all threads) and of the programs it ran (tesseract, ffmpeg,
    espeak-ng) that have finished."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@dataclass(frozen=True)
class Measured:
    """A tool's output and what it cost."""

    output: Any
    seconds: float
    cpu_s: float


def failed(case: BenchCase, tool: str, model: str, exc: Exception) -> BenchResult:
    """A case the tool could not handle: a result that says why, so the bench goes on."""
    return BenchResult(case=case.id, bench=case.bench, tool=tool, model=model,
                       reference=case.reference, error=f"{type(exc).__name__}: {exc}",
                       tags=case.tags, media=case.media)


@dataclass
class BenchContext:
    """Runs tools the way the executor does: one store, one model cache, a context per call."""

    root: Path
    models: ModelCache = field(default_factory=ModelCache)

    def __post_init__(self) -> None:
        self.store = ArtifactStore(self.root / "store")

    def ctx(self, tool: Tool[Any, Any], case: str) -> ToolContext:
        """A fresh context for one call."""
        return ToolContext(store=self.store, models=self.models, step_id=case,
                           tool_name=tool.name, work_dir=self.root)

    def load(self, path: Path | str) -> Artifact:
        """An input file, checked and stored as the agent stores a user's input."""
        return self.store.import_input(path)

    def measure(self, tool: Tool[Any, Any], case: str, **args: Any) -> Measured:
        """One tool call with its wall and CPU time."""
        parsed = tool.Input.model_validate(args)
        start, cpu = time.perf_counter(), cpu_seconds()
        output = tool.run(parsed, self.ctx(tool, case))
        return Measured(output, round(time.perf_counter() - start, 4),
                        round(cpu_seconds() - cpu, 4))

    def timed(self, tool: Tool[Any, Any], case: str, **args: Any) -> tuple[Any, float]:
        """(output, wall seconds) of one tool call."""
        run = self.measure(tool, case, **args)
        return run.output, run.seconds

    def warm(self, tool: Tool[Any, Any], **args: Any) -> float:
        """Run once untimed so model loading is not charged to the first case; seconds."""
        start = time.perf_counter()
        tool.run(tool.Input.model_validate(args), self.ctx(tool, "warm-up"))
        return time.perf_counter() - start


Progress = Callable[[str], None]
"""Told the id of each case as it finishes."""
