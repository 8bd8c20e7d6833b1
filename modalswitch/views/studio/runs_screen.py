"""A folder of run folders (the home's runs/, say): one row per run, newest first."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from modalswitch.agent.trace.fold import TraceFollower
from modalswitch.views.studio.case_parts import Side
from modalswitch.views.studio.case_screen import CaseScreen
from modalswitch.views.studio.data import fold_trace
from modalswitch.views.studio.opener import Opener
from modalswitch.views.style import STATUS_STYLE


def run_folders(root: Path) -> list[Path]:
    """The folders under `root` that hold a run's trace, newest first."""
    found = [d for d in Path(root).iterdir() if (d / "trace.jsonl").is_file()]
    return sorted(found, key=lambda d: (d / "trace.jsonl").stat().st_mtime, reverse=True)


class RunsScreen(Screen[None]):
    """Past runs; enter opens one (following it, if it is still running)."""

    DEFAULT_CSS = """
    RunsScreen #title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    RunsScreen DataTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open", "open run")]

    def __init__(self, root: Path, opener: Opener) -> None:
        super().__init__()
        self.root, self.opener = Path(root), opener
        self.folders = run_folders(self.root)

    def compose(self) -> ComposeResult:
        """Title and table."""
        yield Static(Text(f"{len(self.folders)} runs in {self.root}"), id="title")
        yield DataTable(id="runs", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """One row per run."""
        table = self.query_one("#runs", DataTable)
        table.add_columns("run", "status", "time s", "steps", "request")
        for folder in self.folders:
            s = fold_trace(folder)
            took = f"{s.duration_s:.2f}" if s.duration_s is not None else "–"
            table.add_row(Text(folder.name), Text(s.status, style=STATUS_STYLE.get(s.status, "")),
                          took, str(len(s.top_steps)), Text(s.request[:80]), key=str(folder))
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Open the run under the cursor."""
        self.action_open()

    def action_open(self) -> None:
        """Open the run under the cursor, following it if it still runs."""
        table = self.query_one("#runs", DataTable)
        if not self.folders:
            return
        folder = self.folders[table.cursor_row]
        follower = TraceFollower(folder)
        self.app.push_screen(CaseScreen([Side("", follower.summary, folder)], None, self.opener,
                                        follower=follower))
