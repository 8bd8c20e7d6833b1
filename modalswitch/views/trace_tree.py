"""`modalswitch trace show`: a run's trace as a rich tree (run, route, planner, steps, response)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from modalswitch.agent.trace.fold import StepInfo, TraceSummary, summarize_trace, trace_file
from modalswitch.views.style import STATUS_STYLE, artifact_line, short


def _step_node(parent: Tree, info: StepInfo, summary: TraceSummary) -> None:
    node = parent.add(Text(f"{info.id}  {info.tool}", style="bold"))
    if info.args:
        node.add(f"args: {short(info.args, 160)}")
    if info.resolved_args:
        args = node.add(f"attempt {info.attempts} resolved args")
        for name, value in info.resolved_args.items():
            args.add(f"{name}: {artifact_line(value)}")
    if info.cached:
        node.add(Text("cache hit", style="cyan"))
    for retry in info.retries:
        node.add(Text(f"retry {retry['attempt']} after {retry['delay_s']:.2f}s: "
                      f"{retry['error']}", style="magenta"))
    for child in info.children:
        _step_node(node, summary.steps[child], summary)
    if info.status not in ("pending", "running"):
        status = Text(info.status, style=STATUS_STYLE.get(info.status, ""))
        status.append(f"  {info.duration_s or 0:.3f}s, {info.attempts} attempt(s)")
        result = node.add(status)
        if info.error:
            result.add(Text(f"{info.error_type}: {info.error}", style="red"))
        if info.degraded:
            result.add(Text(f"placeholder: {info.degraded}", style="yellow"))
        for name, value in info.outputs.items():
            result.add(f"{name}: {artifact_line(value)}")


def trace_tree(summary: TraceSummary) -> Tree:
    """The tree of one run."""
    title = Text("run ", style="bold")
    title.append(summary.run_id or "?")
    title.append(f"  {summary.status}", style=STATUS_STYLE.get(summary.status, ""))
    if summary.duration_s is not None:
        title.append(f"  {summary.duration_s:.2f}s")
    root = Tree(title)
    if summary.request:
        root.add(f"request: {short(summary.request, 300)}")
    for item in summary.inputs:
        root.add(f"input: {item.get('path')}")
    if summary.route is not None:
        r = summary.route
        verdict = "tools" if r.needs_tool else "text only"
        route = root.add(Text(f"route: {verdict}  P(tool) {r.p_tool:.2f} "
                              f"(threshold {r.threshold:.2f})", style="bold"))
        if r.tools:
            route.add(f"offered: {', '.join(r.tools)}")
    planner = root.add(Text("planner", style="bold"))
    for a in summary.attempts:
        node = planner.add(f"attempt {a['attempt']}: {a['duration_s']:.2f}s, "
                           f"{a['prompt_tokens']} prompt + {a['completion_tokens']} "
                           "completion tokens")
        node.add(Text(short(a["raw"], 400), style="dim"))
        for issue in a["issues"]:
            node.add(Text(issue, style="red"))
    if summary.plan is not None:
        planner.add(f"plan: {len(summary.plan.get('steps', []))} step(s), outputs "
                    f"{', '.join(summary.output_modalities)}")
    for info in summary.top_steps:
        _step_node(root, info, summary)
    for error_type, message in summary.errors:
        root.add(Text(f"error {error_type}: {message}", style="red"))
    if summary.response_text is not None:
        resp = root.add(Text("response", style="bold"))
        if summary.response_text:
            resp.add(short(summary.response_text, 500))
        for art in summary.artifacts:
            resp.add(f"{art['modality']}: {art['path']} ({art['mime']})")
    return root


def show_trace(path: Path, console: Console) -> int:
    """Print the trace of a run folder (or a trace.jsonl file); returns an exit code."""
    file = trace_file(path)
    if not file.exists():
        console.print(f"[red]no trace at {file}[/red]")
        return 2
    console.print(trace_tree(summarize_trace(file)))
    return 0
