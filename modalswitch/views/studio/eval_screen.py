"""The eval view: headline metrics and splits over a case table to sort, filter and open."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from modalswitch.evals.reports.fmt import fmt
from modalswitch.evals.runner.results import CaseResult
from modalswitch.views.studio.case_parts import Side
from modalswitch.views.studio.case_screen import CaseScreen
from modalswitch.views.studio.data import SORTS, CaseFilter, EvalData, case_tools, select
from modalswitch.views.studio.metrics_screen import MetricsScreen
from modalswitch.views.studio.opener import Opener
from modalswitch.views.studio.pick import ANY, PickScreen
from modalswitch.views.style import STATUS_STYLE

COLUMNS = (("id", "id"), ("status", "status"), ("shape", "shape"), ("n", "tools"),
           ("node", "node F1"), ("edge", "edge F1"), ("value", "value F1"),
           ("case s", "case s"), ("request", None))
"""Table columns: (header, the SORTS key a click on the header sorts by)."""
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


def case_row(r: CaseResult) -> list[str | Text]:
    """One table row."""
    return [r.id, Text(r.status, style=STATUS_STYLE.get(r.status, "")), r.shape, str(r.n_tools),
            *(fmt(r.scores.get(k)) for k in ("node_f1", "edge_f1", "arg_value_f1")),
            fmt(r.case_s, "case_s"), r.request[:90]]


class EvalScreen(Screen[None]):
    """An eval folder: metrics on top, every case below (enter opens one)."""

    DEFAULT_CSS = """
    EvalScreen #headline { height: auto; padding: 0 1; background: $boost; }
    EvalScreen #search { height: 1; border: none; padding: 0 1; margin: 0; }
    EvalScreen #filters { height: 1; padding: 0 1; color: $text-muted; }
    EvalScreen DataTable { height: 1fr; }
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

    def compose(self) -> ComposeResult:
        """Headline, search box, filter line, table, keys."""
        yield Static(headline(self.data), id="headline")
        yield Input(placeholder="/ search requests and ids", id="search")
        yield Static(id="filters")
        yield DataTable(id="cases", cursor_type="row", zebra_stripes=True)
        yield Static(id="preview")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Fill the table and give it the keyboard."""
        table = self.query_one("#cases", DataTable)
        for label, _ in COLUMNS:
            table.add_column(label, key=label)
        self.refill()
        table.focus()

    def refill(self) -> None:
        """Show the cases the filter lets through, in the chosen order, keeping the cursor's
        case under the cursor when it is still shown."""
        table = self.query_one("#cases", DataTable)
        current = self.shown[table.cursor_row].id if self.shown and table.row_count else None
        self.shown = select(self.data, self.filter, self.sort, self.descending)
        table.clear()
        for r in self.shown:
            table.add_row(*case_row(r), key=r.id)
        ids = [r.id for r in self.shown]
        table.move_cursor(row=ids.index(current) if current in ids else 0)
        arrow = "↓" if self.descending else "↑"
        self.query_one("#filters", Static).update(
            f"{len(self.shown)}/{len(self.data.results)} cases · {self.filter.describe()} · "
            f"sort {self.sort} {arrow}")

    def open_case(self, index: int) -> None:
        """Open the index-th shown case (replacing an open case view, when stepping)."""
        if not self.shown:
            return
        index = max(0, min(index, len(self.shown) - 1))
        self.query_one("#cases", DataTable).move_cursor(row=index)
        r = self.shown[index]
        side = Side("", self.data.summary(r.id), self.data.case_dir(r.id), r)
        screen = CaseScreen([side], r, self.opener, stepper=self.step_case)
        if isinstance(self.app.screen, CaseScreen):
            self.app.switch_screen(screen)
        else:
            self.app.push_screen(screen)

    def step_case(self, delta: int) -> None:
        """From an open case, the next or previous one in this table's order."""
        self.open_case(self.query_one("#cases", DataTable).cursor_row + delta)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted case's whole request, which the table has to cut short."""
        if 0 <= event.cursor_row < len(self.shown):
            r = self.shown[event.cursor_row]
            self.query_one("#preview", Static).update(Text(f"{r.id}: {r.request}"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter (or a click on the cursor's row) opens the case."""
        self.open_case(event.cursor_row)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        """A click on a column header sorts by it (again: the other way)."""
        key = dict(COLUMNS).get(str(event.column_key.value))
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
        self.query_one("#cases", DataTable).focus()

    def action_search(self) -> None:
        """Type to search the requests."""
        self.query_one("#search", Input).focus()

    def action_leave_search(self) -> None:
        """Escape leaves the search box (the text stays)."""
        self.query_one("#cases", DataTable).focus()

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
