"""The LLM planner: turn a request into a validated plan, or answer it directly in text.

`LLMPlanner` works over any `ChatModel`. It prompts with the registry's tool catalog and
few-shot turns spelled as the writer writes plans. A model that can be driven token by
token (llama.cpp: `StepwiseChat`) writes through the `PlanWriter`, which can only produce
a valid plan. Any other model (a remote endpoint) decodes under the registry's JSON
schema; its plan is validated and the issues fed back for a bounded number of repairs
(instructor's "reask"), never accepting the plan it was just told is wrong. The plan
starts with "wants", what the user wants back. A plan with no steps means no tool is
needed; `answer` then replies in plain text without the tool prompt.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from modalswitch.agent.chat.constrained import StepwiseChat
from modalswitch.agent.plan.inputs import InputSpec, bind_input_names, quoted_urls
from modalswitch.agent.plan.model import Plan, Step, StepRef, refs_in, renamed_refs
from modalswitch.agent.plan.schema import WANTS_KEY, parse_wants, plan_json_schema
from modalswitch.agent.plan.validate import check_plan, output_modalities, validate_plan
from modalswitch.agent.planners.canonical import canonical_plan
from modalswitch.agent.planners.output_cues import OutputCues
from modalswitch.agent.planners.plan_writer import PlanWriter
from modalswitch.agent.planners.prompting import describe_inputs, load_prompt, tool_signature
from modalswitch.agent.planners.retrieval import ExampleIndex, ToolIndex
from modalswitch.agent.planners.settings_schema import clean_settings
from modalswitch.agent.planners.spoken_words import with_spoken_words
from modalswitch.agent.planners.tool_mentions import ToolMentions
from modalswitch.agent.trace.events import PlanAttempt
from modalswitch.agent.trace.tracer import Tracer
from modalswitch.errors import IssueKind, PlanError, PlanIssue, PlannerError
from modalswitch.tools.contract.chat import ChatModel, Message
from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.contract.modality import MEDIA, Modality
from modalswitch.tools.contract.registry import Registry


def complete_wants(raw: str, plan: Plan, registry: Registry,
                   inputs: Sequence[InputSpec]) -> Plan:
    """Finish a valid plan that falls short of its own "wants" by text converter steps.

    A small model often names the goal ("wants": "audio") and then stops at the text that
    should be spoken; asked to repair, it tends to write the same plan again. When the
    registry has a tool that turns text alone into a wanted medium (text_to_speech for
    audio) and the plan outputs text, the missing step is unambiguous, so it is added here
    (like `bind_input_names`) instead of costing another LLM call.
    """
    wanted = _wants(raw)
    if wanted is None:
        return plan
    for medium in wanted[0]:
        if medium in MEDIA:
            plan = _add_converter(plan, medium, registry, inputs)
    return plan


def _wants(raw: str) -> tuple[tuple[Modality, ...], bool] | None:
    """A plan text's parsed "wants", or None when it has none that parses."""
    try:
        value = json.loads(raw).get(WANTS_KEY)
        return parse_wants(value) if isinstance(value, str) else None
    except (json.JSONDecodeError, AttributeError, ValueError):
        return None


def _add_converter(plan: Plan, medium: Modality, registry: Registry,
                   inputs: Sequence[InputSpec]) -> Plan:
    """The plan with a text-to-`medium` step on its last text output, when it delivers no
    `medium` yet and the registry has such a converter."""
    if medium.value in output_modalities(plan, registry, inputs):
        return plan
    converter = next((t for t in registry.producing(medium)
                      if [n for n, f in t.Input.model_fields.items() if f.is_required()]
                      == ["text"] and field_kind(t.Input, "text").modality is Modality.TEXT),
                     None)
    texts = [o for o in plan.outputs
             if output_modalities(Plan(steps=plan.steps, outputs=[o]), registry, inputs)
             == [Modality.TEXT.value]]
    if converter is None or not texts:
        return plan
    ids = {s.id for s in plan.steps}
    step_id = next(f"s{n}" for n in range(len(ids) + 1, len(ids) + 100) if f"s{n}" not in ids)
    step = Step(id=step_id, tool=converter.name, args={"text": texts[-1]})
    completed = plan.model_copy(update={
        "steps": [*plan.steps, step],
        "outputs": [*plan.outputs, f"@{step_id}.{converter.primary_output}"]})
    return completed if not check_plan(completed, registry, inputs) else plan


