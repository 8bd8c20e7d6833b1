"""A small modal list to pick one value (a tool, a plan shape) or none."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

ANY = "\0any"
"""The option that clears the filter."""


class PickScreen(ModalScreen[str | None]):
    """Choose one of `options` ((value, label) pairs); dismisses with the value, ANY for
    no filter, or None when escaped."""

    DEFAULT_CSS = """
    PickScreen { align: center middle; }
    PickScreen > OptionList { width: 60; max-width: 90%; height: auto; max-height: 80%;
                              border: round $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "cancel")]

    def __init__(self, title: str, options: list[tuple[str, str]], current: str | None) -> None:
        super().__init__()
        self.title_text = title
        self.options = [(ANY, f"any {title}"), *options]
        self.current = current

    def compose(self) -> ComposeResult:
        """The list, with the current choice highlighted."""
        listing = OptionList(*(Option(label, id=value) for value, label in self.options))
        listing.border_title = f"filter by {self.title_text}"
        yield listing

    def on_mount(self) -> None:
        """Start on the current choice."""
        listing = self.query_one(OptionList)
        values = [value for value, _ in self.options]
        listing.highlighted = values.index(self.current) if self.current in values else 0
        listing.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Return the chosen value."""
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        """Leave the filter as it was."""
        self.dismiss(None)
