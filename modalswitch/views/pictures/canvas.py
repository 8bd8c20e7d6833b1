"""A grid of box-drawing lines: each cell remembers which ways its lines run, so lines that
meet join with the right character (├ ┬ ┼ …) whatever order they were drawn in."""

from __future__ import annotations

from rich.text import Text

N, S, E, W = 1, 2, 4, 8
GLYPHS = {
    N: "╵", S: "╷", E: "╶", W: "╴", N | S: "│", E | W: "─",
    S | E: "┌", S | W: "┐", N | E: "└", N | W: "┘",
    N | S | E: "├", N | S | W: "┤", S | E | W: "┬", N | E | W: "┴", N | S | E | W: "┼",
}


class Canvas:
    """Lines and text on a grid of cells, rendered as rich Text."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self._ways = [[0] * width for _ in range(height)]
        self._text: dict[tuple[int, int], tuple[str, str]] = {}

    def join(self, x: int, y: int, ways: int) -> None:
        """Add line directions to one cell."""
        if 0 <= x < self.width and 0 <= y < self.height:
            self._ways[y][x] |= ways

    def vline(self, x: int, top: int, bottom: int) -> None:
        """A vertical line from row `top` down to row `bottom` (ends open toward each other)."""
        for y in range(top, bottom + 1):
            self.join(x, y, (N if y > top else 0) | (S if y < bottom else 0))

    def hline(self, y: int, left: int, right: int) -> None:
        """A horizontal line from column `left` to `right`."""
        for x in range(left, right + 1):
            self.join(x, y, (W if x > left else 0) | (E if x < right else 0))

    def box(self, x: int, y: int, width: int, height: int) -> None:
        """A rectangle's border."""
        self.hline(y, x, x + width - 1)
        self.hline(y + height - 1, x, x + width - 1)
        self.vline(x, y, y + height - 1)
        self.vline(x + width - 1, y, y + height - 1)

    def write(self, x: int, y: int, text: str, style: str = "") -> None:
        """Text over the cells from (x, y), clipped to the canvas."""
        for i, char in enumerate(text):
            if 0 <= x + i < self.width and 0 <= y < self.height:
                self._text[(x + i, y)] = (char, style)

    def render(self) -> Text:
        """The canvas as lines of styled text, trailing blanks removed."""
        out = Text()
        for y in range(self.height):
            cells = [self._text.get((x, y), (GLYPHS.get(self._ways[y][x], " "), ""))
                     for x in range(self.width)]
            line = Text()
            run, run_style = "", ""
            for char, style in cells:  # one span per run of a style, not per cell
                if style != run_style:
                    line.append(run, run_style)
                    run, run_style = "", style
                run += char
            line.append(run, run_style)
            line.rstrip()
            out.append_text(line)
            if y < self.height - 1:
                out.append("\n")
        return out
