"""Training data shipped with modalswitch: the hand-written requests (training/data/)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _data_file(name: str) -> Path:
    return Path(str(resources.files("modalswitch.training").joinpath("data", name)))


def handwritten_path() -> Path:
    """1,267 requests written by hand in natural phrasing, with gold plans (README beside)."""
    return _data_file("handwritten.jsonl")


def natural_pool_path() -> Path:
    """214 more hand-written requests aimed at words-with-media and two-media shapes."""
    return _data_file("natural_pool.jsonl")


def training_extras() -> list[Path]:
    """The hand-written training files `train lora` and `train router` add by default."""
    return [handwritten_path(), natural_pool_path()]
