"""Sentence embeddings for the router and retrieval: a BERT encoder in numpy.

all-MiniLM-L6-v2 is a 6-layer BERT (22M parameters) followed by mean pooling and L2
normalisation. Importing sentence-transformers pulls in torch, transformers, scikit-learn
and scipy: about 9 s on two cores, paid by every fresh `modalswitch run` or `plan` before
the first plan token. The same forward pass in numpy over the safetensors weights, with the
`tokenizers` library for word pieces, starts in a fraction of a second and gives the same
vectors (tests/agent/planners/test_sentence_encoder.py compares them with
sentence-transformers). Models of any other shape go through sentence-transformers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias  # eps: a float, stays float32


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to ~1e-7 (Abramowitz and Stegun 7.1.26): BERT's exact GELU without scipy."""
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
                                                        + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * (1.0 / math.sqrt(2.0))))


class BertSentenceEncoder:
    """A sentence-transformers BERT folder (Transformer, mean Pooling, Normalize), run in
    numpy. `encode` matches SentenceTransformer.encode(..., normalize_embeddings=True)."""

    def __init__(self, folder: str | Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.folder = Path(folder)
        config = json.loads((self.folder / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.weights = {k.removeprefix("bert."): v.astype(np.float32)
                        for k, v in load_file(str(self.folder / "model.safetensors")).items()}
        max_length = min(_st_config(self.folder).get("max_seq_length", 512),
                         int(config.get("max_position_embeddings", 512)))
        self.tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.no_padding()

    @staticmethod
    def supports(folder: str | Path) -> bool:
        """True for a BERT folder this class runs exactly as sentence-transformers does."""
        folder = Path(folder)
        try:
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
            pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(
                encoding="utf-8"))
        except (OSError, ValueError):
            return False
        kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
        modes = {k for k, v in pooling.items() if k.startswith("pooling_mode") and v}
        return (config.get("model_type") == "bert" and config.get("hidden_act") == "gelu"
                and config.get("position_embedding_type", "absolute") == "absolute"
                and kinds == ["Transformer", "Pooling", "Normalize"]
                and modes == {"pooling_mode_mean_tokens"}
                and (folder / "model.safetensors").is_file()
                and (folder / "tokenizer.json").is_file())

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Unit-length embeddings, one row per text (batched by length, like
        sentence-transformers, so padding stays short)."""
        encodings = self.tokenizer.encode_batch(list(texts))
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        out = np.zeros((len(texts), self.weights["embeddings.word_embeddings.weight"].shape[1]),
                       np.float32)
        for start in range(0, len(texts), batch_size):
            chosen = order[start:start + batch_size]
            width = max(len(encodings[i].ids) for i in chosen)
            ids = np.zeros((len(chosen), width), np.int64)
            mask = np.zeros((len(chosen), width), np.float32)
            for row, i in enumerate(chosen):
                ids[row, :len(encodings[i].ids)] = encodings[i].ids
                mask[row, :len(encodings[i].ids)] = 1.0
            out[chosen] = self._pooled(ids, mask)
        return out

    def _pooled(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.weights
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][np.arange(ids.shape[1])]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"],
                        self.eps)
        batch, width, hidden = x.shape
        size = hidden // self.heads
        blocked = (1.0 - mask)[:, None, None, :] * np.finfo(np.float32).min
        for n in range(self.layers):
            p = f"encoder.layer.{n}."

            def dense(v: np.ndarray, name: str, p: str = p) -> np.ndarray:
                return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            def split(v: np.ndarray) -> np.ndarray:
                return v.reshape(batch, width, self.heads, size).transpose(0, 2, 1, 3)

            q, k, v = (split(dense(x, f"attention.self.{m}")) for m in ("query", "key", "value"))
            scores = q @ k.transpose(0, 1, 3, 2) * (1.0 / math.sqrt(size)) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            attention = scores / scores.sum(-1, keepdims=True)
            context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch, width, hidden)
            x = _layer_norm(x + dense(context, "attention.output.dense"),
                            w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"], self.eps)
            inner = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(x + dense(inner, "output.dense"), w[p + "output.LayerNorm.weight"],
                            w[p + "output.LayerNorm.bias"], self.eps)
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(np.float32)


def _st_config(folder: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((folder / "sentence_bert_config.json").read_text(
            encoding="utf-8")))
    except (OSError, ValueError):
        return {}
