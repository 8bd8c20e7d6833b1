"""`modalswitch trace view`: browse a run folder or an eval folder in the terminal.

An eval folder shows its metrics and the list of cases with status and scores; `--case ID`
(or a single run folder) shows one run: the plan as a tree with each step's arguments,
the planner's attempts, per-step timings, cache hits, retries and errors, and the
produced artifacts with their paths, sizes and durations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from modalswitch.agent.plan.model import parse_ref
from modalswitch.agent.trace.fold import StepInfo, TraceSummary, summarize_trace
from modalswitch.evals.reports.fmt import fmt, metrics_table, split_table
from modalswitch.evals.runner.results import CaseResult, case_dirname, is_eval_dir, load_eval
from modalswitch.views.style import STATUS_STYLE, media_details, short, size


def _f1(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def cases_table(results: list[CaseResult]) -> Table:
    """One row per case: status and the scores that matter."""
    executed = any(r.executed for r in results)
    cols = ["case", "shape", "n", "status", "valid", "mod", "node", "edge", "value", "plan s"]
    table = Table(*cols, *(["exec / e2e"] if executed else []), box=box.SIMPLE_HEAD,
                  title="cases (n: gold tools; mod: modalities right; node, edge, value: F1)",
                  title_justify="left")
    # Ids are what a user types into --case: never cut them short.
    table.columns[0].overflow = "fold"
    table.columns[0].min_width = min(max((len(r.id) for r in results), default=4), 24)
    table.columns[3].min_width = max((len(r.status) for r in results), default=2)
    for r in results:
        s = r.scores
        row: list[RenderableType] = [
            r.id, r.shape, str(r.n_tools), Text(r.status, style=STATUS_STYLE.get(r.status, "")),
            fmt(r.valid), fmt(r.modality_ok),
            *(_f1(s.get(k)) for k in ("node_f1", "edge_f1", "arg_value_f1")),
            fmt(r.plan_s, "plan_s")]
        if executed:
            row.append(Text(f"{r.exec_status or '–'} / {fmt(r.e2e_ok)}",
                            style=STATUS_STYLE.get(r.exec_status or "", "")))
        table.add_row(*row)
    return table


def _arg_text(name: str, value: Any, inputs: list[dict[str, Any]]) -> Text:
    text = Text(f"{name} = ", style="bold")
    ref = parse_ref(value)
    if ref is None:
        text.append(short(value), style="green")
        return text
    text.append(str(ref), style="cyan")
    index = getattr(ref, "index", None)
    if index is not None and index < len(inputs):
        label = inputs[index].get("name") or Path(str(inputs[index].get("path", ""))).name
        text.append(f"  ({label})", style="dim")
    return text


def plan_tree(plan: dict[str, Any] | None, title: str, inputs: list[dict[str, Any]],
              steps: dict[str, StepInfo] | None = None) -> Tree:
    """A plan as a tree: each step with its arguments, what it needs, and how it went."""
    tree = Tree(Text(title, style="bold"))
    if plan is None:
        tree.add(Text("no plan", style="red"))
        return tree
    if not plan.get("steps"):
        tree.add(Text("no tools: a plain text answer", style="italic"))
        return tree
    for step in plan["steps"]:
        label = Text(f"{step['id']} ", style="bold")
        label.append(step["tool"], style="magenta")
        info = (steps or {}).get(step["id"])
        if info is not None and info.status != "pending":
            label.append(f"  {info.status}", style=STATUS_STYLE.get(info.status, ""))
            if info.duration_s is not None:
                label.append(f"  {info.duration_s:.3f}s")
            if info.cached:
                label.append("  cache hit", style="cyan")
            if info.retries:
                n = len(info.retries)
                label.append(f"  {n} retr{'y' if n == 1 else 'ies'}", style="magenta")
        node = tree.add(label)
        for name, value in step.get("args", {}).items():
            node.add(_arg_text(name, value, inputs))
        if info is not None and info.error:
            node.add(Text(f"{info.error_type}: {short(info.error, 300)}", style="red"))
    if plan.get("outputs"):
        tree.add(Text("outputs: " + ", ".join(plan["outputs"]), style="dim"))
    return tree


def steps_table(summary: TraceSummary) -> Table:
    """Per-step timings, attempts, cache hits, retries and errors."""
    table = Table("step", "tool", "status", "time s", "attempts", "cache", "retries", "error",
                  title="steps", title_justify="left")
    for info in summary.top_steps:
        retries = "; ".join(f"#{r['attempt']} after {r['delay_s']:.2f}s ({short(r['error'], 40)})"
                            for r in info.retries)
        status = Text(info.status, style=STATUS_STYLE.get(info.status, ""))
        table.add_row(info.id, info.tool, status,
                      fmt(info.duration_s, "duration_s"), str(info.attempts),
                      "hit" if info.cached else "", Text(retries),  # Text: errors are no markup
                      Text(short(f"{info.error_type}: {info.error}", 80) if info.error else ""))
    return table


def attempts_table(summary: TraceSummary) -> Table:
    """The planner's LLM calls: time, tokens and what validation said."""
    table = Table("attempt", "time s", "prompt tok", "completion tok", "issues",
                  title="planner attempts", title_justify="left")
    for a in summary.attempts:
        table.add_row(str(a["attempt"]), fmt(a["duration_s"], "duration_s"),
                      str(a["prompt_tokens"]), str(a["completion_tokens"]),
                      Text("; ".join(a["issues"]) or "valid",
                           style="red" if a["issues"] else "green"))
    return table


