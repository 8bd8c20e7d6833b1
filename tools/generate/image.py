"""Text to image: any diffusers text-to-image checkpoint, or a drawn title card offline.

No package carries diffusion weights, so with no `text_to_image` checkpoint configured the
tool draws a title card (the prompt on a colour field picked from it) and says so: its
`model` output is "title-card" and its `degraded` note tells the user it is a placeholder
and how to get a real model. A narrated slideshow still works on any machine. Point it at a
real model with MODALSWITCH_TEXT_TO_IMAGE_MODEL or `[models] text_to_image` (e.g.
stabilityai/sd-turbo).
"""

from __future__ import annotations

import colorsys
import hashlib
import textwrap
from typing import Any

from pydantic import BaseModel, Field

from modalswitch.tools.contract.degraded import Degraded, degraded_field
from modalswitch.tools.contract.fields import ImageArtifact, TextContent
from modalswitch.tools.contract.tool import ToolContext
from modalswitch.tools.helpers.diffusion import call_pipeline, pick_seed, pipeline_loader, round8
from modalswitch.tools.helpers.model_tool import ModelTool

TITLE_CARD = "title-card"


class GenerateImageIn(BaseModel):
    """What to draw and how."""

    prompt: TextContent = Field(description="what the picture shows, in detail")
    negative_prompt: str | None = Field(None, description="what the picture must not show")
    width: int | None = Field(None, ge=64, le=2048, description="pixels; model default if unset")
    height: int | None = Field(None, ge=64, le=2048, description="pixels; model default if unset")
    steps: int | None = Field(None, ge=1, le=200, description="denoising steps")
    guidance: float | None = Field(None, ge=0, le=50, description="prompt guidance scale")
    seed: int | None = Field(None, ge=0, description="fix it to repeat a result")


class GenerateImageOut(BaseModel):
    """The picture, and what made it."""

    image: ImageArtifact
    seed: int
    model: str = Field(description="the checkpoint used, or 'title-card' offline")
    degraded: Degraded | None = degraded_field()


class GenerateImage(ModelTool[GenerateImageIn, GenerateImageOut]):
    """Text-to-image with diffusers (SD 1.5/2.x, SDXL, SD-Turbo, Flux, ...)."""

    name = "generate_image"
    description = ("Create a new picture from a text description (text to image). Use for "
                   "'draw', 'paint', 'make a picture/illustration/photo of'. Write a detailed "
                   "visual prompt. Offline without a configured model it draws a title card.")
    backend = "diffusers"
    slot = "text_to_image"
    version = "2"  # placeholders say so
    placeholder = "a drawn title card showing the prompt, not a generated picture"

    def run(self, args: GenerateImageIn, ctx: ToolContext) -> GenerateImageOut:
        seed = pick_seed(args.seed)
        stand_in = self.stand_in()
        if stand_in is not None:
            image = title_card(args.prompt, args.width or 768, args.height or 512)
            return GenerateImageOut(image=save_png(image, ctx), seed=seed, model=TITLE_CARD,
                                    degraded=stand_in)
        checkpoint = self.require_checkpoint()
        pipe = self.load(ctx, "text2image", pipeline_loader("AutoPipelineForText2Image"))
        steps = self.setting(args.steps, "steps", None)
        out = call_pipeline(
            pipe, ctx, seed, steps, prompt=args.prompt,
            negative_prompt=self.setting(args.negative_prompt, "negative_prompt", None),
            width=round8(self.setting(args.width, "width", None)),
            height=round8(self.setting(args.height, "height", None)),
            guidance_scale=self.setting(args.guidance, "guidance", None))
        return GenerateImageOut(image=save_png(out.images[0], ctx), seed=seed, model=checkpoint)


def save_png(image: Any, ctx: ToolContext) -> Any:
    """Store a PIL image as a PNG artifact."""
    with ctx.store.new_file(".png") as path:
        image.convert("RGB").save(path, format="PNG")
        return ctx.save_file(path)


def title_card(prompt: str, width: int, height: int) -> Any:
    """A calm gradient card with the prompt set in large type; colours follow the prompt."""
    from PIL import Image, ImageDraw, ImageFont

    digest = hashlib.sha256(prompt.encode("utf-8")).digest()
    hue = digest[0] / 255
    top = tuple(int(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.55, 0.55))
    bottom = tuple(int(c * 255) for c in colorsys.hsv_to_rgb((hue + 0.12) % 1, 0.65, 0.25))
    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    for y in range(height):
        t = y / max(height - 1, 1)
        draw.line([(0, y), (width, y)],
                  fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    for i in range(5):  # soft circles so different prompts look different at a glance
        r = int(min(width, height) * (0.08 + digest[i + 1] / 255 * 0.2))
        cx, cy = digest[i + 6] / 255 * width, digest[i + 11] / 255 * height
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(255, 255, 255), width=2)
    size = max(14, min(width, height) // 12)
    try:
        font: Any = ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType has only the small bitmap font
        font = ImageFont.load_default()
    lines = textwrap.wrap(prompt.strip(), width=max(10, int(width / (size * 0.55))))[:6]
    line_h = size + size // 3
    y0 = (height - line_h * len(lines)) // 2
    for i, line in enumerate(lines):
        w = draw.textlength(line, font=font)
        draw.text(((width - w) / 2, y0 + i * line_h), line, fill=(255, 255, 255), font=font)
    return img
