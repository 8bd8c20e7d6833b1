"""The case view: one run (or one eval case, or one case in two evals) from request to files.

Sections top to bottom: the request and scores; gold and predicted plans side by side with
the differences marked; the plan graph and modality flow; the router's decision; the
planner's attempts (raw output folded under each); per-step status, time, retries, cache
hits and errors; the response text; and the files, which open or play with a key. Given a
TraceFollower, the view follows a run still being written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, HorizontalScroll, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Collapsible, DataTable, Footer, ProgressBar, Static

from modalswitch.agent.trace.fold import TraceFollower
from modalswitch.evals.runner.results import CaseResult
from modalswitch.views.eval_browser import steps_table
from modalswitch.views.studio.case_parts import (
    FileRow,
    Side,
    attempt_body,
    attempt_title,
    diff_notes,
    file_rows,
    graph_view,
    header,
    plan_trees,
    route_text,
    text_width,
)
from modalswitch.views.studio.opener import Opener
from modalswitch.views.style import STATUS_STYLE, short

Stepper = Callable[[int], None]
"""Moves to the next (+1) or previous (-1) case of the list the view was opened from."""


def phase(side: Side) -> str:
    """Where a followed run is, in a few words."""
    s = side.summary
    if s.status != "unfinished":
        took = f" in {s.duration_s:.2f}s" if s.duration_s is not None else ""
        return f"done: {s.status}{took}"
    if s.plan is None:
        return "waiting for the trace" if not s.run_id else "planning"
    done = sum(i.status in ("ok", "cached", "failed", "skipped") for i in s.top_steps)
    return f"running: {done}/{len(s.top_steps)} step(s) done"


class CaseScreen(Screen[None]):
    """Everything about one case or run; `sides` are its predictions (two when comparing)."""

    DEFAULT_CSS = """
    CaseScreen VerticalScroll { padding: 0 1; }
    CaseScreen .title { text-style: bold; background: $boost; margin-top: 1; }
    CaseScreen #live { height: auto; }
    CaseScreen #plans { height: auto; }
    CaseScreen #plans > Static { width: 1fr; height: auto; padding-right: 1; }
    CaseScreen HorizontalScroll { height: auto; }
    CaseScreen #graphs { width: auto; margin-top: 1; }
    CaseScreen #attempts { height: auto; }
    CaseScreen #files { height: auto; max-height: 12; }
    CaseScreen Collapsible { padding-left: 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "back"),
        Binding("o", "open_file", "open file"),
        Binding("p", "play", "play"),
        Binding("n", "step(1)", "next case", show=False),
        Binding("N", "step(-1)", "previous case", show=False),
        Binding("f", "focus_files", "files"),
    ]

    def __init__(self, sides: list[Side], gold: CaseResult | None, opener: Opener, *,
                 stepper: Stepper | None = None, follower: TraceFollower | None = None) -> None:
        super().__init__()
        self.sides, self.gold, self.opener = sides, gold, opener
        self.stepper, self.follower = stepper, follower
        self.rows: list[FileRow] = []
        self._attempts_shown = -1

    def compose(self) -> ComposeResult:
        """The sections, filled by `show`."""
        with VerticalScroll(id="body"):
            if self.follower is not None:
                with Vertical(id="live"):
                    yield Static(id="phase")
                    yield ProgressBar(id="progress", show_eta=False)
            yield Static(id="header")
            yield Static("plans", classes="title")
            with Horizontal(id="plans"):
                for i in range(len(self.sides) + (self.gold is not None)):
                    yield Static(id=f"tree{i}")
            yield Static(id="diff")
            with HorizontalScroll():
                yield Static(id="graphs")
            yield Static(id="flows")
            yield Static("router", classes="title")
            yield Static(id="route")
            yield Static("planner attempts", classes="title")
            yield Vertical(id="attempts")
            yield Static("steps", classes="title")
            yield Static(id="steps")
            yield Static("response", classes="title")
            yield Static(id="response")
            yield Static("files (o: open, p: play)", classes="title")
            yield DataTable(id="files", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Fill the sections; follow the trace if it is still being written."""
        table = self.query_one("#files", DataTable)
        table.add_columns(*(["side"] if len(self.sides) > 1 else []), "file", "kind", "name",
                          "details", "folder")
        if self.follower is not None:
            self.follower.poll()
            self.sides[0].summary = self.follower.summary
            self.set_interval(0.25, self.follow)
        self.show()

    def follow(self) -> None:
        """Fold in what the trace gained since the last look, and redraw if anything did."""
        if self.follower is not None and self.follower.poll():
            self.sides[0].summary = self.follower.summary
            self.show()

    def show(self) -> None:
        """Draw every section from the sides' current summaries."""
        first = self.sides[0]
        if self.follower is not None:
            steps = first.summary.top_steps
            done = sum(i.status in ("ok", "cached", "failed", "skipped") for i in steps)
            self.query_one("#phase", Static).update(Text(phase(first), style="bold"))
            self.query_one("#progress", ProgressBar).update(total=max(len(steps), 1),
                                                            progress=done)
        self.query_one("#header", Static).update(
            Group(*(header(s, brief=i > 0) for i, s in enumerate(self.sides))))
        for i, tree in enumerate(plan_trees(self.gold, self.sides)):
            self.query_one(f"#tree{i}", Static).update(tree)
        self.query_one("#diff", Static).update(Group(*(diff_notes(s) for s in self.sides)))
        pictures = [graph_view(s) for s in self.sides]
        graphs = self.query_one("#graphs", Static)
        graphs.update(Group(*(dag for dag, _ in pictures)))
        graphs.styles.width = max(text_width(dag) for dag, _ in pictures)  # scroll, never wrap
        self.query_one("#flows", Static).update(Group(*(flow for _, flow in pictures)))
        self.query_one("#route", Static).update(Group(*(
            Group(Text(s.label, style="bold"), route_text(s.summary)) if s.label
            else route_text(s.summary) for s in self.sides)))
        self._show_attempts()
        self.query_one("#steps", Static).update(Group(*(self._steps(s) for s in self.sides)))
        self.query_one("#response", Static).update(Group(*(self._response(s)
                                                            for s in self.sides)))
        self._show_files()

    def _steps(self, side: Side) -> Group | Text:
        s = side.summary
        label = Text(f"{side.label}: " if side.label else "", style="bold")
        errors = [Text(f"error {t}: {short(m, 400)}", style="red") for t, m in s.errors]
        if all(info.status == "pending" for info in s.top_steps):
            return Group(label + Text("no step ran (a plan-only eval, a text answer, or not "
                                      "started yet)", style="dim"), *errors)
        notes = Text(f"cache hits {s.cache_hits} · retries {s.retries}", style="dim")
        table = steps_table(s)
        table.title = None
        return Group(label + notes, table, *errors)

    def _response(self, side: Side) -> Text:
        s = side.summary
        text = Text(f"{side.label}: " if side.label else "", style="bold")
        if s.response_text is None:
            return text + Text("no response (plan only, or the run did not finish)", "dim")
        return text + Text(s.response_text or "(no text)")

    def _show_attempts(self) -> None:
        count = sum(len(s.summary.attempts) for s in self.sides)
        if count == self._attempts_shown:
            return
        self._attempts_shown = count
        box = self.query_one("#attempts", Vertical)
        box.remove_children()
        widgets: list[Static | Collapsible] = []
        for side in self.sides:
            if not side.summary.attempts:
                widgets.append(Static(Text(f"{side.label + ': ' if side.label else ''}"
                                           "no LLM attempts recorded (a scripted or gold "
                                           "planner)", style="dim")))
            for a in side.summary.attempts:
                title = (f"{side.label}: " if side.label else "") + attempt_title(a)
                widgets.append(Collapsible(Static(attempt_body(a)), title=title))
        box.mount_all(widgets)

    def _show_files(self) -> None:
        rows = [row for side in self.sides for row in file_rows(side)]
        if rows == self.rows:
            return
        self.rows = rows
        table = self.query_one("#files", DataTable)
        table.clear()
        for row in rows:
            style = STATUS_STYLE["ok"] if row.path and row.path.is_file() else "red"
            name = Text(row.path.name if row.path else "missing", style=style)
            cells = [Text(row.role), Text(row.modality), name, Text(row.details),
                     Text(str(row.path.parent) if row.path else "")]  # Text: paths are no markup
            table.add_row(*([Text(row.side)] if len(self.sides) > 1 else []), *cells)

    def _chosen(self) -> FileRow | None:
        table = self.query_one("#files", DataTable)
        if not self.rows:
            self.notify("this case has no files", severity="warning")
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def action_open_file(self) -> None:
        """Open the file under the files table's cursor with the system viewer."""
        row = self._chosen()
        if row is not None and row.path is not None:
            self.notify(self.opener("open", row.path), markup=False)  # paths are not markup

    def action_play(self) -> None:
        """Play the audio (or video's sound) under the files table's cursor."""
        row = self._chosen()
        if row is None or row.path is None:
            return
        if row.modality not in ("audio", "video"):
            self.notify(f"{row.path.name} is {row.modality}, not audio: o opens it",
                        severity="warning", markup=False)
            return
        self.notify(self.opener("play", row.path), markup=False)

    def action_focus_files(self) -> None:
        """Jump to the files table."""
        table = self.query_one("#files", DataTable)
        table.focus()
        table.scroll_visible(animate=False)

    def action_step(self, delta: int) -> None:
        """Open the next or previous case of the list this view came from."""
        if self.stepper is not None:
            self.stepper(delta)

    def action_back(self) -> None:
        """Back to the list (or quit when this is the only view)."""
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()
