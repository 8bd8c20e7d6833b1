"""The llama.cpp chat backend: any GGUF file, with decoding constrained to a JSON schema.

What llama-cpp-python 0.3.36 taught us, and what this module does about it:

- Its JSON-schema-to-GBNF converter can emit grammar llama.cpp cannot parse (a regex `\\.`
  or `\\d` becomes an unknown GBNF escape). Its chat handler never notices: a schema it
  cannot convert silently becomes "any JSON", and a grammar llama.cpp cannot parse is a
  NULL sampler that crashes the process. So grammars are built and parsed here, once per
  schema, and a bad one is a clear GrammarError.
- Its sampler chain filters all 151k vocabulary entries through the grammar at every
  token, which with a plan grammar over many tools costs several times the model's own
  decode step. Greedy (temperature 0) completions use llama_cpp_decode.greedy instead,
  which checks the chosen token first.
- On CPUs with AMX, llama.cpp repacks weights into its AMX buffer type and then segfaults
  evaluating any prompt of more than a few tokens, so extra (repacking) buffer types are
  off on AMX CPUs unless asked for.
- llama.cpp's CPU threads meet at OpenMP barriers, and libgomp's default is to spin
  there. On a busy machine (tool steps, tests or another model beside the planner) a
  spinning thread waits for a descheduled one and a 2-thread plan took 10-20x longer than
  with 1 thread. OMP_WAIT_POLICY=PASSIVE (set before llama_cpp is first imported, unless
  the environment sets it) makes waiting threads sleep; it costs nothing measurable.
- Its `Llama.__del__` frees the model through module globals, which at interpreter exit may
  already be gone (a "TypeError: 'NoneType' object is not callable" printed after every
  run). Every loaded model is closed by an exit hook instead, while they still exist.
- llama.cpp reuses the KV cache of the longest token prefix shared with the previous call,
  so a planner's fixed system prompt and examples are evaluated once. A call with another
  prefix (a plain answer) evicts it, so the KV state of a long shared prefix is pinned in
  RAM and put back when needed (milliseconds, against seconds to evaluate it again).
  llama-cpp-python's LlamaRAMCache is not used: it copies a 150-300 MB logits buffer on
  every call.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import json
import os
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modalswitch.agent.chat.llama_cpp_decode import GrammarSampler, Session, shared_prefix
from modalswitch.agent.chat.llama_log import route_llama_log
from modalswitch.agent.chat.prefix_store import PrefixStore
from modalswitch.errors import GrammarError, MissingModelError
from modalswitch.settings import gpu_layers, home
from modalswitch.tools.contract.chat import Completion, Message
from modalswitch.tools.runtime.devices import cpu_has, llama_gpu_layers

_SHARED: dict[tuple[str, str | None], LlamaCppChat] = {}
_SHARED_LOCK = threading.Lock()
_PARAMS_LOCK = threading.Lock()  # patching llama.cpp's default model params is process-wide
_LOADED: weakref.WeakSet[LlamaCppChat] = weakref.WeakSet()  # instances holding a model


@atexit.register
def _close_loaded() -> None:
    for chat in list(_LOADED):
        chat.close(timeout=1.0)  # a daemon thread stuck mid-call must not hang the exit


def usable_cores() -> int:
    """The CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return max(os.cpu_count() or 1, 1)


@contextlib.contextmanager
def _model_params(**overrides: Any) -> Iterator[None]:
    """Make `Llama(...)` load with model params it has no argument for."""
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


@dataclass
class _Pin:
    """A saved KV state whose tokens start with the prompt of `messages`."""

    messages: list[Message]
    data: Any  # ctypes buffer filled by llama_state_get_data
    size: int
    input_ids: Any
    n_tokens: int


