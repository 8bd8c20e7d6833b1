"""Small inline SVG charts for the HTML report (no JavaScript, no external files)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1")


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
            f'class="chart"><title>{escape(title)}</title>'
            f'<text x="8" y="18" class="chart-title">{escape(title)}</text>'
            + "".join(body) + "</svg>")


def bar_chart(items: Sequence[tuple[str, float | None]], title: str, *, width: int = 520,
              vmax: float = 1.0) -> str:
    """Horizontal bars, one per (label, value); a missing value shows as 'n/a'."""
    row, top, label_w = 24, 30, 190
    height = top + row * len(items) + 10
    span = width - label_w - 60
    body = []
    for i, (label, value) in enumerate(items):
        y = top + i * row
        body.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" '
                    f'class="chart-label">{escape(label)}</text>')
        body.append(f'<rect x="{label_w}" y="{y + 3}" width="{span}" height="16" '
                    f'fill="#eee"/>')
        if value is None:
            body.append(f'<text x="{label_w + 4}" y="{y + 15}" class="chart-value">n/a</text>')
            continue
        w = max(0.0, min(value / vmax, 1.0)) * span
        body.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="16" '
                    f'fill="{PALETTE[0]}"><title>{escape(label)}: {value:.3f}</title></rect>')
        body.append(f'<text x="{label_w + span + 6}" y="{y + 15}" '
                    f'class="chart-value">{value:.3f}</text>')
    return _svg(width, height, title, body)


def grouped_bars(groups: dict[str, dict[str, float | None]], series: Sequence[str], title: str,
                 *, width: int = 520, height: int = 240) -> str:
    """Vertical bars: one cluster per group (e.g. plan shape), one bar per series (metric)."""
    left, top, bottom = 36, 30, 52
    plot_h = height - top - bottom
    n = max(len(groups), 1)
    slot = (width - left - 10) / n
    bar = max(4.0, (slot - 12) / max(len(series), 1))
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
            f'stroke="#999"/>']
    for tick in (0.0, 0.5, 1.0):
        y = top + plot_h * (1 - tick)
        body.append(f'<text x="{left - 4}" y="{y + 4}" text-anchor="end" '
                    f'class="chart-axis">{tick:.1f}</text>')
    for g, (group, values) in enumerate(groups.items()):
        x0 = left + g * slot + 6
        for s, name in enumerate(series):
            value = values.get(name)
            if value is None:
                continue
            h = max(0.0, min(value, 1.0)) * plot_h
            body.append(f'<rect x="{x0 + s * bar:.1f}" y="{top + plot_h - h:.1f}" '
                        f'width="{bar - 1:.1f}" height="{h:.1f}" '
                        f'fill="{PALETTE[s % len(PALETTE)]}">'
                        f'<title>{escape(group)} · {escape(name)}: {value:.3f}</title></rect>')
        body.append(f'<text x="{x0 + slot / 2 - 6:.1f}" y="{top + plot_h + 16}" '
                    f'text-anchor="middle" class="chart-label">{escape(group)}</text>')
    for s, name in enumerate(series):
        x = left + s * 110
        body.append(f'<rect x="{x}" y="{height - 18}" width="10" height="10" '
                    f'fill="{PALETTE[s % len(PALETTE)]}"/><text x="{x + 14}" y="{height - 9}" '
                    f'class="chart-axis">{escape(name)}</text>')
    return _svg(width, height, title, body)


def histogram(values: Sequence[float], title: str, *, bins: int = 12, width: int = 520,
              height: int = 200, unit: str = "s") -> str:
    """A histogram of values (e.g. per-case latency)."""
    left, top, bottom = 36, 30, 34
    plot_h = height - top - bottom
    if not values:
        return _svg(width, height, title, [f'<text x="{left}" y="{top + 20}">no data</text>'])
    lo, hi = min(values), max(values)
    step = (hi - lo) / bins or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(int((v - lo) / step), bins - 1)] += 1
    peak = max(counts)
    bw = (width - left - 10) / bins
    body = []
    for i, c in enumerate(counts):
        h = c / peak * plot_h
        body.append(f'<rect x="{left + i * bw:.1f}" y="{top + plot_h - h:.1f}" '
                    f'width="{bw - 2:.1f}" height="{h:.1f}" fill="{PALETTE[4]}">'
                    f'<title>{lo + i * step:.3f}–{lo + (i + 1) * step:.3f} {unit}: {c}</title>'
                    f'</rect>')
    body.append(f'<text x="{left}" y="{height - 12}" class="chart-axis">{lo:.3f} {unit}</text>')
    body.append(f'<text x="{width - 10}" y="{height - 12}" text-anchor="end" '
                f'class="chart-axis">{hi:.3f} {unit}</text>')
    body.append(f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" '
                f'class="chart-axis">{peak}</text>')
    return _svg(width, height, title, body)
