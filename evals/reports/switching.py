"""The switching report: router scores, and the embedded planner configurations on dev/test.

    modalswitch eval switching [--limit 24] [--splits dev,test]
        [--planners base,routed,tuned,tuned-routed,base-0.5b] [--adapter OUT/adapter.gguf]
        [--out runs/switching] [--doc docs/switching.md] [--block NAME]

A split is one of the generated dataset's (train, dev, test) or a hand-written natural set
(natural-dev, natural-test: evals/data/natural.md). Planner runs use evals.runner on a seeded
sample of `--limit` cases of each split (the embedded LLM needs seconds a case on a CPU);
the router is scored on whole splits. The table goes to `--doc` between the REPORT markers
(`--block NAME`: the markers named NAME, so one doc can hold several reports), and every
number to OUT/report.json.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from modalswitch.errors import UserError
from modalswitch.evals.datasets.native import load_native
from modalswitch.evals.datasets.shipped import shipped_dataset, switch_data_dir
from modalswitch.evals.runner.planners import PlannerAdapter
from modalswitch.evals.runner.run import run_eval

DATA = switch_data_dir()
BEGIN, END = "<!-- REPORT:BEGIN -->", "<!-- REPORT:END -->"
NATURAL = ("natural-dev", "natural-test")
ROW_ORDER = {name: i for i, name in enumerate(
    ["base", "routed", "tuned", "tuned-routed", "base-0.5b"])}  # others (ablations) after
COLUMNS = [("modality_accuracy", "output modality acc"), ("no_tool_accuracy", "no-tool acc"),
           ("node_f1", "tool F1"), ("edge_f1", "edge F1"), ("arg_value_f1", "arg value F1"),
           ("validity", "valid"), ("plan_latency_p50_s", "plan p50 s"),
           ("plan_latency_p95_s", "plan p95 s")]


def split_path(split: str) -> Path:
    """The file of a split: a natural set, or one of the generated dataset's."""
    path = shipped_dataset(split) if split in NATURAL else DATA / f"{split}.jsonl"
    if path is None or not path.is_file():
        raise UserError(f"no split {split!r} (choose train, dev, test, "
                        f"{', '.join(NATURAL)})")
    return path


def markers(block: str = "") -> tuple[str, str]:
    """The comments around a report in its doc; a named block has its own."""
    if not block:
        return BEGIN, END
    return BEGIN.replace(" -->", f" {block} -->"), END.replace(" -->", f" {block} -->")


def router_report(splits: Sequence[str]) -> dict[str, Any]:
    """The shipped router's scores on whole splits, and its one-request latency."""
    from modalswitch.agent.planners.router import Router, RouterHead, default_head_path, embed
    from modalswitch.evals.scoring.routing import dataset_arrays, route_scores
    from modalswitch.tools.catalog import default_registry

    registry = default_registry()
    head = RouterHead.load(default_head_path())
    router = Router(head)
    out: dict[str, Any] = {"head": {"tool_threshold": head.tool_threshold,
                                    "keep_threshold": head.keep_threshold,
                                    "min_tools": head.min_tools}}
    for split in splits:
        cases = load_native(split_path(split)).cases
        x, y = dataset_arrays(cases, registry, head.tool_names)
        out[split] = route_scores(router, head.predict(x), y, cases)
    embed(["warm up"])
    cases = load_native(split_path(splits[0])).cases[:50]
    times = []
    for case in cases:
        start = time.perf_counter()
        router.route(case.request, case.inputs, registry.names)
        times.append(time.perf_counter() - start)
    out["latency_ms_p50"] = round(1000 * statistics.median(times), 1)
    out["latency_ms_max"] = round(1000 * max(times), 1)
    return out