class LlamaCppChat:
    """A GGUF chat model run by llama-cpp-python; loaded on first use."""

    PIN_MIN_CHARS = 1500
    """Shared prefixes shorter than this are cheap to evaluate again and are not pinned."""
    MAX_PINS = 4

    def __init__(self, model_path: str | os.PathLike[str], *, n_ctx: int = 4096,
                 n_batch: int = 256, n_threads: int | None = None, seed: int = 0,
                 lora_path: str | None = None, name: str | None = None,
                 extra_buffers: bool | None = None, n_gpu_layers: int | None = None,
                 keep_openings: bool = True) -> None:
        self.model_path = Path(model_path)
        self.n_ctx = n_ctx
        self.n_batch = n_batch  # also sizes llama-cpp-python's logits buffer (n_batch x vocab)
        self.n_threads = n_threads or usable_cores()  # llama.cpp's default is half the cores
        self.seed = seed
        self.lora_path = lora_path
        self.name = name or self.model_path.stem
        # llama.cpp's AMX weight buffers crash on CPUs with AMX tiles
        self.extra_buffers = ((not cpu_has("amx_int8")) if extra_buffers is None
                              else extra_buffers)
        # None: MODALSWITCH_GPU_LAYERS, whose auto means all layers when llama.cpp can offload
        self.n_gpu_layers = n_gpu_layers if n_gpu_layers is not None else gpu_layers()
        self._llm: Any = None
        self._formatter: Any = None
        self._grammars: dict[str, tuple[str, Any]] = {}
        self._samplers: dict[str, GrammarSampler] = {}
        self._pins: list[_Pin] = []
        self._last: list[Message] = []
        self._lock = threading.Lock()  # one llama context: calls must not interleave
        self.load_s: float | None = None
        self.keep_openings = keep_openings
        """Save the KV state of long system messages under the home for the next process
        (agent/chat/prefix_store.py)."""
        self._openings: dict[str, list[int]] = {}
        self._store: PrefixStore | None = None

    @classmethod
    def shared(cls, model_path: str | os.PathLike[str], *, lora_path: str | None = None,
               name: str | None = None) -> LlamaCppChat:
        """One instance per (model, adapter) in the process: Agents and planners that use
        the same GGUF share its weights and KV cache instead of loading a copy each (calls
        are serialised by the instance's lock)."""
        key = (str(Path(model_path).resolve()), lora_path)
        with _SHARED_LOCK:
            if key not in _SHARED:
                _SHARED[key] = cls(model_path, lora_path=lora_path, name=name)
            return _SHARED[key]

    def _model(self) -> Any:
        if self._llm is None:
            if not self.model_path.exists():
                raise MissingModelError("planner", str(self.model_path),
                                        "Pass an existing .gguf file path.")
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # read when libgomp loads
            try:
                from llama_cpp import Llama
                from llama_cpp.llama_chat_format import Jinja2ChatFormatter

                route_llama_log()  # after llama_cpp's own logger, which it replaces
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
                            seed=self.seed, verbose=False, lora_path=self.lora_path,
                            n_gpu_layers=llama_gpu_layers(self.n_gpu_layers))
            template = llm.metadata.get("tokenizer.chat_template")
            if template:
                def text_of(token: int) -> str:
                    return str(llm._model.token_get_text(token)) if token != -1 else ""

                self._formatter = Jinja2ChatFormatter(
                    template=template, eos_token=text_of(llm.token_eos()),
                    bos_token=text_of(llm.token_bos()), stop_token_ids=[llm.token_eos()])
            self._llm = llm
            _LOADED.add(self)
            self.load_s = time.perf_counter() - start
        return self._llm

    def close(self, timeout: float = -1) -> None:
        """Free the model, its context and parsed grammars now; the next call loads the
        model again. With a timeout, a model busy for longer is left as it is."""
        if not self._lock.acquire(timeout=timeout):
            return
        try:
            for sampler in [s for _, s in self._grammars.values()] + list(self._samplers.values()):
                sampler.close()
            self._grammars.clear()
            self._samplers.clear()
            self._pins.clear()
            self._last = []
            if self._llm is not None:
                self._llm.close()
                self._llm = None
            _LOADED.discard(self)
        finally:
            self._lock.release()

    def grammar(self, json_schema: dict[str, Any]) -> tuple[str, Any]:
        """The GBNF of a schema and its parsed greedy sampler, built once per schema."""
        # key order matters: the grammar writes properties in the schema's order
        key = json.dumps(json_schema)
        if key not in self._grammars:
            llm = self._model()  # first: it sets up the environment llama_cpp is imported in
            from llama_cpp.llama_grammar import json_schema_to_gbnf


            try:
                gbnf = json_schema_to_gbnf(key)
            except Exception as exc:  # the converter asserts on schema features it lacks
                raise GrammarError(f"llama.cpp cannot convert this JSON schema: {exc}") from exc
            try:
                sampler = GrammarSampler(llm, gbnf)
            except ValueError as exc:
                raise GrammarError(f"{exc}; simplify the JSON schema") from exc
            self._grammars[key] = (gbnf, sampler)
        return self._grammars[key]

    def chat(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None,
             max_tokens: int = 512, temperature: float = 0.0) -> Completion:
        """One chat completion; with a schema, the output is grammar-constrained JSON."""
        with self._lock:
            llm = self._model()
            gbnf, sampler = self.grammar(json_schema) if json_schema else (None, None)
            start = time.perf_counter()
            pin = self._restore_pin(llm, messages)
            if temperature == 0 and self._formatter is not None:
                text, n_prompt, n_out = self._greedy(llm, messages, max_tokens, sampler)
            else:
                text, n_prompt, n_out = self._sampled(llm, messages, max_tokens, temperature,
                                                      gbnf)
            if pin is None:
                self._pin(llm, messages[:-1])
            self._last = list(messages)
            return Completion(text=text, prompt_tokens=n_prompt, completion_tokens=n_out,
                              duration_s=time.perf_counter() - start)

    @contextlib.contextmanager
    def decoder(self, messages: list[Message], shared: int = 1) -> Iterator[Session]:
        """A structured writer's Decoder continuing the assistant turn after `messages`
        (holds the model until the block ends); the first `shared` messages (the system
        message and any fixed demonstrations) open every prompt of the caller, and their
        KV state is kept on disk for the next process."""
        with self._lock:
            llm = self._model()
            if self._formatter is None:
                raise GrammarError(f"{self.name} has no chat template: it cannot be driven "
                                   "step by step")
            pin = self._restore_pin(llm, messages)
            prompt = self._formatter(messages=messages).prompt
            tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
            session = Session(llm, tokens, self._gbnf_sampler,
                              opening=self._opening(llm, messages, tokens, shared),
                              store=self._prefix_store())
            yield session
            if pin is None:
                self._pin(llm, messages[:-1])
            self._last = list(messages)

    def _gbnf_sampler(self, gbnf: str) -> GrammarSampler:
        """A parsed grammar sampler, built once per grammar text."""
        if gbnf not in self._samplers:
            if len(self._samplers) >= 512:
                self._samplers.pop(next(iter(self._samplers)))
            try:
                self._samplers[gbnf] = GrammarSampler(self._model(), gbnf)
            except ValueError as exc:
                raise GrammarError(f"{exc}:\n{gbnf}") from exc
        return self._samplers[gbnf]

    def _greedy(self, llm: Any, messages: list[Message], max_tokens: int,
                sampler: Any) -> tuple[str, int, int]:
        from modalswitch.agent.chat.llama_cpp_decode import greedy

        prompt = self._formatter(messages=messages).prompt
        tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
        max_tokens = min(max_tokens, self.n_ctx - len(tokens))
        if max_tokens <= 0:
            raise ValueError(f"the prompt is {len(tokens)} tokens, the context {self.n_ctx}")
        out = greedy(llm, tokens, max_tokens, sampler, self._opening(llm, messages, tokens),
                     self._prefix_store())
        return llm.detokenize(out).decode("utf-8", errors="ignore"), len(tokens), len(out)

    def _sampled(self, llm: Any, messages: list[Message], max_tokens: int,
                 temperature: float, gbnf: str | None) -> tuple[str, int, int]:
        from llama_cpp.llama_grammar import LlamaGrammar

        grammar = LlamaGrammar.from_string(gbnf, verbose=False) if gbnf else None
        # no repeat penalty: plans legitimately repeat tokens ("@s1", "@input0", keys)
        out = llm.create_chat_completion(messages=messages, max_tokens=max_tokens,
                                         temperature=temperature, repeat_penalty=1.0,
                                         grammar=grammar, seed=self.seed)
        usage = out.get("usage", {})
        return (out["choices"][0]["message"]["content"] or "",
                usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0))

    def _opening(self, llm: Any, messages: list[Message], tokens: list[int],
                 shared: int = 1) -> int:
        """How many of the prompt's tokens every prompt that starts with the same first
        `shared` messages (a system message, then fixed turns) starts with, through the
        next turn's header; 0 without a system message."""
        shared = min(shared, len(messages) - 1)
        if shared < 1 or messages[0]["role"] != "system" or self._formatter is None:
            return 0
        head = messages[:shared]
        key = json.dumps(head)
        if key not in self._openings:
            probes = [llm.tokenize(self._formatter(messages=[
                *head, {"role": "user", "content": word}]).prompt.encode("utf-8"),
                add_bos=False, special=True) for word in ("yes", "no")]
            if len(self._openings) >= 16:
                self._openings.pop(next(iter(self._openings)))
            self._openings[key] = probes[0][:shared_prefix(*probes)]
        opening = self._openings[key]
        return len(opening) if tokens[:len(opening)] == opening else 0

    def _prefix_store(self) -> PrefixStore | None:
        if self.keep_openings and self._store is None:
            self._store = PrefixStore(home() / "cache" / "llm-prefix", self.model_path,
                                      self.lora_path, self.n_ctx)
        return self._store

    def _restore_pin(self, llm: Any, messages: list[Message]) -> _Pin | None:
        """Put back the pinned state of this prompt's shared prefix if it was evicted."""
        for pin in self._pins:
            if messages[:len(pin.messages)] == pin.messages:
                if self._last[:len(pin.messages)] != pin.messages:
                    import llama_cpp

                    llama_cpp.llama_state_set_data(llm._ctx.ctx, pin.data, pin.size)
                    llm.input_ids[:pin.n_tokens] = pin.input_ids
                    llm.n_tokens = pin.n_tokens
                    llm._requires_eval = True  # its logits are stale: decode the new suffix
                return pin
        return None

    def _pin(self, llm: Any, prefix: list[Message]) -> None:
        """Save the KV state of a long shared prefix (with whatever followed it)."""
        if sum(len(m["content"]) for m in prefix) < self.PIN_MIN_CHARS:
            return
        import llama_cpp

        size = llama_cpp.llama_state_get_size(llm._ctx.ctx)
        data = (ctypes.c_uint8 * size)()
        used = llama_cpp.llama_state_get_data(llm._ctx.ctx, data, size)
        self._pins.insert(0, _Pin(list(prefix), data, used,
                                  llm.input_ids[:llm.n_tokens].copy(), llm.n_tokens))
        del self._pins[self.MAX_PINS:]
