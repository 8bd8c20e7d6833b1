"""The eval view's case table, drawn a line at a time.

A DataTable measures every cell of every row it is given, so refilling it with a few hundred
cases costs a noticeable pause on each filter key. Here columns have fixed widths (the last,
the request, takes what is left), rows are given as ready Text cells, and only the visible
lines are drawn: filtering, sorting and searching cost a redraw of one screen.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

GAP = 1


class CaseTable(ScrollView, can_focus=True):
    """Rows of Text cells under a fixed header; a cursor row, enter or a click selects."""

    DEFAULT_CSS = """
    CaseTable { height: 1fr; overflow-x: hidden; }
    CaseTable > .case-table--header { text-style: bold; background: $panel; }
    CaseTable > .case-table--cursor { background: $accent 60%; }
    CaseTable:focus > .case-table--cursor { background: $accent; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"case-table--header", "case-table--cursor"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "up", show=False),
        Binding("down", "move(1)", "down", show=False),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("pagedown", "page(1)", "page down", show=False),
        Binding("home", "move(-1000000)", "first", show=False),
        Binding("end", "move(1000000)", "last", show=False),
        Binding("enter", "select", "open", show=False),
    ]
    cursor = reactive(0)

    class Highlighted(Message):
        """The cursor moved to row `index`."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Selected(Message):
        """Row `index` was chosen (enter, or a click on the cursor's row)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class HeaderClicked(Message):
        """The header of column `column` was clicked."""

        def __init__(self, column: int) -> None:
            super().__init__()
            self.column = column

    def __init__(self, columns: list[tuple[str, int]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = columns
        """(header, width) of each column; the last one takes the room left (at least its width,
    the line then cut short)."""
        self.rows: list[list[Text]] = []

    def set_rows(self, rows: list[list[Text]], cursor: int = 0) -> None:
        """Show these rows, the cursor on row `cursor`."""
        self.rows = rows
        width = sum(w for _, w in self.columns) + GAP * (len(self.columns) - 1)
        self.virtual_size = Size(width, len(rows) + 1)
        self.cursor = max(0, min(cursor, len(rows) - 1))
        self._follow_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self.cursor))

    def _line(self, cells: list[Text], width: int) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        room = width
        for i, (cell, (_, column_width)) in enumerate(zip(cells, self.columns, strict=False)):
            last = i == len(self.columns) - 1
            size = max(room, column_width) if last else column_width
            piece = cell.copy()
            piece.truncate(size, overflow="ellipsis", pad=True)
            line.append_text(piece)
            if not last:
                line.append(" " * GAP)
            room -= size + GAP
        line.truncate(width, pad=True)
        return line

    def render_line(self, y: int) -> Strip:
        """The header on the first line, then the rows from the scroll position."""
        width = self.size.width
        if y == 0:
            header = self._line([Text(label) for label, _ in self.columns], width)
            style = self.get_component_rich_style("case-table--header")
            return Strip(header.render(self.app.console)).apply_style(style)
        index = round(self.scroll_offset.y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        strip = Strip(self._line(self.rows[index], width).render(self.app.console))
        if index == self.cursor:
            return strip.apply_style(self.get_component_rich_style("case-table--cursor"))
        return strip.apply_style(Style.from_color(bgcolor=self.rich_style.bgcolor))

    def _follow_cursor(self) -> None:
        """Scroll so the cursor's row is on screen (below the header)."""
        visible = max(self.size.height - 1, 1)
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)

    def watch_cursor(self, old: int, new: int) -> None:
        """Redraw and announce a cursor move."""
        self._follow_cursor()
        self.refresh()
        if old != new:
            self.post_message(self.Highlighted(new))

    def action_move(self, delta: int) -> None:
        """Move the cursor by `delta` rows (clamped)."""
        if self.rows:
            self.cursor = max(0, min(self.cursor + delta, len(self.rows) - 1))

    def action_page(self, direction: int) -> None:
        """Move the cursor by a screenful."""
        self.action_move(direction * max(self.size.height - 2, 1))

    def action_select(self) -> None:
        """Choose the cursor's row."""
        if self.rows:
            self.post_message(self.Selected(self.cursor))

    def on_click(self, event: events.Click) -> None:
        """A click on the header sorts; on a row moves the cursor, or chooses it."""
        if event.y == 0:
            x = 0
            for i, (_, column_width) in enumerate(self.columns):
                if event.x < x + column_width + GAP or i == len(self.columns) - 1:
                    self.post_message(self.HeaderClicked(i))
                    return
                x += column_width + GAP
        index = round(self.scroll_offset.y) + event.y - 1
        if 0 <= index < len(self.rows):
            if index == self.cursor:
                self.post_message(self.Selected(index))
            self.cursor = index
