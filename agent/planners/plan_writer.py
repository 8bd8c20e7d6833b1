"""Write a plan through a Decoder so that only a valid plan can come out.

The structure is forced and the model only chooses where there is a choice:

    {"wants":"<modality>","steps":[{"id":"s1","tool":"<tool>","args":{...}},...],"outputs":[...]}

- step ids are s1, s2, ... in order (forced);
- a tool is offered only when every media argument it needs has a source (a user input or
  an earlier step's output of that modality), when its results can end up in the answer
  (text or a wanted medium, directly or through other offered tools), and only while
  every wanted modality stays reachable within the steps left;
- a reference names an input or an earlier step's output field of the modality the
  argument needs; a text argument is such a reference or a literal that cannot start
  with "@" (so it never reads as a reference) nor with an input's file name (a model that
  writes the name of a screenshot as the text to speak meant the screenshot); a verbatim
  argument (a URL to fetch) is a URL the request quotes or an earlier step's verbatim
  result, never one the model makes up, and a tool that needs one is offered only then;
- the steps can only end once something of each wanted modality exists, and not while a
  file the user attached is unused and an offered tool can take it: then one more step,
  with such a tool, comes first (once per file; users attach files to have them worked
  on, and a small model that stops without touching one answered something else);
  `outputs` must include the wanted modalities, no medium the plan does not say it wants,
  and a result of every step nothing later uses (a step whose result nobody sees was
  wasted work, and is dropped);
- nor while a tool the request names (`named`, tool_mentions.py) is unused and can be
  offered: then the next step is the first of them in the order the request names them;
- once a step repeats an earlier one word for word, the plan ends as soon as it may, and
  until then only tools that make a missing medium are offered (`without_repeated_steps`
  then removes the repeat);
- strings are closed by the writer when they run long, so nothing is ever cut mid-JSON.

Settings (numbers, enums) keep their JSON type by grammar; a value outside its range is
dropped afterwards when the setting is optional (`clean_settings`). What the model writes
is the same JSON as `canonical_plan`, which few-shot turns and training targets use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from modalswitch.agent.chat.constrained import (
    Choice,
    Decoder,
    Grammar,
    JsonNumber,
    JsonString,
    Lit,
    Seq,
    choice,
    json_literal,
)
from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.schema import honouring, parse_wants, wants_options
from modalswitch.agent.planners.reachability import VERBATIM, Need, Reachability
from modalswitch.agent.planners.settings_schema import setting_schema
from modalswitch.tools.contract.fields import content_fields, field_kind
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.contract.tool import Tool

MAX_STEPS = 8
MAX_ITEMS = 8
REF = "@"
"""A string starting with this is a reference; a literal never holds one (one that did
would be a reference the model wrote as text)."""
STRING_TOKENS = 64
"""A literal string longer than this many tokens is closed by the writer."""


@dataclass
class _Source:
    ref: str  # "@input0", "@s2.text"
    modality: Modality
    verbatim: bool = False
    named: bool = False  # made by a tool the request names: its result is asked for


@dataclass
class _State:
    sources: list[_Source] = field(default_factory=list)
    steps: int = 0
    file_names: tuple[str, ...] = ()
    """The user's input files: a text literal may not start with one (that is the file)."""
    quotes: tuple[str, ...] = ()
    """The URLs the request quotes: the literals a verbatim argument may take."""
    used: set[str] = field(default_factory=set)
    """The references the steps written so far take ("@input0", "@s1.text")."""
    pressed: set[str] = field(default_factory=set)
    """Inputs a step was already required for: once each, never step after step."""
    written: set[str] = field(default_factory=set)  # each step so far: tool + arguments
    tools: set[str] = field(default_factory=set)  # the tools the steps so far use
    repeated: bool = False  # a step repeated an earlier one: the model has lost its way

    def refs(self, modality: Modality, from_steps_only: bool = False) -> list[str]:
        return [s.ref for s in self.sources if s.modality is modality
                and (not from_steps_only or not s.ref.startswith("@input"))]

    def unused_inputs(self) -> list[_Source]:
        return [s for s in self.sources if s.ref.startswith("@input")
                and s.ref not in self.used | self.pressed]

    def verbatim_refs(self) -> list[str]:
        return [s.ref for s in self.sources if s.verbatim]

    def produced(self, modality: Modality) -> bool:
        """Whether a step (not an input) made something of this modality."""
        return any(s.modality is modality and not s.ref.startswith("@input")
                   for s in self.sources)