def artifacts_table(artifacts: list[dict[str, Any]]) -> Table:
    """The response's files: modality, path, size, duration."""
    table = Table("modality", "file", "size", "duration", "details", title="artifacts",
                  title_justify="left")
    for a in artifacts:
        meta = a.get("meta") or {}
        duration = meta.get("duration_s")
        details = media_details({k: v for k, v in meta.items() if k != "duration_s"})
        table.add_row(a.get("modality", "?"), str(a.get("local") or a.get("path")),
                      size(a.get("size_bytes")),
                      f"{duration:.2f}s" if isinstance(duration, int | float) else "–", details)
    return table


def run_view(summary: TraceSummary, result: CaseResult | None = None) -> RenderableType:
    """Everything about one run (one eval case)."""
    head = Text()
    if result is not None:
        head.append(f"case {result.id}  ", style="bold")
        head.append(result.status, style=STATUS_STYLE.get(result.status, ""))
        head.append(f"  shape {result.shape}, {result.n_tools} gold tool(s)\n")
    head.append("request: ", style="bold")
    head.append(summary.request or (result.request if result else ""))
    head.append(f"\nplanner: {summary.planner or '?'}   run: {summary.status}"
                + (f" in {summary.duration_s:.3f}s" if summary.duration_s is not None else ""))
    inputs = ([{"name": n, "modality": m} for n, m in result.inputs] if result
              else summary.inputs)
    for i, item in enumerate(inputs):
        name = item.get("name") or Path(str(item.get("path", "?"))).name
        head.append(f"\n@input{i} = {name}"
                    + (f" ({item['modality']})" if item.get("modality") else ""))
        path = summary.inputs[i].get("path") if i < len(summary.inputs) else None
        if path:
            head.append(f"  {path}", style="dim")
    parts: list[RenderableType] = [Panel(head, title="run", title_align="left")]
    if result is not None:
        scores = Table("node F1", "edge F1", "arg-name F1", "arg-value F1", "valid", "modality",
                       "modalities (gold → predicted)", title="scores", title_justify="left")
        s = result.scores
        scores.add_row(fmt(s.get("node_f1")), fmt(s.get("edge_f1")), fmt(s.get("arg_name_f1")),
                       fmt(s.get("arg_value_f1")), fmt(result.valid), fmt(result.modality_ok),
                       f"{','.join(result.gold_modalities) or '–'} → "
                       f"{','.join(result.pred_modalities) or '–'}")
        parts.append(scores)
        parts.append(plan_tree(result.gold, "gold plan", inputs))
    plan = summary.plan or (result.pred if result else None)
    parts.append(plan_tree(plan, "plan" if result is None else "predicted plan", inputs,
                           summary.steps))
    if result is not None and result.issues:
        parts.append(Text("validation: " + "; ".join(result.issues), style="yellow"))
    if summary.attempts:
        parts.append(attempts_table(summary))
    if any(i.status != "pending" for i in summary.steps.values()):
        parts.append(steps_table(summary))
    for error_type, message in summary.errors:
        parts.append(Text(f"error {error_type}: {short(message, 600)}", style="red"))
    if summary.response_text:
        parts.append(Panel(Text(short(summary.response_text, 1500)), title="response text",
                           title_align="left"))
    if summary.artifacts:
        parts.append(artifacts_table(summary.artifacts))
    return Group(*parts)


def eval_view(metrics: dict[str, Any], results: list[CaseResult]) -> RenderableType:
    """An eval folder's metrics, splits, and case list."""
    run = metrics.get("run", {})
    title = f"{run.get('dataset', '?')} · planner {run.get('planner', '?')}"
    parts: list[RenderableType] = [metrics_table(metrics, title=title)]
    if metrics.get("by_shape"):
        parts.append(split_table(metrics["by_shape"], "shape"))
    parts.append(cases_table(results))
    return Group(*parts)


def view_trace(path: Path, case: str | None, console: Console) -> int:
    """Show an eval folder (or one of its cases), a run folder or a trace.jsonl; exit code."""
    path = Path(path)
    if is_eval_dir(path):
        metrics, results = load_eval(path)
        if case is None:
            console.print(eval_view(metrics, results))
            return 0
        match = next((r for r in results if r.id == case), None)
        if match is None:
            console.print(f"[red]no case {case!r} in {path}[/red]")
            return 2
        trace = path / "cases" / case_dirname(case) / "trace.jsonl"
        summary = summarize_trace(trace) if trace.exists() else TraceSummary()
        console.print(run_view(summary, match))
        return 0
    trace = path / "trace.jsonl" if path.is_dir() else path
    if not trace.is_file():
        console.print(f"[red]{path} is neither an eval folder nor a run with a trace.jsonl[/red]")
        return 2
    console.print(run_view(summarize_trace(trace)))
    return 0
