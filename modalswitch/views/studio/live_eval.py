"""Follow an eval while it is being written: each case's trace is tailed as it appears, with
progress against the cases eval.json says will run; once results.jsonl lands the view turns
into the full eval view."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, ProgressBar, Static

from modalswitch.agent.trace.fold import TraceFollower
from modalswitch.evals.runner.results import MANIFEST
from modalswitch.views.studio.case_parts import Side
from modalswitch.views.studio.case_screen import CaseScreen, phase
from modalswitch.views.studio.data import EvalData
from modalswitch.views.studio.eval_screen import EvalScreen
from modalswitch.views.studio.opener import Opener
from modalswitch.views.style import STATUS_STYLE

POLL_S = 0.3


def eval_running(path: Path) -> bool:
    """True while an eval writes the folder: it has started, and no results newer than that."""
    manifest, results = path / MANIFEST, path / "results.jsonl"
    if not results.exists():
        return manifest.exists() or (path / "cases").is_dir()
    return manifest.exists() and manifest.stat().st_mtime > results.stat().st_mtime


class EvalFollower:
    """The cases of an eval folder being written, each trace followed as it grows."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.cases: dict[str, TraceFollower] = {}
        self.total: int | None = None

    @property
    def done(self) -> int:
        """Cases whose trace has ended."""
        return sum(f.finished for f in self.cases.values())

    @property
    def finished(self) -> bool:
        """True once the eval wrote its results."""
        return not eval_running(self.path)

    def poll(self) -> bool:
        """Pick up new cases and new trace lines; True when anything changed."""
        changed = False
        if self.total is None and (self.path / MANIFEST).is_file():
            with contextlib.suppress(ValueError, KeyError, TypeError):  # a hand-made file
                self.total = len(json.loads((self.path / MANIFEST).read_text("utf-8"))["cases"])
        cases = self.path / "cases"
        for folder in sorted(cases.iterdir()) if cases.is_dir() else []:
            if folder.name not in self.cases and (folder / "trace.jsonl").is_file():
                self.cases[folder.name] = TraceFollower(folder)
        for follower in self.cases.values():
            if not follower.finished and follower.poll():
                changed = True
        return changed


class LiveEvalScreen(Screen[None]):
    """Progress and the cases so far; enter follows one case."""

    DEFAULT_CSS = """
    LiveEvalScreen #title { height: auto; padding: 0 1; background: $boost; }
    LiveEvalScreen ProgressBar { padding: 0 1; }
    LiveEvalScreen #counts { height: 1; padding: 0 1; }
    LiveEvalScreen DataTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open", "follow case")]

    def __init__(self, path: Path, opener: Opener) -> None:
        super().__init__()
        self.follower = EvalFollower(path)
        self.opener = opener

    def compose(self) -> ComposeResult:
        """Title, progress, counts, cases."""
        yield Static(Text(f"following the eval in {self.follower.path}", style="bold"),
                     id="title")
        yield ProgressBar(id="progress", show_eta=False)
        yield Static(id="counts")
        yield DataTable(id="cases", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Start following."""
        table = self.query_one("#cases", DataTable)
        for column in ("case", "status", "where", "request"):
            table.add_column(column, key=column)
        table.focus()
        self.follow()
        self.set_interval(POLL_S, self.follow)

    def follow(self) -> None:
        """Fold in what was written since the last look."""
        self.follower.poll()
        if self.follower.finished:
            self.notify("the eval finished: showing its results")
            self.app.switch_screen(EvalScreen(EvalData.load(self.follower.path), self.opener))
            return
        table = self.query_one("#cases", DataTable)
        counts: dict[str, int] = {}
        for name, f in self.follower.cases.items():
            s = f.summary
            status = s.status if f.finished else "running"
            counts[status] = counts.get(status, 0) + 1
            cells = (Text(status, style=STATUS_STYLE.get(status, "")), Text(phase(Side("", s))),
                     Text(s.request[:80]))  # Text: a request is not markup
            if name in table.rows:
                for column, cell in zip(("status", "where", "request"), cells, strict=True):
                    table.update_cell(name, column, cell)
            else:
                table.add_row(Text(name), *cells, key=name)
        total = self.follower.total
        self.query_one("#progress", ProgressBar).update(total=total, progress=self.follower.done)
        summary = " · ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        self.query_one("#counts", Static).update(Text(
            f"{self.follower.done}/{total if total is not None else '?'} cases done · {summary}"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Follow one case in the case view."""
        self.action_open()

    def action_open(self) -> None:
        """Follow the case under the cursor in the case view."""
        names = list(self.follower.cases)
        if not names:
            return
        name = names[self.query_one("#cases", DataTable).cursor_row]
        folder = self.follower.path / "cases" / name
        follower = TraceFollower(folder)
        self.app.push_screen(CaseScreen([Side("", follower.summary, folder)], None, self.opener,
                                        follower=follower))