def _value_grammar(tool: Tool[Any, Any], name: str, prop: dict[str, Any],
                   state: _State) -> Grammar | None:
    """The grammar of one argument's value, or None when the writer cannot write it."""
    kind = field_kind(tool.Input, name)
    if kind.verbatim:
        options = [*state.verbatim_refs(), *state.quotes]
        if not options:
            return None
        item = choice(*(json_literal(o) for o in options))
        return Seq((Lit("["), item, _more(item))) if kind.is_list else item
    if kind.modality is not None and kind.modality is not Modality.TEXT:
        refs = state.refs(kind.modality)
        if not refs:
            return None
        item = choice(*(json_literal(r) for r in refs))
        return Seq((Lit("["), item, _more(item))) if kind.is_list else item
    if kind.modality is Modality.TEXT:
        literal = JsonString(exclude=REF, not_prefixes=state.file_names)
        refs = [json_literal(r) for r in state.refs(Modality.TEXT)]
        item = choice(*refs, literal) if refs else literal
        return Seq((Lit("["), item, _more(item))) if kind.is_list else item
    if "enum" in prop:
        return choice(*(json_literal(v) for v in prop["enum"]))
    typ = prop.get("type")
    if typ == "integer":
        return JsonNumber(integer=True)
    if typ == "number":
        return JsonNumber(integer=False)
    if typ == "boolean":
        return choice("true", "false")
    if typ == "string":
        return JsonString(exclude=REF)
    if typ == "array" and prop.get("items", {}).get("type") == "string":
        return Seq((Lit("["), JsonString(exclude=REF), _more(JsonString(exclude=REF))))
    return None


def _more(item: Grammar) -> Grammar:
    """The rest of a non-empty JSON list of `item`s (up to MAX_ITEMS in all)."""
    tail: Grammar = Lit("]")
    for _ in range(MAX_ITEMS - 1):
        tail = Choice((Lit("]"), Seq((Lit(","), item, tail))))
    return tail


