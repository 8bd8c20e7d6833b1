"""The llama.cpp chat backend: any GGUF file, with decoding constrained to a JSON schema."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import MissingModelError
from .llm import Completion, Message


class LlamaCppChat:
    """A GGUF chat model run by llama-cpp-python; loaded on first use."""

    def __init__(self, model_path: str | os.PathLike[str], *, n_ctx: int = 4096,
                 n_threads: int | None = None, seed: int = 0, lora_path: str | None = None,
                 name: str | None = None) -> None:
        self.model_path = Path(model_path)
        self.n_ctx = n_ctx
        self.n_threads = n_threads or max(os.cpu_count() or 1, 1)
        self.seed = seed
        self.lora_path = lora_path
        self.name = name or self.model_path.stem
        self._llm: Any = None
        self._lock = threading.Lock()  # one llama context: calls must not interleave
        self.load_s: float | None = None

    def _model(self) -> Any:
        if self._llm is None:
            if not self.model_path.exists():
                raise MissingModelError("planner", str(self.model_path),
                                        "Pass an existing .gguf file path.")
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise MissingModelError("planner", str(self.model_path),
                                        "Install llama-cpp-python: pip install "
                                        "'modalswitch[default]'.") from exc
            start = time.perf_counter()
            self._llm = Llama(model_path=str(self.model_path), n_ctx=self.n_ctx,
                              n_threads=self.n_threads, seed=self.seed, verbose=False,
                              lora_path=self.lora_path)
            self.load_s = time.perf_counter() - start
        return self._llm

    def chat(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None,
             max_tokens: int = 512, temperature: float = 0.0) -> Completion:
        """One chat completion; with a schema, the output is grammar-constrained JSON."""
        with self._lock:
            llm = self._model()
            kwargs: dict[str, Any] = {}
            if json_schema is not None:
                kwargs["response_format"] = {"type": "json_object", "schema": json_schema}
            start = time.perf_counter()
            out = llm.create_chat_completion(messages=messages, max_tokens=max_tokens,
                                             temperature=temperature, **kwargs)
            usage = out.get("usage", {})
            return Completion(text=out["choices"][0]["message"]["content"] or "",
                              prompt_tokens=usage.get("prompt_tokens", 0),
                              completion_tokens=usage.get("completion_tokens", 0),
                              duration_s=time.perf_counter() - start)
