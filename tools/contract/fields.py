"""Field marks: which fields of a tool's Input and Output models are content, and of what kind.

A tool marks its media fields with `ImageArtifact`, `AudioArtifact`, `VideoArtifact` (an
`Artifact` of that modality) or `TextContent` (a string that is content, not a setting);
`VerbatimText` is text the planner may only copy, never compose (a URL to fetch);
`SpokenText` is the exact words a voice says (never a description of words to write).
Those marks are where a tool's modalities, the planner's JSON schema and the plan's type
checks all come from, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, get_args, get_origin

from pydantic import AfterValidator, BaseModel

from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.runtime.artifacts import Artifact


@dataclass(frozen=True)
class MediaField:
    """Marks a model field as content of one modality."""

    modality: Modality
    verbatim: bool = False
    """Text copied as it stands from the request or from an earlier step's verbatim result
    (a URL), never written by the planner: a model that invents a URL fetches nothing the
    user meant."""
    spoken: bool = False
    """The exact words a voice says: "a joke" here is spoken as the two words "a joke", so
    words still to be written come from an earlier step (agent/planners/spoken_words.py)."""


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
VerbatimText = Annotated[str, MediaField(Modality.TEXT, verbatim=True)]
SpokenText = Annotated[str, MediaField(Modality.TEXT, spoken=True)]


@dataclass(frozen=True)
class FieldKind:
    """What a model field holds, as far as plans are concerned."""

    modality: Modality | None  # None: a plain setting (a number, a language code...)
    is_list: bool = False
    verbatim: bool = False  # see MediaField.verbatim
    spoken: bool = False  # see MediaField.spoken


def field_kind(model: type[BaseModel], name: str) -> FieldKind:
    """The modality (and list-ness) a field of an Input or Output model carries."""
    info = model.model_fields[name]
    for meta in info.metadata:
        if isinstance(meta, MediaField):
            return FieldKind(meta.modality, verbatim=meta.verbatim, spoken=meta.spoken)
    annotation = info.annotation
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        for meta in getattr(item, "__metadata__", ()):
            if isinstance(meta, MediaField):
                return FieldKind(meta.modality, is_list=True, verbatim=meta.verbatim,
                                 spoken=meta.spoken)
    return FieldKind(None)


def model_modalities(model: type[BaseModel]) -> list[Modality]:
    """The distinct modalities a model's fields carry, in field order."""
    seen: list[Modality] = []
    for name in model.model_fields:
        modality = field_kind(model, name).modality
        if modality is not None and modality not in seen:
            seen.append(modality)
    return seen


def content_fields(model: type[BaseModel]) -> list[str]:
    """The fields of a model that carry content (text or media), in order."""
    return [name for name in model.model_fields if field_kind(model, name).modality is not None]
