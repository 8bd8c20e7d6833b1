"""Training data shipped with modalswitch: the hand-written requests (training/data/)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def handwritten_path() -> Path:
    """1,267 requests written by hand in natural phrasing, with gold plans (README beside)."""
    return Path(str(resources.files("modalswitch.training").joinpath("data",
                                                                      "handwritten.jsonl")))
