"""The pieces of the studio's case view, as rich renderables: the header, the gold and
predicted plans as trees with their differences marked, the router's decision, the
planner's attempts, the plan graph and modality flow, and the files a run read and wrote."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from rich.tree import Tree

from modalswitch.agent.plan.model import InputRef, parse_ref
from modalswitch.agent.trace.fold import StepInfo, TraceSummary
from modalswitch.evals.reports.case_graphs import pred_marks, run_marks
from modalswitch.evals.reports.fmt import fmt
from modalswitch.evals.reports.plan_graph import plan_graph
from modalswitch.evals.runner.results import CaseResult
from modalswitch.evals.scoring.plan_diff import (
    DIFFERS,
    EXTRA,
    MISSING,
    SAME,
    PlanDiff,
    StepMark,
    diff_plans,
)
from modalswitch.views.pictures.dag import draw_graph
from modalswitch.views.pictures.flow import modality_flow
from modalswitch.views.style import STATUS_STYLE, media_details, short, size

MARKS = {SAME: ("✓", "green"), DIFFERS: ("≠", "yellow"), MISSING: ("✗ missing", "red"),
         EXTRA: ("+ extra", "yellow")}


@dataclass
class Side:
    """One prediction of a case (one eval of a comparison), or a run on its own."""

    label: str
    summary: TraceSummary
    folder: Path | None = None
    result: CaseResult | None = None

    @property
    def plan(self) -> dict[str, Any] | None:
        """The plan that ran (from the trace), else the eval's prediction."""
        return self.summary.plan or (self.result.pred if self.result else None)

    @cached_property
    def diff(self) -> PlanDiff | None:
        """How the prediction departs from gold (None for a run without gold)."""
        return diff_plans(self.result.gold, self.result.pred) if self.result else None

    def inputs(self) -> list[tuple[str, str | None]]:
        """(name, modality) of each input, from the eval case or the run's trace."""
        if self.result is not None:
            return [(name, kind) for name, kind in self.result.inputs]
        kinds = _input_kinds(self.summary)
        return [(Path(str(item.get("path") or item.get("name") or "?")).name,
                 item.get("modality") or kinds.get(i))
                for i, item in enumerate(self.summary.inputs)]


def _input_kinds(summary: TraceSummary) -> dict[int, str]:
    """Input index -> modality, read off the artifacts the steps received: a run's
    run_start names its inputs by path only."""
    kinds: dict[int, str] = {}
    for step in summary.top_steps:
        for name, value in step.resolved_args.items():
            ref = parse_ref(step.args.get(name))
            if isinstance(ref, InputRef) and isinstance(value, dict) and value.get("modality"):
                kinds[ref.index] = str(value["modality"])
    return kinds


def header(side: Side, brief: bool = False) -> Text:
    """Which case or run, its request and inputs, and how it went (`brief`: only how it went,
    for the second eval of a comparison)."""
    r, s = side.result, side.summary
    text = Text(f"{side.label}: " if side.label else "", style="bold")
    if r is not None and not brief:
        text.append(f"case {r.id}  ", style="bold")
        text.append(r.status, style=STATUS_STYLE.get(r.status, ""))
        text.append(f"  · {r.shape} · {r.n_tools} gold tool(s)\n")
    if not brief:
        text.append("request: ", style="bold")
        text.append((s.request or (r.request if r else "")) + "\n")
        for i, (name, kind) in enumerate(side.inputs()):
            text.append(f"@input{i} = {name}" + (f" ({kind})" if kind else "") + "\n")
    if side.label and not brief:
        text.append(f"{side.label}: ", style="bold")
    text.append(f"planner {s.planner or '?'} · run ")
    text.append(s.status, style=STATUS_STYLE.get(s.status, ""))
    if s.duration_s is not None:
        text.append(f" in {s.duration_s:.3f}s")
    if r is not None:
        sc = r.scores
        text.append(f"\nvalid {fmt(r.valid)} · modalities {','.join(r.gold_modalities) or '–'}"
                    f" → {','.join(r.pred_modalities) or '–'} · node {fmt(sc.get('node_f1'))}"
                    f" · edge {fmt(sc.get('edge_f1'))} · value {fmt(sc.get('arg_value_f1'))}")
    return text


