"""The Tool contract: typed pydantic inputs and outputs, declared modalities, a lazy backend.

A tool's Input and Output models mark their media fields with `ImageArtifact`,
`AudioArtifact`, `VideoArtifact` (an `Artifact` of that modality) or `TextContent` (a string
that is content, not a setting). Those marks are where a tool's modalities, the planner's
JSON schema and the plan's type checks all come from, so they can never disagree.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, Generic, TypeVar, get_args, get_origin

from pydantic import AfterValidator, BaseModel

from .artifacts import Artifact, ArtifactStore, Provenance
from .modality import Modality
from .model_cache import ModelCache


@dataclass(frozen=True)
class MediaField:
    """Marks a model field as content of one modality."""

    modality: Modality


def _of_modality(modality: Modality) -> Callable[[Artifact], Artifact]:
    def check(value: Artifact) -> Artifact:
        if value.modality is not modality:
            raise ValueError(f"expected {modality.value}, got {value.modality.value}")
        return value

    return check


ImageArtifact = Annotated[Artifact, MediaField(Modality.IMAGE), AfterValidator(
    _of_modality(Modality.IMAGE))]
AudioArtifact = Annotated[Artifact, MediaField(Modality.AUDIO), AfterValidator(
    _of_modality(Modality.AUDIO))]
VideoArtifact = Annotated[Artifact, MediaField(Modality.VIDEO), AfterValidator(
    _of_modality(Modality.VIDEO))]
TextContent = Annotated[str, MediaField(Modality.TEXT)]


@dataclass(frozen=True)
class FieldKind:
    """What a model field holds, as far as plans are concerned."""

    modality: Modality | None  # None: a plain setting (a number, a language code...)
    is_list: bool = False


def field_kind(model: type[BaseModel], name: str) -> FieldKind:
    """The modality (and list-ness) a field of an Input or Output model carries."""
    info = model.model_fields[name]
    for meta in info.metadata:
        if isinstance(meta, MediaField):
            return FieldKind(meta.modality)
    annotation = info.annotation
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        for meta in getattr(item, "__metadata__", ()):
            if isinstance(meta, MediaField):
                return FieldKind(meta.modality, is_list=True)
    return FieldKind(None)


def model_modalities(model: type[BaseModel]) -> list[Modality]:
    """The distinct modalities a model's fields carry, in field order."""
    seen: list[Modality] = []
    for name in model.model_fields:
        modality = field_kind(model, name).modality
        if modality is not None and modality not in seen:
            seen.append(modality)
    return seen


@dataclass
class ToolContext:
    """What a running step may use: the store, the model cache, cancellation and progress."""

    store: ArtifactStore
    models: ModelCache
    step_id: str
    tool_name: str
    work_dir: Path
    cancelled: threading.Event = field(default_factory=threading.Event)
    on_progress: Callable[[float, str], None] | None = None

    def provenance(self) -> Provenance:
        """Provenance for an artifact this step makes."""
        return Provenance(source="step", step=self.step_id, tool=self.tool_name)

    def save_file(self, path: Path, *, move: bool = True) -> Artifact:
        """Store a file this step wrote and return it as an artifact."""
        return self.store.put_file(path, self.provenance(), move=move)

    def progress(self, fraction: float, message: str = "") -> None:
        """Report progress on long work (0..1)."""
        if self.on_progress is not None:
            self.on_progress(fraction, message)


InT = TypeVar("InT", bound=BaseModel)
OutT = TypeVar("OutT", bound=BaseModel)


class Tool(ABC, Generic[InT, OutT]):
    """A modality converter: typed input model in, typed output model out."""

    name: ClassVar[str]
    description: ClassVar[str]  # written for the planner: what it does, when to use it
    Input: ClassVar[type[BaseModel]]
    Output: ClassVar[type[BaseModel]]
    version: ClassVar[str] = "1"  # bump when outputs change, so cached results are not reused
    backend: ClassVar[str] = "python"  # the library doing the work, shown by `tools --json`

    @property
    def checkpoint(self) -> str | None:
        """The model id or path this tool will load, if it uses one."""
        return None

    @property
    def input_modalities(self) -> list[Modality]:
        """Modalities this tool consumes."""
        return model_modalities(self.Input)

    @property
    def output_modalities(self) -> list[Modality]:
        """Modalities this tool produces."""
        return model_modalities(self.Output)

    @property
    def primary_output(self) -> str:
        """The output field a bare `@step` reference means: the first content field."""
        for name in self.Output.model_fields:
            if field_kind(self.Output, name).modality is not None:
                return name
        return next(iter(self.Output.model_fields))

    @abstractmethod
    def run(self, args: InT, ctx: ToolContext) -> OutT:
        """Do the conversion. Raise ToolError (or TransientToolError to ask for a retry)."""

    def describe(self) -> dict[str, Any]:
        """Everything the registry exports about this tool."""
        from .schemas import input_schema, output_schema

        return {
            "name": self.name,
            "description": self.description,
            "input_modalities": [m.value for m in self.input_modalities],
            "output_modalities": [m.value for m in self.output_modalities],
            "backend": self.backend,
            "checkpoint": self.checkpoint,
            "version": self.version,
            "input_schema": input_schema(self.Input),
            "output_schema": output_schema(self.Output),
        }
