"""How fast the studio opens an eval folder and answers filter keys (numbers, not tests)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from modalswitch.views.studio.app import studio


def studio_timings(eval_dir: Path, repeats: int = 10) -> dict[str, float]:
    """Seconds: load and first paint of the eval view at 80×24 (wall clock, and CPU time,
    which a busy machine does not inflate), then the mean time a filter key (f, i) and a
    search keystroke take until the screen has settled again."""
    timings: dict[str, float] = {}

    async def main() -> None:
        start, cpu = time.perf_counter(), time.process_time()
        app = studio([Path(eval_dir)], opener=lambda action, path: "")
        timings["load_s"] = time.perf_counter() - start
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            timings["open_s"] = time.perf_counter() - start
            timings["open_cpu_s"] = time.process_time() - cpu
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
