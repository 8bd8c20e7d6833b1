"""Export a peft LoRA adapter as a GGUF LoRA adapter that llama.cpp (LlamaCppChat) loads.

The layout follows llama.cpp's convert_lora_to_gguf.py: general.type "adapter",
adapter.type "lora", adapter.lora.alpha, and for each adapted base weight `NAME.weight`
two tensors `NAME.weight.lora_a` (rank x in) and `NAME.weight.lora_b` (out x rank), named
with gguf's tensor map for the architecture. Llama's q/k weights are stored permuted in
GGUF, so their lora_b rows are permuted the same way; Qwen2 stores them as they are.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from modalswitch.agent.chat.lora_adapter import BASE_KEY, PROMPT_KEY, PROMPTS
from modalswitch.errors import UserError

_KEY = re.compile(r"^(?:base_model\.model\.)?(.+)\.lora_([AB])(?:\.default)?\.weight$")


def _permute(weights: Any, n_head: int) -> Any:
    """llama.cpp's q/k row permutation (convert_hf_to_gguf LlamaModel.permute)."""
    return (weights.reshape(n_head, 2, weights.shape[0] // n_head // 2, *weights.shape[1:])
            .swapaxes(1, 2).reshape(weights.shape))


def export_gguf_adapter(model: Any, path: Path, alpha: float | None = None,
                        base: str | None = None, prompt: str = "compact") -> int:
    """Write the adapter of a peft model to `path`; returns the number of adapted weights."""
    from peft import get_peft_model_state_dict

    config = model.base_model.model.config if hasattr(model, "base_model") else model.config
    peft_config = model.peft_config["default"]
    state = {k: v.detach().float().numpy() for k, v in get_peft_model_state_dict(model).items()}
    return write_gguf_lora(state, config, path,
                           float(alpha if alpha is not None else peft_config.lora_alpha), base,
                           prompt)


def export_peft_folder(folder: Path, path: Path, base: str, prompt: str = "compact") -> int:
    """Write a peft adapter folder (adapter_config.json + adapter_model.safetensors, trained
    anywhere: on a GPU machine, say) as a GGUF adapter for `base` (an embedded:… name, id or
    folder whose config gives the architecture)."""
    import json

    from safetensors.numpy import load_file
    from transformers import AutoConfig

    from modalswitch.tools.runtime.weights import EMBEDDED_LLMS, assemble

    folder = Path(folder)
    try:
        peft_config = json.loads((folder / "adapter_config.json").read_text(encoding="utf-8"))
        state = load_file(str(folder / "adapter_model.safetensors"))
    except (OSError, ValueError) as exc:
        raise UserError(f"not a peft adapter folder: {folder} ({exc})") from exc
    if base in EMBEDDED_LLMS:
        gguf_path = assemble(EMBEDDED_LLMS[base])
        config = AutoConfig.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
    else:
        config = AutoConfig.from_pretrained(base)
    return write_gguf_lora(state, config, path, float(peft_config["lora_alpha"]), base, prompt)


def write_gguf_lora(state: dict[str, Any], config: Any, path: Path, alpha: float,
                    base: str | None = None, prompt: str = "compact") -> int:
    """Write peft-named LoRA tensors (`...q_proj.lora_A.weight`) for a model `config`,
    recording the base and the planner prompt (lora_adapter.PROMPTS) it was trained on."""
    import gguf
    import numpy as np

    if prompt not in PROMPTS:
        raise UserError(f"prompt must be one of {', '.join(PROMPTS)}, not {prompt!r}")

    arch = config.model_type
    arch_enum = next((k for k, v in gguf.MODEL_ARCH_NAMES.items() if v == arch), None)
    if arch_enum is None:
        raise UserError(f"gguf has no architecture {arch!r}; cannot name the adapter tensors")
    names = gguf.get_tensor_name_map(arch_enum, config.num_hidden_layers)
    pairs: dict[str, dict[str, Any]] = {}
    for key, tensor in state.items():
        match = _KEY.match(key)
        if match is None:
            raise UserError(f"not a LoRA tensor: {key}")
        pairs.setdefault(match.group(1), {})[match.group(2)] = np.asarray(tensor, np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(path), arch)
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, alpha)
    if base:
        writer.add_string(BASE_KEY, base)
    writer.add_string(PROMPT_KEY, prompt)
    for module, ab in sorted(pairs.items()):
        target = names.get_name(module + ".weight", try_suffixes=(".weight",))
        if target is None:
            raise UserError(f"no GGUF tensor name for {module} ({arch})")
        lora_b = ab["B"]
        if arch == "llama" and module.endswith(("q_proj", "k_proj")):
            heads = (config.num_attention_heads if module.endswith("q_proj")
                     else getattr(config, "num_key_value_heads", config.num_attention_heads))
            lora_b = _permute(lora_b, heads)
        writer.add_tensor(f"{target}.lora_a", np.ascontiguousarray(ab["A"], dtype=np.float32))
        writer.add_tensor(f"{target}.lora_b", np.ascontiguousarray(lora_b, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return len(pairs)