def make(name: str, adapter: str | None) -> Any:
    """An eval planner: one of the embedded configurations (agent/embedded.py), or
    `base-0.5b`, the tuned model's base without the adapter (few-shot prompted as `base`)."""
    from modalswitch.agent.planners.presets import embedded_planner
    from modalswitch.tools.catalog import default_registry

    registry = default_registry()
    if name == "base-0.5b":
        from modalswitch.agent.chat.llama_cpp import LlamaCppChat
        from modalswitch.agent.planners.llm import LLMPlanner
        from modalswitch.tools.runtime.weights import QWEN_CODER_0_5B, assemble

        chat = LlamaCppChat(assemble(QWEN_CODER_0_5B), name=QWEN_CODER_0_5B.name)
        return PlannerAdapter(LLMPlanner(chat, registry), name=name)
    return PlannerAdapter(embedded_planner(registry, name, adapter), name=name)


def markdown(report: dict[str, Any]) -> str:
    """The report's tables."""
    lines = ["| split | planner | n | " + " | ".join(c for _, c in COLUMNS) + " |",
             "|---|---|---|" + "---|" * len(COLUMNS)]
    for split, runs in report.get("planners", {}).items():
        for name, m in sorted(runs.items(), key=lambda kv: ROW_ORDER.get(kv[0], 99)):
            cells = [f"{m[k]:.3f}" if isinstance(m.get(k), float) else str(m.get(k, "-"))
                     for k, _ in COLUMNS]
            lines.append(f"| {split} | {name} | {m['n']} | " + " | ".join(cells) + " |")
    router = report.get("router", {})
    if router:
        lines += ["", "| split | routing acc | no-tool acc | tool recall | output modality acc "
                  "| gold tools in subset | tools offered |", "|---|---|---|---|---|---|---|"]
        for split in report["splits"]:
            s = router.get(split)
            if s:
                lines.append(f"| {split} ({s['n']}) | {s['routing_accuracy']:.3f} | "
                             f"{s['no_tool_accuracy']:.3f} | {s['tool_recall']:.3f} | "
                             f"{s['modality_accuracy']:.3f} | {s['subset_recall']:.3f} | "
                             f"{s['subset_size']:.1f} of 25 |")
        lines.append(f"\nRouter latency per request: p50 {router['latency_ms_p50']} ms, "
                     f"max {router['latency_ms_max']} ms (after the one-off model load).")
    return "\n".join(lines)


def write_doc(doc: Path, table: str, name: str = "") -> None:
    """Put the tables between the doc's REPORT markers (named `name`; appended if absent)."""
    begin, end = markers(name)
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    block = f"{begin}\n{table}\n{end}"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text += ("\n" if text else "") + block + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")


def switching_report(splits: Sequence[str], limit: int, planners: Sequence[str], out: Path,
                     doc: Path, adapter: str | None = None, router: bool = True,
                     resume: bool = False, block: str = "") -> str:
    """Score the router and the planners, write OUT/report.json and the doc's tables, and
    return the tables (Markdown)."""
    report: dict[str, Any] = {"splits": list(splits), "limit": limit, "planners": {}}
    previous = out / "report.json"
    if resume and previous.exists():
        old = json.loads(previous.read_text(encoding="utf-8"))
        if old.get("limit") != limit:
            raise UserError(f"{previous} has --limit {old.get('limit')}, not {limit}")
        report["planners"] = old.get("planners", {})
        report["router"] = old.get("router")
    if router and not report.get("router"):
        report["router"] = router_report(splits)
        print(json.dumps(report["router"]), file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    for split in splits:
        dataset = load_native(split_path(split))
        report["planners"].setdefault(split, {})
        for name in planners:
            if name in report["planners"][split]:
                continue  # kept from the previous run (resume)
            metrics = run_eval(dataset, make(name, adapter), out / f"{split}-{name}",
                               limit=limit, seed=0, workers=1)
            report["planners"][split][name] = {k: metrics.get(k) for k in
                                               ["n", *(c for c, _ in COLUMNS)]}
            print(split, name, json.dumps(report["planners"][split][name]), file=sys.stderr)
            (out / "report.json").write_text(json.dumps(report, indent=1), "utf-8")
    (out / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    write_doc(doc, markdown(report), block)
    return markdown(report)
