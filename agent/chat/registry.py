"""Chat backends by name: a "backend:model" string picks the LLM a planner or writer uses.

    chat_model("embedded:qwen2.5-coder-1.5b")      # a packaged GGUF, run by llama.cpp
    chat_model("llama-cpp:/models/my-model.gguf")   # any GGUF file
    chat_model("transformers:Qwen/Qwen2.5-0.5B-Instruct")   # a transformers model (greedy)
    chat_model("openai:gpt-4o-mini")                # any OpenAI-compatible endpoint (settings)
    chat_model("ollama:qwen2.5-coder:7b")           # a model an Ollama server runs

Each backend registers a factory under its prefix, imported only when chosen (after
inspect_ai's providers), and users add their own with `register_backend`.
"""

from __future__ import annotations

from collections.abc import Callable

from modalswitch.errors import UserError
from modalswitch.tools.contract.chat import ChatModel

ChatFactory = Callable[[str], ChatModel]
"""Makes a chat model from what follows the prefix (a model id, a path...)."""

_BACKENDS: dict[str, ChatFactory] = {}


def register_backend(prefix: str, factory: ChatFactory) -> None:
    """Make `prefix:MODEL` strings build chat models with `factory(MODEL)`."""
    _BACKENDS[prefix] = factory


def backends() -> list[str]:
    """The registered prefixes."""
    return sorted(_BACKENDS)


def chat_model(spec: str) -> ChatModel:
    """The chat model a "backend:model" string names (UserError when it names none)."""
    prefix, sep, rest = spec.partition(":")
    if not sep or prefix not in _BACKENDS:
        raise UserError(f"unknown chat model {spec!r}: write BACKEND:MODEL with a backend "
                        f"among {', '.join(backends())}")
    if not rest.strip():
        raise UserError(f"chat model {spec!r} names no model after {prefix}:")
    return _BACKENDS[prefix](rest.strip())


def _embedded(name: str) -> ChatModel:
    from modalswitch.agent.chat.llama_cpp import LlamaCppChat
    from modalswitch.tools.runtime.weights import EMBEDDED_LLMS, assemble

    key = f"embedded:{name}"
    if key not in EMBEDDED_LLMS:
        known = ", ".join(k.removeprefix("embedded:") for k in EMBEDDED_LLMS)
        raise UserError(f"no packaged model {name!r}; packaged: {known}")
    packaged = EMBEDDED_LLMS[key]
    return LlamaCppChat.shared(assemble(packaged), name=packaged.name)


def _llama_cpp(path: str) -> ChatModel:
    from modalswitch.agent.chat.llama_cpp import LlamaCppChat

    return LlamaCppChat.shared(path)


def _transformers(model_id: str) -> ChatModel:
    from modalswitch.agent.chat.transformers import HFChat

    return HFChat.load(model_id)


def _remote(model: str, base_url: str, api_key: str | None, prefix: str) -> ChatModel:
    from modalswitch import settings
    from modalswitch.agent.chat.openai import STRUCTURED, OpenAIChat

    return OpenAIChat(model, base_url=base_url, api_key=api_key,
                      timeout_s=settings.number("MODALSWITCH_REMOTE_TIMEOUT_S"),
                      retries=int(settings.number("MODALSWITCH_REMOTE_RETRIES")),
                      structured=settings.choice("MODALSWITCH_REMOTE_STRUCTURED",
                                                 STRUCTURED),  # type: ignore[arg-type]
                      name=f"{prefix}:{model}")


def _openai(model: str) -> ChatModel:
    from modalswitch import settings

    return _remote(model, settings.setting("MODALSWITCH_OPENAI_BASE_URL")
                   or "https://api.openai.com/v1",
                   settings.setting("MODALSWITCH_OPENAI_API_KEY"), "openai")


def _ollama(model: str) -> ChatModel:
    from modalswitch import settings

    return _remote(model, settings.setting("MODALSWITCH_OLLAMA_BASE_URL")
                   or "http://localhost:11434/v1", "ollama", "ollama")


register_backend("embedded", _embedded)
register_backend("llama-cpp", _llama_cpp)
register_backend("transformers", _transformers)
register_backend("openai", _openai)
register_backend("ollama", _ollama)
