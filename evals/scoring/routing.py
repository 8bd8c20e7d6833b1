"""Scoring a router: its labels for gold plans, and its accuracies on a set of cases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import Plan
from modalswitch.agent.plan.validate import output_modalities
from modalswitch.agent.planners.router import OUT_MODALITIES, Router, embed, features
from modalswitch.tools.contract.registry import Registry


def case_labels(plan: Plan, inputs: Sequence[InputSpec], registry: Registry,
                tools: Sequence[str]) -> list[float]:
    """needs_tool, out:<modality>..., tool:<name>... for one gold plan."""
    mods = set(output_modalities(plan, registry, inputs))
    used = {s.tool for s in plan.steps}
    return ([float(bool(plan.steps))] + [float(m in mods) for m in OUT_MODALITIES]
            + [float(t in used) for t in tools])


def label_names(tools: Sequence[str]) -> list[str]:
    """The head's label names, in column order."""
    return ["needs_tool", *(f"out:{m}" for m in OUT_MODALITIES), *(f"tool:{t}" for t in tools)]


def dataset_arrays(cases: Sequence[Any], registry: Registry, tools: Sequence[str],
                   embedder: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(features, labels) of eval cases (evals.datasets.Case)."""
    x = features(embed([c.request for c in cases], embedder), [c.inputs for c in cases])
    y = np.array([case_labels(c.gold, c.inputs, registry, tools) for c in cases],
                 dtype=np.float32)
    return x, y


def route_scores(router: Router, probs: np.ndarray, y: np.ndarray,
                 cases: Sequence[Any]) -> dict[str, Any]:
    """Routing accuracy, no-tool accuracy, modality accuracy and tool-subset recall."""
    routes = [router.decide(p) for p in probs]
    labels = router.head.labels
    gold_tool = y[:, labels.index("needs_tool")] > 0
    pred_tool = np.array([r.needs_tool for r in routes])
    mods = [labels.index(f"out:{m}") for m in OUT_MODALITIES]
    tool = np.flatnonzero(gold_tool)
    covered = [{s.tool for s in cases[int(i)].gold.steps} <= set(routes[i].tools) for i in tool]
    return {
        "n": len(cases),
        "routing_accuracy": float((gold_tool == pred_tool).mean()),
        "no_tool_accuracy": float((~pred_tool[~gold_tool]).mean()) if (~gold_tool).any() else None,
        "tool_recall": float(pred_tool[gold_tool].mean()) if gold_tool.any() else None,
        "modality_accuracy": float(((probs[:, mods] >= 0.5) == (y[:, mods] > 0)).all(axis=1)
                                   .mean()),
        "subset_recall": float(np.mean(covered)) if covered else None,
        "subset_size": float(np.mean([len(routes[i].tools) for i in tool])) if covered else None,
    }
