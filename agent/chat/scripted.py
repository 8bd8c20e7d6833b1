"""Chat models that reply from a script: test doubles shipped for users' tests.

`ScriptedChat` answers calls from a list; `ScriptedStepwiseChat` is also driven token by
token by the plan writer, following each scripted plan as far as the writer's rules allow.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from modalswitch.agent.chat.constrained import Decoder, Grammar, to_regex
from modalswitch.tools.contract.chat import Completion, Message


class ScriptedChat:
    """A chat model that replies with scripted outputs, in order, and records each call."""

    name = "scripted"

    def __init__(self, replies: Iterable[str | dict[str, Any]] | Callable[[list[Message]], str]):
        self._fn = replies if callable(replies) else None
        self._replies = [] if callable(replies) else [
            r if isinstance(r, str) else json.dumps(r) for r in replies]
        self.calls: list[dict[str, Any]] = []

    def chat(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None,
             max_tokens: int = 512, temperature: float = 0.0) -> Completion:
        """Return the next scripted reply."""
        self.calls.append({"messages": messages, "json_schema": json_schema})
        if self._fn is not None:
            text = self._fn(messages)
        elif self._replies:
            text = self._replies.pop(0)
        else:
            raise RuntimeError("ScriptedChat ran out of scripted replies")
        prompt_tokens = sum(len(m["content"].split()) for m in messages)
        return Completion(text, prompt_tokens, len(text.split()), 0.0)


class ScriptedStepwiseChat(ScriptedChat):
    """A ScriptedChat the plan writer drives token by token: each scripted reply is the
    text the "model" means to write, and every free choice follows it. A reply the
    structure does not allow fails loudly (ValueError names where it left the rules)."""

    @contextlib.contextmanager
    def decoder(self, messages: list[Message], shared: int = 1) -> Iterator[Decoder]:
        """A decoder that writes the next scripted reply, within the writer's rules."""
        self.calls.append({"messages": messages, "json_schema": None, "shared": shared})
        if self._fn is not None:
            target = self._fn(messages)
        elif self._replies:
            target = self._replies.pop(0)
        else:
            raise RuntimeError("ScriptedStepwiseChat ran out of scripted replies")
        yield _FollowingDecoder(target)


class _FollowingDecoder:
    """Writes a target text as far as the grammars allow it."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.written = ""
        self.prompt_tokens = 0
        self.forced_tokens = 0
        self.generated_tokens = 0

    @property
    def text(self) -> str:
        """Everything written so far."""
        return self.written

    def _rest(self) -> str:
        return self.target[len(self.written):]

    def force(self, text: str) -> None:
        """Fixed text must be what the target says next."""
        if not self._rest().startswith(text):
            raise ValueError(f"after {self.written!r} the writer forces {text!r} but the "
                             f"scripted reply goes on {self._rest()[:40]!r}")
        self.written += text
        self.forced_tokens += len(text.split())

    def generate(self, grammar: Grammar, max_tokens: int) -> tuple[str, bool]:
        """The longest next piece of the target the grammar admits."""
        pattern = re.compile(to_regex(grammar), re.DOTALL)
        rest = self._rest()
        for end in range(len(rest), 0, -1):
            if pattern.fullmatch(rest[:end]):
                self.written += rest[:end]
                self.generated_tokens += 1
                return rest[:end], True
        raise ValueError(f"after {self.written!r} the scripted reply goes on "
                         f"{rest[:40]!r}, which the writer's rules do not allow here")