def default_outputs(plan: Plan) -> Plan:
    """Fill in missing `outputs` with the results of the final steps (nobody consumes them)."""
    if plan.outputs or not plan.steps:
        return plan
    used = {dep for step in plan.steps for dep in step.dependencies()}
    return plan.model_copy(update={"outputs": [f"@{s.id}" for s in plan.steps
                                               if s.id not in used]})


def without_unused_steps(plan: Plan) -> Plan:
    """The plan without steps whose results reach neither its outputs nor a step that does.

    A small model sometimes adds a step and then delivers something else (a picture or a
    sound made on the way that the writer will not deliver, since the plan does not say
    it wants it); running it would only cost time. Ids are kept (they are names).
    """
    if not plan.outputs:
        return plan
    needed = {ref.step for out in plan.outputs for ref in refs_in(out)
              if isinstance(ref, StepRef)}
    for step in reversed(plan.steps):  # references point backwards: one pass suffices
        if step.id in needed:
            needed |= step.dependencies()
    kept = [s for s in plan.steps if s.id in needed]
    return plan if len(kept) == len(plan.steps) else plan.model_copy(update={"steps": kept})


def without_repeated_steps(plan: Plan) -> Plan:
    """The plan without steps that repeat an earlier one (the same tool on the same
    arguments, reading references to a repeat as references to its first), references to a
    repeat pointing at its first; its result would be the same. A small model that loses
    its way writes the same step again and again."""
    first: dict[str, str] = {}  # a repeat's id -> the id of the step it repeats
    seen: dict[str, str] = {}
    kept: list[Step] = []
    for step in plan.steps:
        args = {name: renamed_refs(value, first) for name, value in step.args.items()}
        key = json.dumps([step.tool, args], sort_keys=True)
        if key in seen:
            first[step.id] = seen[key]
            continue
        seen[key] = step.id
        kept.append(step.model_copy(update={"args": args}))
    if not first:
        return plan
    outputs = list(dict.fromkeys(renamed_refs(o, first) for o in plan.outputs))
    return plan.model_copy(update={"steps": kept, "outputs": outputs})