class PlanWriter:
    """Drives a Decoder through one plan over a registry and the user's inputs."""

    def __init__(self, registry: Registry, inputs: Sequence[InputSpec], *,
                 tools: Sequence[str] | None = None, require_steps: bool = False,
                 asked: Sequence[Modality] = (), quotes: Sequence[str] = (),
                 named: Sequence[str] = (), max_steps: int = MAX_STEPS,
                 string_tokens: int = STRING_TOKENS) -> None:
        self.registry = registry
        self.inputs = list(inputs)
        self.quotes = tuple(quotes)
        """The URLs the request quotes (`quoted_urls`): what a verbatim argument may take
        besides an earlier step's verbatim result."""
        self.tools = [registry.get(n) for n in (tools if tools is not None else registry.names)]
        self.require_steps = require_steps
        self.asked = list(asked)
        """Media the request asks for back in so many words: "wants" must name them when
        the tools can make them."""
        self.named = list(dict.fromkeys(named))  # tools the request names, in its order
        self.steps_required = require_steps
        """Whether the last plan had to have a step (require_steps, where `write` holds it)."""
        self.max_steps = max_steps
        self.string_tokens = string_tokens
        self._settings = {t.name: setting_schema(t) for t in self.tools}
        self.reach = Reachability(self.tools)

    def reachable(self, have: set[Need], targets: Sequence[Modality], steps_left: int) -> bool:
        """Whether the offered tools can make every target within `steps_left` steps."""
        return self.reach.reachable(have, targets, steps_left)

    def can_make(self, media: Sequence[Modality]) -> bool:
        """Whether a plan over the offered tools can deliver every one of `media`."""
        have: set[Need] = {Modality.TEXT, *(s.modality for s in self.inputs)}
        if self.quotes:
            have.add(VERBATIM)
        return self.reachable(have, list(media), self.max_steps)

    def _have(self, state: _State) -> set[Need]:
        have: set[Need] = {Modality.TEXT, *(s.modality for s in state.sources)}
        if state.quotes or state.verbatim_refs():
            have.add(VERBATIM)
        return have

    def usable_tools(self, state: _State, targets: Sequence[Modality]) -> list[Tool[Any, Any]]:
        """Tools whose needs are met now, whose results can end up in the answer (as text or
        a wanted medium, directly or through other tools: a step whose results nothing can
        use would be dropped unseen), and after which every target not yet made can still
        be made in the steps left."""
        have = self._have(state)
        left = self.max_steps - state.steps - 1
        pending = [t for t in targets if not state.produced(t)]
        leads = self.reach.leading_to(frozenset({Modality.TEXT, *targets}))
        return [t for t in self.tools if self.reach.needs_of(t) <= have
                and self.reach.makes_of(t) & leads
                and all(_value_grammar(t, n, self._settings[t.name].get(n, {}), state)
                        is not None for n, i in t.Input.model_fields.items() if i.is_required())
                and self.reachable(have | self.reach.makes_of(t),
                                   [m for m in pending if m not in self.reach.makes_of(t)],
                                   left)]

    # -- writing ------------------------------------------------------------------------

    def write(self, dec: Decoder) -> str:
        """Write one plan; returns its JSON text.

        Each choice's options carry the fixed text that follows them up to the next choice,
        so the model picks among natural token sequences (`],"outputs"` rather than a bare
        `]`) and the decided rest is forced in one batch.
        """
        state = _State([_Source(f"@input{i}", s.modality) for i, s in enumerate(self.inputs)],
                       file_names=tuple(s.name for s in self.inputs), quotes=self.quotes)
        have = self._have(state)
        feasible = {w: self.reachable(have, parse_wants(w)[0], self.max_steps)
                    for w in wants_options(list(Modality))}
        # a router's "a tool is needed" cannot be honoured when no tool can run at all
        self.steps_required = self.require_steps and any(feasible.values())
        wants = [w for w, ok in feasible.items() if ok or (w == Modality.TEXT.value
                                                             and not self.steps_required)]
        # what the user asked for in so many words is delivered, when it can be made
        wants = honouring(wants, self.asked)
        dec.force('{"wants":"')
        chosen = _pick(dec, [w + '","steps":[' for w in wants])
        targets, words = parse_wants(chosen.split('"', 1)[0])
        # a router's "sure" cannot hold a words-only plan with no file: the words may be its own
        self.steps_required &= bool(words or targets != (Modality.TEXT,) or self.inputs)
        must_act = self.steps_required or words or targets != (Modality.TEXT,)
        while True:
            usable = self.usable_tools(state, targets) if state.steps < self.max_steps else []
            unnamed = [t for n in self.named for t in usable
                       if t.name == n and n not in state.tools]
            can_close = (all(state.produced(t) for t in targets) if state.steps
                         else not (must_act or unnamed))  # a named tool makes the plan act
            if can_close and state.steps:
                # an attached file no step has used yet: go on with a tool that takes it
                unused = state.unused_inputs()
                takers = [t for t in usable
                          if {s.modality for s in unused} & self.reach.takes_of(t)]
                if takers:
                    usable, can_close = takers, False
                    state.pressed |= {s.ref for s in unused}
            if can_close and state.steps and unnamed:
                # a named tool not used yet comes next: the first the request names
                usable, can_close = unnamed[:1], False
            if state.repeated:
                # a model writing a step it already wrote is looping: stop when the plan
                # may end, else go only for what is still missing
                missing = {t for t in targets if not state.produced(t)}
                usable = [] if can_close else (
                    [t for t in usable if self.reach.makes_of(t) & missing] or usable)
            opener = ("," if state.steps else "") + f'{{"id":"s{state.steps + 1}","tool":"'
            close = '],"outputs":[' if state.steps else '],"outputs":[]}'
            options = ([opener] if usable else []) + ([close] if can_close else [])
            assert options, "reachability keeps a way forward open"
            if _pick(dec, options) == close:
                break
            self._write_step(dec, state, usable)
        if state.steps:
            self._write_outputs(dec, state, targets)
        return dec.text

    def _write_step(self, dec: Decoder, state: _State, usable: list[Tool[Any, Any]]) -> None:
        """One step after its `"tool":"`, up to and including its closing brace."""
        state.steps += 1
        name = _pick(dec, [t.name + '","args":{' for t in usable]).split('"', 1)[0]
        tool = self.registry.get(name)
        start = len(dec.text)
        self._write_args(dec, tool, state)
        written = name + dec.text[start:]
        state.repeated |= written in state.written
        state.written.add(written)
        state.tools.add(name)
        state.used |= set(_REFERENCE.findall(dec.text[start:]))
        for out in content_fields(tool.Output):
            kind = field_kind(tool.Output, out)
            if kind.modality is not None:
                state.sources.append(_Source(f"@s{state.steps}.{out}", kind.modality,
                                             kind.verbatim, name in self.named))

    def _write_args(self, dec: Decoder, tool: Tool[Any, Any], state: _State) -> None:
        """The arguments object after its opening brace, up to and including the `}}` that
        closes it and its step.

        Keys are offered without their colon and values start with it, so the model can
        write the `":"` it would naturally write between them.
        """
        settings = self._settings[tool.name]
        writable = [(n, info.is_required(), g) for n, info in tool.Input.model_fields.items()
                    if (g := _value_grammar(tool, n, settings.get(n, {}), state)) is not None]

        def followers(start: int, first: bool) -> list[str]:
            """What may come next: an optional key, up to and including the next required
            one, or the closing braces once no required argument is left."""
            options = []
            for name, required, _ in writable[start:]:
                options.append(("" if first else ",") + json_literal(name))
                if required:
                    return options
            return [*options, "}}"]

        picked = _pick(dec, followers(0, True))
        while picked != "}}":
            name = json.loads(picked.lstrip(","))
            index = next(i for i, (n, _, _) in enumerate(writable) if n == name)
            grammar = writable[index][2]
            assert grammar is not None
            nexts = followers(index + 1, False)
            budget = self.string_tokens * (MAX_ITEMS if isinstance(grammar, Seq) else 1)
            text, complete = dec.generate(Seq((Lit(":"), grammar, choice(*nexts))), budget)
            if complete:
                picked = _follower(text[1:], nexts)
            else:
                dec.force(close_json(text[1:]))
                picked = _pick(dec, nexts)

    def _write_outputs(self, dec: Decoder, state: _State,
                       targets: Sequence[Modality]) -> None:
        """The output references after `"outputs":[`, up to the plan's closing brace.

        Something of every wanted modality is delivered, and no medium beyond them: a
        picture or a sound made on the way is not what the user asked for (text results, a
        transcript or a summary, may go with any answer; so may what a tool the request
        names makes). A step whose results no later step takes has one of them delivered
        when it can be."""
        allowed = {Modality.TEXT, *targets}
        produced = [s for s in state.sources if not s.ref.startswith("@input")
                    and (s.modality in allowed or s.named)]
        unseen = {_step_of(s.ref) for s in produced} - {_step_of(r) for r in state.used}
        chosen: list[_Source] = []
        while True:
            shown = {_step_of(s.ref) for s in chosen}
            done = all(any(s.modality is t for s in chosen)
                       or not any(s.modality is t for s in produced) for t in targets
                       ) and unseen <= shown
            left = [s for s in produced if s not in chosen]
            options = [("," if chosen else "") + json_literal(s.ref) for s in left]
            if (chosen and done) or not left or len(chosen) >= MAX_ITEMS:
                options = [*options[:MAX_ITEMS - len(chosen)], "]}"]
            picked = _pick(dec, options)
            if picked == "]}":
                return
            ref = json.loads(picked.lstrip(","))
            chosen.append(next(s for s in left if s.ref == ref))


