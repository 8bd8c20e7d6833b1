"""Every metric of an eval, its splits by plan shape and by number of tools, and histograms
of latency (and tokens, when an LLM planned)."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from modalswitch.evals.reports.fmt import metrics_table, split_table
from modalswitch.views.pictures.histogram import histogram
from modalswitch.views.studio.data import EvalData


def metrics_view(data: EvalData) -> RenderableType:
    """Tables and histograms of one eval."""
    m = data.metrics
    parts: list[RenderableType] = [metrics_table(m, title=data.title)]
    if m.get("by_shape"):
        parts.append(split_table(m["by_shape"], "shape"))
    if m.get("by_n_tools"):
        parts.append(split_table(m["by_n_tools"], "tools"))
    parts.append(histogram([r.case_s for r in data.results], "\nlatency per case"))
    plan_s = [r.plan_s for r in data.results if r.plan_s is not None]
    parts.append(histogram(plan_s, "\nplanning time per case"))
    tokens = [float(r.prompt_tokens + r.completion_tokens) for r in data.results]
    if any(tokens):
        parts.append(histogram(tokens, "\ntokens per case", unit=" tok"))
    return Group(*parts)


class MetricsScreen(Screen[None]):
    """The eval's numbers and pictures; escape goes back to the cases."""

    DEFAULT_CSS = "MetricsScreen VerticalScroll { padding: 0 1; }"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,m", "app.pop_screen", "back")]

    def __init__(self, data: EvalData) -> None:
        super().__init__()
        self.data = data

    def compose(self) -> ComposeResult:
        """One scrolling page."""
        with VerticalScroll():
            yield Static(metrics_view(self.data), id="metrics")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Arrows, page keys, home and end scroll the page."""
        self.query_one(VerticalScroll).focus()
