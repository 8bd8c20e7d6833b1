"""Datasets shipped inside the package (modalswitch/evals/data), found by name."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from modalswitch.errors import DatasetError


def data_dir() -> Path:
    """The folder of shipped eval data."""
    return Path(str(resources.files("modalswitch.evals").joinpath("data")))


def switch_data_dir() -> Path:
    """The switching dataset's splits (train/dev/test.jsonl and manifest.json)."""
    return data_dir() / "switch"


def shipped_dataset(name: str) -> Path | None:
    """`data/<name>.jsonl` if it ships with modalswitch, else None."""
    path = data_dir() / f"{name}.jsonl"
    return path if path.is_file() else None


def resolve_dataset(target: str) -> Path:
    """A dataset file or folder, else a dataset shipped with modalswitch by that name."""
    path = Path(target)
    if path.exists():
        return path
    shipped = shipped_dataset(target)
    if shipped is not None:
        return shipped
    raise DatasetError(f"{target}: no such file or folder, nor a dataset shipped by that name")
