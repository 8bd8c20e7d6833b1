"""Score a predicted plan against a case's gold plan, and aggregate scores over cases.

Per case (modalswitch's own definitions; TaskBench cases use evals.taskbench_metrics):

- validity: the plan passes validation against the registry and the case's inputs;
- modality: the set of modalities the response would carry equals the gold one
  (a no-tool answer carries text);
- no-tool: on requests whose gold plan has no steps, the planner also used no tool;
- node: tool names as a multiset (a tool the gold uses twice must be predicted twice);
- edge: (producer tool, consumer tool) for every step that reads another step's output;
- arg_name: "tool.argument" for every argument; arg_value: "tool.argument=value", where
  `@inputN` stays as is, a step reference becomes `@tool.field` (so step ids do not matter)
  and a literal is lower-cased with its whitespace collapsed; a reference to a missing step
  becomes `@?id` and never matches.

F1 pools true/false positives over cases (micro F1); a pool with nothing on either side
has no F1 (None).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from modalswitch.agent.plan.inputs import InputSpec, bind_input_names
from modalswitch.agent.plan.model import InputRef, Plan, StepRef, parse_ref, unescape
from modalswitch.agent.plan.validate import check_plan, output_modalities
from modalswitch.evals.datasets.model import Case
from modalswitch.evals.runner.results import CaseResult
from modalswitch.evals.scoring.counts import Counts, mean, multiset_counts, percentile
from modalswitch.tools.contract.registry import Registry

if TYPE_CHECKING:
    from modalswitch.evals.datasets.taskbench import TaskBenchCatalog

METRICS = ("node", "edge", "arg_name", "arg_value")


def _value_key(value: Any, steps: dict[str, str], registry: Registry) -> str:
    if isinstance(value, list):
        return "[" + ",".join(_value_key(v, steps, registry) for v in value) + "]"
    ref = parse_ref(value)
    if isinstance(ref, InputRef):
        return str(ref)
    if isinstance(ref, StepRef):
        tool = steps.get(ref.step)
        if tool is None:
            return f"@?{ref.step}"
        field = ref.field or (registry.get(tool).primary_output if tool in registry else "?")
        return f"@{tool}.{field}"
    literal = unescape(value)
    text = literal if isinstance(literal, str) else json.dumps(literal, sort_keys=True)
    return " ".join(text.lower().split())


def plan_labels(plan: Plan, registry: Registry) -> dict[str, list[Any]]:
    """The labels each metric compares: tools, edges, argument names and values."""
    steps = {s.id: s.tool for s in plan.steps}
    edges = [(steps[d], s.tool) for s in plan.steps for d in sorted(s.dependencies())
             if d in steps]
    return {
        "node": [s.tool for s in plan.steps],
        "edge": edges,
        "arg_name": [f"{s.tool}.{k}" for s in plan.steps for k in s.args],
        "arg_value": [f"{s.tool}.{k}={_value_key(v, steps, registry)}"
                      for s in plan.steps for k, v in s.args.items()],
    }


def native_counts(gold: Plan, pred: Plan, registry: Registry) -> dict[str, Counts]:
    """Per-case counts of node, edge, argument-name and argument-value matches."""
    g, p = plan_labels(gold, registry), plan_labels(pred, registry)
    return {m: multiset_counts(g[m], p[m]) for m in METRICS}


def modalities(plan: Plan, registry: Registry, inputs: Sequence[InputSpec]) -> list[str]:
    """The response's modalities (sorted); [] when they cannot be worked out."""
    try:
        return sorted(set(output_modalities(plan, registry, inputs)))
    except Exception:  # an invalid plan (unknown tool, bad reference) has no defined output
        return []