def _arg(name: str, value: Any, inputs: list[tuple[str, str | None]]) -> Text:
    text = Text(f"{name} = ", style="bold")
    ref = parse_ref(value)
    text.append(short(value, 60), style="cyan" if ref else "green")
    if isinstance(ref, InputRef) and ref.index < len(inputs):
        text.append(f" ({inputs[ref.index][0]})", style="dim")
    return text


def _run_note(info: StepInfo | None) -> Text:
    note = Text()
    if info is None or info.status == "pending":
        return note
    note.append(f" {info.status}", style=STATUS_STYLE.get(info.status, ""))
    if info.duration_s is not None:
        note.append(f" {info.duration_s:.3f}s")
    if info.cached:
        note.append(" cache hit", style="cyan")
    if info.retries:
        n = len(info.retries)
        note.append(f" {n} retr{'y' if n == 1 else 'ies'}", style="magenta")
    return note


def marked_tree(plan: dict[str, Any] | None, title: str, inputs: list[tuple[str, str | None]],
                marks: dict[str, StepMark], steps: dict[str, StepInfo] | None = None,
                gold: dict[str, Any] | None = None) -> Tree:
    """A plan as a tree; each step marked against gold, arguments marked where they differ
    (`gold` given: this is a prediction, and missing arguments are listed)."""
    tree = Tree(Text(title, style="bold"))
    if plan is None:
        tree.add(Text("no plan (the planner failed)", style="red"))
        return tree
    if not plan.get("steps"):
        tree.add(Text("no tools: a plain text answer", style="italic"))
    gold_args = {s["id"]: s.get("args", {}) for s in (gold or {}).get("steps") or []}
    for step in plan.get("steps") or []:
        mark = marks.get(step["id"])
        label = Text(f"{step['id']} ", style="bold")
        label.append(step["tool"], style="magenta")
        if mark is not None:
            symbol, style = MARKS.get(mark.status, ("?", ""))
            label.append(f" {symbol}", style=style)
        label.append_text(_run_note((steps or {}).get(step["id"])))
        node = tree.add(label)
        for name, value in step.get("args", {}).items():
            line = _arg(name, value, inputs)
            if gold is not None and mark is not None and name in mark.args:
                line.append(f"  ← {mark.args[name]}", style="yellow")
                expected = gold_args.get(mark.partner or "", {}).get(name)
                if expected is not None:
                    line.append(f" (gold {short(expected, 40)})", style="dim")
            node.add(line)
        if gold is not None and mark is not None:
            for name, kind in mark.args.items():
                if kind == MISSING:
                    node.add(Text(f"{name}  ← missing", style="red"))
        info = (steps or {}).get(step["id"])
        if info is not None and info.error:
            node.add(Text(f"{info.error_type}: {short(info.error, 200)}", style="red"))
    if plan.get("outputs"):
        tree.add(Text("outputs: " + ", ".join(plan["outputs"]), style="dim"))
    return tree


def plan_trees(gold: CaseResult | None, sides: list[Side]) -> list[Tree]:
    """Gold first (when there is one), then each side's prediction, marked."""
    trees = []
    if gold is not None:  # marked against the prediction only when there is one
        first = sides[0].diff if len(sides) == 1 else None
        trees.append(marked_tree(gold.gold, "gold plan", sides[0].inputs(),
                                 first.gold if first else {}))
    for side in sides:
        diff = side.diff
        title = f"predicted · {side.label}" if side.label else (
            "predicted plan" if side.result else "plan")
        trees.append(marked_tree(side.plan, title, side.inputs(), diff.pred if diff else {},
                                 side.summary.steps, side.result.gold if side.result else None))
    return trees


