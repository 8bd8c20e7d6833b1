"""Driving the studio in tests: run it headless at a size, read the screen back as text."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from modalswitch.views.studio.app import StudioApp, studio


class Opened(list[tuple[str, Path]]):
    """Stands in for the system viewer and player: records what the studio asked for."""

    def __call__(self, action: str, path: Path) -> str:
        self.append((action, Path(path)))
        return f"{action} {Path(path).name}"


def screen_text(app: StudioApp) -> str:
    """What the terminal shows now, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


Scenario = Callable[[Pilot[Any], StudioApp], Awaitable[None]]


def drive(paths: list[Path], scenario: Scenario, *, size: tuple[int, int] = (80, 24),
          opener: Opened | None = None, follow: bool = False) -> StudioApp:
    """Open the studio on `paths` and play `scenario` against it."""
    app = studio(paths, follow=follow, opener=opener if opener is not None else Opened())

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(pilot, app)

    asyncio.run(main())
    return app


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press keys, letting the app settle after each."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


async def look_at(pilot: Pilot[Any], app: StudioApp, selector: str) -> str:
    """Scroll a section into view and return the screen."""
    app.screen.query_one(selector).scroll_visible(animate=False, top=True)
    await pilot.pause()
    return screen_text(app)
