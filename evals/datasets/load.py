"""Load any eval dataset: a native JSONL file or folder, or a TaskBench folder (detected)."""

from __future__ import annotations

from pathlib import Path

from modalswitch.errors import DatasetError
from modalswitch.evals.datasets.model import Dataset, Format
from modalswitch.evals.datasets.native import load_native
from modalswitch.evals.datasets.taskbench import load_taskbench


def detect_format(path: Path) -> Format:
    """taskbench for a folder with tool_desc.json (or a file beside one), else native."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    return "taskbench" if (folder / "tool_desc.json").exists() else "native"


def load_dataset(path: str | Path, fmt: Format | None = None) -> Dataset:
    """Load a dataset file or folder, detecting the format unless given."""
    path = Path(path)
    if not path.exists():
        raise DatasetError(f"no dataset at {path}")
    fmt = fmt or detect_format(path)
    if fmt == "taskbench":
        return load_taskbench(path)
    return load_native(path)
