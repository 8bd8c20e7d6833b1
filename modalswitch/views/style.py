"""How the terminal views write values: status colours, shortened text, sizes, artifacts."""

from __future__ import annotations

import json
from typing import Any

STATUS_STYLE = {"ok": "green", "cached": "cyan", "failed": "red", "skipped": "dim",
                "partial": "yellow", "invalid": "yellow", "planner_error": "red",
                "exec_failed": "red", "error": "red", "running": "yellow",
                "retrying": "magenta", "waiting": "dim", "pending": "dim",
                "unfinished": "yellow"}


def short(value: Any, limit: int = 120) -> str:
    """A value as one line of at most `limit` characters."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def size(n: int | None) -> str:
    """A byte count for people (or "missing")."""
    if n is None:
        return "missing"
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return str(n)


def media_details(meta: dict[str, Any]) -> str:
    """Dimensions, duration and sample rate from an artifact's metadata."""
    bits = []
    if "width" in meta:
        bits.append(f"{meta['width']}x{meta['height']}")
    if isinstance(meta.get("duration_s"), int | float):
        bits.append(f"{meta['duration_s']:.2f}s")
    if "sample_rate" in meta:
        bits.append(f"{meta['sample_rate']} Hz")
    return ", ".join(bits)


def artifact_line(value: Any, limit: int = 160) -> str:
    """One line for a traced value: an artifact's kind, details and path, else the value."""
    if isinstance(value, dict) and "artifact" in value:
        meta = value.get("meta", {})
        bits = [str(value.get("mime", value.get("modality", ""))), media_details(meta)]
        if "size_bytes" in meta:
            bits.append(size(meta["size_bytes"]))
        return f"{', '.join(b for b in bits if b)}  {value.get('path', '')}"
    return short(value, limit)
