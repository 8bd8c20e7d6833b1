"""Cheap deterministic image edits with PIL: resize, crop, grid, format conversion."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from modalswitch.errors import ToolError
from modalswitch.tools.contract.fields import ImageArtifact
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.generate.image import save_png
from modalswitch.tools.helpers.av import load_image


class ImageOut(BaseModel):
    """The resulting picture."""

    image: ImageArtifact
    width: int
    height: int


def _out(image: Any, ctx: ToolContext) -> ImageOut:
    return ImageOut(image=save_png(image, ctx), width=image.width, height=image.height)


class ResizeIn(BaseModel):
    """The picture and its new size."""

    image: ImageArtifact
    width: int | None = Field(None, ge=1, le=8192, description="target width in pixels")
    height: int | None = Field(None, ge=1, le=8192, description="target height in pixels")
    scale: float | None = Field(None, gt=0, le=16, description="or a factor, e.g. 0.5")
    keep_aspect: bool = Field(True, description="fit inside width x height without stretching")

    @model_validator(mode="after")
    def _one_size(self) -> ResizeIn:
        if self.scale is None and self.width is None and self.height is None:
            raise ValueError("give width, height or scale")
        return self


class ResizeImage(Tool[ResizeIn, ImageOut]):
    """Scale a picture to a size or by a factor."""

    name = "resize_image"
    description = "Resize a picture to a width/height or by a scale factor (e.g. make a thumbnail)."
    backend = "pillow"

    def run(self, args: ResizeIn, ctx: ToolContext) -> ImageOut:
        from PIL import Image

        img = load_image(args.image)
        if args.scale is not None:
            size = (round(img.width * args.scale), round(img.height * args.scale))
        elif args.keep_aspect:
            factors = [f for f in (args.width and args.width / img.width,
                                   args.height and args.height / img.height) if f]
            factor = min(factors)
            size = (round(img.width * factor), round(img.height * factor))
        else:
            size = (args.width or img.width, args.height or img.height)
        size = (max(1, size[0]), max(1, size[1]))
        if size[0] * size[1] > 64_000_000:
            raise ToolError(f"{size[0]}x{size[1]} is too large")
        return _out(img.resize(size, Image.Resampling.LANCZOS), ctx)


class CropIn(BaseModel):
    """The picture and the part to keep."""

    image: ImageArtifact
    left: int | None = Field(None, ge=0, description="box left edge in pixels")
    top: int | None = Field(None, ge=0, description="box top edge in pixels")
    width: int | None = Field(None, ge=1, description="box width in pixels")
    height: int | None = Field(None, ge=1, description="box height in pixels")
    aspect: str | None = Field(None, pattern=r"^\d+(\.\d+)?:\d+(\.\d+)?$",
                               description="or a centred crop to an aspect ratio like '16:9'")


class CropImage(Tool[CropIn, ImageOut]):
    """Cut out a box, or the largest centred region of an aspect ratio."""

    name = "crop_image"
    description = ("Crop a picture to a pixel box (left, top, width, height) or to an aspect "
                   "ratio like '1:1' or '16:9', centred.")
    backend = "pillow"

    def run(self, args: CropIn, ctx: ToolContext) -> ImageOut:
        img = load_image(args.image)
        if args.aspect:
            a, b = (float(x) for x in args.aspect.split(":"))
            if a <= 0 or b <= 0:
                raise ToolError(f"aspect {args.aspect!r} must be positive")
            w = min(img.width, round(img.height * a / b))
            h = min(img.height, round(img.width * b / a))
            left, top = (img.width - w) // 2, (img.height - h) // 2
        else:
            left, top = args.left or 0, args.top or 0
            w = args.width or img.width - left
            h = args.height or img.height - top
        right, bottom = min(left + w, img.width), min(top + h, img.height)
        if right <= left or bottom <= top:
            raise ToolError(f"the crop box is outside the {img.width}x{img.height} picture")
        return _out(img.crop((left, top, right, bottom)), ctx)


class GridIn(BaseModel):
    """Pictures to lay out in a grid."""

    images: list[ImageArtifact] = Field(min_length=1, max_length=64)
    columns: int | None = Field(None, ge=1, le=16, description="default: a near-square grid")
    cell: int = Field(256, ge=16, le=2048, description="each cell's size in pixels")
    gap: int = Field(4, ge=0, le=256)


class ImageGrid(Tool[GridIn, ImageOut]):
    """A contact sheet: several pictures side by side in one image."""

    name = "image_grid"
    description = "Combine several pictures into one grid image (a contact sheet or comparison)."
    backend = "pillow"

    def run(self, args: GridIn, ctx: ToolContext) -> ImageOut:
        from PIL import Image

        n = len(args.images)
        cols = args.columns or math.ceil(math.sqrt(n))
        rows = math.ceil(n / cols)
        size, gap = args.cell, args.gap
        sheet = Image.new("RGB", (cols * size + (cols + 1) * gap, rows * size + (rows + 1) * gap),
                          (24, 24, 24))
        for i, artifact in enumerate(args.images):
            img = load_image(artifact)
            img.thumbnail((size, size), Image.Resampling.LANCZOS)
            x = gap + (i % cols) * (size + gap) + (size - img.width) // 2
            y = gap + (i // cols) * (size + gap) + (size - img.height) // 2
            sheet.paste(img, (x, y))
        return _out(sheet, ctx)


class ConvertIn(BaseModel):
    """The picture and the file format wanted."""

    image: ImageArtifact
    format: Literal["png", "jpeg", "webp", "gif", "bmp"] = "png"
    quality: int = Field(90, ge=1, le=100, description="for jpeg and webp")
    grayscale: bool = False


class ConvertImage(Tool[ConvertIn, ImageOut]):
    """Re-encode a picture as PNG, JPEG, WebP, GIF or BMP (optionally in greyscale)."""

    name = "convert_image"
    description = ("Convert a picture to another file format (png, jpeg, webp, gif, bmp) or to "
                   "greyscale.")
    backend = "pillow"

    def run(self, args: ConvertIn, ctx: ToolContext) -> ImageOut:
        img = load_image(args.image)
        if args.grayscale:
            img = img.convert("L")
        suffix = ".jpg" if args.format == "jpeg" else f".{args.format}"
        options: dict[str, Any] = {}
        if args.format in ("jpeg", "webp"):
            options["quality"] = args.quality
        with ctx.store.new_file(suffix) as path:
            img.save(path, format=args.format.upper(), **options)
            return ImageOut(image=ctx.save_file(path), width=img.width, height=img.height)
