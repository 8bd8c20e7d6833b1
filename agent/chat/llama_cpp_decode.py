"""Greedy decoding with a grammar that is checked on the chosen token first.

llama-cpp-python's sampler chain applies a grammar to every one of the vocabulary's 151k
tokens at every step. With a plan grammar over many tools that costs 50-450 ms a token on
one core, several times the model's own decode step. Greedy decoding only needs to know
whether the most likely token is allowed, which is one cheap check; the whole vocabulary is
filtered only when that token is rejected (as llama.cpp's own common sampler does).
"""

from __future__ import annotations

import ctypes
import functools
import re
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from modalswitch.agent.chat.constrained import (
    Grammar,
    Lit,
    Seq,
    literal_options,
    to_gbnf,
    to_regex,
)
from modalswitch.agent.chat.prefix_store import MIN_TOKENS, PrefixStore


class GrammarSampler:
    """One parsed grammar, reset before each completion."""

    def __init__(self, llm: Any, gbnf: str) -> None:
        import llama_cpp

        self._lib = llama_cpp
        self.sampler = llama_cpp.llama_sampler_init_grammar(llm._model.vocab, gbnf.encode(),
                                                            b"root")
        if not self.sampler:
            raise ValueError("llama.cpp cannot parse this grammar (its log says where)")
        # finalize, not __del__: it also runs at exit while llama_cpp's functions still exist
        self._free = weakref.finalize(self, llama_cpp.llama_sampler_free, self.sampler)
        n_vocab = llm.n_vocab()
        self._one = (llama_cpp.llama_token_data * 1)()
        self._all = (llama_cpp.llama_token_data * n_vocab)()
        # a numpy view of the ctypes structs, to fill and read 151k logits without a loop
        self._all_np = np.ctypeslib.as_array(self._all)
        self._all_np["id"] = np.arange(n_vocab, dtype=np.int32)

    def close(self) -> None:
        """Free the parsed grammar now (it may not be used after); idempotent."""
        self._free()

    def reset(self) -> None:
        """Back to the grammar's start."""
        self._lib.llama_sampler_reset(self.sampler)

    def _apply(self, data: Any, size: int) -> None:
        array = self._lib.llama_token_data_array(data=data, size=size, selected=-1,
                                                 sorted=False)
        self._lib.llama_sampler_apply(self.sampler, ctypes.byref(array))

    def choose(self, logits: np.ndarray) -> int:
        """The most likely token the grammar allows."""
        best = int(np.argmax(logits))
        one = self._one[0]
        one.id, one.logit, one.p = best, float(logits[best]), 0.0  # type: ignore[assignment]
        self._apply(self._one, 1)
        if self._one[0].logit != -np.inf:
            return best
        self._all_np["logit"] = logits
        self._all_np["p"] = 0.0
        self._apply(self._all, len(logits))
        return int(np.argmax(self._all_np["logit"]))

    def accept(self, token: int) -> None:
        """Advance the grammar past a chosen token."""
        self._lib.llama_sampler_accept(self.sampler, token)


def shared_prefix(a: list[int], b: list[int]) -> int:
    """How many leading tokens two token lists have in common."""
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared


def prepare(llm: Any, tokens: list[int], opening: int = 0,
            store: PrefixStore | None = None) -> None:
    """Evaluate a prompt, reusing the KV cache of its longest prefix shared with the last
    one; the first `opening` tokens (the fixed system message) come from `store` when the
    cache lacks them, and go into it when they had to be read."""
    shared = min(shared_prefix(llm.input_ids[:llm.n_tokens].tolist(), tokens),
                 len(tokens) - 1)  # the last prompt token is decoded for its logits
    if shared > 0 and llm._ctx.kv_cache_seq_rm(-1, shared, -1):
        llm.n_tokens = shared
    else:
        llm.reset()
    if store is not None and MIN_TOKENS <= opening < len(tokens) and llm.n_tokens < opening:
        head = tokens[:opening]
        if not store.load(llm, head):
            llm.eval(head[llm.n_tokens:])
            store.save(llm, head)
    llm.eval(tokens[llm.n_tokens:])


