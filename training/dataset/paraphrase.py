"""Diversify requests with an LLM: the same need, said the way people say it.

Each case's request is rewritten by the chat model in a drawn style (casual, with a
backstory, indirect, as a list, with typos, very short, very long...) while its inputs and
gold plan stay as they are. A rewrite is kept only if the pair still holds: every literal
text argument of the plan still appears in it (what the plan copies from the request must
still be there), every file name the request named is still named, and it is not empty,
echoed or runaway.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from modalswitch.agent.plan.model import parse_ref
from modalswitch.tools.contract.chat import ChatModel
from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.contract.registry import Registry

STYLES = (
    "casually, the way someone texts a friend, with lower case and no full stop",
    "politely, with one sentence of backstory before the ask",
    "indirectly, as a wish or a question rather than a command",
    "as a short bullet list of what they want",
    "with two or three typos and a missing apostrophe",
    "in as few words as possible",
    "at length: a few sentences of context, then the ask",
    "with slang (pls, pic, vid, rn, tbh)",
    "as a question",
    "in a hurry, a little impatient",
)
SYSTEM = ("You rewrite requests that people send to an assistant. Keep what they want and "
          "every detail, say it in a new way. Reply with the rewritten request only.")


def literal_texts(plan: dict[str, Any], registry: Registry) -> list[str]:
    """The literal text arguments of a plan (what it copies from the request)."""
    found = []
    for step in plan.get("steps", []):
        tool = registry.get(step["tool"])
        for name, value in step["args"].items():
            if name not in tool.Input.model_fields:
                continue
            items = value if isinstance(value, list) else [value]
            if field_kind(tool.Input, name).modality is Modality.TEXT:
                found += [v for v in items if isinstance(v, str) and parse_ref(v) is None]
    return found


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip()


def still_holds(case: dict[str, Any], rewrite: str, registry: Registry) -> bool:
    """Whether a rewritten request still fits the case's plan and files."""
    new, old = _norm(rewrite), _norm(case["request"])
    if not new or new == old or len(new) > 4 * len(old) + 200 or "\n\n" in rewrite.strip():
        return False
    if any(_norm(t) not in new for t in literal_texts(case["plan"], registry)):
        return False
    named = [n for n, _ in case["inputs"] if _norm(n) in old]
    return all(_norm(n) in new for n in named)


def clean(reply: str) -> str:
    """The request in a model's reply: no quotes, labels or trailing notes."""
    text = reply.strip().split("\n\n")[0].strip()
    text = re.sub(r"^(rewritten request|request)\s*:\s*", "", text, flags=re.I)
    return text.strip().strip('"').strip("“”").strip()


def paraphrase(cases: Sequence[dict[str, Any]], chat: ChatModel, registry: Registry, *,
               seed: int = 0, on_case: Callable[[int, bool], None] | None = None
               ) -> Iterator[dict[str, Any]]:
    """Rewritten copies of the cases that still hold (ids get a `-p` suffix)."""
    rng = random.Random(seed)
    for n, case in enumerate(cases):
        style = rng.choice(STYLES)
        files = ", ".join(name for name, _ in case["inputs"]) or "none"
        reply = chat.chat([
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Request: {case['request']}\nAttached files: {files}\n"
             f"Rewrite it {style}. Keep every file name, every quoted text, every number."}],
            max_tokens=160, temperature=0.8)
        rewrite = clean(reply.text)
        kept = still_holds(case, rewrite, registry)
        if on_case is not None:
            on_case(n, kept)
        if kept:
            yield {**case, "id": f"{case['id']}-p", "request": rewrite,
                   "tags": [*case.get("tags", []), "paraphrased"]}
