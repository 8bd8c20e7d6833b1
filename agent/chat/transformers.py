"""A transformers causal LM as a ChatModel (greedy, unconstrained): for tuned models in training."""

from __future__ import annotations

import time
from typing import Any

from modalswitch.errors import MissingModelError
from modalswitch.tools.contract.chat import Completion, Message


def render_chat(tokenizer: Any, messages: list[Message], add_generation_prompt: bool = True) -> str:
    """The prompt text: the tokenizer's chat template, or a plain one when it has none."""
    if getattr(tokenizer, "chat_template", None):
        text: str = tokenizer.apply_chat_template(messages, tokenize=False,
                                                  add_generation_prompt=add_generation_prompt)
        return text
    turns = "".join(f"<|{m['role']}|>\n{m['content']}\n" for m in messages)
    return turns + ("<|assistant|>\n" if add_generation_prompt else "")


def end_of_turn(tokenizer: Any) -> str:
    """What ends an assistant turn: Qwen's <|im_end|>, else the tokenizer's eos token."""
    vocab = tokenizer.get_vocab()
    return "<|im_end|>" if "<|im_end|>" in vocab else (tokenizer.eos_token or "")


class HFChat:
    """Greedy chat over a loaded transformers model; `json_schema` is not enforced."""

    def __init__(self, model: Any, tokenizer: Any, name: str = "hf") -> None:
        self.model, self.tokenizer, self.name = model, tokenizer, name

    @classmethod
    def load(cls, model_id: str) -> HFChat:
        """A Hugging Face id or local folder, loaded on the CPU (MissingModelError if not)."""
        try:
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as exc:
            raise MissingModelError("planner", model_id, "pip install transformers") from exc
        try:
            tokenizer = AutoTokenizer.from_pretrained(model_id)
            model = AutoModelForCausalLM.from_pretrained(model_id)
        except OSError as exc:
            raise MissingModelError("planner", model_id, f"transformers cannot load it: {exc}") \
                from exc
        return cls(model.eval(), tokenizer, name=model_id)

    def chat(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None,
             max_tokens: int = 512, temperature: float = 0.0) -> Completion:
        """Generate a reply up to the end-of-turn token."""
        import torch

        start = time.perf_counter()
        prompt = render_chat(self.tokenizer, messages)
        ids = self.tokenizer(prompt, return_tensors="pt", add_special_tokens=False)
        stop = self.tokenizer.convert_tokens_to_ids(end_of_turn(self.tokenizer))
        with torch.no_grad():
            out = self.model.generate(**ids, max_new_tokens=max_tokens, do_sample=False,
                                      eos_token_id=stop,
                                      pad_token_id=self.tokenizer.pad_token_id or stop)
        new = out[0, ids["input_ids"].shape[1]:]
        text = self.tokenizer.decode(new, skip_special_tokens=True)
        return Completion(text=text.strip(), prompt_tokens=int(ids["input_ids"].shape[1]),
                          completion_tokens=int(new.shape[0]),
                          duration_s=time.perf_counter() - start)
