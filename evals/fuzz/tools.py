"""Fake tools of the shapes that make boundary bugs reachable by the plan fuzzer: a list of
media (every item must be a reference), an unmarked `Artifact` field (only the executor's
guard stands between it and a file a plan names), and a free-text setting."""

from __future__ import annotations

from pydantic import BaseModel

from modalswitch.tools.contract.fields import ImageArtifact
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.fakes import ImageOut, TextOut, fake_registry
from modalswitch.tools.runtime.artifacts import Artifact


class CollageIn(BaseModel):
    """Pictures to put together, and an optional title."""

    images: list[ImageArtifact]
    title: str | None = None


class FakeCollage(Tool[CollageIn, ImageOut]):
    """Gives back the first picture (reading every one, as a real collage would)."""

    name = "fake_collage"
    description = "Put several pictures into one."

    def run(self, args: CollageIn, ctx: ToolContext) -> ImageOut:
        for image in args.images:
            assert image.path is not None
            image.path.read_bytes()
        return ImageOut(image=args.images[0])


class PeekIn(BaseModel):
    """Any artifact, unmarked: validation cannot tell it is media."""

    thing: Artifact


class PeekFile(Tool[PeekIn, TextOut]):
    """Reports the size of the file behind an artifact (so it opens it)."""

    name = "peek_file"
    description = "Tell how big a file is."

    def run(self, args: PeekIn, ctx: ToolContext) -> TextOut:
        if args.thing.path is None:
            return TextOut(text=f"{len(args.thing.text or '')} characters")
        return TextOut(text=f"{len(args.thing.path.read_bytes())} bytes")


def fuzz_registry() -> Registry:
    """The fake tools plus these shapes."""
    return Registry([*fake_registry(), FakeCollage(), PeekFile()])
