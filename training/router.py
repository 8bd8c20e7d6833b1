"""Train and score the router head on the switching dataset (numpy logistic regression)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from modalswitch.agent.planners.router import (
    Router,
    RouterHead,
    sigmoid,
)
from modalswitch.evals.scoring.routing import dataset_arrays, label_names, route_scores
from modalswitch.tools.contract.registry import Registry


def fit_logistic(x: np.ndarray, y: np.ndarray, *, epochs: int = 400, lr: float = 0.05,
                 l2: float = 1e-4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Multi-label logistic regression by full-batch Adam; returns (weights, bias)."""
    rng = np.random.default_rng(seed)
    w = rng.normal(0, 0.01, (x.shape[1], y.shape[1])).astype(np.float32)
    b = np.zeros(y.shape[1], dtype=np.float32)
    m_w, v_w, m_b, v_b = (np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b))
    # rare labels (a tool used in 1% of cases) get their positives weighted up
    pos = y.mean(axis=0).clip(1e-3, 1)
    weight = np.where(y > 0, np.minimum(0.5 / pos, 10.0), 1.0).astype(np.float32)
    for t in range(1, epochs + 1):
        p = sigmoid(x @ w + b)
        grad = (p - y) * weight / len(x)
        g_w, g_b = x.T @ grad + l2 * w, grad.sum(axis=0)
        for param, g, m, v in ((w, g_w, m_w, v_w), (b, g_b, m_b, v_b)):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            param -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w, b


def tune(head: RouterHead, probs: np.ndarray, y: np.ndarray, *, min_tool_recall: float = 0.99,
         min_subset_recall: float = 0.98, min_skip_recall: float = 1.0) -> RouterHead:
    """Pick thresholds on dev: the highest P(tool) below which requests may skip the
    planner while every tool request (`min_skip_recall`) still reaches it; the lowest
    P(tool) from which a plan must have a step while no text-only request is forced to
    one; the highest cut above which narrowing keeps tool recall; and the highest
    keep-threshold whose tool subsets still hold every gold tool often enough."""
    tool_col = head.labels.index("needs_tool")
    is_tool = y[:, tool_col] > 0
    p_tool = probs[is_tool, tool_col]
    head.skip_threshold = 0.0
    for cut in (0.3, 0.2, 0.15, 0.1, 0.07, 0.05, 0.03, 0.02, 0.01, 0.005, 0.002, 0.001):
        if (p_tool >= cut).mean() >= min_skip_recall:
            head.skip_threshold = cut
            break
    # A question about an attached file scores high (nearly every training case with a
    # file uses a tool), so a fixed cut would force such questions into a plan.
    p_text = probs[~is_tool, tool_col]
    head.sure_threshold = next((cut for cut in (0.7, 0.8, 0.9, 0.95, 0.97, 0.99)
                                if not (p_text >= cut).any()), 1.0)
    for cut in np.arange(0.9, 0.04, -0.05):
        if (p_tool >= cut).mean() >= min_tool_recall:
            head.tool_threshold = round(float(cut), 2)
            break
    tool_cols = [i for i, label in enumerate(head.labels) if label.startswith("tool:")]
    for keep in (0.5, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01):
        ok = 0
        for row_p, row_y in zip(probs[is_tool], y[is_tool], strict=True):
            order = [tool_cols[j] for j in np.argsort(-row_p[tool_cols])]
            chosen = {c for c in tool_cols if row_p[c] >= keep} | set(order[:head.min_tools])
            ok += all(c in chosen for c in tool_cols if row_y[c] > 0)
        if ok / max(int(is_tool.sum()), 1) >= min_subset_recall:
            head.keep_threshold = keep
            break
    else:
        head.keep_threshold = 0.01
    return head


def retune_router(path: Path, tune_on: Sequence[Any], registry: Registry,
                  embedder: str | None = None) -> tuple[dict[str, float], dict[str, float]]:
    """Tune the thresholds of a saved head on `tune_on` again, keeping its weights (so a
    head saved before a threshold was tuned gets it without a refit); returns the
    thresholds before and after."""
    head = RouterHead.load(path)
    before = head.thresholds()
    x, y = dataset_arrays(tune_on, registry, head.tool_names, embedder)
    head = tune(head, head.predict(x), y)
    head.meta["retuned_on_cases"] = len(tune_on)
    head.save(path)
    return before, head.thresholds()


def train_router(train: Sequence[Any], dev: Sequence[Any], registry: Registry, out: Path, *,
                 tune_on: Sequence[Any] = (), epochs: int = 400, embedder: str | None = None,
                 log: Any = print) -> dict[str, Any]:
    """Train the head on train, tune thresholds on `tune_on` (dev when empty), save it,
    and return dev scores.

    Thresholds belong on requests as people write them: on a dev split from the training
    generator the head is surer than it is on users, so tools are cut too eagerly."""
    tools = registry.names
    start = time.perf_counter()
    x_train, y_train = dataset_arrays(train, registry, tools, embedder)
    x_dev, y_dev = dataset_arrays(dev, registry, tools, embedder)
    x_tune, y_tune = (dataset_arrays(tune_on, registry, tools, embedder) if tune_on
                      else (x_dev, y_dev))
    log(f"embedded {len(train) + len(dev) + len(tune_on)} requests in "
        f"{time.perf_counter() - start:.1f}s")
    w, b = fit_logistic(x_train, y_train, epochs=epochs)
    head = RouterHead(label_names(tools), w, b,
                      meta={"embedder": "all-MiniLM-L6-v2", "train_cases": len(train),
                            "tune_cases": len(tune_on) or len(dev), "epochs": epochs})
    head = tune(head, head.predict(x_tune), y_tune)
    head.save(out)
    return route_scores(Router(head, embedder=embedder), head.predict(x_dev), y_dev, dev)
