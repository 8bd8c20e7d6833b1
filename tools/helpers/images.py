"""Open an image artifact for a model: upright, RGB, transparency flattened onto white."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from modalswitch.errors import ToolError


def load_rgb(path: Path) -> Any:
    """The image as a PIL RGB image, EXIF rotation applied; ToolError if it will not decode."""
    from PIL import Image, ImageOps

    try:
        with Image.open(path) as img:
            img.load()
            upright = ImageOps.exif_transpose(img)
            if upright.mode in ("RGBA", "LA", "P", "PA"):
                # Icons and screenshots often have transparent areas; black behind them
                # reads as a dark object to a classifier, white as the page it usually is.
                rgba = upright.convert("RGBA")
                flat = Image.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
                return flat
            return upright.convert("RGB")
    except Exception as exc:  # PIL raises many types for corrupt data
        raise ToolError(f"cannot read image {path.name}: {exc}") from exc
