"""The numpy MiniLM gives the vectors sentence-transformers gives, without importing torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from modalswitch.agent.planners.router import embedder_path
from modalswitch.agent.planners.sentence_encoder import BertSentenceEncoder

TEXTS = ["draw me a lighthouse at night", "", "a", "word " * 400,  # past the 256-token cut
         "Ünïcödé — 日本語のテキスト 🎉", "transcribe this voice note, then paint what it says",
         "hey"]


@pytest.mark.real
def test_numpy_encoder_matches_sentence_transformers() -> None:
    sentence_transformers = pytest.importorskip("sentence_transformers")
    folder = embedder_path()
    assert BertSentenceEncoder.supports(folder)
    ours = BertSentenceEncoder(folder).encode(TEXTS, batch_size=3)  # mixed lengths per batch
    theirs = sentence_transformers.SentenceTransformer(folder, device="cpu").encode(
        TEXTS, normalize_embeddings=True)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert np.abs(ours - theirs).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


@pytest.mark.real
def test_batching_does_not_change_a_vector() -> None:
    encoder = BertSentenceEncoder(embedder_path())
    alone = np.stack([encoder.encode([t])[0] for t in TEXTS])
    assert np.abs(encoder.encode(TEXTS, batch_size=16) - alone).max() < 1e-5


@pytest.mark.real
def test_routing_a_request_imports_no_torch() -> None:
    code = ("import sys; from modalswitch.agent.planners.router import embed; "
            "embed(['draw me a cat']); print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False", out.stderr


def test_other_model_shapes_go_to_sentence_transformers(tmp_path: Path) -> None:
    assert not BertSentenceEncoder.supports("sentence-transformers/all-MiniLM-L6-v2")  # an id
    assert not BertSentenceEncoder.supports(tmp_path)  # an empty folder
    folder = Path(embedder_path())
    for name in ("config.json", "modules.json", "tokenizer.json", "model.safetensors"):
        (tmp_path / name).symlink_to(folder / name)
    (tmp_path / "1_Pooling").mkdir()
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(
        {**pooling, "pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True}))
    assert not BertSentenceEncoder.supports(tmp_path)  # CLS pooling: not what we run
