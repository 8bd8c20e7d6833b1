"""Histograms in block characters (latencies, tokens), eighths of a cell for the bar ends."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(fraction: float, width: int) -> str:
    """A bar `fraction` of `width` cells long (anything above zero shows)."""
    cells = max(0.0, min(fraction, 1.0)) * width
    full = int(cells)
    rest = EIGHTHS[max(int((cells - full) * 8), 1 if cells > 0 else 0)] if full < width else ""
    return ("█" * full + rest.strip()).ljust(width)


def _number(value: float, unit: str, scale: float) -> str:
    return f"{value * scale:.1f}{unit}" if scale != 1 else f"{value:.3g}{unit}"


def histogram(values: Sequence[float], title: str, *, bins: int = 8, width: int = 28,
              unit: str = "s") -> Text:
    """One row per bin: its range, a bar, and how many values fall in it."""
    out = Text(title, style="bold")
    if not values:
        out.append("\n  no data", style="dim")
        return out
    low, high = min(values), max(values)
    scale, shown = (1000.0, "ms") if unit == "s" and high < 1 else (1.0, unit)
    bins = bins if high > low else 1
    step = (high - low) / bins or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(int((v - low) / step), bins - 1)] += 1
    peak = max(counts)
    edges = [(_number(low + i * step, shown, scale), _number(low + (i + 1) * step, shown, scale))
             for i in range(bins)]
    ranges = [a if a == b or high == low else f"{a}–{b}" for a, b in edges]
    span = max(map(len, ranges))
    for label, count in zip(ranges, counts, strict=True):
        out.append(f"\n  {label:>{span}} │")
        out.append(bar(count / peak, width), style="cyan")
        out.append(f" {count}")
    return out
