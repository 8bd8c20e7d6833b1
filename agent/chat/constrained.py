"""Constrained generation: a tiny grammar language, and the decoder interface that runs it.

A structured writer (the plan writer) alternates two moves on a `Decoder`: `force(text)`
appends text the structure fixes (evaluated in one batch: jump-forward decoding), and
`generate(grammar)` lets the model choose, greedily, among what the grammar allows. The
grammars are values (Lit, Choice, Seq, JsonString, JsonNumber) so a backend can compile
them (llama.cpp: GBNF) and a test can sample them at random.
"""

from __future__ import annotations

import json
import re
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from modalswitch.tools.contract.chat import Message


@dataclass(frozen=True)
class Lit:
    """Exactly this text."""

    text: str


@dataclass(frozen=True)
class Choice:
    """One of these alternatives."""

    options: tuple[Grammar, ...]


@dataclass(frozen=True)
class Seq:
    """These parts, in order."""

    parts: tuple[Grammar, ...]


@dataclass(frozen=True)
class JsonString:
    """A JSON string literal with no escapes or control characters (so it can always be
    closed by one quote), none of the `exclude` characters, and not starting with any of
    `not_prefixes` (a plan's text argument may not be a user's file name: that is the file)."""

    exclude: str = ""
    not_prefixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class JsonNumber:
    """A JSON number: an integer, or a decimal with up to four fraction digits."""

    integer: bool = True


Grammar = Lit | Choice | Seq | JsonString | JsonNumber



_FORBIDDEN = '"\\' + "".join(map(chr, range(0x20)))
"""What no JsonString holds: a quote, a backslash or a control character."""


def _gbnf_char(c: str) -> str:
    return f"\\x{ord(c):02x}" if ord(c) <= 0xFF else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF \
        else f"\\U{ord(c):08x}"


def _string_class(exclude: str, gbnf: bool) -> str:
    """A character class: no quote, backslash, control character or excluded character."""
    extra = "".join(map(_gbnf_char, exclude)) if gbnf else "".join(map(re.escape, exclude))
    return '[^"\\\\\\x00-\\x1f' + extra + "]"


def _string_body(g: JsonString, gbnf: bool) -> str:
    """The inside of a JsonString in GBNF or regex syntax. Banned prefixes become a trie:
    at each character either the string ends, or it leaves every banned prefix, or it
    follows some of them one character further (one they spell out whole is never allowed)."""
    any_char = _string_class(g.exclude, gbnf)
    join, lit, sep, group = ((" ", _gbnf_string, " | ", "(") if gbnf
                             else ("", re.escape, "|", "(?:"))

    def avoiding(prefixes: set[str]) -> str:
        heads = sorted({p[0] for p in prefixes})
        options = [_string_class(g.exclude + "".join(heads), gbnf) + join + any_char + "*"]
        for head in heads:
            rest = {p[1:] for p in prefixes if p[0] == head}
            if "" not in rest:
                options.append(lit(head) + join + avoiding(rest))
        return group + sep.join(options) + ")?"

    banned = {p for p in g.not_prefixes
              if p and not any(c in _FORBIDDEN or c in g.exclude for c in p)}
    return avoiding(banned) if banned else any_char + "*"


def choice(*options: str | Grammar) -> Grammar:
    """A Choice of literal strings or grammars (a single option is just that option)."""
    parts = tuple(Lit(o) if isinstance(o, str) else o for o in options)
    return parts[0] if len(parts) == 1 else Choice(parts)


def json_literal(value: object) -> str:
    """A value as compact JSON, the way the writer spells it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _gbnf_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # GBNF literals use JSON-style escapes


def to_gbnf(grammar: Grammar) -> str:
    """The grammar as llama.cpp GBNF with a `root` rule."""
    rules: dict[str, str] = {}
    names: dict[Grammar, str] = {}

    def rule(g: Grammar) -> str:
        if isinstance(g, Lit):
            return _gbnf_string(g.text)
        if g in names:
            return names[g]
        name = f"r{len(names)}"
        names[g] = name
        if isinstance(g, Choice):
            body = " | ".join(rule(o) for o in g.options)
        elif isinstance(g, Seq):
            body = " ".join(rule(p) for p in g.parts)
        elif isinstance(g, JsonString):
            body = f'"\\"" {_string_body(g, gbnf=True)} "\\""'
        else:
            body = ('"-"? [0-9] [0-9]{0,8}' if g.integer
                    else '"-"? [0-9] [0-9]{0,8} ("." [0-9] [0-9]{0,3})?')
        rules[name] = body
        return name

    root = rule(grammar)
    lines = [f"root ::= {root}"] + [f"{name} ::= {body}" for name, body in rules.items()]
    return "\n".join(lines) + "\n"


def to_regex(grammar: Grammar) -> str:
    """The grammar as a Python regular expression (every option set here is prefix-free,
    so a full match means the grammar is complete and a writer can stop asking)."""
    if isinstance(grammar, Lit):
        return re.escape(grammar.text)
    if isinstance(grammar, Choice):
        return "(?:" + "|".join(to_regex(o) for o in grammar.options) + ")"
    if isinstance(grammar, Seq):
        return "".join(to_regex(p) for p in grammar.parts)
    if isinstance(grammar, JsonString):
        return f'"{_string_body(grammar, gbnf=False)}"'
    return r"-?[0-9]{1,9}" + ("" if grammar.integer else r"(?:\.[0-9]{1,4})?")


def literal_options(grammar: Grammar, limit: int = 256) -> list[str] | None:
    """Every string a grammar of literals admits (None when it has free parts or too many):
    once a prefix leaves one of them possible, the rest can be forced."""
    if isinstance(grammar, Lit):
        return [grammar.text]
    if isinstance(grammar, Choice):
        found: list[str] = []
        for option in grammar.options:
            sub = literal_options(option, limit)
            if sub is None:
                return None
            found += sub
        return found if len(found) <= limit else None
    if isinstance(grammar, Seq):
        heads = [""]
        for part in grammar.parts:
            tails = literal_options(part, limit)
            if tails is None or len(heads) * len(tails) > limit:
                return None
            heads = [h + t for h in heads for t in tails]
        return heads
    return None


class Decoder(Protocol):
    """A model continuing one assistant turn under structural control."""

    def force(self, text: str) -> None:
        """Append text the structure fixes (no sampling)."""
        ...

    def generate(self, grammar: Grammar, max_tokens: int) -> tuple[str, bool]:
        """The model's greedy continuation within the grammar, and whether it is complete
        (False: it ran out of tokens first; the writer closes what is open)."""
        ...

    @property
    def text(self) -> str:
        """Everything written so far."""
        ...

    prompt_tokens: int
    forced_tokens: int
    """Tokens written by the structure (batch-evaluated)."""
    generated_tokens: int
    """Tokens the model chose."""


@runtime_checkable
class StepwiseChat(Protocol):
    """A chat model that can be driven token by token by a structured writer."""

    name: str

    def decoder(self, messages: list[Message], shared: int = 1
                ) -> AbstractContextManager[Decoder]:
        """A decoder continuing the assistant turn after these messages; the first
        `shared` open every prompt of the caller (a model may keep their state)."""
        ...