class LLMPlanner:
    """Plans with a chat model, constrained to the registry, with validation and repair."""

    def __init__(self, llm: ChatModel, registry: Registry, *, max_repairs: int = 2,
                 use_examples: bool = True, max_tokens: int = 512,
                 system_template: str | None = None,
                 example_cases: list[dict[str, Any]] | None = None,
                 writer: ChatModel | None = None, require_steps: bool = False,
                 compact: bool = False, examples: ExampleIndex | None = None, shots: int = 3,
                 tool_index: ToolIndex | None = None, tools_k: int = 10,
                 cues: OutputCues | None = None, mentions: ToolMentions | None = None,
                 fixed_demos: list[dict[str, Any]] | None = None) -> None:
        self.llm = llm
        self.compact = compact
        """Catalog lines without descriptions (a tuned model knows its tools): a short
        prompt, cheap to train on and to evaluate."""
        self.example_index = examples
        """Solved examples; the `shots` nearest a request are its few-shot turns."""
        self.shots = shots
        self.fixed_demos = [d for d in fixed_demos or []
                            if all(s["tool"] in registry for s in d["plan"]["steps"])]
        """Cases shown before the retrieved ones in every prompt: the same for every
        request, so their KV state is read once and kept with the system message's."""
        self.tool_index = tool_index
        """Narrows the tools offered to the `tools_k` a request most likely needs."""
        self.tools_k = tools_k
        self.cues = cues
        """Finds media the request asks for back in so many words; the plan must deliver
        them (a small model often plans text for "...and read it to me")."""
        self.mentions = mentions
        """Finds the tools a request names; a written plan does not end without them (a
        small model stops after the first of several things asked)."""
        self.require_steps = require_steps
        """Rule out the no-tool plan (set when a router is sure a tool is needed)."""
        self.writer = writer or llm
        """The model that answers in words and writes for text tools (the planning model
        unless given: a plan-tuned model keeps plans, a general one keeps its prose)."""
        self.registry = registry
        self.max_repairs = max_repairs
        self.use_examples = use_examples
        self.max_tokens = max_tokens
        """The token budget of a plan on the JSON-schema path."""
        self.system_template = system_template
        """A replacement for prompts/planner_system.md (with a `{tools}` slot)."""
        self.example_cases = example_cases
        """A replacement for prompts/planner_examples.json (request, inputs, plan)."""
        self.name = f"llm:{llm.name}"
        self._schemas: dict[tuple[tuple[Modality, ...], bool, tuple[Modality, ...]],
                           dict[str, Any]] = {}

    def schema_for(self, inputs: Sequence[InputSpec], require_steps: bool | None = None,
                   asked: Sequence[Modality] = ()) -> dict[str, Any]:
        """The JSON schema decoding is constrained to for these inputs (cached)."""
        modalities = tuple(spec.modality for spec in inputs)
        steps = self.require_steps if require_steps is None else require_steps
        key = (modalities, steps, tuple(asked))
        if key not in self._schemas:
            self._schemas[key] = plan_json_schema(self.registry, list(modalities), wants=True,
                                                  min_steps=int(steps), asked=asked)
        return self._schemas[key]

    @cached_property
    def system_prompt(self) -> str:
        """The planner's system prompt with this registry's catalog."""
        catalog = "\n".join(tool_signature(t, describe=not self.compact) for t in self.registry)
        template = self.system_template or load_prompt("planner_system.md")
        return template.format(tools=catalog)

    def example_cases_for(self, request: str, inputs: Sequence[InputSpec]) -> list[dict[str, Any]]:
        """The few-shot cases for a request: the fixed demonstrations, then the `shots`
        nearest solved examples when there is an index; without either, the fixed
        `example_cases` (else prompts/planner_examples.json)."""
        if not self.use_examples:
            return []
        if self.example_index is not None:
            if self.shots <= 0:
                return list(self.fixed_demos)
            shown = {d["request"] for d in self.fixed_demos} | {request}
            nearest = self.example_index.nearest(request, inputs, self.shots + len(shown),
                                                 exclude=request, tools=self.registry)
            picked = [e.as_case() for e in nearest if e.request not in shown]
            return [*self.fixed_demos, *picked[-self.shots:]]
        if self.fixed_demos:
            return list(self.fixed_demos)
        cases = (self.example_cases if self.example_cases is not None
                 else json.loads(load_prompt("planner_examples.json")))
        return [ex for ex in cases if all(s["tool"] in self.registry
                                          for s in ex["plan"]["steps"])]

    def example_turns(self, example: dict[str, Any]) -> list[Message]:
        """One example (request, inputs, plan) as a user and an assistant turn, the plan
        spelled exactly as the writer writes it."""
        specs = [InputSpec(n, Modality(m)) for n, m in example["inputs"]]
        return [{"role": "user", "content": self.user_message(example["request"], specs)},
                {"role": "assistant",
                 "content": canonical_plan(Plan.parse(example["plan"]), self.registry, specs)}]

    @staticmethod
    def user_message(request: str, inputs: Sequence[InputSpec]) -> str:
        """How a request and its inputs are put to the model."""
        return f"{describe_inputs(inputs)}\nRequest: {request}"

    def messages(self, request: str, inputs: Sequence[InputSpec]) -> list[Message]:
        """The full prompt for one request."""
        shots = [turn for ex in self.example_cases_for(request, inputs)
                 for turn in self.example_turns(ex)]
        return [{"role": "system", "content": self.system_prompt}, *shots,
                {"role": "user", "content": self.user_message(request, inputs)}]

    def plan(self, request: str, inputs: Sequence[InputSpec], tracer: Tracer | None = None,
             *, tools: Sequence[str] | None = None, require_steps: bool | None = None) -> Plan:
        """A valid plan: written step by step where the model allows it, else decoded under
        the JSON schema and repaired; words a voice is to say that are still to be written
        get a writing step, and what a voice says is shown too (spoken_words.py). `tools`
        limits the tools the plan may use."""
        steps = self.require_steps if require_steps is None else require_steps
        if tools is None and self.tool_index is not None:
            tools = self.tool_index.likely(request, inputs, self.tools_k)
        asked = self.cues.asked(request) if self.cues is not None else []
        if isinstance(self.llm, StepwiseChat):
            named = self.mentions.named(request) if self.mentions is not None else []
            plan = self._write(request, inputs, tracer, tools, steps, asked, named)
        else:
            plan = self._ask_and_repair(request, inputs, tracer, steps, asked)
        return with_spoken_words(plan, request, self.registry, inputs)

    def _write(self, request: str, inputs: Sequence[InputSpec], tracer: Tracer | None,
               tools: Sequence[str] | None, require_steps: bool,
               asked: Sequence[Modality], named: Sequence[str] = ()) -> Plan:
        assert isinstance(self.llm, StepwiseChat)
        start = time.perf_counter()
        quotes = quoted_urls(request)
        writer = PlanWriter(self.registry, inputs, tools=tools, require_steps=require_steps,
                            asked=asked, quotes=quotes, named=named)
        if tools is not None and asked and not writer.can_make(asked):
            # the medium asked for by name is worth every tool, not the narrowed few
            writer = PlanWriter(self.registry, inputs, require_steps=require_steps,
                                asked=asked, quotes=quotes, named=named)
        shared = 1 + 2 * len(self.fixed_demos) if self.use_examples else 1
        with self.llm.decoder(self.messages(request, inputs), shared=shared) as dec:
            text = writer.write(dec)
            tokens = (dec.prompt_tokens, dec.forced_tokens + dec.generated_tokens)
        plan = finish_plan(text, self.registry)
        issues = [str(i) for i in check_plan(plan, self.registry, inputs)]
        if tracer is not None:
            tracer.emit(PlanAttempt(span="planner", attempt=1, raw=text,
                                    prompt_tokens=tokens[0], completion_tokens=tokens[1],
                                    duration_s=round(time.perf_counter() - start, 4),
                                    issues=issues, asked=[m.value for m in asked],
                                    named=list(named)))
        if issues:  # the writer's guarantees were broken: a bug, said plainly
            raise PlannerError("the plan writer produced an invalid plan:\n"
                               + "\n".join(issues), PlanError(check_plan(
                                   plan, self.registry, inputs)))
        return plan

    def _ask_and_repair(self, request: str, inputs: Sequence[InputSpec],
                        tracer: Tracer | None, require_steps: bool,
                        asked: Sequence[Modality] = ()) -> Plan:
        messages = self.messages(request, inputs)
        schema = self.schema_for(inputs, require_steps, asked)
        last: PlanError | None = None
        rejected: set[str] = set()
        for attempt in range(1, self.max_repairs + 2):
            start = time.perf_counter()
            # a model that wrote a plan it was told is wrong gets some randomness to leave it
            temperature = 0.7 if attempt > 1 and last is not None and rejected else 0.0
            reply = self.llm.chat(messages, json_schema=schema, max_tokens=self.max_tokens,
                                  temperature=temperature)
            try:
                if reply.text.strip() in rejected:
                    raise PlanError([PlanIssue(IssueKind.MALFORMED, "this is the plan you were "
                                               "just told is wrong; write a different one")])
                plan = finish_plan(reply.text, self.registry, inputs)
                validate_plan(plan, self.registry, inputs)
                issues: list[str] = []
            except PlanError as exc:
                last, issues = exc, [str(i) for i in exc.issues]
                rejected.add(reply.text.strip())
            if tracer is not None:
                tracer.emit(PlanAttempt(span="planner", attempt=attempt, raw=reply.text,
                                        prompt_tokens=reply.prompt_tokens,
                                        completion_tokens=reply.completion_tokens,
                                        duration_s=round(time.perf_counter() - start, 4),
                                        issues=issues, asked=[m.value for m in asked]))
            if not issues:
                return complete_wants(reply.text, plan, self.registry, inputs)
            messages = [*messages, {"role": "assistant", "content": reply.text},
                        {"role": "user", "content": load_prompt("repair.md").format(
                            issues="\n".join(f"- {i}" for i in issues))}]
        raise PlannerError(f"no valid plan after {self.max_repairs + 1} attempt(s); "
                           f"last problems:\n{last}", last)

    def answer(self, request: str, inputs: Sequence[InputSpec]) -> str:
        """A plain text answer, with no tool prompt."""
        messages: list[Message] = [
            {"role": "system", "content": load_prompt("answer_system.md")},
            {"role": "user", "content": request if not inputs
             else f"{request}\n\n({describe_inputs(inputs)})"},
        ]
        return self.writer.chat(messages, max_tokens=512).text.strip()


def finish_plan(text: str, registry: Registry,
                inputs: Sequence[InputSpec] | None = None) -> Plan:
    """A decoded plan: parsed, its "wants" words flag kept, out-of-range optional settings
    dropped, input file names bound, missing outputs filled, and steps whose results reach
    no output dropped (PlanError if it is not JSON)."""
    plan = Plan.parse(text)
    wanted = _wants(text)
    if wanted is not None and wanted[1]:
        plan = plan.model_copy(update={"answer": True})
    if inputs is not None:
        plan = default_outputs(bind_input_names(plan, inputs, registry))
    plan = without_unused_steps(without_repeated_steps(plan))  # never seen, or seen twice
    return clean_settings(plan, registry) if all(s.tool in registry for s in plan.steps) \
        else plan
