"""Image to image with diffusers: img2img restyling and instruction editing (InstructPix2Pix).

Img2img reuses the text-to-image checkpoint when no `image_to_image` one is configured, and
shares its loaded weights (`from_pipe`), so both tools cost one model in memory.
"""

from __future__ import annotations

import inspect
from typing import Any

from pydantic import BaseModel, Field

from modalswitch.errors import ToolError
from modalswitch.tools.contract.fields import ImageArtifact, TextContent
from modalswitch.tools.contract.tool import ToolContext
from modalswitch.tools.generate.image import save_png
from modalswitch.tools.helpers.av import load_image
from modalswitch.tools.helpers.diffusion import call_pipeline, pick_seed, pipeline_loader
from modalswitch.tools.helpers.model_tool import ModelTool, first_line, inference_lock
from modalswitch.tools.runtime.checkpoints import not_configured
from modalswitch.tools.runtime.slots import SLOTS, checkpoint_for


def fit_for_diffusion(image: Any, max_side: int) -> Any:
    """The image scaled to at most max_side, with sides a multiple of 8."""
    scale = min(1.0, max_side / max(image.size))
    width = max(8, int(image.width * scale) // 8 * 8)
    height = max(8, int(image.height * scale) // 8 * 8)
    return image if (width, height) == image.size else image.resize((width, height))


class TransformImageIn(BaseModel):
    """The picture and the look to move it towards."""

    image: ImageArtifact
    prompt: TextContent = Field(description="what the result should look like")
    strength: float = Field(0.6, gt=0, le=1, description="0.1 keeps the picture, 1 redraws it")
    negative_prompt: str | None = None
    steps: int | None = Field(None, ge=1, le=200)
    guidance: float | None = Field(None, ge=0, le=50)
    seed: int | None = Field(None, ge=0)


class EditedImageOut(BaseModel):
    """The new picture."""

    image: ImageArtifact
    seed: int
    model: str = Field("", description="the checkpoint that made it")


class TransformImage(ModelTool[TransformImageIn, EditedImageOut]):
    """Img2img: redraw a picture guided by a prompt (style transfer, variations)."""

    name = "transform_image"
    description = ("Redraw an existing picture in a new style or with new content guided by "
                   "a text prompt (image to image): 'make this photo look like a watercolour'. "
                   "strength near 1 changes more.")
    backend = "diffusers"
    slot = "image_to_image"
    version = "2"  # outputs name the model

    @property
    def checkpoint(self) -> str | None:
        """The img2img checkpoint, else the text-to-image one."""
        return (self._checkpoint or checkpoint_for("image_to_image")
                or checkpoint_for("text_to_image"))

    def run(self, args: TransformImageIn, ctx: ToolContext) -> EditedImageOut:
        checkpoint = self.checkpoint
        if not checkpoint:
            raise not_configured(self.name, SLOTS["image_to_image"])
        base = self.load(ctx, "text2image", pipeline_loader("AutoPipelineForText2Image"),
                         checkpoint=checkpoint)

        def derive() -> Any:
            from diffusers import AutoPipelineForImage2Image

            try:
                derived = AutoPipelineForImage2Image.from_pipe(base)
            except Exception as exc:
                raise ToolError(f"{checkpoint} has no image-to-image form "
                                f"({first_line(exc)})") from None
            inference_lock(derived, share_with=base)  # same scheduler and weights as base
            return derived

        # Shares the text-to-image weights, so it adds nothing to the memory estimate.
        pipe = ctx.models.get(f"diffusers:img2img-of:{checkpoint}:{ctx.models.placement.key}",
                              derive)
        seed = pick_seed(args.seed)
        image = fit_for_diffusion(load_image(args.image), self.setting(None, "max_side", 1024))
        out = call_pipeline(pipe, ctx, seed, self.setting(args.steps, "steps", None),
                            prompt=args.prompt, image=image, strength=args.strength,
                            negative_prompt=args.negative_prompt,
                            guidance_scale=self.setting(args.guidance, "guidance", None))
        return EditedImageOut(image=save_png(out.images[0], ctx), seed=seed,
                              model=str(self.checkpoint))


class InstructEditIn(BaseModel):
    """The picture and the edit to make, in words."""

    image: ImageArtifact
    instruction: TextContent = Field(description="the edit, e.g. 'make the sky a sunset'")
    steps: int | None = Field(None, ge=1, le=200)
    guidance: float | None = Field(None, ge=0, le=50, description="how closely to follow the text")
    image_guidance: float | None = Field(None, ge=0, le=20,
                                         description="how closely to keep the original picture")
    seed: int | None = Field(None, ge=0)


class InstructEditImage(ModelTool[InstructEditIn, EditedImageOut]):
    """Instruction editing (InstructPix2Pix style): change a picture as told."""

    name = "edit_image"
    description = ("Edit a picture by an instruction, keeping the rest: 'make it winter', "
                   "'turn the car red', 'add fireworks'. Use for changes to an existing image.")
    backend = "diffusers"
    slot = "instruct_edit"
    version = "2"  # outputs name the model

    def run(self, args: InstructEditIn, ctx: ToolContext) -> EditedImageOut:
        pipe = self.load(ctx, "instruct", pipeline_loader(None))
        if "image" not in inspect.signature(pipe.__call__).parameters:
            raise ToolError(f"{self.checkpoint} ({type(pipe).__name__}) does not edit images: "
                            f"configure an InstructPix2Pix-style checkpoint for instruct_edit")
        seed = pick_seed(args.seed)
        image = fit_for_diffusion(load_image(args.image), self.setting(None, "max_side", 1024))
        out = call_pipeline(pipe, ctx, seed, self.setting(args.steps, "steps", None),
                            prompt=args.instruction, image=image,
                            guidance_scale=self.setting(args.guidance, "guidance", None),
                            image_guidance_scale=self.setting(args.image_guidance,
                                                              "image_guidance", None))
        return EditedImageOut(image=save_png(out.images[0], ctx), seed=seed,
                              model=str(self.checkpoint))