_REFERENCE = re.compile(r'"(@(?:input\d+|s\d+(?:\.\w+)?))"')


def _step_of(ref: str) -> str:
    """The step id of a step reference ("@s2.text" -> "s2")."""
    return ref[1:].split(".", 1)[0]


def _pick(dec: Decoder, options: list[str]) -> str:
    """One of fixed options: forced when there is one, else the model's choice."""
    if len(options) == 1:
        dec.force(options[0])
        return options[0]
    text, complete = dec.generate(choice(*options), 24)
    if not complete:  # options are short; finish the one the model started
        rest = next(o for o in sorted(options, key=len) if o.startswith(text))[len(text):]
        dec.force(rest)
        text += rest
    return text


def _follower(text: str, followers: list[str]) -> str:
    """Which follower ends a value+follower text."""
    value_end = json.JSONDecoder().raw_decode(text)[1]
    follower = text[value_end:]
    assert follower in followers, (text, followers)
    return follower


def close_json(partial: str) -> str:
    """What closes a JSON value cut short (strings have no escapes: quotes can be counted)."""
    closing = '"' if partial.count('"') % 2 else ""
    outside = partial + closing
    text_outside = "".join(part for i, part in enumerate(outside.split('"')) if i % 2 == 0)
    if text_outside.rstrip().endswith(","):
        closing += '""'  # a list cut after a comma gets an empty last item
    return closing + "]" * (text_outside.count("[") - text_outside.count("]"))