def greedy(llm: Any, tokens: list[int], max_tokens: int,
           grammar: GrammarSampler | None = None, opening: int = 0,
           store: PrefixStore | None = None) -> list[int]:
    """The greedy continuation of a prompt, stopping at an end-of-generation token."""
    import llama_cpp

    vocab = llm._model.vocab
    n_vocab = llm.n_vocab()
    prepare(llm, tokens, opening, store)
    if grammar is not None:
        grammar.reset()
    out: list[int] = []
    while len(out) < max_tokens:
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1),
                                       shape=(n_vocab,))
        token = grammar.choose(logits) if grammar is not None else int(np.argmax(logits))
        if llama_cpp.llama_vocab_is_eog(vocab, token):
            break
        if grammar is not None:
            grammar.accept(token)
        out.append(token)
        llm.eval([token])
    return out


class Session:
    """One assistant turn driven by a structured writer (a `Decoder`): forced text is
    evaluated in one batch (jump-forward), free choices are greedy under a grammar.

    Token healing: the last token of fixed text (forced, or the decided rest of an option)
    is held back and re-offered as the start of the next grammar, so the model can pick the
    token it would naturally write across the boundary (`"}}],"` rather than `}` then `}`);
    forcing it would push a small model off its own tokenization and its choices with it.
    """

    def __init__(self, llm: Any, tokens: list[int], sampler: Callable[[str], GrammarSampler],
                 *, opening: int = 0, store: PrefixStore | None = None):
        self.llm = llm
        self._sampler = sampler
        self._written: list[str] = []
        self._pending = ""
        """Written text not evaluated yet: the held-back last token of fixed text."""
        self.prompt_tokens = len(tokens)
        self.forced_tokens = 0
        self.generated_tokens = 0
        prepare(llm, tokens, opening, store)

    @property
    def text(self) -> str:
        """Everything written in this turn."""
        return "".join(self._written)

    def force(self, text: str) -> None:
        """Write fixed text (one batch evaluation, but for its last token)."""
        self._written.append(text)
        self._defer(text)

    def _defer(self, text: str) -> None:
        """Evaluate pending + text but for the last token, which becomes pending."""
        text = self._pending + text
        tokens = self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        last = self.llm.detokenize(tokens[-1:]).decode("utf-8", errors="ignore")
        if len(tokens) > 1 and last and text.endswith(last):
            self.llm.eval(tokens[:-1])
            self.forced_tokens += len(tokens) - 1
            self._pending = last
        else:
            self._pending = text

    def generate(self, grammar: Grammar, max_tokens: int) -> tuple[str, bool]:
        """Greedy tokens under the grammar until it is complete or `max_tokens` run out;
        once the tokens so far leave one literal option open, its rest is forced."""
        import llama_cpp

        pending, self._pending = self._pending, ""
        full = Seq((Lit(pending), grammar)) if pending else grammar
        options = literal_options(full)
        sampler = self._sampler(to_gbnf(full))
        sampler.reset()
        done = _full_match(full)
        vocab = self.llm._model.vocab
        n_vocab = self.llm.n_vocab()
        out: list[int] = []
        text, rest, complete = "", "", False
        while len(out) < max_tokens + (1 if pending else 0):
            logits = np.ctypeslib.as_array(
                llama_cpp.llama_get_logits_ith(self.llm._ctx.ctx, -1), shape=(n_vocab,))
            token = sampler.choose(logits)
            if llama_cpp.llama_vocab_is_eog(vocab, token):
                complete = True  # only the end is allowed: the grammar is complete
                break
            sampler.accept(token)
            out.append(token)
            self.llm.eval([token])
            text = self.llm.detokenize(out).decode("utf-8", errors="ignore")
            if done(text):
                complete = True  # saves asking the model for the end token
                break
            left = [o for o in options or () if o.startswith(text)]
            if options is not None and len(text) >= len(pending) and len(left) == 1:
                rest, complete = left[0][len(text):], True  # decided: force the rest
                break
        self.generated_tokens += len(out)
        if len(text) < len(pending):  # ran out inside the held-back text (already written)
            self._defer(pending[len(text):])
            return "", False
        written = text[len(pending):] + rest
        self._written.append(written)
        if rest:
            self._defer(rest)
        return written, complete


@functools.lru_cache(maxsize=512)
def _full_match(grammar: Grammar) -> Callable[[str], bool]:
    """A test that a text is a complete string of the grammar."""
    pattern = re.compile(to_regex(grammar), re.DOTALL)
    return lambda text: pattern.fullmatch(text) is not None
