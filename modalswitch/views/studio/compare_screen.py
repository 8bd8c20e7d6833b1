"""Two evals side by side: metric deltas, then the cases that changed, worst first; each opens
into the case view with both predictions."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from modalswitch.evals.reports.compare import Comparison, compare_dirs
from modalswitch.evals.reports.fmt import LOWER_IS_BETTER, fmt
from modalswitch.views.studio.case_parts import Side
from modalswitch.views.studio.case_screen import CaseScreen
from modalswitch.views.studio.data import EvalData
from modalswitch.views.studio.opener import Opener

DIRECTION_STYLE = {"better": "green", "worse": "red", "changed": "yellow"}


def delta_text(key: str, delta: float | None) -> Text:
    """A metric's change, green when it is an improvement."""
    if delta is None or delta == 0:
        return Text("–" if delta is None else "0", style="dim")
    good = (delta < 0) if key in LOWER_IS_BETTER else (delta > 0)
    return Text(f"{delta:+.3f}", style="green" if good else "red")


def worst_first(comp: Comparison) -> list[dict[str, Any]]:
    """Changed cases by how much B lost against A (the biggest loss first)."""
    return sorted(comp.changed, key=lambda c: (c["b_score"] - c["a_score"], c["id"]))


class CompareScreen(Screen[None]):
    """Eval A against eval B."""

    DEFAULT_CSS = """
    CompareScreen #title { height: auto; padding: 0 1; background: $boost; }
    CompareScreen #metrics { height: auto; max-height: 40%; }
    CompareScreen #changed-title { height: 1; padding: 0 1; text-style: bold; }
    CompareScreen #changed { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "open case"),
        Binding("tab", "app.focus_next", "switch table", show=False)]

    def __init__(self, a: EvalData, b: EvalData, opener: Opener) -> None:
        super().__init__()
        self.a, self.b, self.opener = a, b, opener
        self.comparison = compare_dirs(a.path, b.path)
        self.changed = worst_first(self.comparison)

    def compose(self) -> ComposeResult:
        """Title, metric deltas, changed cases."""
        title = Text(f"A: {self.a.title}  ({self.a.path})\n", style="bold")
        title.append(f"B: {self.b.title}  ({self.b.path})", style="bold")
        if self.comparison.only_a or self.comparison.only_b:
            title.append(f"\nonly in A: {len(self.comparison.only_a)} · only in B: "
                         f"{len(self.comparison.only_b)}", style="dim")
        yield Static(title, id="title")
        yield DataTable(id="metrics", cursor_type="row")
        yield Static(Text(f"cases that changed ({len(self.changed)}), worst first"),
                     id="changed-title")
        yield DataTable(id="changed", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Fill both tables; the changed cases get the keyboard."""
        metrics = self.query_one("#metrics", DataTable)
        metrics.add_columns("metric", "A", "B", "Δ")
        for row in self.comparison.rows:
            metrics.add_row(row["label"], fmt(row["a"], row["metric"]),
                            fmt(row["b"], row["metric"]), delta_text(row["metric"], row["delta"]))
        changed = self.query_one("#changed", DataTable)
        changed.add_columns("case", "change", "A", "B", "Δ score", "what changed")
        for c in self.changed:
            change = str(c["direction"])
            delta = c["b_score"] - c["a_score"]
            changed.add_row(Text(str(c["id"])), Text(change, style=DIRECTION_STYLE.get(change, "")),
                            str(c["a_status"]), str(c["b_status"]), f"{delta:+.2f}",
                            Text("; ".join(c["what"])[:120]), key=str(c["id"]))
        changed.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a changed case opens it with both predictions."""
        if event.data_table.id == "changed":
            self.action_open()

    def action_open(self) -> None:
        """Open the changed case under the cursor with both predictions."""
        if not self.changed:
            return
        case_id = str(self.changed[self.query_one("#changed", DataTable).cursor_row]["id"])
        ra, rb = self.a.by_id[case_id], self.b.by_id[case_id]
        sides = [Side("A", self.a.summary(case_id), self.a.case_dir(case_id), ra),
                 Side("B", self.b.summary(case_id), self.b.case_dir(case_id), rb)]
        self.app.push_screen(CaseScreen(sides, ra, self.opener))
