"""The shipped planning adapters: their files, recorded base and prompt, and the tuned
planners they run."""

from __future__ import annotations

from pathlib import Path

import pytest

from modalswitch import Modality
from modalswitch.agent.plan import InputSpec
from modalswitch.agent.planners import embedded_planner
from modalswitch.agent.planners.presets import shipped_adapter
from modalswitch.tools import default_registry

gguf = pytest.importorskip("gguf")


@pytest.mark.parametrize(("small", "base", "layers", "prompt"), [
    (False, "embedded:qwen2.5-coder-1.5b", 28, "examples"),
    (True, "embedded:qwen2.5-coder-0.5b", 24, "compact")])
def test_adapters_are_loras_for_the_packaged_models(small: bool, base: str, layers: int,
                                                    prompt: str) -> None:
    from modalswitch.agent.chat.lora_adapter import adapter_base, adapter_prompt

    path = shipped_adapter(small=small)
    assert path.is_file() and path.stat().st_size < 20 * 2**20
    assert adapter_base(path) == base and adapter_prompt(path) == prompt
    reader = gguf.GGUFReader(str(path))
    names = {t.name for t in reader.tensors}
    assert len(names) == layers * 4 * 2  # layers x q, k, v, o x (lora_a, lora_b)
    assert f"blk.{layers - 1}.attn_output.weight.lora_b" in names
    card = Path(str(path).removesuffix(".gguf") + ".md")
    assert "## Reproduce" in card.read_text(encoding="utf-8")  # the model card ships beside it


@pytest.mark.real
@pytest.mark.llm
@pytest.mark.parametrize("config", ["tuned-routed", "base"])
def test_default_and_base_planners_read_a_sign_aloud(config: str) -> None:
    planner = embedded_planner(default_registry(), config)
    plan = planner.plan("read the sign in this photo out loud",
                        [InputSpec("sign.png", Modality.IMAGE)])
    assert [s.tool for s in plan.steps] == ["read_text", "text_to_speech"], plan.to_json()
    assert plan.steps[1].args["text"] == "@s1.text"
