"""The eval view: headline metrics and splits over a case table to sort, filter and open."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from modalswitch.evals.reports.fmt import fmt
from modalswitch.evals.runner.results import CaseResult
from modalswitch.views.studio.case_parts import Side
from modalswitch.views.studio.case_screen import CaseScreen
from modalswitch.views.studio.case_table import CaseTable
from modalswitch.views.studio.data import SORTS, CaseFilter, EvalData, case_tools, select
from modalswitch.views.studio.metrics_screen import MetricsScreen
from modalswitch.views.studio.opener import Opener
from modalswitch.views.studio.pick import ANY, PickScreen
from modalswitch.views.style import STATUS_STYLE

COLUMNS = (("id", "id", 0), ("status", "status", 0), ("shape", "shape", 6), ("n", "tools", 2),
           ("node", "node F1", 4), ("edge", "edge F1", 4), ("value", "value F1", 5),
           ("case s", "case s", 6), ("request", None, 1))
"""Table columns: header, the SORTS key a click on the header sorts by, width (0: as wide
as the eval's longest id or status; the request takes what is left)."""
HEADLINE = (("validity", "valid"), ("modality_accuracy", "modality"), ("node_f1", "node"),
            ("edge_f1", "edge"), ("arg_value_f1", "value"), ("e2e_success", "e2e"),
            ("latency_p50_s", "p50"))


def headline(data: EvalData) -> Text:
    """The eval in two lines: its name and headline metrics, then the plan-shape split."""
    m = data.metrics
    text = Text(data.title, style="bold")
    text.append(f" · {len(data.results)} cases\n")
    bits = [f"{label} {fmt(m.get(key), key)}{'s' if key.endswith('_s') else ''}"
            for key, label in HEADLINE
            if m.get(key) is not None and (key != "e2e_success" or m.get("executed"))]
    text.append("  ".join(bits))
    shapes = m.get("by_shape") or {}
    if shapes:
        text.append("\nshapes: " + " · ".join(f"{name} {s.get('n')}" for name, s in shapes.items())
                    + "  (m: all metrics)", style="dim")
    return text


def _f1(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def case_row(r: CaseResult) -> list[Text]:
    """One table row."""
    return [Text(r.id), Text(r.status, style=STATUS_STYLE.get(r.status, "")), Text(r.shape),
            Text(str(r.n_tools)),
            *(Text(_f1(r.scores.get(k))) for k in ("node_f1", "edge_f1", "arg_value_f1")),
            Text(fmt(r.case_s, "case_s")), Text(" ".join(r.request.split()))]


class EvalScreen(Screen[None]):
    """An eval folder: metrics on top, every case below (enter opens one)."""

    DEFAULT_CSS = """
    EvalScreen #headline { height: auto; padding: 0 1; background: $boost; }
    EvalScreen #search { height: 1; border: none; padding: 0 1; margin: 0; }
    EvalScreen #filters { height: 1; padding: 0 1; color: $text-muted; }
    EvalScreen CaseTable { height: 1fr; }
    EvalScreen #preview { height: auto; max-height: 3; padding: 0 1; background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "search"),
        Binding("f", "toggle_failed", "failed"),
        Binding("i", "toggle_invalid", "invalid"),
        Binding("t", "pick_tool", "tool"),
        Binding("s", "pick_shape", "shape"),
        Binding("o", "next_sort", "sort"),
        Binding("r", "reverse_sort", "reverse", show=False),
        Binding("c", "clear_filters", "clear", show=False),
        Binding("m", "metrics", "metrics"),
        Binding("escape", "leave_search", "table", show=False),
    ]

    def __init__(self, data: EvalData, opener: Opener) -> None:
        super().__init__()
        self.data, self.opener = data, opener
        self.filter = CaseFilter()
        self.sort, self.descending = "id", False
        self.shown: list[CaseResult] = []
        self._rows: dict[str, list[Text]] = {}

    def compose(self) -> ComposeResult:
        """Headline, search box, filter line, table, keys."""
        yield Static(headline(self.data), id="headline")
        yield Input(placeholder="/ search requests and ids", id="search")
        yield Static(id="filters")
        fitted = {"id": min(max((len(r.id) for r in self.data.results), default=2), 24),
                  "status": max((len(r.status) for r in self.data.results), default=6)}
        yield CaseTable([(label, width or max(fitted[label], len(label)))
                         for label, _, width in COLUMNS], id="cases")
        yield Static(id="preview")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Fill the table and give it the keyboard."""
        self.refill()
        self.query_one("#cases", CaseTable).focus()

    def refill(self) -> None:
        """Show the cases the filter lets through, in the chosen order, keeping the cursor's
        case under the cursor when it is still shown."""
        table = self.query_one("#cases", CaseTable)
        current = self.shown[table.cursor].id if self.shown else None
        self.shown = select(self.data, self.filter, self.sort, self.descending)
        ids = [r.id for r in self.shown]
        table.set_rows([self._row(r) for r in self.shown],
                       cursor=ids.index(current) if current in ids else 0)
        arrow = "↓" if self.descending else "↑"
        self.query_one("#filters", Static).update(Text(  # Text: a search may hold "[" etc.
            f"{len(self.shown)}/{len(self.data.results)} cases · {self.filter.describe()} · "
            f"sort {self.sort} {arrow}"))

    def _row(self, r: CaseResult) -> list[Text]:
        if r.id not in self._rows:
            self._rows[r.id] = case_row(r)
        return self._rows[r.id]

    def open_case(self, index: int) -> None:
        """Open the index-th shown case (replacing an open case view, when stepping)."""
        if not self.shown:
            return
        index = max(0, min(index, len(self.shown) - 1))
        self.query_one("#cases", CaseTable).cursor = index
        r = self.shown[index]
        side = Side("", self.data.summary(r.id), self.data.case_dir(r.id), r)
        screen = CaseScreen([side], r, self.opener, stepper=self.step_case)
        if isinstance(self.app.screen, CaseScreen):
            self.app.switch_screen(screen)
        else:
            self.app.push_screen(screen)

    def step_case(self, delta: int) -> None:
        """From an open case, the next or previous one in this table's order."""
        self.open_case(self.query_one("#cases", CaseTable).cursor + delta)

    def on_case_table_highlighted(self, event: CaseTable.Highlighted) -> None:
        """The highlighted case's whole request, which the table has to cut short."""
        preview = self.query_one("#preview", Static)
        if 0 <= event.index < len(self.shown):
            r = self.shown[event.index]
            preview.update(Text(f"{r.id}: {r.request}"))
        else:
            preview.update("")

    def on_case_table_selected(self, event: CaseTable.Selected) -> None:
        """Enter (or a click on the cursor's row) opens the case."""
        self.open_case(event.index)

    def on_case_table_header_clicked(self, event: CaseTable.HeaderClicked) -> None:
        """A click on a column header sorts by it (again: the other way)."""
        key = COLUMNS[event.column][1]
        if key is None:
            return
        self.descending = not self.descending if key == self.sort else False
        self.sort = key
        self.refill()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter as the search text changes."""
        self.filter.text = event.value
        self.refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search box goes back to the table."""
        self.query_one("#cases", CaseTable).focus()

    def action_search(self) -> None:
        """Type to search the requests."""
        self.query_one("#search", Input).focus()

    def action_leave_search(self) -> None:
        """Escape leaves the search box (the text stays)."""
        self.query_one("#cases", CaseTable).focus()

    def action_toggle_failed(self) -> None:
        """Only cases that are not perfect, or all."""
        self.filter.failed = not self.filter.failed
        self.refill()

    def action_toggle_invalid(self) -> None:
        """Only cases whose plan failed validation, or all."""
        self.filter.invalid = not self.filter.invalid
        self.refill()

    def action_pick_tool(self) -> None:
        """Choose a tool (most used first): only cases whose gold or predicted plan uses it."""
        counts = {t: sum(t in case_tools(r) for r in self.data.results)
                  for t in self.data.tools()}
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].lower()))
        options = [(t, f"{t} ({n})") for t, n in ranked]
        self.app.push_screen(PickScreen("tool", options, self.filter.tool), self._set_tool)

    def _set_tool(self, value: str | None) -> None:
        if value is not None:
            self.filter.tool = None if value == ANY else value
            self.refill()

    def action_pick_shape(self) -> None:
        """Choose a plan shape."""
        counts = {s: sum(r.shape == s for r in self.data.results) for s in self.data.shapes()}
        options = [(s, f"{s} ({n})") for s, n in counts.items()]
        self.app.push_screen(PickScreen("shape", options, self.filter.shape), self._set_shape)

    def _set_shape(self, value: str | None) -> None:
        if value is not None:
            self.filter.shape = None if value == ANY else value
            self.refill()

    def action_next_sort(self) -> None:
        """Sort by the next column."""
        keys = list(SORTS)
        self.sort = keys[(keys.index(self.sort) + 1) % len(keys)]
        self.refill()

    def action_reverse_sort(self) -> None:
        """Flip the order."""
        self.descending = not self.descending
        self.refill()

    def action_clear_filters(self) -> None:
        """Show every case again."""
        self.filter = CaseFilter()
        self.query_one("#search", Input).value = ""
        self.refill()

    def action_metrics(self) -> None:
        """Every metric, the splits, and latency histograms."""
        self.app.push_screen(MetricsScreen(self.data))
