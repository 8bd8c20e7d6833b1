"""LoRA adapters in GGUF form: which base model an adapter was trained on.

`modalswitch train` records the base in the adapter (training/gguf_export.py writes it);
the planner presets read it back to load the adapter on the right packaged model.
"""

from __future__ import annotations

from pathlib import Path

from modalswitch.errors import MissingModelError, UserError

BASE_KEY = "modalswitch.base"
"""Metadata key naming the base the adapter was trained on (an embedded:… name, id or path)."""
PROMPT_KEY = "modalswitch.prompt"
"""Metadata key naming the planner prompt the adapter was trained on: "compact" (tool
signatures, no examples) or "examples" (the untuned planner's prompt with the nearest
solved examples). An adapter is run on the prompt it learned."""
PROMPTS = ("compact", "examples")


def adapter_base(path: Path) -> str | None:
    """The base model recorded in a GGUF adapter by export_gguf_adapter (None if absent)."""
    return _metadata(path, BASE_KEY)


def adapter_prompt(path: Path) -> str:
    """The prompt a GGUF adapter was trained on ("compact" when unrecorded: adapters from
    before the key was written were all trained on it)."""
    prompt = _metadata(path, PROMPT_KEY) or "compact"
    if prompt not in PROMPTS:
        raise UserError(f"adapter {path} was trained on an unknown prompt {prompt!r}")
    return prompt


def _metadata(path: Path, key: str) -> str | None:
    try:
        import gguf
    except ImportError as exc:
        raise MissingModelError("planner", str(path), "pip install gguf (or "
                                "'modalswitch[train]') to read adapter metadata") from exc

    try:
        reader = gguf.GGUFReader(str(path))
    except (OSError, ValueError) as exc:
        raise UserError(f"not a readable GGUF adapter: {path} ({exc})") from exc
    field = reader.fields.get(key)
    if field is None:
        return None
    return bytes(field.parts[field.data[0]]).decode("utf-8")
