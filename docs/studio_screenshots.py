"""Make the studio screenshots in docs/ (SVG exports from Textual's pilot).

    python docs/studio_screenshots.py ../shared/taskbench-multimedia

Runs the oracle and the no-tool planner over the TaskBench sample (seconds, plan only),
then saves the eval view, a case's plan graph, the comparison and the metrics page.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from modalswitch.evals.datasets import load_dataset
from modalswitch.evals.runner import run_eval
from modalswitch.evals.runner.planners import NoToolPlanner, OraclePlanner
from modalswitch.views.studio.app import studio

DOCS = Path(__file__).resolve().parent


async def shoot(paths: list[Path], keys: list[str], name: str, size: tuple[int, int],
                scroll_to: str | None = None) -> None:
    """Open the studio, press keys, save the screen as docs/<name>.svg."""
    app = studio(paths, opener=lambda action, path: "")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        if scroll_to:
            app.screen.query_one(scroll_to).scroll_visible(animate=False, top=True)
            await pilot.pause()
        app.save_screenshot(f"{name}.svg", str(DOCS))


def main(taskbench: Path) -> None:
    """All four screenshots."""
    dataset = load_dataset(taskbench.resolve())
    os.chdir(tempfile.mkdtemp(prefix="studio-shots-"))  # short relative paths on screen
    oracle, none = Path("taskbench-oracle"), Path("taskbench-none")
    run_eval(dataset, OraclePlanner(), oracle)
    run_eval(dataset, NoToolPlanner(), none)
    asyncio.run(shoot([oracle], ["i"], "studio-eval", (80, 24)))
    asyncio.run(shoot([oracle], ["slash", *"10755258", "enter", "enter"], "studio-case",
                      (100, 40), "#plans"))
    asyncio.run(shoot([oracle, none], [], "studio-compare", (100, 30)))
    asyncio.run(shoot([oracle], ["m", "end"], "studio-metrics", (80, 30)))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
