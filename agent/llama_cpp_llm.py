"""The llama.cpp chat backend: any GGUF file, with decoding constrained to a JSON schema.

Three things learned the hard way on llama-cpp-python 0.3.36 shape this module:

- Its JSON-schema-to-GBNF converter can emit grammar that llama.cpp cannot parse (a regex
  `\\.` becomes the unknown GBNF escape `"\\."`). The chat handler never notices: a schema it
  cannot convert silently becomes "any JSON", and a grammar llama.cpp cannot parse is a NULL
  sampler that crashes the process. So grammars are built here, parsed once against the
  model's vocabulary, cached per schema, and a bad one is a clear error.
- On CPUs with AMX, llama.cpp repacks weights into its AMX buffer type, and prompt
  evaluation then segfaults for any batch of more than a few tokens. Extra (repacking)
  buffer types are therefore off on AMX CPUs unless asked for.
- llama.cpp reuses the KV cache of the longest common token prefix with the previous call,
  so a planner's fixed system prompt and examples are evaluated once. A call with another
  prefix (a plain answer) would evict it; a small RAM cache of saved states brings it back.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import MissingModelError, ModalswitchError
from .llm import Completion, Message

_PARAMS_LOCK = threading.Lock()  # patching llama.cpp's default model params is process-wide


class GrammarError(ModalswitchError):
    """A JSON schema whose grammar llama.cpp cannot use."""


def cpu_has_amx() -> bool:
    """True on CPUs with AMX tiles, where llama.cpp's AMX weight buffers crash."""
    try:
        return "amx_int8" in Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return False


@contextlib.contextmanager
def _model_params(**overrides: Any) -> Iterator[None]:
    """Make `Llama(...)` load with extra model params it has no argument for."""
    import llama_cpp.llama_cpp as lib

    with _PARAMS_LOCK:
        original = lib.llama_model_default_params

        def patched() -> Any:
            params = original()
            for key, value in overrides.items():
                setattr(params, key, value)
            return params

        lib.llama_model_default_params = patched
        try:
            yield
        finally:
            lib.llama_model_default_params = original


class LlamaCppChat:
    """A GGUF chat model run by llama-cpp-python; loaded on first use."""

    def __init__(self, model_path: str | os.PathLike[str], *, n_ctx: int = 4096,
                 n_batch: int = 512, n_threads: int | None = None, seed: int = 0,
                 lora_path: str | None = None, name: str | None = None,
                 extra_buffers: bool | None = None, state_cache_mb: int = 256) -> None:
        self.model_path = Path(model_path)
        self.n_ctx = n_ctx
        self.n_batch = n_batch
        # llama.cpp's default is half the cores; on small machines every core helps
        self.n_threads = n_threads or max(len(os.sched_getaffinity(0))
                                          if hasattr(os, "sched_getaffinity")
                                          else os.cpu_count() or 1, 1)
        self.seed = seed
        self.lora_path = lora_path
        self.name = name or self.model_path.stem
        self.extra_buffers = (not cpu_has_amx()) if extra_buffers is None else extra_buffers
        self.state_cache_mb = state_cache_mb
        self._llm: Any = None
        self._grammars: dict[str, Any] = {}
        self._lock = threading.Lock()  # one llama context: calls must not interleave
        self.load_s: float | None = None

    def _model(self) -> Any:
        if self._llm is None:
            if not self.model_path.exists():
                raise MissingModelError("planner", str(self.model_path),
                                        "Pass an existing .gguf file path.")
            try:
                from llama_cpp import Llama, LlamaRAMCache
            except ImportError as exc:
                raise MissingModelError("planner", str(self.model_path),
                                        "Install llama-cpp-python: pip install "
                                        "'modalswitch[default]'.") from exc
            start = time.perf_counter()
            overrides = {} if self.extra_buffers else {"use_extra_bufts": False}
            with _model_params(**overrides):
                llm = Llama(model_path=str(self.model_path), n_ctx=self.n_ctx,
                            n_batch=self.n_batch, n_ubatch=self.n_batch,
                            n_threads=self.n_threads, n_threads_batch=self.n_threads,
                            seed=self.seed, verbose=False, lora_path=self.lora_path)
            if self.state_cache_mb > 0:
                llm.set_cache(LlamaRAMCache(capacity_bytes=self.state_cache_mb << 20))
            self._llm = llm
            self.load_s = time.perf_counter() - start
        return self._llm

    def grammar(self, json_schema: dict[str, Any]) -> Any:
        """The llama.cpp grammar for a schema, checked once and cached."""
        key = json.dumps(json_schema, sort_keys=True)
        if key not in self._grammars:
            import llama_cpp
            from llama_cpp.llama_grammar import LlamaGrammar, json_schema_to_gbnf

            try:
                gbnf = json_schema_to_gbnf(key)
            except Exception as exc:  # the converter asserts on schema features it lacks
                raise GrammarError(f"llama.cpp cannot convert this JSON schema: {exc}") from exc
            vocab = self._model()._model.vocab
            sampler = llama_cpp.llama_sampler_init_grammar(vocab, gbnf.encode(), b"root")
            if not sampler:
                raise GrammarError("llama.cpp cannot parse the grammar made from this JSON "
                                   "schema (see its log above); simplify the schema")
            llama_cpp.llama_sampler_free(sampler)
            self._grammars[key] = LlamaGrammar.from_string(gbnf, verbose=False)
        return self._grammars[key]

    def chat(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None,
             max_tokens: int = 512, temperature: float = 0.0) -> Completion:
        """One chat completion; with a schema, the output is grammar-constrained JSON."""
        with self._lock:
            llm = self._model()
            grammar = self.grammar(json_schema) if json_schema is not None else None
            start = time.perf_counter()
            # no repeat penalty: plans legitimately repeat tokens ("@s1", "@input0", keys)
            out = llm.create_chat_completion(messages=messages, max_tokens=max_tokens,
                                             temperature=temperature, repeat_penalty=1.0,
                                             grammar=grammar)
            usage = out.get("usage", {})
            return Completion(text=out["choices"][0]["message"]["content"] or "",
                              prompt_tokens=usage.get("prompt_tokens", 0),
                              completion_tokens=usage.get("completion_tokens", 0),
                              duration_s=time.perf_counter() - start)
