"""Text to video with any diffusers text-to-video pipeline, encoded as H.264 MP4.

ModelScope / Zeroscope (TextToVideoSDPipeline), CogVideoX, LTX-Video, Wan and others all
return frames; they are normalised to RGB bytes and encoded with ffmpeg. No package ships
video weights: when the default checkpoint is not on the machine the tool makes a slowly
zooming title card of the prompt instead, and its `degraded` note says so.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from modalswitch.tools.contract.degraded import Degraded, degraded_field
from modalswitch.tools.contract.fields import TextContent, VideoArtifact
from modalswitch.tools.contract.tool import ToolContext
from modalswitch.tools.generate.image import title_card
from modalswitch.tools.helpers.av import frames_to_mp4, to_uint8_frames
from modalswitch.tools.helpers.diffusion import call_pipeline, pick_seed, pipeline_loader, round8
from modalswitch.tools.helpers.model_tool import ModelTool


class VideoIn(BaseModel):
    """The clip to make."""

    prompt: TextContent = Field(description="what happens in the clip, in detail")
    negative_prompt: str | None = None
    num_frames: int | None = Field(None, ge=2, le=257, description="model default if unset")
    fps: float = Field(8.0, gt=0, le=60)
    width: int | None = Field(None, ge=64, le=1920)
    height: int | None = Field(None, ge=64, le=1920)
    steps: int | None = Field(None, ge=1, le=200)
    guidance: float | None = Field(None, ge=0, le=50)
    seed: int | None = Field(None, ge=0)


class VideoOut(BaseModel):
    """The clip."""

    video: VideoArtifact
    seed: int
    frames: int
    model: str = Field("", description="the checkpoint used, or 'title-card' offline")
    degraded: Degraded | None = degraded_field()


class GenerateVideo(ModelTool[VideoIn, VideoOut]):
    """Text-to-video with diffusers."""

    name = "generate_video"
    description = ("Create a short video clip (a few seconds, no sound) from a text description "
                   "(text to video). For a video from pictures and narration use make_slideshow.")
    backend = "diffusers"
    slot = "text_to_video"
    version = "2"  # placeholders say so; outputs name the model
    placeholder = "a slowly zooming title card showing the prompt, not a generated video"

    def run(self, args: VideoIn, ctx: ToolContext) -> VideoOut:
        seed = pick_seed(args.seed)
        stand_in = self.stand_in()
        if stand_in is not None:
            frames = zooming_card(args.prompt, args.width or 512, args.height or 320,
                                  args.num_frames or 24)
            with ctx.store.new_file(".mp4") as path:
                frames_to_mp4(frames, args.fps, path)
                return VideoOut(video=ctx.save_file(path), seed=seed, frames=len(frames),
                                model="title-card", degraded=stand_in)
        checkpoint = self.require_checkpoint()
        pipe = self.load(ctx, "text2video", pipeline_loader(None))
        out = call_pipeline(
            pipe, ctx, seed, self.setting(args.steps, "steps", None), prompt=args.prompt,
            negative_prompt=args.negative_prompt,
            num_frames=self.setting(args.num_frames, "num_frames", None),
            width=round8(self.setting(args.width, "width", None)),
            height=round8(self.setting(args.height, "height", None)),
            guidance_scale=self.setting(args.guidance, "guidance", None), output_type="np")
        frames = to_uint8_frames(out.frames)
        with ctx.store.new_file(".mp4") as path:
            frames_to_mp4(frames, args.fps, path)
            return VideoOut(video=ctx.save_file(path), seed=seed, frames=int(frames.shape[0]),
                            model=checkpoint)


def zooming_card(prompt: str, width: int, height: int, count: int) -> Any:
    """The title card of the prompt, zooming in by 8 % over `count` frames (uint8 array)."""
    import numpy as np
    from PIL import Image

    width, height = width - width % 2, height - height % 2
    card = title_card(prompt, width, height)
    frames = []
    for i in range(count):
        zoom = 1 + 0.08 * i / max(count - 1, 1)
        w, h = width / zoom, height / zoom
        box = ((width - w) / 2, (height - h) / 2, (width + w) / 2, (height + h) / 2)
        frames.append(np.asarray(card.resize((width, height), Image.Resampling.BILINEAR,
                                             box=box)))
    return np.stack(frames)