def score_plan(case: Case, pred: Plan | None, registry: Registry,
               catalog: TaskBenchCatalog | None = None) -> dict[str, Any]:
    """The scoring fields of a CaseResult for a prediction (None: the planner failed)."""
    plan = pred if pred is not None else Plan()
    issues = ([str(i) for i in check_plan(bind_input_names(pred, case.inputs), registry,
                                         case.inputs)] if pred is not None else [])
    gold_mods = modalities(case.gold, registry, case.inputs)
    pred_mods = modalities(plan, registry, case.inputs) if pred is not None and not issues else []
    out: dict[str, Any] = {
        "valid": pred is not None and not issues,
        "issues": issues,
        "gold_modalities": gold_mods,
        "pred_modalities": pred_mods,
        "modality_ok": bool(pred_mods) and pred_mods == gold_mods,
        "gold_no_tool": case.gold.is_text_answer,
        "pred_no_tool": pred is not None and plan.is_text_answer,
    }
    if case.gold_taskbench is not None and catalog is not None:
        from modalswitch.evals.datasets.taskbench import plan_to_taskbench
        from modalswitch.evals.scoring.taskbench_metrics import sample_counts

        nodes = plan_to_taskbench(plan, case.inputs, catalog)
        counts = sample_counts(case.gold_taskbench, nodes, catalog.tool_ids, catalog.output_type)
        out["taskbench_nodes"] = nodes
    else:
        counts = native_counts(case.gold, plan, registry)
    out["counts"] = {m: c.as_list() for m, c in counts.items()}
    out["scores"] = {f"{m}_f1": c.f1 for m, c in counts.items()}
    return out


def _pool(results: Iterable[CaseResult], metric: str) -> Counts:
    total = Counts()
    for r in results:
        tp, fp, fn = r.counts.get(metric, [0, 0, 0])
        total = total + Counts(tp, fp, fn)
    return total


def aggregate(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Headline metrics of a set of case results."""
    out: dict[str, Any] = {"n": len(results)}
    out["validity"] = mean(r.valid for r in results)
    out["modality_accuracy"] = mean(r.modality_ok for r in results)
    no_tool = [r for r in results if r.gold_no_tool]
    out["no_tool_accuracy"] = mean(r.pred_no_tool for r in no_tool)
    out["routing_accuracy"] = mean(r.pred_no_tool == r.gold_no_tool and r.error is None
                                   for r in results)
    for metric in METRICS:
        pooled = _pool(results, metric)
        out[f"{metric}_f1"] = pooled.f1
        out[f"{metric}_precision"] = pooled.precision
        out[f"{metric}_recall"] = pooled.recall
    out["planner_failures"] = sum(r.status == "planner_error" for r in results)
    case_s = [r.case_s for r in results]
    plan_s = [r.plan_s for r in results if r.plan_s is not None]
    out["latency_p50_s"] = percentile(case_s, 50)
    out["latency_p95_s"] = percentile(case_s, 95)
    out["plan_latency_p50_s"] = percentile(plan_s, 50)
    out["plan_latency_p95_s"] = percentile(plan_s, 95)
    out["prompt_tokens"] = sum(r.prompt_tokens for r in results)
    out["completion_tokens"] = sum(r.completion_tokens for r in results)
    out["tokens_per_case"] = mean(r.prompt_tokens + r.completion_tokens for r in results)
    out["attempts_per_case"] = mean(r.attempts for r in results)
    executed = [r for r in results if r.executed]
    out["executed"] = len(executed)
    out["executable_rate"] = mean(r.exec_status == "ok" for r in executed)
    out["e2e_success"] = mean(bool(r.e2e_ok) for r in executed)
    return out


def summarize(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Overall metrics, then the same split by plan shape and by number of gold tools."""
    summary = aggregate(results)
    shapes = sorted({r.shape for r in results}, key=lambda s: (
        ["none", "single", "chain", "dag"].index(s) if s in ("none", "single", "chain", "dag")
        else 9, s))
    summary["by_shape"] = {s: aggregate([r for r in results if r.shape == s]) for s in shapes}
    summary["by_n_tools"] = {str(n): aggregate([r for r in results if r.n_tools == n])
                             for n in sorted({r.n_tools for r in results})}
    return summary