def diff_notes(side: Side) -> Text:
    """What differs from gold, in words (green when nothing does), then the case's error and
    validation issues."""
    diff = side.diff
    if diff is None or side.result is None:
        return Text()
    notes = diff.notes(side.result.gold, side.result.pred)
    prefix = f"{side.label}: " if side.label else ""
    text = (Text(prefix + "; ".join(notes), style="yellow") if notes
            else Text(f"{prefix}matches gold", style="green"))
    for problem in ([side.result.error] if side.result.error else []) + side.result.issues:
        text.append(f"\n{prefix}{problem}", style="red")
    return text


def graph_view(side: Side) -> tuple[Text, Text]:
    """The plan DAG in box characters (never wrapped), and the modality flow."""
    steps = side.summary.steps
    diff = side.diff
    marks = pred_marks(diff.pred, run_marks(steps)) if diff else run_marks(steps)
    graph = plan_graph(side.plan, side.inputs(), outputs=side.summary.output_kinds(),
                       marks=marks)
    suffix = f" · {side.label}" if side.label else ""
    dag = Text(f"plan graph{suffix}\n", style="bold")
    dag.append_text(draw_graph(graph))
    dag.no_wrap = True
    flow = Text(f"modality flow{suffix}\n", style="bold")
    flow.append_text(modality_flow(graph))
    return dag, flow


def text_width(text: Text) -> int:
    """The widest line's width in cells."""
    return max((cell_len(line) for line in text.plain.splitlines()), default=0)


def route_text(summary: TraceSummary) -> Text:
    """The router's decision (or that none was made)."""
    r = summary.route
    if r is None:
        return Text("no router: the planner saw every tool", style="dim")
    text = Text("tools needed" if r.needs_tool else "a text answer",
                style="bold " + ("magenta" if r.needs_tool else "green"))
    text.append(f"  P(tool) {r.p_tool:.2f}, threshold {r.threshold:.2f}, {r.seconds:.3f}s")
    if r.require_steps:
        text.append("  (sure: no-tool plan ruled out)")
    if r.tools:
        text.append(f"\noffered: {', '.join(r.tools)}")
    if r.scores:
        text.append("\nscores: " + ", ".join(f"{k} {v:.2f}" for k, v in r.scores.items()))
    if r.modalities:
        text.append(f"\npredicted outputs beyond text: {', '.join(r.modalities)}")
    return text


def attempt_title(a: dict[str, Any]) -> str:
    """One line per planner attempt: time, tokens, verdict."""
    verdict = f"{len(a['issues'])} issue(s)" if a["issues"] else "valid"
    return (f"attempt {a['attempt']} · {a['duration_s']:.2f}s · {a['prompt_tokens']}+"
            f"{a['completion_tokens']} tokens · {verdict}")


def attempt_body(a: dict[str, Any]) -> Text:
    """An attempt's raw output, then what validation said."""
    text = Text(a["raw"] or "(empty)", style="dim")
    for issue in a["issues"]:
        text.append(f"\n{issue}", style="red")
    return text


@dataclass(frozen=True)
class FileRow:
    """A file the case view lists: an input or a produced artifact."""

    side: str
    role: str
    modality: str
    path: Path | None
    details: str


def file_rows(side: Side) -> list[FileRow]:
    """The run's input files and its response's artifacts, with what is known of them."""
    rows = []
    inputs = side.inputs()
    for i, item in enumerate(side.summary.inputs):
        if not item.get("path"):
            continue  # a plan-only eval names its inputs but has no files
        path = Path(item["path"])
        kind = inputs[i][1] if i < len(inputs) else None
        rows.append(FileRow(side.label, f"@input{i}", kind or "?", path,
                            size(path.stat().st_size) if path.is_file() else "missing"))
    for art in side.summary.artifacts:
        local = art.get("local")
        meta = art.get("meta") or {}
        details = ", ".join(b for b in (size(art.get("size_bytes")), media_details(meta)) if b)
        rows.append(FileRow(side.label, f"from {art.get('step') or '?'}",
                            art.get("modality", "?"), Path(local) if local else None, details))
    return rows
