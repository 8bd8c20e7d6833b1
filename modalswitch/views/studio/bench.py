"""How fast the studio opens an eval folder and answers filter keys (numbers, not tests)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from modalswitch.views.studio.app import studio


def studio_timings(eval_dir: Path, repeats: int = 10) -> dict[str, float]:
    """Seconds: load and first paint of the eval view at 80×24, then the mean time a filter
    key (f, i) and a search keystroke take to redraw the table."""
    timings: dict[str, float] = {}

    async def main() -> None:
        start = time.perf_counter()
        app = studio([Path(eval_dir)], opener=lambda action, path: "")
        timings["load_s"] = time.perf_counter() - start
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            timings["open_s"] = time.perf_counter() - start
            for name, keys in (("filter_key_s", ["f", "f", "i", "i"]),
                               ("search_key_s", ["slash", "e", "backspace"])):
                began = time.perf_counter()
                for _ in range(repeats):
                    for key in keys:
                        await pilot.press(key)
                        await pilot.pause()
                    await pilot.press("escape")
                timings[name] = (time.perf_counter() - began) / (repeats * len(keys))

    asyncio.run(main())
    return timings
