"""Render a run's trace as a rich tree: run, planner attempts, steps, response."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from .trace import read_trace

_STATUS_STYLE = {"ok": "green", "cached": "cyan", "failed": "red", "skipped": "dim",
                 "partial": "yellow"}


def _short(value: Any, limit: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit] + "…"


def _artifact_line(value: Any) -> str:
    if isinstance(value, dict) and "artifact" in value:
        meta = value.get("meta", {})
        bits = [str(value.get("mime", value.get("modality", "")))]
        if "width" in meta:
            bits.append(f"{meta['width']}x{meta['height']}")
        if "duration_s" in meta:
            bits.append(f"{meta['duration_s']}s")
        if "size_bytes" in meta:
            bits.append(f"{meta['size_bytes']} B")
        return f"{', '.join(bits)}  {value.get('path', '')}"
    return _short(value)


def trace_tree(events: list[Any]) -> Tree:
    """The tree of one run's events."""
    start = next((e for e in events if e.type == "run_start"), None)
    end = next((e for e in events if e.type == "run_end"), None)
    title = Text("run ", style="bold")
    title.append(start.run_id if start else "?")
    if end:
        title.append(f"  {end.status}", style=_STATUS_STYLE.get(end.status, ""))
        title.append(f"  {end.duration_s:.2f}s")
    root = Tree(title)
    if start:
        root.add(f"request: {_short(start.request, 300)}")
        for item in start.inputs:
            root.add(f"input: {item.get('path')}")
    planner = root.add(Text("planner", style="bold"))
    steps: dict[str, Tree] = {}
    for event in events:
        kind = event.type
        if kind == "plan_attempt":
            node = planner.add(f"attempt {event.attempt}: {event.duration_s:.2f}s, "
                               f"{event.prompt_tokens} prompt + {event.completion_tokens} "
                               f"completion tokens")
            node.add(Text(_short(event.raw, 400), style="dim"))
            for issue in event.issues:
                node.add(Text(issue, style="red"))
        elif kind == "plan_ready":
            planner.add(f"plan: {len(event.plan.get('steps', []))} step(s), outputs "
                        f"{', '.join(event.output_modalities)}")
            for step in event.plan.get("steps", []):
                steps[step["id"]] = root.add(Text(f"{step['id']}  {step['tool']}", style="bold"))
                steps[step["id"]].add(f"args: {_short(step.get('args', {}))}")
        elif kind in ("step_start", "step_end", "cache_hit", "retry") and event.span in steps:
            node = steps[event.span]
            if kind == "step_start":
                args = node.add(f"attempt {event.attempt} resolved args")
                for name, value in event.args.items():
                    args.add(f"{name}: {_artifact_line(value)}")
            elif kind == "cache_hit":
                node.add(Text(f"cache hit {event.key[:16]}", style="cyan"))
            elif kind == "retry":
                node.add(Text(f"retry {event.attempt} after {event.delay_s:.2f}s: {event.error}",
                              style="magenta"))
            else:
                status = Text(f"{event.status}", style=_STATUS_STYLE.get(event.status, ""))
                status.append(f"  {event.duration_s:.3f}s, {event.attempts} attempt(s)")
                result = node.add(status)
                if event.error:
                    result.add(Text(f"{event.error_type}: {event.error}", style="red"))
                for name, value in event.outputs.items():
                    result.add(f"{name}: {_artifact_line(value)}")
        elif kind == "error":
            root.add(Text(f"error {event.error_type}: {event.message}", style="red"))
        elif kind == "response":
            resp = root.add(Text("response", style="bold"))
            if event.text:
                resp.add(_short(event.text, 500))
            for art in event.artifacts:
                resp.add(f"{art['modality']}: {art['path']} ({art['mime']})")
    return root


def show_trace(path: Path, console: Console) -> int:
    """Print the trace of a run folder (or a trace.jsonl file); returns an exit code."""
    path = Path(path)
    file = path / "trace.jsonl" if path.is_dir() else path
    if not file.exists():
        console.print(f"[red]no trace at {file}[/red]")
        return 2
    console.print(trace_tree(read_trace(file)))
    return 0
