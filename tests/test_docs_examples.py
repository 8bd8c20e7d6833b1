"""The Python examples of the integration pages run as written (each in a fresh process)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = ["conversations.md", "async.md", "http.md", "telemetry.md", "mcp.md", "ray.md",
         "remote-llms.md"]
BLOCK = re.compile(r"(<!-- needs:[^>]*-->\n)?```python\n(.*?)```", re.S)
EXAMPLES = [(page, n, code) for page in PAGES
            for n, (needs, code) in enumerate(BLOCK.findall(
                (REPO / "docs" / page).read_text(encoding="utf-8"))) if not needs]
EXPECTED = {"conversations.md": "a 64x48 picture", "async.md": "cancelled",
            "http.md": "audio/wav", "telemetry.md": "invoke_agent modalswitch",
            "mcp.md": "progress 2", "ray.md": "a 64x48 picture"}


def test_every_integration_page_has_a_runnable_example():
    assert {page for page, _, _ in EXAMPLES} == set(EXPECTED)


@pytest.mark.parametrize(("page", "n", "code"), EXAMPLES, ids=[f"{p}#{n}" for p, n, _ in
                                                               EXAMPLES])
def test_the_example_runs(page: str, n: int, code: str, tmp_path: Path):
    if page == "ray.md":
        pytest.importorskip("ray")
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert EXPECTED[page] in proc.stdout, proc.stdout[-2000:]
